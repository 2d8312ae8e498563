import type { Aedes, AedesPublishPacket, Client } from 'aedes';

/**
 * Whether a subscription filter could match a topic a device publishes on (`devices/<id>/...`),
 * erring towards yes: any filter whose first level is `devices`, `+` or `#`, also inside a
 * shared subscription (`$share/<group>/<filter>`). Other `$` topics (`$SYS/...`, the gateway's
 * own `$platform/...`) never match a topic that does not start with `$`.
 */
export function mayMatchDeviceTopic(filter: string): boolean {
  let levels = filter.split('/');
  if (levels[0] === '$share') levels = levels.slice(2);
  const first = levels[0];
  return first === 'devices' || first === '+' || first === '#';
}

/** The part of aedes' in-memory persistence that adds and removes a client's stored subscriptions. */
interface SubscriptionPersistence {
  addSubscriptions(client: Client, subs: Array<{ topic: string }>, ...rest: unknown[]): unknown;
  removeSubscriptions(client: Client, topics: string[], ...rest: unknown[]): unknown;
  cleanSubscriptions(client: Client, ...rest: unknown[]): unknown;
}

type Deliver = (packet: AedesPublishPacket, callback: () => void) => void;

/**
 * Watches every subscription a single broker holds that could match a device's own topics: the
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
      if (mayMatchDeviceTopic(topic)) {
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
        if (!mayMatchDeviceTopic(sub.topic)) continue;
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
