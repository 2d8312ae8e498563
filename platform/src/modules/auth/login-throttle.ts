import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { lruBound } from '../../../../models/src/lru-bound';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AuthErrors } from './auth.errors';
import type { AttemptOutcome, RedisFailureCounts } from './redis-failure-counts';

export interface FailureLimit {
  failures: number;
  windowMs: number;
  /** A right password forgets the failures counted so far. */
  resetOnSuccess: boolean;
}

/** Per account: 5 guesses per 15 minutes; its owner, once right, starts afresh. */
export const ACCOUNT_LIMIT: FailureLimit = { failures: 5, windowMs: 15 * 60_000, resetOnSuccess: true };
/**
 * Per client address: looser (an office behind one NAT shares it), bounding one client spraying
 * many emails; a success does not reset it, or one valid account would unlock the sprayer.
 */
export const CLIENT_LIMIT: FailureLimit = { failures: 50, windowMs: 15 * 60_000, resetOnSuccess: false };

/** Emails or addresses remembered at once, least recent forgotten first: bounded memory under a spray. */
const MAX_KEYS = 100_000;

type Outcome = AttemptOutcome;

interface FailureLog {
  /** When each failure still inside the window happened, oldest first. */
  failures: number[];
  /** Attempts being checked right now: they count until they end, so parallel guesses cannot overshoot. */
  inFlight: number;
}

/** Failures per key in a sliding window. */
class FailureWindow {
  private readonly logs = new LRUCache<string, FailureLog>(lruBound(MAX_KEYS));

  constructor(private readonly limit: FailureLimit) {}

  /** How long until one more attempt may start: 0 now; otherwise as if every attempt in flight fails. */
  waitMs(key: string, now: number): number {
    const log = this.logs.get(key);
    if (!log) return 0;
    log.failures = log.failures.filter((at) => at + this.limit.windowMs > now);
    const excess = log.failures.length + log.inFlight - this.limit.failures + 1;
    if (excess <= 0) return 0;
    const counted = [...log.failures, ...Array<number>(log.inFlight).fill(now)];
    return counted[excess - 1] + this.limit.windowMs - now;
  }

  start(key: string): void {
    const log = this.logs.get(key) ?? { failures: [], inFlight: 0 };
    log.inFlight += 1;
    this.logs.set(key, log);
  }

  end(key: string, outcome: Outcome, now: number): void {
    const log = this.logs.get(key);
    if (!log) return; // forgotten under a spray of other keys
    log.inFlight -= 1;
    if (outcome === 'failed') log.failures.push(now);
    if (outcome === 'succeeded' && this.limit.resetOnSuccess) log.failures = [];
    if (log.failures.length === 0 && log.inFlight === 0) this.logs.delete(key);
  }
}

/**
 * Bounds password guessing: failed sign-ins per account (email) and per client address, in a
 * sliding window on the injected clock. Only failures count, so signing in often is fine.
 *
 * With REDIS_URL (scale-out) the windows live in Redis, so N instances allow the limit once, not N
 * times; if Redis cannot be reached for an attempt, that attempt is counted in this instance's
 * memory instead (still bounded, per instance), and a warning is logged.
 */
@Injectable()
export class LoginThrottle implements OnModuleInit, OnApplicationShutdown {
  private readonly byAccount = new FailureWindow(ACCOUNT_LIMIT);
  private readonly byClient = new FailureWindow(CLIENT_LIMIT);
  private shared?: RedisFailureCounts;

  constructor(
    private readonly clock: Clock,
    @Optional() @Inject(APP_CONFIG) private readonly config?: Pick<AppConfig, 'redisUrl'>,
    @Optional() @Inject(LOGGER) private readonly logger?: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config?.redisUrl || !this.logger) return;
    const { RedisFailureCounts } = await import('./redis-failure-counts');
    this.shared = await RedisFailureCounts.open(
      this.config.redisUrl,
      { account: ACCOUNT_LIMIT, client: CLIENT_LIMIT },
      this.logger,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shared?.close();
  }

  /**
   * Runs `check` (the user when the password is right, else undefined) unless the account or
   * the client has used up its failures: then throws `auth.too_many_attempts` without checking,
   * so even the right password waits out the lock.
   */
  async attempt<T>(
    email: string,
    clientAddress: string,
    check: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const account = email.trim().toLowerCase();
    const now = this.clock.now();
    const shared = await this.beginShared(account, clientAddress, now);
    const waitMs =
      shared?.waitMs ??
      Math.max(this.byAccount.waitMs(account, now), this.byClient.waitMs(clientAddress, now));
    if (waitMs > 0) throw AuthErrors.tooManyAttempts(Math.max(1, Math.ceil(waitMs / 1000)));
    if (!shared) {
      this.byAccount.start(account);
      this.byClient.start(clientAddress);
    }
    let outcome: Outcome = 'abandoned'; // the check threw (e.g. the database is down): not a guess
    try {
      const user = await check();
      outcome = user === undefined ? 'failed' : 'succeeded';
      return user;
    } finally {
      const end = this.clock.now();
      if (shared) {
        await shared.counts
          .end(account, clientAddress, outcome, end)
          .catch((error: unknown) =>
            this.logger?.warn({ err: error }, 'login throttle: failure not counted in redis'),
          );
      } else {
        this.byAccount.end(account, outcome, end);
        this.byClient.end(clientAddress, outcome, end);
      }
    }
  }

  /** The shared windows' verdict, or undefined (no Redis, or out of reach: count in memory). */
  private async beginShared(
    account: string,
    clientAddress: string,
    now: number,
  ): Promise<{ counts: RedisFailureCounts; waitMs: number } | undefined> {
    const counts = this.shared;
    if (!counts) return undefined;
    try {
      return { counts, waitMs: await counts.begin(account, clientAddress, now) };
    } catch (error) {
      this.logger?.warn({ err: error }, 'login throttle: redis out of reach, counting in this instance');
      return undefined;
    }
  }
}
