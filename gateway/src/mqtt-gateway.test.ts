/**
 * Medium test. Real: an Aedes broker started by MqttGateway on 127.0.0.1 (free ports), MQTT.js
 * clients over TCP and WebSocket, a node http server routing upgrades, and Debian's
 * mosquitto_pub as an outside client. Fake: the device authenticator (an in-memory map) and
 * the clock.
 */
import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo, connect as tcpConnect } from 'node:net';
import { connect, connectAsync, IClientOptions, MqttClient } from 'mqtt';
import { Counter, Registry } from 'prom-client';
import { topics } from '../../contracts/src';
import { waitFor } from '../../tests/support/wait-for';
import { DeviceAuthenticator, InboundDeviceMessage, MQTT_WS_PATH, MqttGateway } from './index';

// mqtt-packet's cache of a buffer per packet id (filled at the first packet written, unless off)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packetIdCache = (require('mqtt-packet/numbers') as { cache: Record<number, Buffer> }).cache;

const SECRETS: Record<string, string> = { 'washer-1': 's3cret-1', 'fridge-2': 's3cret-2' };
const SERVICE = { username: 'platform-service', password: 'service-password-123' };
const CLOCK_MS = 1_750_000_000_000;

class FakeAuthenticator implements DeviceAuthenticator {
  authenticate(deviceId: string, secret: string): Promise<boolean> {
    return Promise.resolve(SECRETS[deviceId] === secret);
  }
}

interface Harness {
  gateway: MqttGateway;
  registry: Registry;
  messages: InboundDeviceMessage[];
  presence: Array<{ deviceId: string; online: boolean; atMs: number }>;
  clients: MqttClient[];
}

let h: Harness;

/** aedes' persistence, as far as reading its retained messages goes. */
interface RetainedStore {
  createRetainedStream(pattern: string): AsyncIterable<{ payload: Buffer }>;
}

async function startGateway(
  overrides: { wsPort?: number; durable?: ConstructorParameters<typeof MqttGateway>[0]['durable'] } = {},
): Promise<Harness> {
  const registry = new Registry();
  const messages: InboundDeviceMessage[] = [];
  const presence: Harness['presence'] = [];
  const gateway = new MqttGateway({
    host: '127.0.0.1',
    mqttPort: 0,
    authenticator: new FakeAuthenticator(),
    onMessage: (message) => messages.push(message),
    onPresence: (deviceId, online, atMs) => presence.push({ deviceId, online, atMs }),
    serviceCredentials: SERVICE,
    registry,
    clock: () => CLOCK_MS,
    ...overrides,
  });
  await gateway.start();
  return { gateway, registry, messages, presence, clients: [] };
}

async function connectClient(
  options: IClientOptions,
  url = `mqtt://127.0.0.1:${h.gateway.port}`,
): Promise<MqttClient> {
  const client = await connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  h.clients.push(client);
  return client;
}

function connectDevice(deviceId: string, extra: IClientOptions = {}): Promise<MqttClient> {
  return connectClient({ username: deviceId, password: SECRETS[deviceId], ...extra });
}

async function counterValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = h.registry.getSingleMetric(name) as Counter | undefined;
  if (!metric) throw new Error(`metric ${name} not registered`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

function nextMessage(
  client: MqttClient,
): Promise<{ topic: string; payload: Buffer; qos: number; retain: boolean }> {
  return new Promise((resolve) =>
    client.once('message', (topic, payload, packet) =>
      resolve({ topic, payload, qos: packet.qos, retain: packet.retain }),
    ),
  );
}

function runMosquittoPub(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    execFile('/usr/bin/mosquitto_pub', args, { timeout: 10_000 }, (error) => {
      resolve(error ? (typeof error.code === 'number' ? error.code : -1) : 0);
    });
  });
}

beforeEach(async () => {
  h = await startGateway();
});

afterEach(async () => {
  await Promise.all(h.clients.map((client) => client.endAsync(true)));
  await h.gateway.stop();
});

describe('MqttGateway authentication', () => {
  it('refuses a wrong secret, an unknown device and missing credentials, counting each', async () => {
    await expect(connectClient({ username: 'washer-1', password: 'wrong' })).rejects.toMatchObject({
      code: 4,
    });
    await expect(connectClient({ username: 'nobody', password: 'whatever' })).rejects.toMatchObject({
      code: 4,
    });
    await expect(connectClient({})).rejects.toMatchObject({ code: 5 });
    expect(await counterValue('mqtt_auth_failures_total')).toBe(3);
    expect(h.gateway.connectedClients()).toBe(0);
  });

  it('accepts a device with any client id and reports it online', async () => {
    await connectDevice('washer-1', { clientId: 'firmware-abc' });
    expect(h.gateway.connectedClients()).toBe(1);
    await waitFor(() => h.presence.length === 1);
    expect(h.presence).toEqual([{ deviceId: 'washer-1', online: true, atMs: CLOCK_MS }]);
    expect(await h.registry.getSingleMetricAsString('mqtt_clients_connected')).toContain(
      'mqtt_clients_connected 1',
    );
  });
});

describe('MqttGateway device traffic', () => {
  it('passes a QoS 1 telemetry publish to onMessage unparsed, with a PUBACK', async () => {
    const device = await connectDevice('washer-1');
    const payload = '{"ts":1,"seq":1,"metrics":{"drumVibrationMmS":2.5}}';
    const acks: string[] = [];
    device.on('packetreceive', (packet) => acks.push(packet.cmd));
    await device.publishAsync(topics.telemetry('washer-1'), payload, { qos: 1 });
    expect(acks).toEqual(['puback']);
    expect(h.messages).toHaveLength(1);
    expect(h.messages[0]).toMatchObject({
      deviceId: 'washer-1',
      channel: 'telemetry',
      topic: 'devices/washer-1/telemetry',
      receivedAtMs: CLOCK_MS,
    });
    expect(h.messages[0].payload.toString()).toBe(payload);
    expect(await counterValue('mqtt_messages_received_total')).toBe(1);
  });

  it('passes invalid JSON through too: validation belongs to the platform', async () => {
    const device = await connectDevice('washer-1');
    await device.publishAsync(topics.events('washer-1'), 'not json', { qos: 1 });
    expect(h.messages.map((m) => [m.channel, m.payload.toString()])).toEqual([['events', 'not json']]);
  });

  it("refuses a publish to another device's topic: not delivered, connection closed, counted", async () => {
    const watcher = await connectClient(SERVICE);
    await watcher.subscribeAsync('devices/#', { qos: 1 });
    const spoofed: string[] = [];
    watcher.on('message', (topic) => spoofed.push(topic));
    const device = await connectDevice('washer-1');
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(topics.telemetry('fridge-2'), '{"ts":1,"seq":1,"metrics":{}}', { qos: 1 });
    await closed;
    expect(h.messages).toHaveLength(0);
    expect(spoofed).toHaveLength(0);
    expect(await counterValue('mqtt_acl_denials_total', { action: 'publish' })).toBe(1);
  });

  it('refuses a publish outside the device protocol, e.g. to its own commands topic', async () => {
    const device = await connectDevice('washer-1');
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(topics.commands('washer-1'), '{}', { qos: 1 });
    await closed;
    expect(h.messages).toHaveLength(0);
    expect(await counterValue('mqtt_acl_denials_total', { action: 'publish' })).toBe(1);
  });

  it("grants only the device's own commands topic", async () => {
    const device = await connectDevice('washer-1');
    const suback = new Promise<number[]>((resolve) =>
      device.on('packetreceive', (packet) => {
        if (packet.cmd === 'suback') resolve(packet.granted as number[]);
      }),
    );
    // MQTT.js rejects a SUBACK holding any failure grant; the grants themselves are what matter.
    await device
      .subscribeAsync({
        [topics.commands('washer-1')]: { qos: 1 },
        [topics.commands('fridge-2')]: { qos: 1 },
        'devices/#': { qos: 0 },
      })
      .catch(() => undefined);
    expect(await suback).toEqual([1, 128, 128]);
    expect(await counterValue('mqtt_acl_denials_total', { action: 'subscribe' })).toBe(2);
  });

  it('delivers a command at QoS 1 and passes its ack to onMessage', async () => {
    const device = await connectDevice('washer-1');
    await device.subscribeAsync(topics.commands('washer-1'), { qos: 1 });
    const received = nextMessage(device);
    await h.gateway.publishCommand('washer-1', { id: 'cmd-1', name: 'self_test' });
    const command = await received;
    expect(command.qos).toBe(1);
    expect(JSON.parse(command.payload.toString())).toEqual({ id: 'cmd-1', name: 'self_test' });

    await device.publishAsync(topics.commandAck('washer-1'), '{"id":"cmd-1","ok":true}', { qos: 1 });
    expect(h.messages).toHaveLength(1);
    expect(h.messages[0]).toMatchObject({ deviceId: 'washer-1', channel: 'commands/ack' });
    // packets with an id were written (SUBACK, the command), without mqtt-packet's 6.3 MB cache
    expect(Object.keys(packetIdCache)).toHaveLength(0);
  });

  it('keeps a command for a device whose session is kept while it is offline, and only for that device', async () => {
    const options = { clean: false, clientId: 'washer-1-board' };
    const device = await connectDevice('washer-1', options);
    await device.subscribeAsync(topics.commands('washer-1'), { qos: 1 });
    const other = await connectDevice('fridge-2', { clean: false, clientId: 'fridge-2-board' });
    await other.subscribeAsync(topics.commands('fridge-2'), { qos: 1 });
    const otherGot: string[] = [];
    other.on('message', (_topic, payload) => otherGot.push(payload.toString()));
    await device.endAsync();

    await h.gateway.publishCommand('washer-1', { id: 'cmd-offline', name: 'self_test' });
    // back with its kept session: the command follows the CONNACK, without a new subscribe
    const back = connect(`mqtt://127.0.0.1:${h.gateway.port}`, {
      username: 'washer-1',
      password: SECRETS['washer-1'],
      ...options,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    h.clients.push(back);
    const queued = await nextMessage(back);
    expect(queued.topic).toBe(topics.commands('washer-1'));
    expect(JSON.parse(queued.payload.toString())).toMatchObject({ id: 'cmd-offline' });
    // its kept subscription is live again: the next command arrives too
    const live = nextMessage(back);
    await h.gateway.publishCommand('washer-1', { id: 'cmd-live', name: 'self_test' });
    expect(JSON.parse((await live).payload.toString())).toMatchObject({ id: 'cmd-live' });
    expect(otherGot).toEqual([]);
  });

  it('delivers packets between 64 and 256 KiB and closes the connection on larger ones', async () => {
    const device = await connectDevice('washer-1');
    await device.publishAsync(topics.telemetry('washer-1'), Buffer.alloc(100 * 1024, 'a'), { qos: 1 });
    expect(h.messages[0].payload.length).toBe(100 * 1024);

    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish(topics.telemetry('washer-1'), Buffer.alloc(300 * 1024, 'b'), { qos: 1 });
    await closed;
    expect(h.messages).toHaveLength(1);
  });
});

describe('MqttGateway presence and will', () => {
  it('publishes the retained will when a device drops, and reports it offline', async () => {
    const device = await connectDevice('washer-1', {
      will: {
        topic: topics.status('washer-1'),
        payload: Buffer.from('{"online":false}'),
        qos: 1,
        retain: true,
      },
    });
    await device.publishAsync(topics.status('washer-1'), '{"online":true,"fw":"1.2.0"}', {
      qos: 1,
      retain: true,
    });
    device.stream.destroy();
    await waitFor(() => h.presence.some((p) => !p.online));
    expect(h.presence.map((p) => p.online)).toEqual([true, false]);
    expect(h.messages.map((m) => m.payload.toString())).toEqual([
      '{"online":true,"fw":"1.2.0"}',
      '{"online":false}',
    ]);

    const service = await connectClient(SERVICE);
    const retained = nextMessage(service);
    await service.subscribeAsync(topics.status('washer-1'), { qos: 1 });
    const status = await retained;
    expect(status.retain).toBe(true);
    expect(status.payload.toString()).toBe('{"online":false}');
  });

  it("keeps a device's retained status as its own bytes, not in the socket chunk it came in nor in a Buffer", async () => {
    const device = await connectDevice('washer-1');
    const status = '{"online":true,"fw":"1.2.0","ts":1750000000000}';
    // the status and a burst of readings in one write, so one socket chunk holds them all
    const written = new Promise<void>((resolve) => {
      device.publish(topics.status('washer-1'), status, { qos: 1, retain: true });
      for (let seq = 1; seq <= 20; seq++) {
        device.publish(topics.telemetry('washer-1'), JSON.stringify({ seq, drumRpm: 800 + seq }), { qos: 1 });
      }
      device.once('packetreceive', () => resolve());
    });
    await written;
    await waitFor(() => h.messages.length === 21);
    const broker = (h.gateway as unknown as { broker: { persistence: RetainedStore } }).broker;
    const kept: Array<{ payload: Buffer }> = [];
    for await (const packet of broker.persistence.createRetainedStream(topics.status('washer-1')))
      kept.push(packet);
    expect(kept).toHaveLength(1);
    expect(kept[0].payload.toString()).toBe(status);
    // kept as a string of its own bytes: nothing of the chunk it came in, no buffer of its own
    const keptRecords = (
      broker.persistence as unknown as { asyncPersistence: { retained: Map<string, { payload: unknown }> } }
    ).asyncPersistence.retained;
    expect(keptRecords.get(topics.status('washer-1'))?.payload).toBe(status);

    // and a later subscriber still gets it as sent
    const service = await connectClient(SERVICE);
    const retained = nextMessage(service);
    await service.subscribeAsync(topics.status('washer-1'), { qos: 1 });
    expect((await retained).payload.toString()).toBe(status);
  });

  it('lets a newer connection of the same device win without an offline blip or its old will', async () => {
    const will = {
      topic: topics.status('washer-1'),
      payload: Buffer.from('{"online":false}'),
      qos: 1 as const,
      retain: true,
    };
    const older = await connectDevice('washer-1', { clientId: 'first', will });
    const olderClosed = new Promise<void>((resolve) => older.once('close', () => resolve()));
    await connectDevice('washer-1', { clientId: 'second', will });
    await olderClosed;
    const sameId = await connectDevice('washer-1', { clientId: 'second', will });
    await waitFor(() => h.presence.length === 3);
    expect(h.presence.map((p) => p.online)).toEqual([true, true, true]);
    expect(h.messages).toHaveLength(0); // neither superseded will was published
    expect(h.gateway.connectedClients()).toBe(1);

    await sameId.endAsync();
    await waitFor(() => h.presence.length === 4);
    expect(h.presence[3]).toMatchObject({ deviceId: 'washer-1', online: false });
  });
});

describe('MqttGateway over WebSocket', () => {
  it('serves MQTT on /mqtt of a server it does not own, leaving other upgrades alone', async () => {
    const server: Server = createServer();
    const otherUpgrades: string[] = [];
    server.on('upgrade', (req, socket, head) => {
      if (req.url === MQTT_WS_PATH) h.gateway.handleUpgrade(req, socket, head);
      else {
        otherUpgrades.push(req.url ?? '');
        socket.destroy();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const device = await connectClient(
        { username: 'fridge-2', password: SECRETS['fridge-2'] },
        `ws://127.0.0.1:${port}/mqtt`,
      );
      await device.publishAsync(topics.telemetry('fridge-2'), '{"ts":1,"seq":1,"metrics":{}}', { qos: 1 });
      expect(h.messages.map((m) => m.deviceId)).toEqual(['fridge-2']);
      expect(otherUpgrades).toEqual([]);
      await device.endAsync();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves MQTT on its own wsPort', async () => {
    await h.gateway.stop();
    h = await startGateway({ wsPort: 0 });
    const device = await connectClient(
      { username: 'washer-1', password: SECRETS['washer-1'] },
      `ws://127.0.0.1:${h.gateway.wsBoundPort}/mqtt`,
    );
    await device.publishAsync(topics.events('washer-1'), '{"ts":1,"seq":1,"code":"E21"}', { qos: 1 });
    expect(h.messages.map((m) => m.channel)).toEqual(['events']);
  });
});

describe('MqttGateway with mosquitto_pub', () => {
  it('receives a QoS 1 publish from an outside client and refuses a wrong password', async () => {
    const base = ['-h', '127.0.0.1', '-p', String(h.gateway.port), '-V', 'mqttv311', '-q', '1'];
    const topic = topics.telemetry('washer-1');
    const ok = await runMosquittoPub([...base, '-u', 'washer-1', '-P', 'wrong', '-t', topic, '-m', 'x']);
    expect(ok).not.toBe(0);
    const exitCode = await runMosquittoPub([
      ...base,
      '-u',
      'washer-1',
      '-P',
      SECRETS['washer-1'],
      '-t',
      topic,
      '-m',
      '{"ts":5}',
    ]);
    expect(exitCode).toBe(0);
    expect(h.messages.map((m) => [m.deviceId, m.payload.toString()])).toEqual([['washer-1', '{"ts":5}']]);
  });
});

describe('MqttGateway.start', () => {
  it('fails on a port in use and leaves nothing running', async () => {
    const clash = new MqttGateway({
      host: '127.0.0.1',
      mqttPort: h.gateway.port,
      authenticator: new FakeAuthenticator(),
      onMessage: () => undefined,
    });
    await expect(clash.start()).rejects.toThrow('EADDRINUSE');
    expect(clash.connectedClients()).toBe(0);
  });
});

describe('MqttGateway.stop', () => {
  it('closes clients and listeners, and can be called twice', async () => {
    const device = await connectDevice('washer-1');
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const port = h.gateway.port;
    await h.gateway.stop();
    await closed;
    await h.gateway.stop();
    expect(h.gateway.connectedClients()).toBe(0);
    const refused = await new Promise<string>((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await expect(h.gateway.publishCommand('washer-1', { id: 'c', name: 'reboot' })).rejects.toThrow(
      'not running',
    );
  });
});

describe('MqttGateway durable acknowledgement', () => {
  it('sends the PUBACK of a QoS 1 publish on a durable channel only once it is made durable', async () => {
    await h.gateway.stop();
    const durable: InboundDeviceMessage[] = [];
    let makeDurable: () => void = () => undefined;
    h = await startGateway({
      durable: {
        channels: ['telemetry'],
        accept: (message, done) => {
          durable.push(message);
          makeDurable = () => done();
        },
      },
    });
    const device = await connectDevice('washer-1');
    let acked = false;
    const publishing = device.publishAsync(topics.telemetry('washer-1'), '{"seq":1}', { qos: 1 }).then(() => {
      acked = true;
    });
    await waitFor(() => durable.length === 1 || undefined, { what: 'the durable hand-over' });
    // Another round trip: had the broker acknowledged, the PUBACK would be here by now.
    await device.publishAsync(topics.events('washer-1'), '{"seq":2}', { qos: 1 });
    expect(acked).toBe(false);
    makeDurable();
    await publishing;
    expect(durable[0]).toMatchObject({ deviceId: 'washer-1', channel: 'telemetry', receivedAtMs: CLOCK_MS });
    expect(durable[0].payload.toString()).toBe('{"seq":1}');
    // Handed over once: onMessage only saw the other channel.
    expect(h.messages.map((m) => m.channel)).toEqual(['events']);
  });

  it('skips the publish pipeline only while nobody could receive the message: subscribers, kept sessions and retained messages still get it', async () => {
    await h.gateway.stop();
    h = await startGateway({ durable: { channels: ['telemetry'], accept: (_message, done) => done() } });
    const skipped = () => counterValue('mqtt_publish_pipeline_skipped_total');
    const device = await connectDevice('washer-1');
    const publish = (seq: number, retain = false) =>
      device.publishAsync(topics.telemetry('washer-1'), `{"seq":${seq}}`, { qos: 1, retain });
    // A device listening for its commands, as every device does, cannot receive readings.
    await device.subscribeAsync(topics.commands('washer-1'), { qos: 1 });
    await publish(1);
    expect(await skipped()).toBe(1);

    // A tool subscribed to every device's telemetry gets each reading; the pipeline runs for it.
    const tool = await connectClient({ ...SERVICE, clientId: 'tool-live' });
    await tool.subscribeAsync('devices/+/telemetry', { qos: 1 });
    const live = nextMessage(tool);
    await publish(2);
    expect((await live).payload.toString()).toBe('{"seq":2}');
    expect(await skipped()).toBe(1);
    await tool.unsubscribeAsync('devices/+/telemetry');
    await publish(3);
    expect(await skipped()).toBe(2);

    // A session kept for an offline subscriber (clean: false) is queued its readings.
    const kept = await connectClient({ ...SERVICE, clientId: 'tool-kept', clean: false });
    await kept.subscribeAsync('$share/tools/devices/washer-1/#', { qos: 1 });
    await kept.subscribeAsync('devices/washer-1/telemetry', { qos: 1 });
    await kept.endAsync();
    await publish(4);
    expect(await skipped()).toBe(2);
    // listening before the CONNACK: the queued message follows it at once
    const back = connect(`mqtt://127.0.0.1:${h.gateway.port}`, {
      ...SERVICE,
      clientId: 'tool-kept',
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    h.clients.push(back);
    const queued = nextMessage(back);
    expect((await queued).payload.toString()).toBe('{"seq":4}');
    await back.endAsync();
    // The same client id with a clean session ends the kept one: nobody is left.
    const cleaned = await connectClient({ ...SERVICE, clientId: 'tool-kept', clean: true });
    await cleaned.endAsync();
    await publish(5);
    expect(await skipped()).toBe(3);

    // A retained reading is stored for whoever subscribes later.
    await publish(6, true);
    expect(await skipped()).toBe(3);
    const later = await connectClient({ ...SERVICE, clientId: 'tool-later' });
    const retained = nextMessage(later);
    await later.subscribeAsync(topics.telemetry('washer-1'), { qos: 1 });
    expect(await retained).toMatchObject({ retain: true });
    expect((await retained).payload.toString()).toBe('{"seq":6}');
  });

  it('closes the connection unacknowledged when the message cannot be made durable', async () => {
    await h.gateway.stop();
    h = await startGateway({
      durable: { channels: ['telemetry'], accept: (_message, done) => done(new Error('disk full')) },
    });
    const device = await connectDevice('washer-1');
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const acked = device.publishAsync(topics.telemetry('washer-1'), '{"seq":1}', { qos: 1 }).then(
      () => true,
      () => false,
    );
    await closed;
    expect(h.messages).toEqual([]);
    device.end(true);
    expect(await acked).toBe(false);
  });
});
