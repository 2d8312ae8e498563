import { performance } from 'node:perf_hooks';
import type { Language } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { createLogger } from '../../platform/src/common/logging/logger';
import { openDatabase } from '../../platform/src/database/open-database';
import { DEMO_SEED } from '../../platform/src/modules/demo/demo-seed.service';
import { generateHistory } from '../../platform/src/modules/kpis/history/history-generator';
import { KpiService } from '../../platform/src/modules/kpis/kpi.service';
import { TicketFactsProjector } from '../../platform/src/modules/kpis/ticket-facts.projector';
import { findCjkFont } from '../../platform/src/modules/reports/cjk-font';
import { MonthlyReportData } from '../../platform/src/modules/reports/monthly-report-data.service';
import { renderHtml } from '../../platform/src/modules/reports/report-html';
import { monthContaining, shiftMonth } from '../../platform/src/modules/reports/report-month';
import { ReportsRepository } from '../../platform/src/modules/reports/reports.repository';
import { createDatabase, startPostgres } from '../support/postgres-server';
import { log, round } from './bench-support';

/** Monday 30 November 2026, 09:00 UTC: the history's end; the report is October's. */
const NOW = Date.UTC(2026, 10, 30, 9);

export interface MonthlyReportBenchOptions {
  months: number;
  ticketsPerMonth: number;
  /** Each language's report is generated this many times (after one warm-up). */
  repeats: number;
}

/**
 * The monthly report over a generated history (`generateHistory`, the KPI projection): the time
 * to gather its numbers (every KPI of the month, the 12-month trends, the slices, complaints and
 * warnings), render the charts and the HTML page, and render the PDF, per language. The goal is
 * the whole report in under 30 s.
 */
export async function benchMonthlyReport(
  database: 'pglite' | 'postgres',
  options: MonthlyReportBenchOptions,
): Promise<Record<string, unknown>> {
  const name = `monthly-report-${database}`;
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  const db = await openDatabase({
    databaseUrl: postgres ? await createDatabase(postgres.url, 'report_bench') : undefined,
  });
  try {
    const logger = createLogger('silent');
    const projector = new TicketFactsProjector(db, logger);
    log(
      `${name}: generating ${options.months * options.ticketsPerMonth} tickets over ${options.months} months`,
    );
    const started = performance.now();
    const summary = await generateHistory(db, {
      seed: DEMO_SEED,
      nowMs: NOW,
      months: options.months,
      ticketsPerMonth: options.ticketsPerMonth,
    });
    await projector.projectAll();
    if (postgres) await db.query('ANALYZE');
    const kpis = new KpiService(db, new ManualClock(NOW), projector);
    const rolling = performance.now();
    await kpis.rollups.rebuild(NOW);
    const rollupS = (performance.now() - rolling) / 1000;
    log(
      `${name}: history ready in ${round((performance.now() - started) / 1000)} s (rollups ${round(rollupS)} s); timing the report`,
    );

    const data = new MonthlyReportData(kpis, new ReportsRepository(db));
    const month = shiftMonth(monthContaining(NOW), -1);
    const font = findCjkFont(undefined);
    const results: Record<string, Record<string, number>> = {};
    let worstTotalMs = 0;
    for (const lang of ['en', 'zh-CN'] as Language[]) {
      if (lang === 'zh-CN' && !font) {
        log(`${name}: no CJK font on this machine, the Chinese report is skipped`);
        continue;
      }
      const runs: Array<{
        gatherMs: number;
        htmlMs: number;
        pdfMs: number;
        htmlBytes: number;
        pdfBytes: number;
      }> = [];
      // loaded here, as the platform loads them at its first report: ECharts, pdfkit and its fonts
      // would otherwise sit in every benchmark's process (the soak's RSS is this process's)
      const [{ buildView }, { renderPdf }] = await Promise.all([
        import('../../platform/src/modules/reports/report-view'),
        import('../../platform/src/modules/reports/report-pdf'),
      ]);
      for (let i = 0; i <= options.repeats; i++) {
        const t0 = performance.now();
        const gathered = await data.gather(month, NOW);
        const t1 = performance.now();
        const view = buildView(gathered, lang);
        const html = renderHtml(view);
        const t2 = performance.now();
        const pdf = await renderPdf(view, { cjkFont: font });
        const t3 = performance.now();
        // the first run warms the plans and caches, as a platform that has run for a while
        if (i > 0)
          runs.push({
            gatherMs: t1 - t0,
            htmlMs: t2 - t1,
            pdfMs: t3 - t2,
            htmlBytes: html.length,
            pdfBytes: pdf.length,
          });
      }
      const worst = (key: 'gatherMs' | 'htmlMs' | 'pdfMs') => Math.max(...runs.map((r) => r[key]));
      const totalMs = Math.max(...runs.map((r) => r.gatherMs + r.htmlMs + r.pdfMs));
      worstTotalMs = Math.max(worstTotalMs, totalMs);
      results[lang] = {
        gatherMs: round(worst('gatherMs')),
        htmlMs: round(worst('htmlMs')),
        pdfMs: round(worst('pdfMs')),
        totalMs: round(totalMs),
        htmlBytes: runs[0].htmlBytes,
        pdfBytes: runs[0].pdfBytes,
      };
      log(
        `${name}: ${lang} report in ${results[lang].totalMs} ms (gather ${results[lang].gatherMs}, pdf ${results[lang].pdfMs})`,
      );
    }
    return {
      name,
      tickets: summary.tickets,
      months: options.months,
      month: month.id,
      repeats: options.repeats,
      rollupS: round(rollupS),
      reports: results,
      worstReportMs: round(worstTotalMs),
      goalMs: 30_000,
    };
  } finally {
    await db.close();
    await postgres?.stop();
  }
}
