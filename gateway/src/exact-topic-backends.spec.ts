import { createServer, type AddressInfo } from 'node:net';
import type { Aedes, AedesPublishPacket, Client } from 'aedes';
import memoryPersistence from 'aedes-persistence';
import fc from 'fast-check';
import mqemitter from 'mqemitter';
import mqtt from 'mqtt';
import { waitFor } from '../../tests/support/wait-for';
import { compactConnection } from './connection-compaction';
import {
  createExactTopicEmitter,
  createExactTopicPersistence,
  ExactTopicMemoryPersistence,
  isExactFilter,
  KeptWill,
  type NewSubscription,
} from './exact-topic-backends';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes: AedesBroker } = require('aedes');

// Small: the exact-topic emitter and persistence against aedes' own (mqemitter, aedes-persistence's
// memory persistence), driven through the same random operations; both are real, in-process.

const FILTERS = [
  'devices/washer-1/commands',
  'devices/fridge-2/commands',
  'devices/+/commands',
  'devices/washer-1/#',
  'devices/+/telemetry',
  'devices/washer-1/telemetry',
  '#',
  '$SYS/broker/new/clients',
  '$SYS/+/new/clients',
  'a//b',
];
const TOPICS = [
  'devices/washer-1/commands',
  'devices/fridge-2/commands',
  'devices/washer-1/telemetry',
  'devices/fridge-2/telemetry',
  '$SYS/broker/new/clients',
  'a//b',
  'devices/washer-1',
];
const CLIENTS = ['washer-1', 'fridge-2', 'tool'];

type Sub = NewSubscription;

const SUBSCRIPTION: fc.Arbitrary<Sub> = fc.record(
  {
    topic: fc.constantFrom(...FILTERS),
    qos: fc.constantFrom(0, 1, 2),
    rh: fc.constantFrom(0, 1),
    rap: fc.boolean(),
    nl: fc.boolean(),
    subscriptionIdentifier: fc.integer({ min: 1, max: 9 }),
  },
  { requiredKeys: ['topic', 'qos', 'rh', 'rap', 'nl'] },
);

const PERSISTENCE_OP = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    client: fc.constantFrom(...CLIENTS),
    subs: fc.array(SUBSCRIPTION, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('remove' as const),
    client: fc.constantFrom(...CLIENTS),
    topics: fc.subarray(FILTERS, { minLength: 1 }),
  }),
  fc.record({ kind: fc.constant('clean' as const), client: fc.constantFrom(...CLIENTS) }),
);

interface PromisedPersistence {
  addSubscriptions(client: { id: string }, subs: Sub[]): Promise<unknown>;
  removeSubscriptions(client: { id: string }, topics: string[]): Promise<unknown>;
  cleanSubscriptions(client: { id: string }): Promise<unknown>;
  subscriptionsByClient(client: { id: string }): Promise<Sub[]>;
  subscriptionsByTopic(topic: string): Promise<Array<{ clientId: string; topic: string; qos: number }>>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  getClientList(topic: string): AsyncIterable<string>;
}

/** What aedes reads back, in an order both agree on. */
async function observe(persistence: PromisedPersistence): Promise<unknown> {
  const byTopic: Record<string, unknown> = {};
  for (const topic of TOPICS) {
    const subs = await persistence.subscriptionsByTopic(topic);
    byTopic[topic] = subs.map((s) => JSON.stringify(s, Object.keys(s).sort())).sort();
  }
  const byClient: Record<string, unknown> = {};
  const lists: Record<string, unknown> = {};
  for (const id of CLIENTS) {
    const subs = await persistence.subscriptionsByClient({ id });
    byClient[id] = subs.map((s) => JSON.stringify(s, Object.keys(s).sort())).sort();
  }
  for (const topic of FILTERS) {
    const ids: string[] = [];
    for await (const id of persistence.getClientList(topic)) ids.push(id);
    lists[topic] = ids.sort();
  }
  return { byTopic, byClient, lists, offline: await persistence.countOffline() };
}

describe('ExactTopicMemoryPersistence', () => {
  it('answers what aedes-persistence answers after any adds, removals and cleans', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(PERSISTENCE_OP, { maxLength: 25 }), async (ops) => {
        const ours = new ExactTopicMemoryPersistence() as unknown as PromisedPersistence;
        const reference = memoryPersistence() as unknown as { asyncPersistence: PromisedPersistence };
        for (const persistence of [ours, reference.asyncPersistence]) {
          for (const op of ops) {
            const client = { id: op.client };
            if (op.kind === 'add') await persistence.addSubscriptions(client, op.subs);
            else if (op.kind === 'remove') await persistence.removeSubscriptions(client, op.topics);
            else await persistence.cleanSubscriptions(client);
          }
        }
        expect(await observe(ours)).toEqual(await observe(reference.asyncPersistence));
      }),
      { numRuns: 1_500 },
    );
  });

  it('keeps a session with one exact subscription without a map, and queues for it by topic', async () => {
    const persistence = new ExactTopicMemoryPersistence();
    await persistence.addSubscriptions({ id: 'washer-1' }, [{ topic: 'devices/washer-1/commands', qos: 1 }]);
    const clients = (persistence as unknown as { clients: Map<string, unknown> }).clients;
    expect(clients.get('washer-1')).not.toBeInstanceOf(Map);
    expect(await persistence.subscriptionsByTopic('devices/washer-1/commands')).toEqual([
      expect.objectContaining({ clientId: 'washer-1', topic: 'devices/washer-1/commands', qos: 1 }),
    ]);
    expect(await persistence.subscriptionsByTopic('devices/fridge-2/commands')).toEqual([]);
  });

  it('behind the callback layer aedes is given, called as aedes calls it (promises)', async () => {
    const persistence = createExactTopicPersistence() as unknown as PromisedPersistence;
    await persistence.addSubscriptions({ id: 'washer-1' }, [{ topic: 'devices/washer-1/commands', qos: 1 }]);
    expect(await persistence.subscriptionsByClient({ id: 'washer-1' })).toEqual([
      expect.objectContaining({ topic: 'devices/washer-1/commands', qos: 1 }),
    ]);
    expect(await persistence.countOffline()).toEqual({ subsCount: 1, clientsCount: 1 });
  });
});

/** A retained publish as aedes hands it over: bytes (any, NUL and high bytes too), or a string. */
const RETAINED_OP = fc.record({
  topic: fc.constantFrom(...TOPICS),
  payload: fc.oneof(
    fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ maxLength: 20 }),
  ),
  qos: fc.constantFrom(0, 1, 2),
  brokerCounter: fc.nat(),
  messageId: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
});

interface RetainedStore {
  storeRetained(packet: object): Promise<void>;
  createRetainedStream(pattern: string): AsyncIterable<{ topic: string; payload: Buffer | string }>;
  createRetainedStreamCombi(patterns: string[]): AsyncIterable<{ topic: string; payload: Buffer | string }>;
}

/** Every retained message each filter (and all filters at once) reads back, in the store's order. */
async function retainedOf(store: RetainedStore): Promise<unknown> {
  const read = async (stream: AsyncIterable<object>) => {
    const packets: object[] = [];
    for await (const packet of stream) packets.push(packet);
    return packets;
  };
  const byFilter: Record<string, unknown> = {};
  for (const filter of FILTERS) byFilter[filter] = await read(store.createRetainedStream(filter));
  return { byFilter, combined: await read(store.createRetainedStreamCombi(FILTERS.slice(0, 4))) };
}

describe('ExactTopicMemoryPersistence: retained messages', () => {
  it('reads back what aedes-persistence reads back after any retained publishes and clears', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(RETAINED_OP, { maxLength: 20 }), async (ops) => {
        const ours = new ExactTopicMemoryPersistence() as unknown as RetainedStore;
        const reference = memoryPersistence() as unknown as { asyncPersistence: RetainedStore };
        for (const store of [ours, reference.asyncPersistence]) {
          for (const op of ops) {
            await store.storeRetained({ cmd: 'publish', brokerId: 'b1', retain: true, dup: false, ...op });
          }
        }
        expect(await retainedOf(ours)).toEqual(await retainedOf(reference.asyncPersistence));
      }),
      { numRuns: 1_500 },
    );
  });

  it('keeps a retained payload as a string of its bytes, not a Buffer, and gives a Buffer back', async () => {
    const store = new ExactTopicMemoryPersistence();
    const status = Buffer.from('{"online":true,"name":"洗衣机"}\u0000\xff');
    await store.storeRetained({ topic: 'devices/washer-1/status', payload: status, qos: 1, retain: true });
    const kept = (store as unknown as { retained: Map<string, { payload: unknown }> }).retained;
    expect(typeof kept.get('devices/washer-1/status')?.payload).toBe('string');
    const read: Array<{ payload: Buffer }> = [];
    const stream = store.createRetainedStream('devices/+/status') as AsyncIterable<{ payload: Buffer }>;
    for await (const p of stream) read.push(p);
    const [packet] = read;
    expect(Buffer.isBuffer(packet.payload)).toBe(true);
    expect(packet.payload.equals(status)).toBe(true);
  });
});

describe('ExactTopicMemoryPersistence: wills', () => {
  it('keeps a will as the string of its bytes, the client with it, and the broker publishes it as sent', async () => {
    // a real broker on loopback with this persistence, and real MQTT clients with wills
    const persistence = createExactTopicPersistence();
    const broker: Aedes = await AedesBroker.createBroker({ persistence });
    const server = createServer((socket) => broker.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const store = (persistence as unknown as { asyncPersistence: ExactTopicMemoryPersistence })
      .asyncPersistence;
    const ready = new Map<string, Client>();
    broker.on('clientReady', (client: Client) => {
      compactConnection(client);
      ready.set(client.id, client);
    });
    const published: AedesPublishPacket[] = [];
    broker.on('publish', (packet: AedesPublishPacket) => {
      if (packet.topic.endsWith('/status')) published.push(packet);
    });
    // any bytes: NUL, high bytes, UTF-8
    const will = Buffer.from('{"online":false,"name":"洗衣机"}\u0000\xff\x80');
    const connect = (id: string) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        clientId: id,
        reconnectPeriod: 0,
        will: { topic: `devices/${id}/status`, payload: will, qos: 1, retain: true },
      });
    try {
      const dropped = await connect('washer-1');
      const leaving = await connect('washer-2');
      await waitFor(() => ready.size === 2);
      for (const id of ['washer-1', 'washer-2']) {
        const kept = await store.getWill({ id });
        // the persistence and the client hold the same will, and no Buffer in it
        expect(kept).toBeInstanceOf(KeptWill);
        expect((ready.get(id) as unknown as { will: unknown }).will).toBe(kept);
        expect(Object.values(kept as object).some((value) => Buffer.isBuffer(value))).toBe(false);
        expect((kept as KeptWill).payload.equals(will)).toBe(true);
        expect(kept).toMatchObject({ topic: `devices/${id}/status`, qos: 1, retain: true, clientId: id });
      }
      // a connection that drops: its will goes out, byte for byte; one that says goodbye: none
      dropped.stream.destroy();
      await leaving.endAsync();
      await waitFor(() => published.length === 1);
      await waitFor(async () => (await store.getWill({ id: 'washer-2' })) === undefined);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(published).toHaveLength(1);
      const [packet] = published;
      expect(packet.topic).toBe('devices/washer-1/status');
      expect(Buffer.isBuffer(packet.payload) && packet.payload.equals(will)).toBe(true);
      expect(packet).toMatchObject({ qos: 1, retain: true });
      await waitFor(async () => (await store.getWill({ id: 'washer-1' })) === undefined);
    } finally {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps as it is a will it has no field for, or whose payload is not bytes', async () => {
    const store = new ExactTopicMemoryPersistence();
    // set up as aedes sets it up
    await (store as unknown as { setup(broker: object): Promise<void> }).setup({ id: 'b1' });
    const odd = { topic: 't', payload: 'text', qos: 0 as const, retain: false };
    const extra = { topic: 't', payload: Buffer.from('x'), qos: 0 as const, retain: false, note: 'n' };
    await store.putWill({ id: 'a' } as Client, odd);
    await store.putWill({ id: 'b' } as Client, extra);
    expect(await store.getWill({ id: 'a' })).toBe(odd);
    expect(await store.getWill({ id: 'b' })).toBe(extra);
  });
});

const LISTENERS = ['deliver-a', 'deliver-b', 'deliver-c'] as const;
const EMITTER_OP = fc.record({
  kind: fc.constantFrom('on' as const, 'on' as const, 'remove' as const, 'removeAll' as const),
  topic: fc.constantFrom(...FILTERS),
  listener: fc.constantFrom(...LISTENERS),
});

type Emitter = mqemitter.MQEmitter & { removeAllListeners(topic: string, done?: () => void): unknown };

/** Which listeners each topic's message reaches, counting repeats. */
async function deliveries(emitter: Emitter, calls: string[]): Promise<Record<string, string[]>> {
  const reached: Record<string, string[]> = {};
  for (const topic of TOPICS) {
    calls.length = 0;
    await new Promise<void>((resolve, reject) =>
      emitter.emit({ topic, payload: 'x' }, (error) => (error ? reject(error) : resolve())),
    );
    reached[topic] = [...calls].sort();
  }
  return reached;
}

describe('createExactTopicEmitter', () => {
  it('delivers each message to the listeners mqemitter delivers it to, after any ons and removals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(EMITTER_OP, { maxLength: 25 }), async (ops) => {
        const results = [];
        for (const emitter of [
          createExactTopicEmitter() as Emitter,
          mqemitter({ concurrency: 100, matchEmptyLevels: true }) as Emitter,
        ]) {
          const calls: string[] = [];
          const listeners = Object.fromEntries(
            LISTENERS.map((name) => [
              name,
              (_message: unknown, done: () => void) => {
                calls.push(name);
                done();
              },
            ]),
          );
          for (const op of ops) {
            if (op.kind === 'on') emitter.on(op.topic, listeners[op.listener]);
            else if (op.kind === 'remove')
              await new Promise<void>((resolve) =>
                emitter.removeListener(op.topic, listeners[op.listener], resolve),
              );
            else emitter.removeAllListeners(op.topic);
          }
          results.push(await deliveries(emitter, calls));
        }
        expect(results[0]).toEqual(results[1]);
      }),
      { numRuns: 1_500 },
    );
  });

  it('keeps an exact filter out of the trie', () => {
    const emitter = createExactTopicEmitter() as unknown as { _matcher: { match(topic: string): unknown[] } };
    (emitter as unknown as Emitter).on('devices/washer-1/commands', () => undefined);
    expect(emitter._matcher.match('devices/washer-1/commands')).toEqual([]);
  });
});

describe('isExactFilter', () => {
  it('is false for a filter with a wildcard', () => {
    expect(['devices/+/commands', '#', 'devices/washer-1/#'].map(isExactFilter)).toEqual([
      false,
      false,
      false,
    ]);
    expect(['devices/washer-1/commands', '$SYS/x/new/clients'].map(isExactFilter)).toEqual([true, true]);
  });
});
