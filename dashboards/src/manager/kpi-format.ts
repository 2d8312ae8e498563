// The boards' pure parts (no browser app state): the view's period and filters as the API takes
// them, and the words and formats of KPI values, group keys and periods in the current language.
import type { KpiFilter, KpiGroupBy, KpiName, KpiUnit, Organisation } from '../../../contracts/src';
import { formatDuration, formatNumber, formatPercent } from '../i18n/format';
import { faultModeLabel, priorityLabel, typeLabel } from '../i18n/labels';
import { currentLocale, t, tDynamic } from '../i18n/translate';
const HOUR_MS = 3_600_000;

/** What a board shows: the period as months (`yyyy-mm`, both included), the filters and the tab. */
export interface BoardQuery {
  from: string;
  to: string;
  region?: string;
  type?: string;
  model?: string;
  tab?: string;
}

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function monthOf(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The last 12 months, this one included. */
export function defaultPeriod(nowMs = Date.now()): { from: string; to: string } {
  const now = new Date(nowMs);
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1));
  return { from: monthOf(from), to: monthOf(now) };
}

/** The month before this one (`yyyy-mm`): the latest monthly report. */
export function lastMonth(nowMs = Date.now()): string {
  const now = new Date(nowMs);
  return monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}

/** `yyyy-mm` → the first instant of that month, UTC, as ISO. */
function monthStart(month: string, plus = 0): string {
  const [year, mon] = month.split('-').map(Number);
  return new Date(Date.UTC(year, mon - 1 + plus, 1)).toISOString();
}

/** The API's query parameters for a board query: the period as ISO instants and the filters. */
export function apiParams(query: BoardQuery): KpiFilter & { from: string; to: string } {
  return {
    from: monthStart(query.from),
    to: monthStart(query.to, 1),
    ...(query.region ? { region: query.region } : {}),
    ...(query.type ? { type: query.type } : {}),
    ...(query.model ? { model: query.model } : {}),
  };
}

export function kpiLabel(name: KpiName): string {
  return t(`manager.kpi.${name}`);
}

/** A KPI value in words: "93.4 %", "5h 12m", "4.6 of 5", "¥12,400"; "No data" when null. */
export function formatKpi(value: number | null | undefined, unit: KpiUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return t('manager.noData');
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'count':
      return formatNumber(value, Number.isInteger(value) ? 0 : undefined);
    case 'minutes':
      return value < 120 ? unitNumber(value, 'minute') : formatDuration(value * 60_000);
    case 'hours':
      // hours stay hours ("2,291 hr", not "95d 11h"): an average repair or a month on shift
      return unitNumber(value, 'hour', value < 100 ? 1 : 0);
    case 'days':
      return value >= 2
        ? new Intl.NumberFormat(currentLocale(), {
            style: 'unit',
            unit: 'day',
            unitDisplay: 'long',
            maximumFractionDigits: 0,
          }).format(value)
        : formatDuration(value * 24 * HOUR_MS);
    case 'score':
      return t('manager.unit.score', { score: formatNumber(value, 2) });
    case 'money_minor':
      return formatMoney(value);
  }
}

/** "14.8 min", "24.1 h" (in Chinese "14.8分钟", "24.1小时"): KPI averages keep a decimal. */
function unitNumber(value: number, unit: 'minute' | 'hour', decimals = 1): string {
  return new Intl.NumberFormat(currentLocale(), {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: decimals,
  }).format(value);
}

/** A value as a chart axis shows it: percentages for ratios, plain numbers otherwise. */
export function formatAxis(value: number, unit: KpiUnit): string {
  switch (unit) {
    case 'ratio':
      return formatPercent(value);
    case 'money_minor':
      return formatMoney(value, true);
    case 'hours':
      return `${formatNumber(value)} ${t('manager.unit.hoursShort')}`;
    case 'minutes':
      return `${formatNumber(value)} ${t('manager.unit.minutesShort')}`;
    case 'days':
      return `${formatNumber(value)} ${t('manager.unit.daysShort')}`;
    case 'count':
    case 'score':
      return formatNumber(value);
  }
}

/** Money in minor units (fen) shown in yuan. */
export function formatMoney(amountMinor: number, compact = false): string {
  return new Intl.NumberFormat(currentLocale(), {
    style: 'currency',
    currency: 'CNY',
    maximumFractionDigits: compact || Math.abs(amountMinor) >= 100_000 ? 0 : 2,
    ...(compact ? { notation: 'compact' } : {}),
  }).format(amountMinor / 100);
}

/** The average month the server scales per-month warning lines with (30.44 days). */
const AVERAGE_MONTH_MS = 30.44 * 24 * HOUR_MS;

/** A per-month warning line from the period's (the answer scales it to the whole period). */
export function monthlyWarning(warning: number, query: BoardQuery): number {
  const { from, to } = apiParams(query);
  const months = (Date.parse(to) - Date.parse(from)) / AVERAGE_MONTH_MS;
  return months > 0 ? Math.round((warning / months) * 100) / 100 : warning;
}

/** The organisations by id, for branch, provider and dealer names. */
export type OrgNames = ReadonlyMap<string, Organisation>;

export interface Namers {
  orgs: OrgNames;
  technicians: ReadonlyMap<string, string>;
}

export function regionLabel(region: string | null | undefined): string {
  if (!region) return t('manager.region.none');
  return tDynamic(`manager.region.${region}`, region);
}

/** `2026-03` → "Mar 2026"; an ISO week or day as given. */
export function periodLabel(key: string, groupBy: KpiGroupBy): string {
  if (groupBy === 'month' && MONTH.test(key.slice(0, 7))) {
    const [year, mon] = key.slice(0, 7).split('-').map(Number);
    return new Intl.DateTimeFormat(currentLocale(), {
      year: 'numeric',
      month: 'short',
      timeZone: 'UTC',
    }).format(Date.UTC(year, mon - 1, 1));
  }
  if (groupBy === 'day' && /^\d{4}-\d{2}-\d{2}/.test(key)) {
    return new Intl.DateTimeFormat(currentLocale(), {
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    }).format(Date.parse(key.slice(0, 10)));
  }
  return key;
}

/** A group's key in words: a region's or an organisation's name, a product type, a month… */
export function groupLabel(key: string, groupBy: KpiGroupBy | undefined, namers: Namers): string {
  if (!groupBy) return key;
  // the server's key for a row without the attribute (no branch, no model...); a ticket without
  // an organisation type has no technician yet
  if ((key === 'unknown' || key === '') && groupBy === 'org_type') return t('manager.orgType.none');
  if (key === 'unknown' || key === '') return t('manager.unknownGroup');
  switch (groupBy) {
    case 'day':
    case 'week':
    case 'month':
      return periodLabel(key, groupBy);
    case 'region':
      return regionLabel(key || null);
    case 'branch':
    case 'provider':
    case 'dealer':
      return namers.orgs.get(key)?.name ?? key;
    case 'type':
      return typeLabel(key);
    case 'model':
    case 'batch':
      return key;
    case 'technician':
      return namers.technicians.get(key) ?? key;
    case 'channel':
      return tDynamic(`manager.channel.${key}`, key);
    case 'priority':
      return /^P[1-4]$/.test(key) ? priorityLabel(key as 'P1') : key;
    case 'fault_mode':
      return faultModeLabel(key);
    case 'failure_class':
      return tDynamic(`manager.failureClass.${key}`, key);
    case 'department':
      return tDynamic(`department.${key}`, key);
    case 'org_type':
      return tDynamic(`manager.orgType.${key}`, key);
  }
}
