/**
 * Medium test of scheduled jobs. Real: the `scheduled_jobs` table with the platform's
 * migrations on PGlite (on disk under a temp dir, so it can be closed and reopened) and on a
 * PostgreSQL 15 cluster started on loopback by the test, where two pg pools play two platform
 * instances sharing one database. The scheduler and its repository are the production classes,
 * built directly; the clock is a ManualClock and nothing runs unless the test calls `runDue()`
 * (the poll timer is never started).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startPostgres,
  createDatabase,
  type PostgresServer,
} from '../../../../tests/support/postgres-server';
import { ManualClock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { createLogger } from '../../common/logging/logger';
import { openDatabase } from '../../database/open-database';
import type { SqlClient } from '../../database/sql-client';
import { MetricsService } from '../health/metrics.service';
import { JobScheduler } from './job-scheduler.service';
import { ScheduledJobsRepository, type ScheduledJob } from './scheduled-jobs.repository';

const T0 = Date.UTC(2026, 0, 5, 13);
const SECOND = 1000;
/** ADR 0003: a claimed job not finished within this (by the clock) runs again elsewhere. */
const LEASE_MS = 60 * SECOND;
/** The first retry of a failed run; the delay grows with each attempt. */
const RETRY_MS = 30 * SECOND;
const logger = createLogger('silent');

/** A repository whose next claim is held back until the test releases it (a slow round trip). */
class SlowClaimRepository extends ScheduledJobsRepository {
  private held?: Promise<void>;

  holdNextClaim(): () => void {
    let release!: () => void;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return release;
  }

  override async claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<ScheduledJob[]> {
    const held = this.held;
    this.held = undefined;
    if (held) await held;
    return super.claimDue(nowMs, leaseUntilMs, limit);
  }
}

describe.each(['pglite', 'postgres'] as const)('scheduled jobs on %s', (engine) => {
  let server: PostgresServer | undefined;
  let location: { databaseUrl?: string; dataDir?: string };
  let db: SqlClient;
  let clock: ManualClock;
  const extraClients: SqlClient[] = [];

  const open = () => openDatabase(location);
  const scheduler = (client = db) => {
    const metrics = new MetricsService(new DomainEvents(logger));
    const repository = new SlowClaimRepository(client);
    return { jobs: new JobScheduler(repository, metrics, clock, logger), metrics, repository };
  };
  const jobsTotal = async (metrics: MetricsService, kind: string, outcome: 'done' | 'failed') =>
    (await metrics.jobsRun.get()).values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)
      ?.value ?? 0;

  beforeAll(async () => {
    if (engine === 'postgres') {
      server = await startPostgres();
      location = { databaseUrl: await createDatabase(server.url, 'jobs_test') };
    } else {
      location = { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-test-')) };
    }
    db = await open();
  });

  beforeEach(async () => {
    clock = new ManualClock(T0);
    await db.query('DELETE FROM scheduled_jobs');
  });

  afterAll(async () => {
    for (const client of extraClients) await client.close();
    await db?.close();
    await server?.stop();
    if (location?.dataDir) fs.rmSync(location.dataDir, { recursive: true, force: true });
  });

  it('runs a job once the clock reaches it, not before, with its payload', async () => {
    const { jobs } = scheduler();
    const runs: Array<[string, Record<string, unknown>]> = [];
    jobs.register('report', async (key, payload) => void runs.push([key, payload]));
    await jobs.schedule('report', 'monthly', T0 + 10 * SECOND, { month: '2026-01' });

    clock.advance(10 * SECOND - 1);
    expect(await jobs.runDue()).toBe(0);
    expect(runs).toEqual([]);

    clock.advance(1);
    expect(await jobs.runDue()).toBe(1);
    expect(runs).toEqual([['monthly', { month: '2026-01' }]]);
    expect(await jobs.pending()).toEqual([]);
    clock.advance(LEASE_MS * 10);
    expect(await jobs.runDue()).toBe(0);
    expect(runs).toHaveLength(1);
  });

  it('moves a job scheduled again under the same (kind, key), and forgets a cancelled one', async () => {
    const { jobs } = scheduler();
    const runs: Array<[string, Record<string, unknown>]> = [];
    jobs.register('sla', async (key, payload) => void runs.push([key, payload]));
    await jobs.schedule('sla', 'ticket-1', T0 + 10 * SECOND, { point: 'warning' });
    await jobs.schedule('sla', 'ticket-1', T0 + 50 * SECOND, { point: 'breach' });
    await jobs.schedule('sla', 'ticket-2', T0 + 10 * SECOND);
    await jobs.cancel('sla', 'ticket-2');
    expect((await jobs.pending('sla')).map((j) => [j.key, j.runAtMs])).toEqual([
      ['ticket-1', T0 + 50 * SECOND],
    ]);

    clock.advance(10 * SECOND);
    expect(await jobs.runDue()).toBe(0);
    clock.advance(40 * SECOND);
    expect(await jobs.runDue()).toBe(1);
    expect(runs).toEqual([['ticket-1', { point: 'breach' }]]);
  });

  it('retries a failing handler later, with a growing delay, and counts every outcome', async () => {
    const { jobs, metrics } = scheduler();
    let calls = 0;
    jobs.register('flaky', async () => {
      calls += 1;
      if (calls <= 2) throw new Error(`attempt ${calls} failed`);
    });
    await jobs.schedule('flaky', 'k', T0);

    expect(await jobs.runDue()).toBe(1);
    expect(calls).toBe(1);
    expect(await jobs.pending('flaky')).toEqual([
      expect.objectContaining({ key: 'k', runAtMs: T0 + RETRY_MS, attempts: 1 }),
    ]);
    // not again in the same pass, nor before the retry time
    clock.advance(RETRY_MS - 1);
    expect(await jobs.runDue()).toBe(0);
    expect(calls).toBe(1);

    clock.advance(1);
    expect(await jobs.runDue()).toBe(1);
    expect(calls).toBe(2);
    // the second failure waits twice as long
    expect((await jobs.pending('flaky')).map((j) => j.runAtMs)).toEqual([clock.now() + 2 * RETRY_MS]);

    clock.advance(2 * RETRY_MS);
    expect(await jobs.runDue()).toBe(1);
    expect(calls).toBe(3);
    expect(await jobs.pending('flaky')).toEqual([]);
    expect(await jobsTotal(metrics, 'flaky', 'failed')).toBe(2);
    expect(await jobsTotal(metrics, 'flaky', 'done')).toBe(1);
    expect(await metrics.registry.metrics()).toContain(
      'scheduled_jobs_total{kind="flaky",outcome="failed"} 2',
    );
  });

  it('a run, finished or failed, never deletes or delays a job rescheduled meanwhile', async () => {
    const { jobs } = scheduler();
    const runs: string[] = [];
    jobs.register('next', async (key) => {
      runs.push(`${key}@${clock.now()}`);
      // the handler (as the ticket's SLA job does) schedules the key's next point
      if (clock.now() === T0) await jobs.schedule('next', key, T0 + 20 * SECOND);
      if (key === 'fails') throw new Error('after rescheduling');
    });
    await jobs.schedule('next', 'ok', T0);
    await jobs.schedule('next', 'fails', T0);

    expect(await jobs.runDue()).toBe(2);
    const pending = await jobs.pending('next');
    expect(pending.map((j) => [j.key, j.runAtMs, j.attempts]).sort()).toEqual([
      ['fails', T0 + 20 * SECOND, 0],
      ['ok', T0 + 20 * SECOND, 0],
    ]);
    clock.advance(20 * SECOND);
    expect(await jobs.runDue()).toBe(2);
    expect(runs.sort()).toEqual([
      `fails@${T0}`,
      `fails@${T0 + 20 * SECOND}`,
      `ok@${T0}`,
      `ok@${T0 + 20 * SECOND}`,
    ]);
  });

  it('runs, when called during a pass, what is due by the clock at the call', async () => {
    const { jobs, repository } = scheduler();
    const runs: string[] = [];
    jobs.register('due', async (key) => void runs.push(key));
    await jobs.schedule('due', 'later', T0 + 10 * SECOND);

    // a pass (the scheduler's own poll) is checking the database as of T0...
    const release = repository.holdNextClaim();
    const poll = jobs.runDue();
    // ...when the test moves the clock and asks for what is due now
    clock.advance(10 * SECOND);
    const asked = jobs.runDue();
    release();
    await poll;
    await asked;
    expect(runs).toEqual(['later']);
  });

  it('survives a restart: a job scheduled before the database closed runs on a new scheduler after', async () => {
    const before = scheduler();
    await before.jobs.schedule('verify', 'ticket-9', T0 + 3_600_000, { holdMs: 3_600_000 });
    // and one an instance had claimed when it died
    await before.jobs.schedule('verify', 'ticket-10', T0);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    before.jobs.register('verify', async () => {
      started();
      await new Promise<void>(() => {}); // never finishes
    });
    void before.jobs.runDue();
    await running;
    await db.close();

    db = await open();
    const after = scheduler();
    const runs: Array<[string, Record<string, unknown>]> = [];
    after.jobs.register('verify', async (key, payload) => void runs.push([key, payload]));
    expect(await after.jobs.runDue()).toBe(0);
    clock.advance(LEASE_MS);
    expect(await after.jobs.runDue()).toBe(1);
    expect(runs).toEqual([['ticket-10', {}]]);
    clock.set(T0 + 3_600_000);
    expect(await after.jobs.runDue()).toBe(1);
    expect(runs).toEqual([
      ['ticket-10', {}],
      ['ticket-9', { holdMs: 3_600_000 }],
    ]);
    expect(await after.jobs.pending()).toEqual([]);
  });

  if (engine === 'postgres') {
    it('runs each due job exactly once across two instances sharing the database', async () => {
      const other = await open();
      extraClients.push(other);
      const runs = new Map<string, string[]>();
      const instances = [scheduler(db), scheduler(other)].map(({ jobs }, i) => {
        jobs.register('fanout', async (key) => {
          runs.set(key, [...(runs.get(key) ?? []), `instance-${i}`]);
          // let the other instance's claims interleave with this run
          await new Promise((resolve) => setImmediate(resolve));
        });
        return jobs;
      });
      const keys = Array.from({ length: 200 }, (_, i) => `job-${String(i).padStart(3, '0')}`);
      // half due at once (more than one claim takes), half falling due while the instances run
      for (const [i, key] of keys.entries())
        await instances[i % 2].schedule('fanout', key, i < 100 ? T0 : T0 + (i - 100) * 10);

      for (let round = 0; round < 25; round++) {
        clock.advance(100);
        // calls on one instance while its pass runs share (or follow) that pass
        await Promise.all([
          instances[0].runDue(),
          instances[1].runDue(),
          instances[1].runDue(),
          instances[0].runDue(),
        ]);
      }

      expect([...runs.keys()].sort()).toEqual(keys);
      expect([...runs.entries()].filter(([, by]) => by.length !== 1)).toEqual([]);
      const byInstance = [...runs.values()].flat();
      expect(byInstance.filter((i) => i === 'instance-0').length).toBeGreaterThan(0);
      expect(byInstance.filter((i) => i === 'instance-1').length).toBeGreaterThan(0);
      expect(await instances[0].pending()).toEqual([]);
    });

    it('runs a job claimed by an instance that crashed on the other once its lease ends', async () => {
      const other = await open();
      extraClients.push(other);
      const crashed = scheduler(db);
      const survivor = scheduler(other);
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      crashed.jobs.register('dispatch', async () => {
        started();
        await new Promise<void>(() => {}); // never finishes: the instance died mid-run
      });
      const runs: string[] = [];
      survivor.jobs.register('dispatch', async (key) => void runs.push(key));
      await crashed.jobs.schedule('dispatch', 'ticket-1', T0);
      void crashed.jobs.runDue();
      await running;

      expect(await survivor.jobs.runDue()).toBe(0);
      clock.advance(LEASE_MS - 1);
      expect(await survivor.jobs.runDue()).toBe(0);
      clock.advance(1);
      expect(await survivor.jobs.runDue()).toBe(1);
      expect(runs).toEqual(['ticket-1']);
      expect(await survivor.jobs.pending()).toEqual([]);
    });
  }
});

describe('the scheduler’s poll', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('logs a database error and tries again at the next poll, without ending the process', async () => {
    // the database is away (a PostgreSQL restart, a failover): every query fails
    const away: SqlClient = {
      kind: 'postgres',
      query: () => Promise.reject(new Error('Connection terminated unexpectedly')),
      exec: () => Promise.reject(new Error('Connection terminated unexpectedly')),
      transaction: () => Promise.reject(new Error('Connection terminated unexpectedly')),
      close: () => Promise.resolve(),
    };
    const pollLogger = createLogger('silent');
    const logged = jest.spyOn(pollLogger, 'error');
    const jobs = new JobScheduler(
      new ScheduledJobsRepository(away),
      new MetricsService(new DomainEvents(pollLogger)),
      new ManualClock(T0),
      pollLogger,
    );
    // two polls; a rejection left unhandled fails this test here, as it would end a Node process
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    jobs.onApplicationBootstrap();
    jest.advanceTimersByTime(2_000);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    await jobs.onApplicationShutdown();
    expect(logged).toHaveBeenCalledTimes(2);
    expect(logged.mock.calls[0][1]).toBe('running due jobs failed');
  });
});
