import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import type { Logger } from '../../common/logging/logger';

/**
 * Scale-out for Socket.IO: broadcasts to a room reach the room's members on every platform
 * instance sharing the Redis, through Socket.IO's own Redis adapter. Resolves once both
 * connections are up, with the function that closes them.
 */
export async function attachRedisAdapter(
  io: Server,
  redisUrl: string,
  logger: Logger,
): Promise<() => Promise<void>> {
  let connected = false;
  const pubClient = createClient({
    url: redisUrl,
    socket: {
      connectTimeout: 5_000,
      // At start an unreachable Redis is a configuration error to report, not to wait out;
      // once running, ride out Redis restarts.
      reconnectStrategy: (retries: number) =>
        !connected && retries >= 5
          ? new Error(`REDIS_URL: cannot reach Redis at ${new URL(redisUrl).host}`)
          : Math.min(200 * (retries + 1), 2_000),
    },
  });
  const subClient = pubClient.duplicate();
  // node-redis reconnects by itself; an unhandled 'error' event would crash the process.
  for (const [role, client] of [
    ['pub', pubClient],
    ['sub', subClient],
  ] as const) {
    client.on('error', (error: Error) => logger.warn({ err: error.message, role }, 'socket.io redis error'));
  }
  try {
    await Promise.all([pubClient.connect(), subClient.connect()]);
    connected = true;
  } catch (error) {
    pubClient.destroy();
    subClient.destroy();
    throw error;
  }
  io.adapter(createAdapter(pubClient, subClient));
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await Promise.allSettled([pubClient.close(), subClient.close()]);
    })();
    return closing;
  };
}
