import type { KpiName, Language } from '../../../../contracts/src';
import type { ReportData } from './monthly-report-data.service';
import { renderCharts, type ReportCharts } from './report-charts';
import {
  formatCount,
  formatDay,
  formatKpi,
  formatMoney,
  formatMonth,
  formatShare,
  formatTimestamp,
} from './report-format';
import { fill, named, reportWords, type ReportWords } from './report-messages';

/** A table as the reader sees it: every cell a worded string. */
export interface ViewTable {
  title: string;
  headers: string[];
  rows: string[][];
  /** Shown instead of the rows when there are none. */
  empty: string;
}

export interface KpiRowView {
  name: KpiName;
  label: string;
  value: string;
  target: string;
  warning: string;
  status: string;
  breached: boolean;
  noData: boolean;
}

/** The report worded in one language, ready for HTML or PDF. */
export interface ReportView {
  language: Language;
  words: ReportWords;
  title: string;
  subtitle: string;
  generatedAt: string;
  summary: Array<{ label: string; value: string; breached?: boolean }>;
  kpis: KpiRowView[];
  charts: ReportCharts;
  problems: ViewTable[];
  feedback: {
    volume: ViewTable;
    resolution: { label: string; value: string; detail: string | null };
    avgScore: { label: string; value: string };
  };
  actions: ViewTable;
}

export function buildView(data: ReportData, language: Language): ReportView {
  const w = reportWords(language);
  const kpi = (name: KpiName) => data.kpis.find((k) => k.name === name);
  const kpiText = (name: KpiName) => {
    const k = kpi(name);
    return k ? formatKpi(k.value, k.unit, language, w) : w.noData;
  };
  const rows: KpiRowView[] = data.kpis.map((k) => ({
    name: k.name,
    label: w.kpi[k.name],
    value: formatKpi(k.value, k.unit, language, w),
    target: k.target === null ? '' : formatKpi(k.target, k.unit, language, w),
    warning: k.warning === null ? '' : formatKpi(k.warning, k.unit, language, w),
    status: k.value === null ? w.noData : k.breached ? w.breached : k.warning === null ? '' : w.ok,
    breached: k.value !== null && k.breached,
    noData: k.value === null,
  }));
  const received = data.complaintsReceived;
  const resolution = received > 0 ? data.complaintsResolved / received : null;
  const resolutionText = formatKpi(resolution, 'ratio', language, w);
  const complaintsTotal = data.complaintsBySource.reduce((sum, c) => sum + c.count, 0);
  const categoriesTotal = received;
  const failuresTotal = kpi('failures')?.value ?? null;

  return {
    language,
    words: w,
    title: w.title,
    subtitle: fill(w.subtitle, { month: formatMonth(data.month.id, language) }),
    generatedAt: fill(w.generatedAt, { at: formatTimestamp(data.generatedAtMs) }),
    summary: [
      { label: w.summary.tickets, value: kpiText('tickets_created') },
      { label: w.summary.completed, value: kpiText('tickets_completed') },
      { label: w.summary.complaints, value: received > 0 ? formatCount(received, language) : w.noData },
      { label: w.summary.resolutionRate, value: resolutionText },
      { label: w.summary.avgScore, value: kpiText('avg_satisfaction_score') },
      {
        label: w.summary.breachedKpis,
        value: formatCount(rows.filter((r) => r.breached).length, language),
        breached: rows.some((r) => r.breached),
      },
    ],
    kpis: rows,
    charts: renderCharts(data, w, language),
    problems: [
      {
        title: w.problems.faultModes,
        headers: [w.table.key, w.table.count, w.table.share],
        rows: data.topFaultModes.map((g) => [
          named(w, w.faultMode, g.key),
          formatCount(g.value ?? 0, language),
          failuresTotal ? formatShare(g.value ?? 0, failuresTotal, language) : '',
        ]),
        empty: w.noData,
      },
      {
        title: w.problems.complaintCategories,
        headers: [w.table.key, w.table.count, w.table.share],
        rows: data.complaintCategories.map((c) => [
          named(w, w.complaintCategory, c.key),
          formatCount(c.count, language),
          formatShare(c.count, categoriesTotal, language),
        ]),
        empty: w.noData,
      },
      {
        title: w.problems.badBatches,
        headers: [w.problems.batch, w.problems.failures],
        rows: data.badBatches.map((g) => [named(w, {}, g.key), formatCount(g.value ?? 0, language)]),
        empty: w.noData,
      },
    ],
    feedback: {
      volume: {
        title: w.feedback.volumeByChannel,
        headers: [w.table.key, w.table.count, w.table.share],
        rows: data.complaintsBySource.map((c) => [
          named(w, w.complaintSource, c.key),
          formatCount(c.count, language),
          formatShare(c.count, complaintsTotal, language),
        ]),
        empty: w.noData,
      },
      resolution: {
        label: w.feedback.resolution,
        value: resolutionText,
        detail:
          received > 0
            ? fill(w.feedback.resolutionDetail, {
                resolved: formatCount(data.complaintsResolved, language),
                received: formatCount(received, language),
              })
            : null,
      },
      avgScore: { label: w.feedback.avgScore, value: kpiText('avg_satisfaction_score') },
    },
    actions: {
      title: w.sections.actions,
      headers: [
        w.actions.warning,
        w.actions.org,
        w.actions.raisedAt,
        w.actions.warningStatus,
        w.actions.action,
        w.actions.expectedEffect,
        w.actions.cost,
        w.actions.actionStatus,
      ],
      rows: (data.actions ?? []).map((a) => [
        a.kpi in w.kpi ? w.kpi[a.kpi as KpiName] : a.kpi,
        a.orgName ?? a.orgId,
        formatDay(a.raisedAtMs),
        a.warningStatus === 'closed'
          ? `${w.actions.closed}${a.closedAtMs !== null ? ` ${formatDay(a.closedAtMs)}` : ''}`
          : w.actions.open,
        a.action?.description ?? '',
        a.action?.expectedEffect ?? '',
        a.action ? formatMoney(a.action.estimatedCostMinor, a.action.currency, language) : '',
        a.action ? (a.action.status === 'done' ? w.actions.done : w.actions.planned) : '',
      ]),
      empty: data.actions === null ? w.actions.unavailable : w.actions.none,
    },
  };
}
