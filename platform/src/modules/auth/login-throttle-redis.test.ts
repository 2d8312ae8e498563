/**
 * Medium test. Real: a redis-server on loopback, shared by two LoginThrottles as two platform
 * instances with REDIS_URL share it. The clock is a manual one, passed to Redis by the throttle.
 */
import pino from 'pino';
import { startRedis, type RedisServer } from '../../../../tests/support/redis-server';
import { ManualClock } from '../../common/clock/clock';
import { ACCOUNT_LIMIT, CLIENT_LIMIT, LoginThrottle } from './login-throttle';

const wrong = async (): Promise<string | undefined> => undefined;
const right = async (): Promise<string | undefined> => 'user-1';
const logger = pino({ level: 'silent' });

describe('sign-in throttle shared by two instances through Redis', () => {
  let redis: RedisServer;
  let clock: ManualClock;
  let a: LoginThrottle;
  let b: LoginThrottle;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    clock = new ManualClock();
    a = new LoginThrottle(clock, { redisUrl: redis.url }, logger);
    b = new LoginThrottle(clock, { redisUrl: redis.url }, logger);
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
  });
  afterEach(async () => {
    await Promise.all([a.onApplicationShutdown(), b.onApplicationShutdown()]);
  });

  it('allows the limit once across the instances, not once per instance, and slides', async () => {
    const email = `slide-${clock.now()}@example.com`;
    for (let i = 0; i < ACCOUNT_LIMIT.failures; i++) {
      await (i % 2 ? a : b).attempt(email, `10.1.0.${i}`, wrong);
      clock.advance(60_000);
    }
    for (const instance of [a, b]) {
      await expect(instance.attempt(email, '10.1.0.99', right)).rejects.toMatchObject({
        code: 'auth.too_many_attempts',
        details: { retryAfterS: ACCOUNT_LIMIT.windowMs / 1000 - 5 * 60 },
      });
    }
    // the first failure leaves the window 10 minutes later: one more attempt may start, anywhere
    clock.advance(10 * 60_000);
    await expect(a.attempt(email, '10.1.0.99', right)).resolves.toBe('user-1');
    // the right password forgot the account's failures
    await expect(b.attempt(email, '10.1.0.98', wrong)).resolves.toBeUndefined();
  });

  it('lets no more parallel guesses through than the limit, spread over both instances', async () => {
    const email = `parallel-${clock.now()}@example.com`;
    const slow = () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 * ACCOUNT_LIMIT.failures }, (_, i) =>
        (i % 2 ? a : b).attempt(email, `10.2.0.${i}`, slow),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(ACCOUNT_LIMIT.failures);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(2 * ACCOUNT_LIMIT.failures);
  });

  it('counts one client address across accounts and instances', async () => {
    const address = `10.3.${clock.now() % 250}.1`;
    for (let i = 0; i < CLIENT_LIMIT.failures; i++)
      await (i % 2 ? a : b).attempt(`u${i}@example.com`, address, wrong);
    await expect(a.attempt('new@example.com', address, right)).rejects.toMatchObject({
      code: 'auth.too_many_attempts',
    });
  });
});
