// aedes-persistence-redis ships no type declarations; this is the part the gateway uses.
declare module 'aedes-persistence-redis' {
  namespace aedesPersistenceRedis {
    interface RedisPersistenceOptions {
      host?: string;
      port?: number;
      username?: string;
      password?: string;
      db?: number;
      tls?: Record<string, unknown>;
      /** A connection to use instead of one opened from the options above. */
      conn?: import('ioredis').Redis;
      /** Offline messages delivered on CONNECT; default 1000. */
      maxSessionDelivery?: number;
    }
    interface RedisPersistence {
      /** Leaves the broker broadcast and disconnects from Redis; call once, after the broker closed. */
      destroy(): Promise<void>;
    }
  }
  function aedesPersistenceRedis(
    options?: aedesPersistenceRedis.RedisPersistenceOptions,
  ): aedesPersistenceRedis.RedisPersistence;
  export = aedesPersistenceRedis;
}
