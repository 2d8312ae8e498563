import { performance } from 'node:perf_hooks';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { DomainEvents } from '../../platform/src/common/events/domain-events';
import { createLogger } from '../../platform/src/common/logging/logger';
import { openDatabase } from '../../platform/src/database/open-database';
import { MetricsService } from '../../platform/src/modules/health/metrics.service';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { ScheduledJobsRepository } from '../../platform/src/modules/jobs/scheduled-jobs.repository';
import { createDatabase, startPostgres } from '../support/postgres-server';

const T0 = Date.UTC(2026, 0, 5, 13);

/**
 * The timed-work store (ADR 0003): scheduling N jobs, draining them when due (claim with SKIP
 * LOCKED, run a no-op handler, delete), and the cost of the one-second poll when nothing is due
 * while N jobs wait. The last figure is what every instance pays per second in production.
 */
export async function benchScheduledJobs(
  database: 'pglite' | 'postgres',
  jobs: number,
): Promise<Record<string, unknown>> {
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  const db = await openDatabase({
    databaseUrl: postgres ? await createDatabase(postgres.url, 'jobs_bench') : undefined,
  });
  try {
    const logger = createLogger('silent');
    const clock = new ManualClock(T0);
    const scheduler = new JobScheduler(
      new ScheduledJobsRepository(db),
      new MetricsService(new DomainEvents(logger)),
      clock,
      logger,
    );
    let ran = 0;
    scheduler.register('bench', async () => {
      ran++;
    });
    let started = performance.now();
    for (let i = 0; i < jobs; i++) await scheduler.schedule('bench', `job-${i}`, T0 + 60_000 + i);
    const scheduleMs = performance.now() - started;

    const polls = 50;
    started = performance.now();
    for (let i = 0; i < polls; i++) await scheduler.runDue();
    const idlePollMs = (performance.now() - started) / polls;

    clock.advance(60_000 + jobs);
    started = performance.now();
    await scheduler.runDue();
    const drainMs = performance.now() - started;
    if (ran !== jobs) throw new Error(`ran ${ran} of ${jobs} jobs`);
    return {
      name: `scheduled-jobs-${database}`,
      jobs,
      scheduledPerS: Math.round(jobs / (scheduleMs / 1000)),
      drainedPerS: Math.round(jobs / (drainMs / 1000)),
      idlePollMs: Number(idlePollMs.toFixed(2)),
    };
  } finally {
    await db.close();
    await postgres?.stop();
  }
}
