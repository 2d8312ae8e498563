import type { Aedes, AedesPublishPacket, Client } from 'aedes';

/** A device id's level in a topic pattern: any literal can be some device's id. */
const ANY_ID = Symbol('any device id');

/**
 * Whether a subscription filter could match a topic a device publishes on one of `channels`
 * (`devices/<id>/<channel>`), erring towards yes: any device id is possible, also inside a shared
 * subscription (`$share/<group>/<filter>`). So `devices/+/telemetry`, `devices/washer-1/#`,
 * `+/+/+` and `#` can match a reading, and a device's own `devices/<id>/commands` cannot; nor can
 * the broker's and the gateway's own topics (`$SYS/...`, `$platform/...`).
 */
export function mayMatchDeviceTopic(filter: string, channels: readonly string[]): boolean {
  let levels = filter.split('/');
  if (levels[0] === '$share') levels = levels.slice(2);
  return channels.some((channel) => mayMatch(levels, ['devices', ANY_ID, ...channel.split('/')]));
}

/** MQTT topic matching (3.1.1, 4.7) of a filter's levels against a topic with an open id level. */
function mayMatch(filter: readonly string[], topic: ReadonlyArray<string | typeof ANY_ID>): boolean {
  for (let i = 0; i < filter.length; i++) {
    const level = filter[i];
    // `#` matches this level and all below it, and the level above on its own (`a/#` matches `a`)
    if (level === '#') return true;
    if (i >= topic.length) return false;
    if (level !== '+' && topic[i] !== ANY_ID && level !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

/** The part of aedes' in-memory persistence that adds and removes a client's stored subscriptions. */
interface SubscriptionPersistence {
  addSubscriptions(client: Client, subs: Array<{ topic: string }>, ...rest: unknown[]): unknown;
  removeSubscriptions(client: Client, topics: string[], ...rest: unknown[]): unknown;
  cleanSubscriptions(client: Client, ...rest: unknown[]): unknown;
}

type Deliver = (packet: AedesPublishPacket, callback: () => void) => void;

/**
 * Watches every subscription a single broker holds that could match a device's publish on one of
 * `channels` (the durable ones, whose publishes may skip the pipeline): the
 * online ones (each registers a handler through `broker.subscribe`) and the ones aedes keeps for
 * a session that is offline (its persistence's add / remove / clean). While there is none, a
 * device's publish, once accepted, has nowhere to go: aedes' publish pipeline (retained store,
 * offline queues, topic matching, twice) would find nothing to do, so the gateway skips it.
 *
 * Only for a broker whose persistence and emitter are in this process: with Redis, other
 * brokers' subscribers are not seen here.
 */
export class DeviceTopicSubscriptions {
  /** Online: filter -> its handlers. */
  private readonly online = new Map<string, Set<Deliver>>();
  /** Kept by the persistence: client id -> filters. */
  private readonly kept = new Map<string, Set<string>>();

  /** channels: the device channels whose publishes are watched for (`telemetry`). */
  constructor(private readonly channels: readonly string[]) {}

  /** True while no subscription, online or kept, could match a device's topic. */
  get none(): boolean {
    return this.online.size === 0 && this.kept.size === 0;
  }

  /** How many filters are watched now (online, kept): for tests and metrics. */
  get counts(): { online: number; kept: number } {
    let kept = 0;
    for (const filters of this.kept.values()) kept += filters.size;
    return { online: this.online.size, kept };
  }

  /** Wraps the broker's `subscribe` / `unsubscribe` and its persistence's subscription methods. */
  watch(broker: Aedes, persistence: SubscriptionPersistence): void {
    const subscribe = broker.subscribe.bind(broker);
    const unsubscribe = broker.unsubscribe.bind(broker);
    broker.subscribe = (topic: string, deliver: Deliver, done: () => void) => {
      if (mayMatchDeviceTopic(topic, this.channels)) {
        const handlers = this.online.get(topic) ?? new Set<Deliver>();
        this.online.set(topic, handlers.add(deliver));
      }
      subscribe(topic, deliver, done);
    };
    // aedes calls it without a callback when a subscription's QoS changes
    const unsubscribeMaybeWithout = unsubscribe as (
      topic: string,
      deliver: Deliver,
      done?: () => void,
    ) => void;
    broker.unsubscribe = (topic: string, deliver: Deliver, done?: () => void) => {
      const handlers = this.online.get(topic);
      if (handlers?.delete(deliver) && handlers.size === 0) this.online.delete(topic);
      unsubscribeMaybeWithout(topic, deliver, done);
    };

    const add = persistence.addSubscriptions.bind(persistence);
    const remove = persistence.removeSubscriptions.bind(persistence);
    const clean = persistence.cleanSubscriptions.bind(persistence);
    persistence.addSubscriptions = (client, subs, ...rest) => {
      for (const sub of subs) {
        if (!mayMatchDeviceTopic(sub.topic, this.channels)) continue;
        const filters = this.kept.get(client.id) ?? new Set<string>();
        this.kept.set(client.id, filters.add(sub.topic));
      }
      return add(client, subs, ...rest);
    };
    persistence.removeSubscriptions = (client, topics, ...rest) => {
      const filters = this.kept.get(client.id);
      if (filters) {
        for (const topic of topics) filters.delete(topic);
        if (filters.size === 0) this.kept.delete(client.id);
      }
      return remove(client, topics, ...rest);
    };
    persistence.cleanSubscriptions = (client, ...rest) => {
      this.kept.delete(client.id);
      return clean(client, ...rest);
    };
  }
}
