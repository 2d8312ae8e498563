/**
 * Medium test of closing a device's sessions from any broker instance (a revoked certificate).
 * Real: a redis-server, two MqttGateway brokers sharing it (mqemitter-redis), MQTT.js clients
 * over loopback TCP.
 */
import { gatewayFixture } from '../../tests/support/mqtt-gateways';
import { startRedis, type RedisServer } from '../../tests/support/redis-server';
import { waitFor } from '../../tests/support/wait-for';

describe('closing a device session on every broker', () => {
  let redis: RedisServer;
  const { startGateway: start, connect, closeAll } = gatewayFixture();
  const startGateway = (redisUrl?: string) => start({ redisUrl });

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterAll(async () => {
    await closeAll();
    await redis?.stop();
  });

  it("closes the device's connection on the other broker, and only that device's", async () => {
    const [one, two] = [await startGateway(redis.url), await startGateway(redis.url)];
    const target = await connect(one, 'washer-target');
    const bystander = await connect(one, 'washer-bystander');
    const closed = new Promise<void>((resolve) => target.once('close', () => resolve()));

    await two.disconnectDeviceEverywhere('washer-target');
    await closed;
    await bystander.publishAsync('devices/washer-bystander/status', JSON.stringify({ online: true }), {
      qos: 1,
    });
    expect(bystander.connected).toBe(true);
  });

  it('closes only the sessions of the given certificate; without Redis on its own broker', async () => {
    const alone = await startGateway();
    const device = await connect(alone, 'fridge-1');
    // a secret login has no certificate: a certificate-scoped request leaves it alone
    await alone.disconnectDeviceEverywhere('fridge-1', { certificateSerial: 'ABC' });
    await alone.disconnectDeviceEverywhere('fridge-2');
    // a QoS 1 round trip after those requests were handled: the connection is still up
    await device.publishAsync('devices/fridge-1/status', JSON.stringify({ online: true }), { qos: 1 });
    expect(device.connected).toBe(true);
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    await alone.disconnectDeviceEverywhere('fridge-1');
    await closed;
    await waitFor(() => alone.connectedClients() === 0, { what: 'no client left' });
  });
});
