/**
 * Medium test. Real: an in-process Aedes MQTT broker on loopback, MQTT.js device connections, a
 * loopback HTTP server serving firmware images with Range, node:crypto Ed25519 keys, the wall
 * clock. The broker side plays the platform: it sends the commands and reads what devices publish.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createTcpServer,
  type Server as TcpServer,
  type Socket,
} from 'node:net';
import {
  commandAckSchema,
  eventMessageSchema,
  firmwareProgressSchema,
  parseDeviceTopic,
  statusMessageSchema,
} from '../../contracts/src';
import { waitFor } from '../../tests/support/wait-for';
import { buildFirmwareImage, FAULTY_FIRMWARE_ERROR_CODE } from './firmware-image';
import { FleetSimulator, type FleetDevice } from './fleet-simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes } = require('aedes');

interface Received {
  topic: string;
  payload: string;
}

const WASHER: FleetDevice = { id: 'sim-washer-1', secret: 'secret-washer-1', type: 'washer' };
const keys = generateKeyPairSync('ed25519');

async function startBroker() {
  const broker = await Aedes.createBroker({
    authenticate: (
      _client: unknown,
      username: string | undefined,
      password: Buffer | undefined,
      done: (e: Error | null, ok: boolean) => void,
    ) => done(null, username === WASHER.id && password?.toString() === WASHER.secret),
  });
  const received: Received[] = [];
  broker.on('publish', (packet: { topic: string; payload: Buffer }, client: unknown) => {
    if (client) received.push({ topic: packet.topic, payload: packet.payload.toString() });
  });
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    command: (id: string, name: string, args: Record<string, unknown>) =>
      new Promise<void>((resolve, reject) =>
        broker.publish(
          {
            cmd: 'publish',
            topic: `devices/${WASHER.id}/commands`,
            payload: Buffer.from(JSON.stringify({ id, name, args })),
            qos: 1,
            retain: false,
            dup: false,
          },
          (e?: Error) => (e ? reject(e) : resolve()),
        ),
      ),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** Serves each image at /{name} with Range support. */
async function serveImages(images: Record<string, Buffer>) {
  const server: Server = createServer((req, res) => {
    const image = images[(req.url ?? '').split('?')[0].slice(1)];
    if (!image) return void res.writeHead(404).end();
    const match = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
    if (!match) return void res.writeHead(200).end(image);
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), image.length - 1);
    res
      .writeHead(206, { 'content-range': `bytes ${start}-${end}/${image.length}` })
      .end(image.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    urlOf: (name: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}?token=t`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function updateArgs(image: Buffer, url: string, version: string) {
  return {
    campaignId: 'camp-1',
    imageId: `img-${version}`,
    version,
    url,
    size: image.length,
    sha256: createHash('sha256').update(image).digest('hex'),
    signature: sign(null, image, keys.privateKey).toString('base64'),
    chunkSize: 8 * 1024,
  };
}

const on = (received: Received[], channel: string) =>
  received.filter((m) => parseDeviceTopic(m.topic)?.channel === channel);
const ackOf = (received: Received[], id: string) =>
  on(received, 'commands/ack')
    .map((m) => commandAckSchema.parse(JSON.parse(m.payload)))
    .find((a) => a.id === id);
const progressOf = (received: Received[]) =>
  on(received, 'firmware').map((m) => firmwareProgressSchema.parse(JSON.parse(m.payload)));
const lastFw = (received: Received[]) =>
  statusMessageSchema.parse(JSON.parse(on(received, 'status').at(-1)?.payload ?? 'null')).fw;

describe('simulated device firmware updates over MQTT', () => {
  let broker: Awaited<ReturnType<typeof startBroker>>;
  let images: Awaited<ReturnType<typeof serveImages>>;
  let fleet: FleetSimulator;
  const faulty = buildFirmwareImage({ version: '2.2.0', faulty: true, size: 40 * 1024 });

  beforeEach(async () => {
    broker = await startBroker();
    images = await serveImages({ faulty });
    fleet = new FleetSimulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      devices: [WASHER],
      seed: 42,
      faultRate: 0,
      reportIntervalMs: 50,
      reconnectPeriodMs: 200,
      firmwarePublicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    await fleet.start();
    await waitFor(() => on(broker.received, 'status').length > 0, { what: 'retained status' });
  });

  afterEach(async () => {
    await fleet.stop();
    await images.close();
    await broker.close();
  });

  it('installs a faulty build that raises errors often, and stops raising them once rolled back', async () => {
    const code = FAULTY_FIRMWARE_ERROR_CODE.washer;
    const errorEvents = () =>
      on(broker.received, 'events').filter(
        (m) => eventMessageSchema.parse(JSON.parse(m.payload)).code === code,
      );
    expect(lastFw(broker.received)).toBe('1.4.2');

    await broker.command('up-1', 'firmware_update', updateArgs(faulty, images.urlOf('faulty'), '2.2.0'));
    await waitFor(() => lastFw(broker.received) === '2.2.0', { what: 'status fw 2.2.0' });
    expect(ackOf(broker.received, 'up-1')).toEqual({ id: 'up-1', ok: true, result: { accepted: true } });
    const states = progressOf(broker.received).map((p) => p.state);
    expect(states[0]).toBe('downloading');
    expect(states.slice(-3)).toEqual(['verifying', 'installing', 'installed']);
    expect(progressOf(broker.received).at(-1)).toMatchObject({ campaignId: 'camp-1', version: '2.2.0' });
    // Healthy, this washer raised nothing; on the faulty build, one error every few readings.
    const installedAt = broker.received.findIndex(
      (m) => m.topic.endsWith('/firmware') && m.payload.includes('"installed"'),
    );
    expect(errorEvents().filter((m) => broker.received.indexOf(m) < installedAt)).toHaveLength(0);
    const readingsAtInstall = on(broker.received, 'telemetry').length;
    await waitFor(() => on(broker.received, 'telemetry').length >= readingsAtInstall + 12);
    expect(errorEvents().length).toBeGreaterThanOrEqual(3);

    await broker.command('back-1', 'firmware_rollback', { campaignId: 'camp-1' });
    await waitFor(() => progressOf(broker.received).some((p) => p.state === 'rolled_back'));
    expect(ackOf(broker.received, 'back-1')).toEqual({
      id: 'back-1',
      ok: true,
      result: { version: '1.4.2' },
    });
    expect(progressOf(broker.received).at(-1)).toMatchObject({ state: 'rolled_back', version: '1.4.2' });
    await waitFor(() => lastFw(broker.received) === '1.4.2', { what: 'status fw back to 1.4.2' });

    const rolledBackAt = broker.received.findIndex(
      (m) => m.topic.endsWith('/firmware') && m.payload.includes('rolled_back'),
    );
    await waitFor(() => on(broker.received.slice(rolledBackAt), 'telemetry').length >= 12);
    expect(errorEvents().filter((m) => broker.received.indexOf(m) > rolledBackAt)).toHaveLength(0);
  });

  it('refuses an update it cannot trust or parse, and keeps its version', async () => {
    await broker.command('bad-1', 'firmware_update', { campaignId: 'camp-1', version: '2.2.0' });
    await broker.command('same-1', 'firmware_update', updateArgs(faulty, images.urlOf('faulty'), '1.4.2'));
    await waitFor(() => ackOf(broker.received, 'bad-1') && ackOf(broker.received, 'same-1'));
    expect(ackOf(broker.received, 'bad-1')).toMatchObject({
      ok: false,
      error: expect.stringContaining('invalid args'),
    });
    expect(ackOf(broker.received, 'same-1')).toEqual({
      id: 'same-1',
      ok: false,
      error: 'already running firmware 1.4.2',
    });

    const forged = {
      ...updateArgs(faulty, images.urlOf('faulty'), '2.2.0'),
      signature: sign(null, faulty, generateKeyPairSync('ed25519').privateKey).toString('base64'),
    };
    await broker.command('forged-1', 'firmware_update', forged);
    await waitFor(() => progressOf(broker.received).some((p) => p.state === 'failed'));
    expect(progressOf(broker.received).at(-1)).toMatchObject({ state: 'failed', error: 'bad signature' });
    expect(lastFw(broker.received)).toBe('1.4.2');
  });
});
