import { randomUUID } from 'node:crypto';
import type { Logger } from '../../common/logging/logger';
import { connectRedis } from '../../common/redis/redis-client';
import type { FailureLimit } from './login-throttle';

/** An attempt being checked holds its slot at most this long (an instance killed mid-check). */
const IN_FLIGHT_TTL_MS = 60_000;

/**
 * The wait of one window (failures in a sorted set by time, attempts in flight in a counter),
 * the same rule as the in-memory window: 0 when one more attempt may start, else how long until
 * the oldest counted attempt leaves the window, as if every attempt in flight fails.
 */
const WAIT = `
local function wait(failures, inFlight, now, limit, window)
  redis.call('ZREMRANGEBYSCORE', failures, '-inf', now - window)
  local times = redis.call('ZRANGE', failures, 0, -1, 'WITHSCORES')
  local counted = #times / 2
  local excess = counted + tonumber(redis.call('GET', inFlight) or '0') - limit + 1
  if excess <= 0 then return 0 end
  local at = now
  if excess <= counted then at = tonumber(times[excess * 2]) end
  return at + window - now
end`;

/** KEYS: account failures, account in flight, client failures, client in flight. ARGV: now, limits, windows, in-flight TTL. */
const BEGIN = `${WAIT}
local now = tonumber(ARGV[1])
local waitMs = math.max(
  wait(KEYS[1], KEYS[2], now, tonumber(ARGV[2]), tonumber(ARGV[3])),
  wait(KEYS[3], KEYS[4], now, tonumber(ARGV[4]), tonumber(ARGV[5])))
if waitMs > 0 then return waitMs end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[6])
return 0`;

/**
 * KEYS as BEGIN. ARGV: now, outcome, account window, client window, failure id, account resets on success,
 * client resets on success.
 */
const END = `
local now = tonumber(ARGV[1])
for i = 0, 1 do
  local failures, inFlight, window, resets = KEYS[1 + 2 * i], KEYS[2 + 2 * i], ARGV[3 + i], ARGV[6 + i]
  if tonumber(redis.call('GET', inFlight) or '0') > 0 then redis.call('DECR', inFlight) end
  if ARGV[2] == 'failed' then
    redis.call('ZADD', failures, now, ARGV[5])
    redis.call('PEXPIRE', failures, window)
  elseif ARGV[2] == 'succeeded' and resets == '1' then
    redis.call('DEL', failures)
  end
end
return 0`;

export type AttemptOutcome = 'succeeded' | 'failed' | 'abandoned';

interface EvalClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
}

/**
 * The sign-in failure windows in Redis (scale-out: every instance counts every failure), each
 * check-and-start one atomic script, so parallel guesses spread over instances cannot overshoot.
 */
export class RedisFailureCounts {
  private constructor(
    private readonly client: EvalClient,
    private readonly account: FailureLimit,
    private readonly clientAddress: FailureLimit,
  ) {}

  static async open(
    redisUrl: string,
    limits: { account: FailureLimit; client: FailureLimit },
    logger: Logger,
  ): Promise<RedisFailureCounts> {
    const client = await connectRedis(redisUrl, logger, 'login throttle');
    return new RedisFailureCounts(client, limits.account, limits.client);
  }

  /** 0 when the attempt may go on (it then counts as in flight), else how long it must wait (ms). */
  async begin(account: string, clientAddress: string, now: number): Promise<number> {
    const waitMs = await this.client.eval(BEGIN, {
      keys: keysOf(account, clientAddress),
      arguments: [
        String(now),
        String(this.account.failures),
        String(this.account.windowMs),
        String(this.clientAddress.failures),
        String(this.clientAddress.windowMs),
        String(IN_FLIGHT_TTL_MS),
      ],
    });
    return Number(waitMs);
  }

  async end(account: string, clientAddress: string, outcome: AttemptOutcome, now: number): Promise<void> {
    await this.client.eval(END, {
      keys: keysOf(account, clientAddress),
      arguments: [
        String(now),
        outcome,
        String(this.account.windowMs),
        String(this.clientAddress.windowMs),
        `${now}:${randomUUID()}`,
        this.account.resetOnSuccess ? '1' : '0',
        this.clientAddress.resetOnSuccess ? '1' : '0',
      ],
    });
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => this.client.destroy());
  }
}

function keysOf(account: string, clientAddress: string): string[] {
  return [
    `login:account:${account}:failures`,
    `login:account:${account}:in-flight`,
    `login:client:${clientAddress}:failures`,
    `login:client:${clientAddress}:in-flight`,
  ];
}
