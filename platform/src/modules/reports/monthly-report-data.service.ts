import { Injectable } from '@nestjs/common';
import type { KpiName, KpiValue } from '../../../../contracts/src';
import { KPI_DEFINITIONS } from '../kpis/kpi-definitions';
import { KpiService } from '../kpis/kpi.service';
import { monthsEndingWith, type ReportMonth } from './report-month';
import { ReportsRepository, type CountByKey, type WarningActionRow } from './reports.repository';

/** The key rates drawn as 12-month trends, each with its warning line. */
export const TREND_KPIS = [
  'response_10min_rate',
  'arrival_4h_rate',
  'completion_24h_rate',
  'first_time_fix_rate',
  'satisfaction_rate',
  'complaint_rate',
] as const satisfies readonly KpiName[];

export const FAILURE_KPIS = [
  'early_failures',
  'in_warranty_failures',
  'out_of_warranty_failures',
] as const satisfies readonly KpiName[];

const TREND_MONTHS = 12;
const TOP = 5;

export interface MonthlySeries {
  kpi: KpiName;
  /** One value per month of `ReportData.months`; null: no data that month. */
  values: Array<number | null>;
  warning: number | null;
}

export interface KeyedValue {
  key: string;
  value: number | null;
  samples: number;
}

/** Everything one monthly report shows, in numbers (words come with the rendering). */
export interface ReportData {
  month: ReportMonth;
  generatedAtMs: number;
  /** Every KPI over the month, against its target and warning line. */
  kpis: KpiValue[];
  /** The 12 months ending with the report's, `yyyy-mm`, oldest first. */
  months: string[];
  trends: MonthlySeries[];
  failures: MonthlySeries[];
  ticketsByChannel: KeyedValue[];
  satisfactionByRegion: KeyedValue[];
  /** The warning line of the satisfaction rate (drawn on the region chart). */
  satisfactionWarning: number | null;
  topFaultModes: KeyedValue[];
  badBatches: KeyedValue[];
  complaintCategories: CountByKey[];
  complaintsBySource: CountByKey[];
  complaintsReceived: number;
  complaintsResolved: number;
  /** Null when the management warnings are not recorded on this installation. */
  actions: WarningActionRow[] | null;
}

const monthKey = (key: string): string => key.slice(0, 7);

/** Largest first, no-data and zero groups left out, at most `TOP`. */
function top(values: KpiValue | undefined): KeyedValue[] {
  return (values?.groups ?? [])
    .filter((g) => g.value !== null && g.value > 0)
    .sort((a, b) => (b.value as number) - (a.value as number) || a.key.localeCompare(b.key))
    .slice(0, TOP)
    .map((g) => ({ key: g.key, value: g.value, samples: g.samples }));
}

function keyed(values: KpiValue | undefined): KeyedValue[] {
  return (values?.groups ?? [])
    .map((g) => ({ key: g.key, value: g.value, samples: g.samples }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Gathers a month's numbers: the KPI service for every KPI and slice, the complaints and warnings from the database. */
@Injectable()
export class MonthlyReportData {
  constructor(
    private readonly kpis: KpiService,
    private readonly repository: ReportsRepository,
  ) {}

  async gather(month: ReportMonth, generatedAtMs: number): Promise<ReportData> {
    const span = { fromMs: month.fromMs, toMs: month.toMs };
    const months = monthsEndingWith(month, TREND_MONTHS);
    const year = { fromMs: months[0].fromMs, toMs: month.toMs, groupBy: 'month' as const };
    const [
      all,
      trends,
      failures,
      channels,
      regions,
      faultModes,
      batches,
      categories,
      sources,
      resolution,
      actions,
      lines,
    ] = await Promise.all([
      this.kpis.compute(span),
      this.kpis.compute({ ...year, names: [...TREND_KPIS] }),
      this.kpis.compute({ ...year, names: [...FAILURE_KPIS] }),
      this.kpis.compute({ ...span, names: ['tickets_created'], groupBy: 'channel' }),
      this.kpis.compute({ ...span, names: ['satisfaction_rate'], groupBy: 'region' }),
      this.kpis.compute({ ...span, names: ['failures'], groupBy: 'fault_mode' }),
      this.kpis.compute({ ...span, names: ['failures'], groupBy: 'batch' }),
      this.repository.complaintsByCategory(month.fromMs, month.toMs),
      this.repository.complaintsBySource(month.fromMs, month.toMs),
      this.repository.complaintResolution(month.fromMs, month.toMs),
      this.actions(month),
      this.kpis.targetsFor('hq'),
    ]);
    const monthIds = months.map((m) => m.id);
    const series = (answer: KpiValue[], names: readonly KpiName[]): MonthlySeries[] =>
      names.map((kpi) => {
        const v = answer.find((k) => k.name === kpi);
        const byMonth = new Map((v?.groups ?? []).map((g) => [monthKey(g.key), g.value]));
        // the line as set (400 failures a month), not scaled to the query's length as the answer's is
        const line = lines.get(kpi);
        return {
          kpi,
          values: monthIds.map((id) => byMonth.get(id) ?? null),
          warning: line ? line.warning : KPI_DEFINITIONS[kpi].warning,
        };
      });
    const satisfaction = regions.kpis.find((k) => k.name === 'satisfaction_rate');
    return {
      month,
      generatedAtMs,
      kpis: all.kpis,
      months: monthIds,
      trends: series(trends.kpis, TREND_KPIS),
      failures: series(failures.kpis, FAILURE_KPIS),
      ticketsByChannel: keyed(channels.kpis.find((k) => k.name === 'tickets_created')).filter(
        (g) => g.value !== null && g.value > 0,
      ),
      satisfactionByRegion: keyed(satisfaction),
      satisfactionWarning: satisfaction?.warning ?? null,
      topFaultModes: top(faultModes.kpis.find((k) => k.name === 'failures')),
      badBatches: top(batches.kpis.find((k) => k.name === 'failures')),
      complaintCategories: categories.slice(0, TOP),
      complaintsBySource: sources,
      complaintsReceived: resolution.received,
      complaintsResolved: resolution.resolved,
      actions,
    };
  }

  private async actions(month: ReportMonth): Promise<WarningActionRow[] | null> {
    if (!(await this.repository.hasWarnings())) return null;
    return this.repository.warningActions(month.fromMs, month.toMs);
  }
}
