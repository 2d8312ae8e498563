import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface ScheduledJob {
  kind: string;
  key: string;
  /** Changes each time the job is (re)scheduled, so a finished run never deletes a newer schedule. */
  id: string;
  runAtMs: number;
  payload: Record<string, unknown>;
  attempts: number;
}

interface JobRow {
  kind: string;
  key: string;
  id: string;
  run_at_ms: string | number;
  payload: Record<string, unknown>;
  attempts: number;
}

const toJob = (r: JobRow): ScheduledJob => ({
  kind: r.kind,
  key: r.key,
  id: r.id,
  runAtMs: Number(r.run_at_ms),
  payload: r.payload,
  attempts: r.attempts,
});

/** The `scheduled_jobs` table: one row per pending job, unique by (kind, key). */
@Injectable()
export class ScheduledJobsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** Creates or moves the job; a run in progress keeps going, and its completion will not remove this one. */
  async schedule(
    kind: string,
    key: string,
    runAtMs: number,
    payload: Record<string, unknown>,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduled_jobs (kind, key, id, run_at_ms, payload, locked_until_ms, attempts)
       VALUES ($1, $2, $3, $4, $5, NULL, 0)
       ON CONFLICT (kind, key) DO UPDATE
         SET id = EXCLUDED.id, run_at_ms = EXCLUDED.run_at_ms, payload = EXCLUDED.payload,
             locked_until_ms = NULL, attempts = 0`,
      // never early: a job due at x.5 ms runs at x+1
      [kind, key, randomUUID(), Math.ceil(runAtMs), JSON.stringify(payload)],
    );
  }

  async cancel(kind: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM scheduled_jobs WHERE kind = $1 AND key = $2', [kind, key]);
  }

  /**
   * Leases up to `limit` due jobs until `leaseUntilMs`. `SKIP LOCKED` and the lease make each
   * due job go to exactly one caller, across every instance sharing the database.
   */
  async claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<ScheduledJob[]> {
    const rows = await this.db.query<JobRow>(
      `UPDATE scheduled_jobs SET locked_until_ms = $2, attempts = attempts + 1
       WHERE (kind, key) IN (
         SELECT kind, key FROM scheduled_jobs
         WHERE run_at_ms <= $1 AND (locked_until_ms IS NULL OR locked_until_ms <= $1)
         ORDER BY run_at_ms LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING kind, key, id, run_at_ms, payload, attempts`,
      [Math.round(nowMs), Math.round(leaseUntilMs), limit],
    );
    return rows.map(toJob).sort((a, b) => a.runAtMs - b.runAtMs);
  }

  /** Removes the run that finished, unless the job was rescheduled meanwhile. */
  async complete(job: ScheduledJob): Promise<void> {
    await this.db.query('DELETE FROM scheduled_jobs WHERE kind = $1 AND key = $2 AND id = $3', [
      job.kind,
      job.key,
      job.id,
    ]);
  }

  /** A failed run is tried again at `retryAtMs`, unless the job was rescheduled meanwhile. */
  async retry(job: ScheduledJob, retryAtMs: number): Promise<void> {
    await this.db.query(
      `UPDATE scheduled_jobs SET run_at_ms = $4, locked_until_ms = NULL
       WHERE kind = $1 AND key = $2 AND id = $3`,
      [job.kind, job.key, job.id, Math.round(retryAtMs)],
    );
  }

  async pending(kind?: string): Promise<ScheduledJob[]> {
    const rows = await this.db.query<JobRow>(
      `SELECT kind, key, id, run_at_ms, payload, attempts FROM scheduled_jobs
       WHERE $1::text IS NULL OR kind = $1 ORDER BY run_at_ms`,
      [kind ?? null],
    );
    return rows.map(toJob);
  }
}
