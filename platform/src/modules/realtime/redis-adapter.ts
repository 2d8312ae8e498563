import { createAdapter } from '@socket.io/redis-adapter';
import type { Server } from 'socket.io';
import type { Logger } from '../../common/logging/logger';
import { connectRedis } from '../../common/redis/redis-client';

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
  const [pub, sub] = await Promise.allSettled([
    connectRedis(redisUrl, logger, 'socket.io pub'),
    connectRedis(redisUrl, logger, 'socket.io sub'),
  ]);
  if (pub.status === 'rejected' || sub.status === 'rejected') {
    for (const client of [pub, sub]) if (client.status === 'fulfilled') client.value.destroy();
    throw pub.status === 'rejected' ? pub.reason : (sub as PromiseRejectedResult).reason;
  }
  const pubClient = pub.value;
  const subClient = sub.value;
  io.adapter(createAdapter(pubClient, subClient));
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await Promise.allSettled([pubClient.close(), subClient.close()]);
    })();
    return closing;
  };
}
