import { performance } from 'node:perf_hooks';
import type { KpiArea, KpiGroupBy, KpiName } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { createLogger } from '../../platform/src/common/logging/logger';
import { openDatabase } from '../../platform/src/database/open-database';
import { DEMO_SEED } from '../../platform/src/modules/demo/demo-seed.service';
import { generateHistory } from '../../platform/src/modules/kpis/history/history-generator';
import { KpiService } from '../../platform/src/modules/kpis/kpi.service';
import { TicketFactsProjector } from '../../platform/src/modules/kpis/ticket-facts.projector';
import { createDatabase, startPostgres } from '../support/postgres-server';
import { log, percentile, round } from './bench-support';

/** Monday 30 November 2026, 09:00 UTC: the history's end (fixed, so every run has the same rows). */
const NOW = Date.UTC(2026, 10, 30, 9);
const MONTH_MS = (365.25 / 12) * 86_400_000;

/**
 * Per board, the slices it asks for that the rollups do not keep (read from the sources), with
 * the KPIs it asks for in them, as the boards in `dashboards/src/manager/*-board.tsx` do.
 */
const OUTSIDE_ROLLUPS: Partial<Record<KpiArea, Array<{ groupBy: KpiGroupBy; names: KpiName[] }>>> = {
  efficiency: [
    {
      groupBy: 'org_type',
      names: ['tickets_dispatched', 'response_10min_rate', 'arrival_4h_rate', 'completion_24h_rate'],
    },
  ],
  quality: [
    { groupBy: 'fault_mode', names: ['failures'] },
    { groupBy: 'batch', names: ['failures'] },
    { groupBy: 'channel', names: ['failures'] },
  ],
  staff: [
    {
      groupBy: 'technician',
      names: ['tickets_per_technician', 'technician_utilisation', 'technician_online_hours'],
    },
  ],
  service: [
    { groupBy: 'department', names: ['approvals_pending', 'approvals_on_time_rate', 'approvals_late'] },
  ],
};

export interface KpiBoardsOptions {
  months: number;
  ticketsPerMonth: number;
  /** Each board query is timed this many times. */
  repeats: number;
}

/** A progress line on stderr at every 10 % of `total`. */
function progress(what: string): (done: number, total: number) => void {
  let next = 0.1;
  return (done, total) => {
    if (total > 0 && done / total >= next) {
      log(`${what}: ${done} / ${total} (${Math.round((done / total) * 100)} %)`);
      next = Math.floor((done / total) * 10 + 1e-9) / 10 + 0.1;
    }
  };
}

/**
 * The four management boards over a generated history (`generateHistory`: tickets, audit, clocks,
 * surveys, complaints, returns...): the time to generate it and to project the ticket facts,
 * then, per board (its KPI names, as the board asks for them), `KpiService.compute` grouped by
 * month and by region over the 12 months, and the drill-down `rows` of one of its numbers, each
 * timed `repeats` times: p50 / p95 per board and query, and over all of a board's queries.
 */
export async function benchKpiBoards(
  database: 'pglite' | 'postgres',
  options: KpiBoardsOptions,
): Promise<Record<string, unknown>> {
  const name = `kpi-boards-${database}`;
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  const db = await openDatabase({
    databaseUrl: postgres ? await createDatabase(postgres.url, 'kpi_bench') : undefined,
  });
  try {
    const logger = createLogger('silent');
    const projector = new TicketFactsProjector(db, logger);
    const total = options.months * options.ticketsPerMonth;
    log(`${name}: generating ${total} tickets over ${options.months} months`);
    let started = performance.now();
    const summary = await generateHistory(db, {
      seed: DEMO_SEED,
      nowMs: NOW,
      months: options.months,
      ticketsPerMonth: options.ticketsPerMonth,
      onProgress: progress(`${name}: tickets written`),
      log: (_fields, message) => {
        if (message.includes('installed base')) log(`${name}: ${message}`);
      },
    });
    const generateS = (performance.now() - started) / 1000;
    started = performance.now();
    const projected = await projector.projectAll(progress(`${name}: ticket facts projected`));
    const projectS = (performance.now() - started) / 1000;
    if (postgres) await db.query('ANALYZE');
    const kpis = new KpiService(db, new ManualClock(NOW), projector);
    started = performance.now();
    await kpis.rollups.rebuild(NOW);
    const rollupS = (performance.now() - started) / 1000;
    if (postgres) await db.query('ANALYZE');
    log(
      `${name}: generated in ${round(generateS)} s, projected in ${round(projectS)} s, rolled up in ${round(rollupS)} s; timing the boards`,
    );

    const boards = new Map<KpiArea, KpiName[]>();
    for (const d of kpis.definitions()) boards.set(d.area, [...(boards.get(d.area) ?? []), d.name]);
    const fromMs = NOW - options.months * MONTH_MS;
    const period = { fromMs, toMs: NOW };
    const results: Record<string, Record<string, number>> = {};
    let worstP95 = 0;
    for (const [area, names] of boards) {
      const all: number[] = [];
      const perQuery: Record<string, number> = {};
      const time = async (label: string, run: () => Promise<unknown>) => {
        const samples: number[] = [];
        const warm = performance.now();
        await run(); // warm-up: plans and caches, as a board that is open already
        // a query far over the goal is timed fewer times, so the run ends in reasonable time
        const repeats = performance.now() - warm > 20_000 ? 2 : options.repeats;
        perQuery[`${label}Repeats`] = repeats;
        for (let i = 0; i < repeats; i++) {
          const t0 = performance.now();
          await run();
          samples.push(performance.now() - t0);
        }
        all.push(...samples);
        perQuery[`${label}P50Ms`] = round(percentile(samples, 50));
        perQuery[`${label}P95Ms`] = round(percentile(samples, 95));
      };
      const label = (groupBy: string) =>
        `by${groupBy.replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase())}`;
      // every KPI of the board by month and by region (more than any one card asks for at once)
      for (const groupBy of ['month', 'region'] as KpiGroupBy[]) {
        await time(label(groupBy), () => kpis.compute({ names, ...period, groupBy }));
      }
      // and the slices outside the rollups' dimensions, as the board asks for them
      for (const slice of OUTSIDE_ROLLUPS[area] ?? []) {
        await time(label(slice.groupBy), () =>
          kpis.compute({ names: slice.names, ...period, groupBy: slice.groupBy }),
        );
      }
      const lastMonth = new Date(NOW).toISOString().slice(0, 7);
      await time('rows', () =>
        kpis.rows(names[0], { ...period, groupBy: 'month', group: lastMonth, limit: 100 }),
      );
      // an old ticket changes (its day is rolled up again before the next answer)
      if (area === 'quality') {
        const [old] = await db.query<{ id: string; status: string }>(
          `SELECT id, status FROM tickets WHERE created_at < $1 AND status = 'closed' ORDER BY id LIMIT 1`,
          [NOW - 90 * 86_400_000],
        );
        let flip = false;
        await time('afterChange', async () => {
          flip = !flip;
          await db.query('UPDATE tickets SET status = $2, updated_at = updated_at + 1 WHERE id = $1', [
            old.id,
            flip ? 'cancelled' : old.status,
          ]);
          await projector.projectTickets([old.id]);
          return kpis.compute({ names, ...period, groupBy: 'month' });
        });
      }
      const p95 = percentile(all, 95);
      worstP95 = Math.max(worstP95, p95);
      results[area] = {
        kpis: names.length,
        ...perQuery,
        p50Ms: round(percentile(all, 50)),
        p95Ms: round(p95),
      };
      log(`${name}: ${area} board p50 ${results[area].p50Ms} ms, p95 ${results[area].p95Ms} ms`);
    }
    return {
      name,
      tickets: summary.tickets,
      months: options.months,
      devices: summary.devices,
      auditRows: summary.auditRows,
      surveys: summary.surveys,
      complaints: summary.complaints,
      returns: summary.returns,
      projected,
      generateS: round(generateS),
      generatedTicketsPerS: Math.round(summary.tickets / generateS),
      projectS: round(projectS),
      rollupS: round(rollupS),
      repeats: options.repeats,
      boards: results,
      worstBoardP95Ms: round(worstP95),
      goalP95Ms: 1000,
    };
  } finally {
    await db.close();
    await postgres?.stop();
  }
}
