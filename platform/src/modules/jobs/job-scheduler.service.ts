import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { MetricsService } from '../health/metrics.service';
import { ScheduledJobsRepository, type ScheduledJob } from './scheduled-jobs.repository';

export type JobHandler = (key: string, payload: Record<string, unknown>) => Promise<void>;

/** How often the scheduler looks for due jobs (wall-clock; due times come from the injected clock). */
const POLL_INTERVAL_MS = 1_000;
/** A claimed job not finished in this long (instance crashed) is run again by whoever sees it next. */
const LEASE_MS = 60_000;
const BATCH = 100;
const RETRY_AFTER_MS = 30_000;

/**
 * Timed work (SLA warnings and breaches, offer timeouts, dispatch retries, fix verification, and
 * the surveys and reports to come) as jobs stored in the database: they survive a restart and
 * run once when several instances share one PostgreSQL (see ADR 0003). Features register a
 * handler per kind and schedule jobs by (kind, key); scheduling the same key again moves it.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  /** A pass to start when the running one ends, for callers that came while it ran. */
  private next?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly repository: ScheduledJobsRepository,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
    this.handlers.set(kind, handler);
  }

  schedule(kind: string, key: string, runAtMs: number, payload: Record<string, unknown> = {}): Promise<void> {
    return this.repository.schedule(kind, key, runAtMs, payload);
  }

  cancel(kind: string, key: string): Promise<void> {
    return this.repository.cancel(kind, key);
  }

  pending(kind?: string): Promise<ScheduledJob[]> {
    return this.repository.pending(kind);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      // a database away for a moment must not end the process: the next poll tries again
      this.runDue().catch((error: unknown) => this.logger.error({ err: error }, 'running due jobs failed'));
    }, POLL_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([this.running, this.next]);
  }

  /**
   * Runs every job due by the clock's now, oldest first, until none is left; one pass at a time
   * per instance. Tests with a manual clock call it after advancing the clock. Called while a
   * pass runs (the poll's), it answers with one more pass after that one: the running pass may
   * have looked at the clock for the last time already.
   */
  runDue(): Promise<number> {
    if (!this.running) {
      this.running = this.drain().finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => 0)
      .then(() => {
        this.next = undefined;
        return this.runDue();
      });
    return this.next;
  }

  private async drain(): Promise<number> {
    let ran = 0;
    while (!this.stopped) {
      const now = this.clock.now();
      const jobs = await this.repository.claimDue(now, now + LEASE_MS, BATCH);
      if (jobs.length === 0) break;
      for (const job of jobs) {
        await this.run(job);
        ran++;
      }
    }
    return ran;
  }

  private async run(job: ScheduledJob): Promise<void> {
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(job.key, job.payload);
      await this.repository.complete(job);
      this.metrics.jobsRun.inc({ kind: job.kind, outcome: 'done' });
    } catch (error) {
      this.metrics.jobsRun.inc({ kind: job.kind, outcome: 'failed' });
      this.logger.error(
        { err: error, job: { kind: job.kind, key: job.key, attempts: job.attempts } },
        'job failed',
      );
      await this.repository.retry(job, this.clock.now() + RETRY_AFTER_MS * Math.min(job.attempts, 10));
    }
  }
}
