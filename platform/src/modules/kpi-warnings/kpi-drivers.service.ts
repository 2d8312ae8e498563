import { Injectable } from '@nestjs/common';
import {
  SERVICE_MEASURES,
  type KpiDriversAnswer,
  type MeasureCorrelation,
  type ServiceMeasure,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { pearson, spearman } from './correlation';
import { quadrant } from './kpi-warning-rules';
import { kpiWarningsError } from './kpi-warnings.errors';
import { KpiWarningsRepository, type DriverRow } from './kpi-warnings.repository';

const MIN = 60_000;
const HOUR = 3_600_000;
const DEFAULT_PERIOD_MS = 90 * 24 * HOUR;

const flag = (b: boolean | null): number | null => (b === null ? null : b ? 1 : 0);

/** Each service measure of an answered survey's ticket; null where the ticket does not say. */
const MEASURES: Record<ServiceMeasure, (r: DriverRow) => number | null> = {
  response_minutes: (r) => (r.respondMs === null ? null : r.respondMs / MIN),
  arrival_hours: (r) => (r.arriveMs === null ? null : r.arriveMs / HOUR),
  completion_hours: (r) => (r.completeMs === null ? null : r.completeMs / HOUR),
  on_site_hours: (r) => (r.onSiteMs === null ? null : r.onSiteMs / HOUR),
  first_time_fix: (r) => flag(r.firstTimeFix),
  repeat_repair: (r) => flag(r.isRepeat),
  parts_at_first_visit_share: (r) => (r.partsNeeded > 0 ? r.partsAtFirstVisit / r.partsNeeded : null),
  remote_fix: (r) => flag(r.remote),
  service_cost: (r) => r.costMinor,
};

/** Parses `from`/`to` as the KPI query does: epoch ms digits, else ISO-8601. */
export const timeOf = (value: string): number => (/^\d+$/.test(value) ? Number(value) : Date.parse(value));

/**
 * What to act on first: the impact-cost matrix of the improvement actions recorded in the
 * period, and how strongly each service measure moves with the satisfaction score over the
 * surveys answered in the period (Pearson and Spearman, with n).
 */
@Injectable()
export class KpiDriversService {
  constructor(
    private readonly repository: KpiWarningsRepository,
    private readonly clock: Clock,
  ) {}

  async drivers(query: { from?: string; to?: string }): Promise<KpiDriversAnswer> {
    const toMs = query.to !== undefined ? timeOf(query.to) : this.clock.now();
    const fromMs = query.from !== undefined ? timeOf(query.from) : toMs - DEFAULT_PERIOD_MS;
    if (!(fromMs < toMs))
      throw kpiWarningsError('kpi_drivers.bad_period', 'from: must be before to', { field: 'from' });
    const [actions, rows] = await Promise.all([
      this.repository.actionsRecorded(fromMs, toMs),
      this.repository.driverRows(fromMs, toMs),
    ]);
    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      actions: actions.map((a) => ({
        actionId: a.id,
        warningId: a.warningId,
        kpi: a.kpi,
        orgId: a.orgId,
        description: a.description,
        impact: a.impact,
        costLevel: a.costLevel,
        estimatedCostMinor: a.estimatedCostMinor,
        currency: a.currency,
        status: a.status,
        quadrant: quadrant(a.impact, a.costLevel),
      })),
      correlations: correlate(rows),
      surveys: rows.length,
    };
  }
}

/** Every measure against the score, strongest |r| first (those without an r last). */
export function correlate(rows: readonly DriverRow[]): MeasureCorrelation[] {
  const out = SERVICE_MEASURES.map((measure): MeasureCorrelation => {
    const xs: number[] = [];
    const ys: number[] = [];
    for (const row of rows) {
      const x = MEASURES[measure](row);
      if (x === null || !Number.isFinite(x)) continue;
      xs.push(x);
      ys.push(row.score);
    }
    return { measure, pearson: round(pearson(xs, ys)), spearman: round(spearman(xs, ys)), n: xs.length };
  });
  const strength = (c: MeasureCorrelation) => (c.pearson === null ? -1 : Math.abs(c.pearson));
  return out.sort((a, b) => strength(b) - strength(a));
}

const round = (r: number | null): number | null => (r === null ? null : Math.round(r * 10_000) / 10_000);
