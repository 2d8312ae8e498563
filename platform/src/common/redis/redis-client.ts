import type { RedisClientType } from 'redis';
import type { Logger } from '../logging/logger';

/**
 * A node-redis client for REDIS_URL, connected. At start an unreachable Redis is a configuration
 * error to report (after 5 tries), not to wait out; once running, it rides out Redis restarts.
 * Errors after that are logged with `role`, never thrown as an unhandled 'error' event.
 */
export async function connectRedis(redisUrl: string, logger: Logger, role: string): Promise<RedisClientType> {
  const { createClient } = await import('redis'); // loads only where used
  let connected = false;
  const client: RedisClientType = createClient({
    url: redisUrl,
    socket: {
      connectTimeout: 5_000,
      reconnectStrategy: (retries: number) =>
        !connected && retries >= 5
          ? new Error(`REDIS_URL: cannot reach Redis at ${new URL(redisUrl).host}`)
          : Math.min(200 * (retries + 1), 2_000),
    },
  });
  client.on('error', (error: Error) => logger.warn({ err: error.message, role }, 'redis error'));
  try {
    await client.connect();
    connected = true;
  } catch (error) {
    client.destroy();
    throw error;
  }
  return client;
}
