import type { Client } from 'aedes';
import { Readable } from 'node:stream';
import MemoryPersistence from 'aedes-persistence/asyncPersistence.js';
import { CallBackPersistence } from 'aedes-persistence/callBackPersistence.js';
import mqemitter from 'mqemitter';
import QlobberSub from 'qlobber/aedes/qlobber-sub';
import { QlobberTrue } from 'qlobber';

/**
 * Aedes' in-process emitter and persistence, with a lighter place for exact topic filters.
 *
 * Every device subscribes to one exact topic, its own `devices/<id>/commands`. Aedes keeps each
 * subscription in structures built for wildcards: the emitter's topic trie (a map a level), the
 * persistence's trie (two maps and a client map a filter) and its per-client map of filters. At
 * 10,000 devices that is ≈ 1.9 KB a device of heap for a lookup a plain map does (heap snapshots,
 * docs/benchmarks.md, sixteenth round). Here a filter with no wildcard is kept in one map from
 * topic to its listeners (the emitter) or its subscribers (the persistence); a client with one
 * stored subscription keeps it as a single record instead of a map. Filters with wildcards go
 * where aedes puts them. What the broker sees is the same: who receives a message, what a
 * persistent session restores, what is queued for an offline session (ADR 0021).
 *
 * Only for a broker on its own; with Redis, aedes uses mqemitter-redis and its Redis persistence.
 */

/** Aedes' default, which it passes to the emitter it makes when given none. */
const AEDES_CONCURRENCY = 100;

/** `+` and `#`: a filter with neither matches only the topic that is equal to it. */
export function isExactFilter(filter: string): boolean {
  return !filter.includes('+') && !filter.includes('#');
}

type Message = mqemitter.Message;
type Listener = (message: Message, done: () => void) => void;

/** The parts of mqemitter 7 the exact path overrides or calls. */
interface EmitterInternals extends mqemitter.MQEmitter {
  _matcher: { match(topic: string): Listener[] };
  _parallel(that: unknown, listeners: Listener[], message: Message, callback: (error?: Error) => void): void;
  _doing: boolean;
  _do(message: Message, callback: (error?: Error) => void): unknown;
  removeAllListeners(topic: string, done?: () => void): unknown;
}

/** One listener kept as itself, several as an array: most exact topics have one. */
type Listeners = Listener | Listener[];

/**
 * mqemitter (as aedes makes it: aedes' concurrency, empty levels matched) whose exact filters are
 * kept in a map. A message gets the trie's listeners and its topic's exact ones.
 */
export function createExactTopicEmitter(concurrency = AEDES_CONCURRENCY): mqemitter.MQEmitter {
  const emitter = mqemitter({ concurrency, matchEmptyLevels: true }) as EmitterInternals;
  const exact = new Map<string, Listeners>();
  const { on, removeListener, removeAllListeners } = emitter;

  emitter.on = function onExact(topic, listener, done) {
    if (!isExactFilter(topic)) return on.call(this, topic, listener, done);
    if (!topic || !listener) throw new TypeError('mqemitter: topic and listener are required');
    const kept = exact.get(topic);
    if (kept === undefined) exact.set(topic, listener);
    else if (typeof kept === 'function') exact.set(topic, [kept, listener]);
    else kept.push(listener);
    if (done) setImmediate(done);
    return this;
  };

  // As mqemitter does, a listener goes on the next turn (aedes replaces a subscription by removing
  // the old listener and adding the new one right after).
  emitter.removeListener = function removeExact(topic, listener, done) {
    if (!isExactFilter(topic)) return removeListener.call(this, topic, listener, done);
    setImmediate(() => {
      const kept = exact.get(topic);
      if (kept === listener) exact.delete(topic);
      else if (Array.isArray(kept)) {
        const at = kept.lastIndexOf(listener);
        if (at >= 0) kept.splice(at, 1);
        if (kept.length === 1) exact.set(topic, kept[0]);
      }
      done?.();
    });
    return this;
  };

  emitter.removeAllListeners = function removeAllExact(topic, done) {
    if (!isExactFilter(topic)) return removeAllListeners.call(this, topic, done);
    exact.delete(topic);
    if (done) setImmediate(done);
    return this;
  };

  // mqemitter's own `_do`, with the topic's exact listeners added to the trie's. The trie may
  // answer with its own array: never added to.
  emitter._do = function doExact(message, callback) {
    this._doing = true;
    const matched = this._matcher.match(message.topic);
    const kept = exact.get(message.topic);
    const listeners =
      kept === undefined ? matched : matched.concat(typeof kept === 'function' ? [kept] : kept.slice());
    this.current++;
    this._parallel(this, listeners, message, callback);
    return this;
  };
  return emitter;
}

/** A stored subscription: what aedes stores and restores (`subscriptionIdentifier`: MQTT 5). */
interface StoredSubscription {
  clientId: string;
  topic: string;
  qos: number;
  rh?: number;
  rap?: boolean;
  nl?: boolean;
  subscriptionIdentifier?: number;
}

/** A subscription as aedes hands it to the persistence and gets it back. */
export type NewSubscription = Omit<StoredSubscription, 'clientId'>;

/** A client's stored subscriptions: one record while it has one, a map by filter beyond. */
type ClientSubscriptions = StoredSubscription | Map<string, StoredSubscription>;

/** An exact topic's subscribers at QoS 1 or 2 (whose messages are queued while they are offline). */
type TopicSubscribers = StoredSubscription | StoredSubscription[];

const QLOBBER_OPTIONS = { wildcard_one: '+', wildcard_some: '#', separator: '/' };

/** The record aedes' memory persistence answers `subscriptionsByTopic` with. */
function matchOf(sub: StoredSubscription): Omit<StoredSubscription, 'subscriptionIdentifier'> {
  return { clientId: sub.clientId, topic: sub.topic, qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl };
}

/** A retained message as aedes gives it to the persistence (its fields besides these are kept as given). */
export interface RetainedPacket {
  topic: string;
  payload: Buffer | string;
  [field: string]: unknown;
}

/** Retained messages, one per topic in the order first retained, like aedes-persistence's. */
function* retainedMatching(
  retained: Map<string, RetainedPacket>,
  payloadsAsGiven: Set<string>,
  pattern: string,
): Generator<RetainedPacket> {
  const filter = new QlobberTrue(QLOBBER_OPTIONS);
  filter.add(pattern);
  for (const [topic, kept] of retained) {
    if (!filter.test(topic)) continue;
    yield payloadsAsGiven.has(topic)
      ? { ...kept }
      : { ...kept, payload: Buffer.from(kept.payload as string, 'latin1') };
  }
}

/** A will as aedes hands it to the persistence (mqtt-packet's: topic, payload, qos, retain, properties). */
interface WillPacket {
  topic: string;
  payload: Buffer | string;
  qos: 0 | 1 | 2;
  retain: boolean;
  [field: string]: unknown;
}

/**
 * A connection's will as the persistence keeps it, and its client with it (see putWill): its
 * payload's bytes as a one-byte string (latin1, each byte as it is), a Buffer of them to whoever
 * reads `payload` (aedes copies the will into the packet it publishes as the connection drops).
 * A device's will is ≈ 20 bytes of status; in a Buffer of its own it cost ≈ 250 bytes more (the
 * Buffer, its ArrayBuffer and the C++ backing store glibc holds for it): 2.5 MB at 10,000 devices.
 */
export class KeptWill {
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  brokerId: string | undefined = undefined;
  clientId: string | undefined = undefined;
  properties?: unknown;
  private bytes: string;

  constructor(will: WillPacket & { payload: Buffer }) {
    this.topic = will.topic;
    this.qos = will.qos;
    this.retain = will.retain;
    if (will.properties !== undefined) this.properties = will.properties;
    this.bytes = will.payload.toString('latin1');
  }

  get payload(): Buffer {
    return Buffer.from(this.bytes, 'latin1');
  }

  set payload(bytes: Buffer) {
    this.bytes = bytes.toString('latin1');
  }
}

/** The fields a will may have that KeptWill keeps (any other: the will is kept as it is). */
const KEPT_WILL_FIELDS = new Set(['topic', 'payload', 'qos', 'retain', 'properties', 'brokerId', 'clientId']);

/**
 * aedes-persistence's memory persistence (offline queues, in-flight packets: all its own)
 * with the subscriptions kept here: by client, exact filters' QoS 1/2 subscribers in a map by
 * topic, wildcard ones in the same trie it uses; and the retained messages, whose payload bytes
 * are kept as a one-byte string (latin1: each byte as it is), not a Buffer. A device's retained
 * status is ≈ 50 bytes; as a Buffer it cost ≈ 300 bytes more (the Buffer, its ArrayBuffer and the
 * C++ backing store glibc holds for it), at 10,000 devices 3 MB. A reader gets a Buffer again.
 * Wills are kept the same way (KeptWill).
 */
export class ExactTopicMemoryPersistence extends MemoryPersistence {
  private readonly retained = new Map<string, RetainedPacket>();
  /** Topics whose retained payload was not a Buffer (a string published in-process): kept as given. */
  private readonly payloadsAsGiven = new Set<string>();
  private readonly clients = new Map<string, ClientSubscriptions>();
  private readonly exact = new Map<string, TopicSubscribers>();
  private readonly wildcards = new QlobberSub(QLOBBER_OPTIONS);
  private exactCount = 0;

  /**
   * Keeps the will as a KeptWill, and gives the client the same one: aedes stores the will its
   * client was given at connect, and publishes the client's if the connection drops.
   */
  override async putWill(client: Client, packet: WillPacket): Promise<void> {
    const keepable =
      Buffer.isBuffer(packet.payload) && Object.keys(packet).every((field) => KEPT_WILL_FIELDS.has(field));
    const kept = keepable ? new KeptWill(packet as WillPacket & { payload: Buffer }) : packet;
    await super.putWill(client, kept);
    const internals = client as unknown as { will?: unknown; _will?: unknown };
    if (internals.will === packet) internals.will = kept;
    if (internals._will === packet) internals._will = kept;
  }

  override async storeRetained(packet: RetainedPacket): Promise<void> {
    if (packet.payload.length === 0) {
      this.retained.delete(packet.topic);
      this.payloadsAsGiven.delete(packet.topic);
      return;
    }
    const kept = { ...packet };
    if (Buffer.isBuffer(packet.payload)) {
      kept.payload = packet.payload.toString('latin1');
      this.payloadsAsGiven.delete(packet.topic);
    } else {
      this.payloadsAsGiven.add(packet.topic);
    }
    this.retained.set(packet.topic, kept);
  }

  override createRetainedStream(pattern: string): NodeJS.ReadableStream {
    return Readable.from(retainedMatching(this.retained, this.payloadsAsGiven, pattern));
  }

  override createRetainedStreamCombi(patterns: string[]): NodeJS.ReadableStream {
    const { retained, payloadsAsGiven } = this;
    function* matchingAny(): Generator<RetainedPacket> {
      for (const pattern of patterns) yield* retainedMatching(retained, payloadsAsGiven, pattern);
    }
    return Readable.from(matchingAny());
  }

  override async addSubscriptions(client: Pick<Client, 'id'>, subs: NewSubscription[]): Promise<void> {
    for (const sub of subs) {
      const stored: StoredSubscription = {
        clientId: client.id,
        topic: sub.topic,
        qos: sub.qos,
        rh: sub.rh,
        rap: sub.rap,
        nl: sub.nl,
      };
      if (sub.subscriptionIdentifier !== undefined)
        stored.subscriptionIdentifier = sub.subscriptionIdentifier;
      const previous = this.store(stored);
      if (previous && previous.qos > 0) this.unindex(previous);
      if (stored.qos > 0) this.index(stored);
    }
  }

  override async removeSubscriptions(client: Pick<Client, 'id'>, topics: string[]): Promise<void> {
    for (const topic of topics) {
      const removed = this.unstore(client.id, topic);
      if (removed && removed.qos > 0) this.unindex(removed);
    }
  }

  override async cleanSubscriptions(client: Pick<Client, 'id'>): Promise<void> {
    const kept = this.clients.get(client.id);
    if (kept === undefined) return;
    this.clients.delete(client.id);
    for (const sub of kept instanceof Map ? kept.values() : [kept]) if (sub.qos > 0) this.unindex(sub);
  }

  override async subscriptionsByClient(client: Pick<Client, 'id'>): Promise<NewSubscription[]> {
    const kept = this.clients.get(client.id);
    if (kept === undefined) return [];
    return [...(kept instanceof Map ? kept.values() : [kept])].map(({ clientId: _client, ...sub }) => sub);
  }

  override async subscriptionsByTopic(
    topic: string,
  ): Promise<Array<Omit<StoredSubscription, 'subscriptionIdentifier'>>> {
    const matched = this.wildcards.match(topic) as Array<Omit<StoredSubscription, 'subscriptionIdentifier'>>;
    const exact = this.exact.get(topic);
    if (exact === undefined) return matched;
    for (const sub of Array.isArray(exact) ? exact : [exact]) matched.push(matchOf(sub));
    return matched;
  }

  override async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return {
      subsCount: this.wildcards.subscriptionsCount + this.exactCount,
      clientsCount: this.clients.size,
    };
  }

  override getClientList(topic: string): NodeJS.ReadableStream {
    const clients = this.clients;
    function* holding(): Generator<string> {
      for (const [clientId, kept] of clients) {
        if (kept instanceof Map ? kept.has(topic) : kept.topic === topic) yield clientId;
      }
    }
    return Readable.from(holding());
  }

  /** Keeps a client's subscription; answers the one it replaces. */
  private store(sub: StoredSubscription): StoredSubscription | undefined {
    const kept = this.clients.get(sub.clientId);
    if (kept === undefined) {
      this.clients.set(sub.clientId, sub);
      return undefined;
    }
    if (kept instanceof Map) {
      const previous = kept.get(sub.topic);
      kept.set(sub.topic, sub);
      return previous;
    }
    if (kept.topic === sub.topic) {
      this.clients.set(sub.clientId, sub);
      return kept;
    }
    this.clients.set(
      sub.clientId,
      new Map([
        [kept.topic, kept],
        [sub.topic, sub],
      ]),
    );
    return undefined;
  }

  private unstore(clientId: string, topic: string): StoredSubscription | undefined {
    const kept = this.clients.get(clientId);
    if (kept === undefined) return undefined;
    if (!(kept instanceof Map)) {
      if (kept.topic !== topic) return undefined;
      this.clients.delete(clientId);
      return kept;
    }
    const removed = kept.get(topic);
    kept.delete(topic);
    if (kept.size === 1) this.clients.set(clientId, kept.values().next().value as StoredSubscription);
    else if (kept.size === 0) this.clients.delete(clientId);
    return removed;
  }

  /** Makes a QoS 1/2 subscription findable by topic (aedes queues for those only). */
  private index(sub: StoredSubscription): void {
    if (!isExactFilter(sub.topic)) {
      this.wildcards.add(sub.topic, matchOf(sub));
      return;
    }
    const kept = this.exact.get(sub.topic);
    if (kept === undefined) this.exact.set(sub.topic, sub);
    else if (Array.isArray(kept)) kept.push(sub);
    else this.exact.set(sub.topic, [kept, sub]);
    this.exactCount++;
  }

  private unindex(sub: StoredSubscription): void {
    if (!isExactFilter(sub.topic)) {
      this.wildcards.remove(sub.topic, { clientId: sub.clientId, topic: sub.topic });
      return;
    }
    const kept = this.exact.get(sub.topic);
    if (kept === undefined) return;
    if (!Array.isArray(kept)) {
      if (kept.clientId !== sub.clientId) return;
      this.exact.delete(sub.topic);
      this.exactCount--;
      return;
    }
    const at = kept.findIndex((other) => other.clientId === sub.clientId);
    if (at < 0) return;
    kept.splice(at, 1);
    this.exactCount--;
    if (kept.length === 1) this.exact.set(sub.topic, kept[0]);
  }
}

/** aedes' `persistence` option: the persistence above behind aedes-persistence's callback layer. */
export function createExactTopicPersistence(): CallBackPersistence {
  return new CallBackPersistence(() => new ExactTopicMemoryPersistence());
}
