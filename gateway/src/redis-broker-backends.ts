import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import mqemitterRedis, { type MQEmitterRedis } from 'mqemitter-redis';

/** Connection settings in the form ioredis (used by both Redis backends of Aedes) takes. */
export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, unknown>;
}

const DEFAULT_REDIS_PORT = 6379;

/** `redis://[user[:password]@]host[:port][/db]`, or `rediss://` for TLS. */
export function redisConnectionOptions(redisUrl: string): RedisConnectionOptions {
  const url = new URL(redisUrl);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`REDIS_URL must start with redis:// or rediss://, got ${url.protocol}`);
  }
  const options: RedisConnectionOptions = {
    // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : DEFAULT_REDIS_PORT,
  };
  if (url.username) options.username = decodeURIComponent(url.username);
  if (url.password) options.password = decodeURIComponent(url.password);
  const db = url.pathname.replace(/^\//, '');
  if (db) {
    if (!/^\d+$/.test(db)) throw new Error(`REDIS_URL database must be a number, got "${db}"`);
    options.db = Number(db);
  }
  if (url.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * What lets several Aedes brokers act as one: a Redis pub/sub emitter carries every publish to
 * every broker (so subscriptions held by another broker are served), and a Redis persistence
 * holds retained messages, sessions, subscriptions and offline QoS 1 queues for all of them.
 */
export interface RedisBrokerBackends {
  /** Pass as Aedes' `mq`; Aedes closes it when the broker closes. */
  readonly mq: MQEmitterRedis;
  /** Pass as Aedes' `persistence`. */
  readonly persistence: RedisPersistence;
  /**
   * Disconnects from Redis. `brokerClosedEmitter` false means no broker took the emitter over
   * (it failed to start), so it is closed here. Safe to call more than once.
   */
  close(options: { brokerClosedEmitter: boolean }): Promise<void>;
}

/** Opens three Redis connections: the emitter's publisher and subscriber, and the persistence's. */
export function openRedisBrokerBackends(redisUrl: string): RedisBrokerBackends {
  const connection = redisConnectionOptions(redisUrl);
  const mq = mqemitterRedis(connection);
  const persistence = aedesPersistenceRedis(connection);
  let closing: Promise<void> | undefined;
  return {
    mq,
    persistence,
    close({ brokerClosedEmitter }) {
      closing ??= (async () => {
        if (!brokerClosedEmitter) await new Promise<void>((resolve) => mq.close(() => resolve()));
        await persistence.destroy();
      })();
      return closing;
    },
  };
}
