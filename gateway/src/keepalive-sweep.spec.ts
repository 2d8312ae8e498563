/**
 * Small test. Real: an in-process Aedes broker on a loopback TCP port, devices speaking MQTT over
 * raw sockets (so that one can fall silent). Nothing is mocked.
 */
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Aedes, Client } from 'aedes';
import mqttPacket from 'mqtt-packet';
import { waitFor } from '../../tests/support/wait-for';
import { KeepaliveSweep } from './keepalive-sweep';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes: AedesBroker } = require('aedes');

describe('KeepaliveSweep', () => {
  let broker: Aedes;
  let server: Server;
  let sweep: KeepaliveSweep;
  const sockets: Socket[] = [];

  beforeEach(async () => {
    broker = await AedesBroker.createBroker();
    sweep = new KeepaliveSweep(100);
    broker.on('clientReady', (client: Client) => sweep.adopt(client));
    server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    sweep.stop();
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** A device that sends CONNECT with a keep-alive of `keepaliveS` and then only what it is told to. */
  async function device(
    clientId: string,
    keepaliveS: number,
  ): Promise<{ socket: Socket; closedAt: () => number }> {
    const { port } = server.address() as AddressInfo;
    const socket = tcpConnect(port, '127.0.0.1');
    sockets.push(socket);
    let closedAt = NaN;
    socket.on('close', () => (closedAt = performance.now()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    const connack = new Promise((resolve) => socket.once('data', resolve));
    socket.write(
      mqttPacket.generate({
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId,
        clean: true,
        keepalive: keepaliveS,
      }),
    );
    await connack;
    return { socket, closedAt: () => closedAt };
  }

  it('closes a device silent for 1.5 times its keep-alive, as its own timer did, and keeps one that pings', async () => {
    const timeouts: string[] = [];
    broker.on('keepaliveTimeout', (client: Client) => timeouts.push(client.id));
    const gone: string[] = [];
    let silentGoneAt = NaN;
    broker.on('clientDisconnect', (client: Client) => {
      gone.push(client.id);
      if (client.id === 'washer-silent') silentGoneAt = performance.now();
    });
    // adopted by the sweep on 'clientReady' (its listener comes first): the silence starts then
    let silentFrom = NaN;
    broker.on('clientReady', (client: Client) => {
      if (client.id === 'washer-silent') silentFrom = performance.now();
    });
    const silent = await device('washer-silent', 1);
    const pinging = await device('washer-pinging', 1);
    await waitFor(() => sweep.size === 2);
    const ping = setInterval(() => pinging.socket.write(mqttPacket.generate({ cmd: 'pingreq' })), 400);
    try {
      await waitFor(() => gone.length === 1, { timeoutMs: 5_000 });
      // not before 1.5 s of silence, and at most a sweep (plus a loaded machine's turns) after
      const silentFor = silentGoneAt - silentFrom;
      expect(silentFor).toBeGreaterThanOrEqual(1_500);
      expect(silentFor).toBeLessThan(2_600);
      expect(timeouts).toEqual(['washer-silent']);
      expect(gone).toEqual(['washer-silent']);
      // and the device sees its connection closed
      await waitFor(() => !Number.isNaN(silent.closedAt()));
      // the one that pings is still there two keep-alives later
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(Number.isNaN(pinging.closedAt())).toBe(true);
      expect(sweep.size).toBe(1);
    } finally {
      clearInterval(ping);
    }
    // a device that leaves takes its deadline with it; with none left the sweep stops looking
    pinging.socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
    await waitFor(() => gone.length === 2);
    await waitFor(() => sweep.size === 0);
    expect((sweep as unknown as { timer?: unknown }).timer).toBeUndefined();
  });

  it("takes the client's own timer away, and leaves a client without a keep-alive alone", async () => {
    const clients: Client[] = [];
    broker.on('clientReady', (client: Client) => clients.push(client));
    await device('fridge-1', 30);
    await device('fridge-2', 0);
    await waitFor(() => clients.length === 2);
    const timers = clients.map(
      (client) => (client as unknown as { _keepaliveTimer: unknown })._keepaliveTimer,
    );
    expect(timers[0]).not.toBeNull();
    expect(timers[0]).not.toHaveProperty('_onTimeout');
    expect(timers[1]).toBeNull();
    expect(sweep.size).toBe(1);
  });
});
