import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { MqttGateway } from '../../gateway/src/mqtt-gateway';

/** The device secret the brokers of `gatewayFixture` accept, for any device id. */
export const DEVICE_SECRET = 'right-secret';

/**
 * MqttGateway brokers on 127.0.0.1 (free ports) that let in any device with DEVICE_SECRET, and
 * MQTT.js devices connected to them; `closeAll` ends the devices, then the brokers.
 */
export function gatewayFixture() {
  const gateways: MqttGateway[] = [];
  const clients: MqttClient[] = [];
  return {
    async startGateway(options: { redisUrl?: string; logger?: Logger } = {}): Promise<MqttGateway> {
      const gateway = new MqttGateway({
        host: '127.0.0.1',
        mqttPort: 0,
        authenticator: { authenticate: (_id, secret) => Promise.resolve(secret === DEVICE_SECRET) },
        onMessage: () => undefined,
        ...options,
      });
      gateways.push(gateway);
      await gateway.start();
      return gateway;
    },
    /** A device connected with its id as username and client id, MQTT 3.1.1, no reconnect. */
    async connect(gateway: MqttGateway, deviceId: string): Promise<MqttClient> {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.port}`, {
        protocolVersion: 4,
        username: deviceId,
        password: DEVICE_SECRET,
        clientId: deviceId,
        reconnectPeriod: 0,
      });
      clients.push(client);
      return client;
    },
    async closeAll(): Promise<void> {
      for (const client of clients) await client.endAsync(true);
      for (const gateway of gateways) await gateway.stop();
    },
  };
}
