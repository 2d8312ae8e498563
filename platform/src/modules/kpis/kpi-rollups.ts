import type { SqlClient, SqlExecutor } from '../../database/sql-client';
import { KPI_SOURCES, type KpiSourceName } from './kpi-definitions';
import { ROLLUP_DIMENSIONS, rollupSpecs, type RollupSpec } from './kpi-rollup';

const DAY = 86_400_000;
/** Rebuilding more days than this at once rebuilds the whole rollup (one scan instead of many). */
const MAX_DAYS_PIECEWISE = 31;

export interface RollupState {
  /** Rolled-up days are those before this one (UTC day number); null: nothing rolled up. */
  throughDay: number | null;
}

/**
 * Keeps the daily rollups of `kpi-rollup.ts` equal to their sources. A rollup covers the days
 * before today, or, when a measure depends on now, the days that ended more than `settleMs` ago
 * (so every condition on "now" in a definition, such as "not answered within 10 minutes" or "a
 * survey past its due date", has settled for them); it
 * grows as days settle; a day whose rows change (triggers mark it in `kpi_rollup_dirty`) is
 * rolled up again before the next query. A change of definitions changes a rollup's signature,
 * and the rollup is rebuilt.
 */
export class KpiRollups {
  private running: Promise<Map<KpiSourceName, RollupState>> | null = null;

  constructor(
    private readonly db: SqlClient,
    /** Inlines `$3` (now) and `$5` (policy numbers) as the KPI service does. */
    private readonly literal: (sql: string) => string,
    private readonly settleMs: number,
  ) {}

  /**
   * The day before which a rollup is complete for `now`: the days that have settled, or, when
   * no measure depends on now, every day before today.
   */
  targetDay(now: number, spec: RollupSpec): number {
    return Math.floor((now - (spec.usesNow ? this.settleMs : 0)) / DAY);
  }

  /** Brings the rollups of `sources` up to date for `now`; one refresh at a time per process. */
  async refresh(sources: readonly KpiSourceName[], now: number): Promise<Map<KpiSourceName, RollupState>> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.db.transaction(async (tx) => {
      if (this.db.kind === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(7420519)');
      return this.refreshIn(tx, sources, now);
    });
    try {
      return await this.running;
    } finally {
      this.running = null;
    }
  }

  /** Rebuilds every rollup from scratch (after a bulk import, or from the benchmark). */
  async rebuild(now: number): Promise<void> {
    await this.db.exec('DELETE FROM kpi_rollup_state');
    await this.refresh([...rollupSpecs().keys()], now);
  }

  private async refreshIn(
    tx: SqlExecutor,
    sources: readonly KpiSourceName[],
    now: number,
  ): Promise<Map<KpiSourceName, RollupState>> {
    const specs = rollupSpecs();
    const states = new Map(
      (
        await tx.query<{ source: string; signature: string; through_day: number }>(
          'SELECT source, signature, through_day FROM kpi_rollup_state',
        )
      ).map((row) => [row.source, row]),
    );
    const dirty = await tx.query<{ source: string; n: number }>(
      'SELECT source, count(*)::int AS n FROM kpi_rollup_dirty GROUP BY source',
    );
    const out = new Map<KpiSourceName, RollupState>();
    for (const source of sources) {
      const spec = specs.get(source);
      if (!spec) continue;
      const target = this.targetDay(now, spec);
      const state = states.get(source);
      let through = state && state.signature === spec.signature ? Number(state.through_day) : null;
      // a clock moved back past the rolled-up days: what was settled may not be any more
      if (through !== null && through > target) through = null;
      if (through === null) {
        await this.create(tx, spec);
        await this.build(tx, spec, null, target, now);
        await tx.query('DELETE FROM kpi_rollup_dirty WHERE source = $1', [source]);
        through = target;
      } else {
        if (dirty.some((row) => row.source === source && Number(row.n) > 0)) {
          const days = (
            await tx.query<{ day: number }>('DELETE FROM kpi_rollup_dirty WHERE source = $1 RETURNING day', [
              source,
            ])
          )
            .map((row) => Number(row.day))
            .filter((day) => day < (through as number));
          if (days.length > MAX_DAYS_PIECEWISE) {
            await tx.exec(`TRUNCATE ${spec.table}`);
            await this.build(tx, spec, null, through, now);
          } else if (days.length > 0) {
            await tx.query(`DELETE FROM ${spec.table} WHERE day = ANY($1::int[])`, [days]);
            for (const day of days) await this.build(tx, spec, day, day + 1, now);
          }
        }
        if (target > through) {
          await this.build(tx, spec, through, target, now);
          through = target;
        }
      }
      if (!state || state.signature !== spec.signature || Number(state.through_day) !== through) {
        await tx.query(
          `INSERT INTO kpi_rollup_state (source, signature, through_day, built_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (source) DO UPDATE SET signature = EXCLUDED.signature, through_day = EXCLUDED.through_day,
             built_at = EXCLUDED.built_at`,
          [source, spec.signature, through, now],
        );
      }
      out.set(source, { throughDay: through });
    }
    return out;
  }

  private async create(tx: SqlExecutor, spec: RollupSpec): Promise<void> {
    const dims = ROLLUP_DIMENSIONS.map((d) => `${d} text`).join(', ');
    const measures = spec.measures.map((m) => `${m.column} double precision`).join(', ');
    await tx.exec(
      `DROP TABLE IF EXISTS ${spec.table};
       CREATE TABLE ${spec.table} (day integer NOT NULL, ${dims}${measures ? `, ${measures}` : ''});
       CREATE INDEX ${spec.table}_day_idx ON ${spec.table} (day);`,
    );
  }

  /** Rolls up the source's rows of days [fromDay, toDay) (fromDay null: from the first row). */
  private async build(
    tx: SqlExecutor,
    spec: RollupSpec,
    fromDay: number | null,
    toDay: number,
    now: number,
  ): Promise<void> {
    if (fromDay !== null && fromDay >= toDay) return;
    void now;
    const dims = ROLLUP_DIMENSIONS.join(', ');
    const measures = spec.measures.map((m) => `(${this.literal(m.sql)})::double precision`);
    const range = [`s.at < ${toDay * DAY}`];
    if (fromDay !== null) range.push(`s.at >= ${fromDay * DAY}`);
    await tx.query(
      `INSERT INTO ${spec.table} (day, ${dims}${spec.measures.map((m) => `, ${m.column}`).join('')})
       SELECT floor(s.at / ${DAY}.0)::int AS day, ${dims}${measures.map((m) => `, ${m}`).join('')}
         FROM (${this.literal(KPI_SOURCES[spec.source].sql)}) s
        WHERE ${range.join(' AND ')}
        GROUP BY 1, ${ROLLUP_DIMENSIONS.map((_, i) => i + 2).join(', ')}`,
    );
  }
}
