import aedesPersistenceRedis, { type RedisPersistence } from 'aedes-persistence-redis';
import { Redis } from 'ioredis';
import mqemitterRedis, { type MQEmitterRedis } from 'mqemitter-redis';
import type { Logger } from 'pino';

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
 *
 * The three connections are this module's own, so a Redis outage is reported (once, and again
 * when Redis is back) instead of reaching the process as an unhandled 'error' event, and a broker
 * stopped while Redis is unreachable does not wait for it forever.
 */
export interface RedisBrokerBackends {
  /** Pass as Aedes' `mq`; Aedes closes it when the broker closes. */
  readonly mq: MQEmitterRedis;
  /** Pass as Aedes' `persistence`. */
  readonly persistence: RedisPersistence;
  /** Whether all three connections are up now. */
  readonly available: boolean;
  /**
   * Resolves once Redis has been unreachable for `graceMs` without a break: a connection down, or
   * a PING unanswered that long (a Redis that hangs keeps its connections up); see `cancel`.
   */
  unreachableFor(graceMs: number): { reached: Promise<void>; cancel(): void };
  /**
   * Disconnects from Redis. `brokerClosedEmitter` false means no broker took the emitter over
   * (it failed to start), so it is closed here. Safe to call more than once.
   */
  close(options: { brokerClosedEmitter: boolean }): Promise<void>;
  /** Drops the connections without waiting for Redis (whatever waits on it is left waiting). */
  abandon(): void;
}

const UNREACHABLE_POLL_MS = 100;

/** Opens three Redis connections: the emitter's publisher and subscriber, and the persistence's. */
export function openRedisBrokerBackends(redisUrl: string, logger: Logger): RedisBrokerBackends {
  const connection = redisConnectionOptions(redisUrl);
  const connections: Redis[] = [];
  const open = (role: string, options: { enableAutoPipelining?: boolean } = {}) => {
    const redis = new Redis({ ...connection, ...options });
    let down = false;
    redis.on('error', (error: Error) => {
      if (down) return;
      down = true;
      logger.warn({ connection: role, err: error.message }, 'scale-out redis connection failed');
    });
    redis.on('ready', () => {
      if (!down) return;
      down = false;
      logger.info({ connection: role }, 'scale-out redis connection restored');
    });
    // mqemitter-redis closes its connections with quit() and drops the promise: with Redis hung and
    // a command waiting, the quit waits behind it and rejects once `abandon` drops the connection,
    // an unhandled rejection that would end the process. Its callers learn the end from 'end'.
    const quit = redis.quit.bind(redis);
    redis.quit = (callback?: Parameters<Redis['quit']>[0]) => {
      const reply = quit(callback);
      reply.catch(() => undefined);
      return reply;
    };
    connections.push(redis);
    return redis;
  };
  // as mqemitter-redis opens its own: publishes pipelined
  const pubConn = open('publisher', { enableAutoPipelining: true });
  const subConn = open('subscriber');
  const mq = mqemitterRedis({ ...connection, pubConn, subConn });
  // mqemitter-redis re-emits its connections' errors here; the connections' listeners report them
  (mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', () => undefined);
  const persistenceConn = open('persistence');
  const persistence = aedesPersistenceRedis({ conn: persistenceConn });
  const isAvailable = () => connections.every((redis) => redis.status === 'ready');
  let closing: Promise<void> | undefined;
  return {
    mq,
    persistence,
    get available() {
      return isAvailable();
    },
    unreachableFor(graceMs) {
      let timer: NodeJS.Timeout | undefined;
      let cancelled = false;
      const reached = new Promise<void>((resolve) => {
        let since: number | undefined;
        // the PING in flight and when it was sent: one at a time, behind whatever else is queued
        let pingSentAt: number | undefined;
        // answered, or dropped with its connection (whose state then tells): no longer in flight
        const settled = () => (pingSentAt = undefined);
        const probe = () => {
          pingSentAt = Date.now();
          persistenceConn.ping().then(settled, settled);
        };
        timer = setInterval(() => {
          const now = Date.now();
          if (!isAvailable()) since ??= now;
          else if (pingSentAt !== undefined && now - pingSentAt >= graceMs) since ??= pingSentAt;
          else since = undefined;
          if (since !== undefined && now - since >= graceMs) resolve();
          else if (!cancelled && isAvailable() && pingSentAt === undefined) probe();
        }, UNREACHABLE_POLL_MS);
      });
      return {
        reached,
        cancel: () => {
          cancelled = true;
          clearInterval(timer);
        },
      };
    },
    close({ brokerClosedEmitter }) {
      closing ??= (async () => {
        if (!brokerClosedEmitter) await new Promise<void>((resolve) => mq.close(() => resolve()));
        await persistence.destroy();
      })();
      return closing;
    },
    abandon() {
      for (const redis of connections) redis.disconnect();
    },
  };
}
