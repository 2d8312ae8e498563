import { ManualClock } from '../../common/clock/clock';
import { AppError } from '../../common/errors/app-error';
import { ACCOUNT_LIMIT, LoginThrottle } from './login-throttle';

const wrong = async (): Promise<string | undefined> => undefined;
const right = async (): Promise<string | undefined> => 'user-1';

async function refusal(attempt: Promise<unknown>): Promise<AppError> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error('expected a refusal');
  return error;
}

describe('LoginThrottle', () => {
  it('counts a check that throws as no guess, and still lets the error through', async () => {
    const throttle = new LoginThrottle(new ManualClock());
    for (let i = 0; i < ACCOUNT_LIMIT.failures + 3; i++)
      await expect(
        throttle.attempt('a@example.com', '10.0.0.1', () => Promise.reject(new Error('database down'))),
      ).rejects.toThrow('database down');
    await expect(throttle.attempt('a@example.com', '10.0.0.1', right)).resolves.toBe('user-1');
  });

  it('slides: each failure frees its slot a window after it happened', async () => {
    const clock = new ManualClock();
    const throttle = new LoginThrottle(clock);
    for (let i = 0; i < ACCOUNT_LIMIT.failures; i++) {
      await throttle.attempt('a@example.com', '10.0.0.1', wrong);
      clock.advance(60_000);
    }
    const locked = await refusal(throttle.attempt('a@example.com', '10.0.0.1', right));
    expect(locked).toMatchObject({ code: 'auth.too_many_attempts', kind: 'rate_limited' });
    // the first failure was 5 minutes ago: it expires in 10
    expect(locked.details.retryAfterS).toBe(ACCOUNT_LIMIT.windowMs / 1000 - 5 * 60);
    clock.advance(10 * 60_000);
    await expect(throttle.attempt('a@example.com', '10.0.0.1', wrong)).resolves.toBeUndefined();
    expect((await refusal(throttle.attempt('a@example.com', '10.0.0.1', right))).details.retryAfterS).toBe(
      60,
    );
  });

  it('treats addresses case-insensitively, as sign-in does', async () => {
    const throttle = new LoginThrottle(new ManualClock());
    for (let i = 0; i < ACCOUNT_LIMIT.failures; i++)
      await throttle.attempt(i % 2 ? 'A@Example.com' : ' a@example.com', `10.0.0.${i}`, wrong);
    await expect(throttle.attempt('a@EXAMPLE.com', '10.0.0.99', right)).rejects.toMatchObject({
      code: 'auth.too_many_attempts',
    });
  });
});
