/**
 * Small test. Real: an in-process Aedes broker on a loopback TCP port, MQTT.js clients and a raw
 * socket speaking MQTT. The only change to the broker is a slower unsubscribe, so that an old
 * connection's close takes long enough for new connections of its id to overlap it.
 */
import { createServer, connect as connectTcp, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Aedes, Client } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { generate } from 'mqtt-packet';
import { waitFor } from '../../tests/support/wait-for';
import { guardClientTakeover } from './client-takeover';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes: AedesBroker } = require('aedes');

type Internals = Aedes & { clients: Record<string, Client & { closed: boolean }> };

const CLOSE_DELAY_MS = 150;

describe.each([
  ['guarded', true],
  ['aedes alone: the races the guard is for', false],
])('connections of one client id overlapping, %s', (_, guarded) => {
  let broker: Internals;
  let server: Server;
  let port: number;
  const clients: MqttClient[] = [];
  const sockets: Socket[] = [];
  let registered = 0;
  let announcedGone = 0;

  beforeEach(async () => {
    broker = (await AedesBroker.createBroker()) as Internals;
    if (guarded) guardClientTakeover(broker);
    // A slow unsubscribe: a client with a subscription takes CLOSE_DELAY_MS to close.
    const unsubscribe = broker.unsubscribe.bind(broker);
    broker.unsubscribe = (topic: string, fn: never, done: () => void) =>
      setTimeout(() => unsubscribe(topic, fn, done), CLOSE_DELAY_MS);
    registered = 0;
    announcedGone = 0;
    broker.on('client', () => registered++);
    broker.on('clientDisconnect', () => announcedGone++);
    server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.end(true);
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function connected(clientId: string): Promise<MqttClient> {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId, reconnectPeriod: 0, clean: true });
    client.on('error', () => undefined);
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return client;
  }

  /** A raw connection that sends CONNECT for clientId. */
  function rawConnect(clientId: string): Socket {
    const socket = connectTcp(port, '127.0.0.1');
    socket.on('error', () => undefined);
    sockets.push(socket);
    socket.write(
      generate({
        cmd: 'connect',
        clientId,
        protocolId: 'MQTT',
        protocolVersion: 4,
        clean: true,
        keepalive: 30,
      }),
    );
    return socket;
  }

  const live = () => Object.values(broker.clients).filter((client) => !client.closed);

  it('keeps no connection that closed while the old one of its id was closing, and counts right after', async () => {
    const old = await connected('washer-7');
    await old.subscribeAsync('devices/washer-7/commands');
    // The new connection takes over: the old one starts closing (slowly), and the new one,
    // waiting for it, gives up before it is registered.
    const registering = new Promise<void>((resolve) => broker.once('clientReady', () => resolve()));
    const newer = rawConnect('washer-7');
    await registering;
    newer.destroy();
    await new Promise((resolve) => setTimeout(resolve, CLOSE_DELAY_MS * 3));

    const expectGuarded = () => {
      expect(broker.connectedClients).toBe(0);
      expect(broker.clients['washer-7']).toBeUndefined();
    };
    if (guarded) expectGuarded();
    else expect(expectGuarded).toThrow();

    // The device comes back: one client, counted once.
    await connected('washer-7');
    await waitFor(() => live().length === 1, { what: 'the returning device registered' });
    if (guarded) expect(broker.connectedClients).toBe(1);
    else expect(broker.connectedClients).toBeGreaterThan(1);
  });

  it('leaves one live connection, counted once, when two new ones waited for the same old one', async () => {
    const old = await connected('fridge-3');
    await old.subscribeAsync('devices/fridge-3/commands');
    const first = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'fridge-3', reconnectPeriod: 0 });
    const second = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'fridge-3', reconnectPeriod: 0 });
    for (const client of [first, second]) {
      client.on('error', () => undefined);
      clients.push(client);
    }
    await new Promise((resolve) => setTimeout(resolve, CLOSE_DELAY_MS * 3));
    const open = [first, second].filter((client) => client.connected);

    if (guarded) {
      expect(open).toHaveLength(1);
      expect(broker.connectedClients).toBe(1);
      expect(live()).toHaveLength(1);
      // Every registration is announced gone once its connection closes.
      open[0].end(true);
      await waitFor(() => broker.connectedClients === 0, { what: 'the last connection counted out' });
      expect(announcedGone).toBe(registered);
      expect(broker.clients['fridge-3']).toBeUndefined();
    } else {
      expect(open).toHaveLength(2);
      expect(broker.connectedClients).toBe(2);
    }
  });
});
