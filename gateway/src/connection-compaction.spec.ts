/**
 * Small test. Real: an in-process Aedes broker on a loopback TCP port, an MQTT.js client with a
 * will. Nothing is mocked.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import mqtt from 'mqtt';
import { waitFor } from '../../tests/support/wait-for';
import { compactConnection, InboundQos2Window, ownBytes, withFastProperties } from './connection-compaction';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes: AedesBroker } = require('aedes');

interface Internals {
  will: { payload: Buffer };
  _parser: { settings: Record<string, unknown>; _list: object; _events: Record<string, unknown> };
}

describe('compactConnection', () => {
  let broker: Aedes;
  let server: Server;

  beforeEach(async () => {
    broker = await AedesBroker.createBroker();
    server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("drops the connection's hold on the CONNECT packet and its chunk, and the will still goes out as sent", async () => {
    const compacted: Array<{ before: ArrayBufferLike; listeners: object; after: Internals }> = [];
    broker.on('clientReady', (client: Client) => {
      const internals = client as unknown as Internals;
      const before = internals.will.payload.buffer;
      const listeners = { ...internals._parser._events };
      compactConnection(client);
      compacted.push({ before, listeners, after: internals });
    });
    const wills: AedesPublishPacket[] = [];
    broker.on('publish', (packet: AedesPublishPacket) => {
      if (packet.topic === 'devices/washer-1/status') wills.push(packet);
    });
    const { port } = server.address() as AddressInfo;
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: 'washer-1',
      username: 'washer-1',
      password: 'a-secret',
      reconnectPeriod: 0,
      will: {
        topic: 'devices/washer-1/status',
        payload: Buffer.from('{"online":false}'),
        qos: 1,
        retain: true,
      },
    });
    await waitFor(() => compacted.length === 1);
    const [{ before, listeners, after }] = compacted;
    // The parser keeps what it reads, not the password, the client id or the will.
    expect(after._parser.settings).toEqual({ protocolVersion: 4, bridgeMode: undefined });
    // The will's payload was a view of the chunk read with the CONNECT packet, and is no more.
    expect(before.byteLength).toBeGreaterThan('{"online":false}'.length);
    expect(after.will.payload.buffer).not.toBe(before);
    expect(after.will.payload.buffer.byteLength).toBe('{"online":false}'.length);
    expect(after.will.payload.toString()).toBe('{"online":false}');

    // The parser's bytes are in a plain list, not a duplex stream.
    expect(after._parser._list).not.toHaveProperty('_readableState');
    // Its listeners are the same ones, in an object of the same (null) prototype.
    expect(Object.getPrototypeOf(after._parser._events)).toBeNull();
    expect({ ...after._parser._events }).toEqual(listeners);
    expect(Object.keys(listeners)).toContain('packet');

    // The connection still works (packets split across reads too), and its will is published
    // when it drops.
    await device.publishAsync('devices/washer-1/telemetry', Buffer.alloc(200_000, 'x'), { qos: 1 });
    await device.subscribeAsync('devices/washer-1/commands', { qos: 1 });
    await device.publishAsync('devices/washer-1/telemetry', '{"seq":1}', { qos: 1 });
    device.stream.destroy();
    await waitFor(() => wills.length === 1);
    expect(wills[0].payload.toString()).toBe('{"online":false}');
    expect(wills[0].retain).toBe(true);
  });

  it("closes its client when the socket goes, with one listener in place of the four of Node's finished()", async () => {
    const listeners = (conn: Socket) =>
      conn.eventNames().reduce((n, name) => n + conn.listenerCount(name), 0);
    const ready: Array<{ client: Client; before: number; after: number }> = [];
    broker.on('clientReady', (client: Client) => {
      const conn = (client as unknown as { conn: Socket }).conn;
      const before = listeners(conn);
      compactConnection(client);
      ready.push({ client, before, after: listeners(conn) });
    });
    const gone: string[] = [];
    broker.on('clientDisconnect', (client: Client) => gone.push(client.id));
    const { port } = server.address() as AddressInfo;
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: 'fridge-2',
      reconnectPeriod: 0,
    });
    device.on('error', () => undefined);
    await waitFor(() => ready.length === 1);
    const [{ client, before, after }] = ready;
    expect(after).toBeLessThanOrEqual(before - 3);
    // the socket's lists of listeners are lists of their own size, with no properties beside
    const conn = (client as unknown as { conn: Socket }).conn;
    const lists = (conn as unknown as { _events: Record<string, unknown> })._events;
    for (const name of ['end', 'close']) {
      const list = lists[name];
      // one listener is kept as itself, more in an array
      expect(Array.isArray(list) ? list : [list]).toEqual(conn.rawListeners(name));
      if (Array.isArray(list)) expect(Object.keys(list)).toHaveLength(list.length);
    }
    // the broker's side drops the socket (no end, no error): only 'close' says it went
    (client as unknown as { conn: Socket }).conn.destroy();
    await waitFor(() => gone.length === 1);
    expect(gone).toEqual(['fridge-2']);
    expect((client as unknown as { closed: boolean }).closed).toBe(true);
  });

  it("gives every connection the same 'close' listener and the client's dictionaries fast properties, and a QoS 2 message still arrives once", async () => {
    type Compacted = {
      conn: Socket;
      _events: object;
      duplicates: object;
      _inboundInflight: InboundQos2Window;
    };
    const ready: Array<{ internals: Compacted; events: object; listeners: Record<string, unknown> }> = [];
    broker.on('clientReady', (client: Client) => {
      const internals = client as unknown as Compacted;
      const events = internals._events;
      compactConnection(client);
      ready.push({ internals, events, listeners: { ...events } });
    });
    const { port } = server.address() as AddressInfo;
    const connect = (clientId: string) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId, reconnectPeriod: 0 });
    const [sender, receiver] = [await connect('dishwasher-3'), await connect('dishwasher-4')];
    await waitFor(() => ready.length === 2);
    const closeListeners = ready.map(({ internals }) => internals.conn.listeners('close'));
    const shared = closeListeners[0].filter((listener) => closeListeners[1].includes(listener));
    expect(shared).toHaveLength(1);
    for (const { internals, events, listeners } of ready) {
      // the same listeners (but aedes' once 'connected', gone since), in another object of the
      // same null prototype
      expect(internals._events).not.toBe(events);
      expect(Object.getPrototypeOf(internals._events)).toBeNull();
      const { connected, ...kept } = listeners;
      expect(connected).toBeDefined();
      expect({ ...internals._events }).toEqual(kept);
      expect(Object.getPrototypeOf(internals.duplicates)).toBeNull();
      expect(internals._inboundInflight).toBeInstanceOf(InboundQos2Window);
    }
    const received: string[] = [];
    receiver.on('message', (_topic, payload) => received.push(payload.toString()));
    await receiver.subscribeAsync('appliances/+/notes', { qos: 2 });
    await sender.publishAsync('appliances/dishwasher-3/notes', 'rinse aid low', { qos: 2 });
    await sender.publishAsync('appliances/dishwasher-3/notes', 'salt low', { qos: 2 });
    await waitFor(() => received.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual(['rinse aid low', 'salt low']);
    // both released (PUBREL) by the sender
    expect(ready[0].internals._inboundInflight.size).toBe(0);
    // the same function closes each connection's own client
    await sender.endAsync();
    await waitFor(() => (ready[0].internals as unknown as { closed: boolean }).closed);
    expect((ready[1].internals as unknown as { closed: boolean }).closed).toBe(false);
    await receiver.endAsync();
  });

  it('InboundQos2Window answers as the Set it stands in for', () => {
    const window = new InboundQos2Window();
    expect([window.size, window.has(7), window.delete(7)]).toEqual([0, false, false]);
    expect(window.add(7).add(9).add(7)).toBe(window);
    expect([window.size, window.has(7), window.has(8)]).toEqual([2, true, false]);
    expect([window.delete(7), window.delete(7), window.size, window.has(9)]).toEqual([true, false, 1, true]);
  });

  it('withFastProperties keeps the keys, values and null prototype of a dictionary', () => {
    const key = Symbol('k');
    const dictionary: Record<string | symbol, unknown> = { __proto__: null, packet: 1, error: 'e', [key]: 2 };
    const fast = withFastProperties(dictionary);
    expect(fast).not.toBe(dictionary);
    expect(Object.getPrototypeOf(fast)).toBeNull();
    expect(Reflect.ownKeys(fast)).toEqual(['packet', 'error', key]);
    expect([fast.packet, fast.error, fast[key]]).toEqual([1, 'e', 2]);
    // an event named like an Object.prototype method is no inherited hit
    expect(fast.toString).toBeUndefined();
  });

  it('ownBytes copies a view into memory of its own size, and leaves a buffer that owns its memory alone', () => {
    const chunk = Buffer.from('xx{"online":true}yyyyyyyyyyyyyyyy');
    const view = chunk.subarray(2, 17);
    const own = ownBytes(view);
    expect(own.toString()).toBe('{"online":true}');
    expect(own.buffer.byteLength).toBe(15);
    expect(own.buffer).not.toBe(chunk.buffer);
    // a view at the start of a larger chunk is copied too
    expect(ownBytes(chunk.subarray(0, 4)).buffer.byteLength).toBe(4);
    const whole = Buffer.allocUnsafeSlow(8).fill(1);
    expect(ownBytes(whole)).toBe(whole);
    expect(ownBytes(Buffer.alloc(0)).length).toBe(0);
  });
});
