// aedes-persistence (11) and qlobber (8) ship no declarations for the modules the gateway's exact-topic
// backends build on; this is the part they use.
declare module 'aedes-persistence/asyncPersistence.js' {
  import type { Client } from 'aedes';

  /** aedes-persistence's in-memory persistence, promise-based (the callback layer wraps it). */
  class MemoryPersistence {
    constructor(options?: { broadcastSubscriptions?: boolean });
    addSubscriptions(client: Pick<Client, 'id'>, subs: Array<{ topic: string; qos: number }>): Promise<void>;
    removeSubscriptions(client: Pick<Client, 'id'>, topics: string[]): Promise<void>;
    cleanSubscriptions(client: Pick<Client, 'id'>): Promise<void>;
    subscriptionsByClient(client: Pick<Client, 'id'>): Promise<Array<{ topic: string; qos: number }>>;
    subscriptionsByTopic(topic: string): Promise<Array<{ clientId: string; topic: string; qos: number }>>;
    countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
    getClientList(topic: string): NodeJS.ReadableStream;
    putWill(client: Client, packet: object): Promise<void>;
    getWill(client: Pick<Client, 'id'>): Promise<object | undefined>;
    delWill(client: Pick<Client, 'id'>): Promise<object | undefined>;
    storeRetained(packet: { topic: string; payload: Buffer | string }): Promise<void>;
    createRetainedStream(pattern: string): NodeJS.ReadableStream;
    createRetainedStreamCombi(patterns: string[]): NodeJS.ReadableStream;
  }
  export = MemoryPersistence;
}

declare module 'aedes-persistence/callBackPersistence.js' {
  import type { EventEmitter } from 'node:events';
  import type MemoryPersistence from 'aedes-persistence/asyncPersistence.js';

  /** Gives a promise-based persistence the callback interface aedes also accepts. */
  export class CallBackPersistence extends EventEmitter {
    constructor(factory: (options: object) => MemoryPersistence, options?: object);
    readonly asyncPersistence: MemoryPersistence;
  }
}

declare module 'qlobber/aedes/qlobber-sub' {
  /** qlobber's trie of aedes subscriptions: a filter's subscribers by client id. */
  class QlobberSub {
    constructor(options: { wildcard_one: string; wildcard_some: string; separator: string });
    readonly subscriptionsCount: number;
    add(topic: string, sub: { clientId: string; topic: string; qos: number }): this;
    remove(topic: string, sub: { clientId: string; topic: string }): this;
    match(topic: string): Array<{ clientId: string; topic: string; qos: number }>;
  }
  export = QlobberSub;
}

declare module 'qlobber' {
  /** qlobber's trie that only answers whether a topic matches any filter added. */
  export class QlobberTrue {
    constructor(options: { wildcard_one: string; wildcard_some: string; separator: string });
    add(topic: string): this;
    test(topic: string): boolean;
  }
}
