/**
 * Medium test: guessing passwords is bounded per email and per client address. Real: the
 * platform (Nest HTTP, PGlite, scrypt password checks) with its seeded demo users, called over
 * loopback with fetch. The platform's clock is a ManualClock, so a 15-minute window passes in
 * no time and nothing sleeps.
 */
import { ManualClock } from '../../platform/src/common/clock/clock';
import { ADMIN, startTestPlatform, type TestPlatform } from '../support/platform-fixture';

const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const WINDOW_MS = 15 * 60_000;
const EMAIL_LIMIT = 5;
const IP_LIMIT = 50;

interface LoginAnswer {
  status: number;
  retryAfter: string | null;
  body: { statusCode?: number; code?: string; retryAfterS?: number };
}

describe('login attempts are rate limited', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 5, 13));
  let t: TestPlatform;

  async function login(email: string, password: string): Promise<LoginAnswer> {
    const response = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as LoginAnswer['body'],
    };
  }

  const statuses = (answers: LoginAnswer[]) =>
    answers.reduce<Record<number, number>>((n, a) => ({ ...n, [a.status]: (n[a.status] ?? 0) + 1 }), {});

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('lets at most 5 of 30 parallel wrong passwords be checked, refuses the rest with 429 and Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(ENGINEER.email, `wrong-password-${i}`)),
    );
    expect(statuses(answers)).toEqual({ 401: EMAIL_LIMIT, 429: 30 - EMAIL_LIMIT });
    for (const answer of answers.filter((a) => a.status === 429)) {
      expect(answer.body).toMatchObject({ statusCode: 429, code: 'auth.too_many_attempts' });
      const retryAfterS = Number(answer.retryAfter);
      expect(Number.isInteger(retryAfterS)).toBe(true);
      expect(retryAfterS).toBeGreaterThan(0);
      expect(retryAfterS).toBeLessThanOrEqual(WINDOW_MS / 1000);
    }
  });

  it('refuses even the right password while locked, counting down, and accepts it after the window', async () => {
    const locked = await login(ENGINEER.email, ENGINEER.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBe(WINDOW_MS / 1000);
    // the same address, in other case: the same account
    expect((await login(ENGINEER.email.toUpperCase(), ENGINEER.password)).status).toBe(429);

    clock.advance(WINDOW_MS - 60_000);
    const later = await login(ENGINEER.email, ENGINEER.password);
    expect(later.status).toBe(429);
    expect(Number(later.retryAfter)).toBe(60);

    clock.advance(60_000);
    expect((await login(ENGINEER.email, ENGINEER.password)).status).toBe(200);
  });

  it('starts counting afresh after a successful login', async () => {
    for (let i = 0; i < EMAIL_LIMIT - 1; i++)
      expect((await login(ENGINEER.email, 'wrong-password')).status).toBe(401);
    expect((await login(ENGINEER.email, ENGINEER.password)).status).toBe(200);
    for (let i = 0; i < EMAIL_LIMIT; i++)
      expect((await login(ENGINEER.email, 'wrong-password')).status).toBe(401);
    expect((await login(ENGINEER.email, 'wrong-password')).status).toBe(429);
  });

  it('leaves other accounts alone: the admin still signs in, and a wrong admin password is still a 401', async () => {
    expect((await login(ADMIN.email, 'wrong-password')).status).toBe(401);
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200);
    // the many logins of the other tests: successes never count
    for (let i = 0; i < 20; i++) expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it('bounds one client address across many emails, unknown ones included', async () => {
    clock.advance(WINDOW_MS); // the failures above expire
    const sprayed = await Promise.all(
      Array.from({ length: IP_LIMIT + 10 }, (_, i) => login(`nobody-${i}@example.com`, 'guess')),
    );
    expect(statuses(sprayed)).toEqual({ 401: IP_LIMIT, 429: 10 });
    const fresh = await login(ADMIN.email, ADMIN.password);
    expect(fresh.status).toBe(429);
    expect(fresh.body.code).toBe('auth.too_many_attempts');
    expect(Number(fresh.retryAfter)).toBe(WINDOW_MS / 1000);
    clock.advance(WINDOW_MS);
    expect((await login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });
});
