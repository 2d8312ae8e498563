// One formatter per kind of value, all in the current language: readings with their unit, ranges,
// durations, "ago" and "due in" wording, dates. Numbers and dates go through Intl for the locale.
import type { Band } from '../../../contracts/src';
import { currentLocale, t } from './translate';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(decimals: number): Intl.NumberFormat {
  const key = `${currentLocale()}:${decimals}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(currentLocale(), {
      maximumFractionDigits: decimals,
      minimumFractionDigits: 0,
    });
    numberFormats.set(key, format);
  }
  return format;
}

/** As many decimals as the magnitude deserves: 1234, 56.7, 3.14. */
export function formatNumber(value: number, decimals?: number): string {
  if (!Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  const places = decimals ?? (abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  const text = numberFormat(places).format(value);
  return text === '-0' ? '0' : text;
}

/** A reading with its unit: "-18.2 °C", "3.1 A", "62 %". */
export function formatReading(value: number, unit: string | undefined): string {
  const number = formatNumber(value);
  if (!unit) return number;
  return unit === '%' ? `${number} %` : `${number} ${unit}`;
}

/** A band as a person says it: "-20.6 to -17.6 °C", "below 7 °C", "above 650 kPa". */
export function formatRange(band: Band | undefined, unit: string | undefined): string {
  const suffix = unit ? ` ${unit}` : '';
  const low = band?.low;
  const high = band?.high;
  if (low !== undefined && high !== undefined)
    return t('range.between', { low: formatNumber(low), high: formatNumber(high) }) + suffix;
  if (high !== undefined) return t('range.below', { high: formatNumber(high) }) + suffix;
  if (low !== undefined) return t('range.above', { low: formatNumber(low) }) + suffix;
  return t('range.any');
}

function unitPart(value: number, unit: 'day' | 'hour' | 'minute' | 'second'): string {
  return new Intl.NumberFormat(currentLocale(), { style: 'unit', unit, unitDisplay: 'narrow' }).format(value);
}

/** The two largest units that matter: "3h 20m", "2d 4h", "45s" (in Chinese "3小时20分钟"). */
export function formatDuration(durationMs: number): string {
  const ms = Math.max(0, Math.floor(durationMs));
  const join = currentLocale() === 'zh-CN' ? '' : ' ';
  if (ms < MINUTE_MS) return unitPart(Math.floor(ms / SECOND_MS), 'second');
  if (ms < HOUR_MS) return unitPart(Math.floor(ms / MINUTE_MS), 'minute');
  if (ms < DAY_MS) {
    const hours = Math.floor(ms / HOUR_MS);
    const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
    return minutes > 0
      ? unitPart(hours, 'hour') + join + unitPart(minutes, 'minute')
      : unitPart(hours, 'hour');
  }
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  return hours > 0 ? unitPart(days, 'day') + join + unitPart(hours, 'hour') : unitPart(days, 'day');
}

/** "just now", "5m ago"; "never" when there is no time. */
export function formatAgo(tsMs: number | null | undefined, nowMs: number): string {
  if (tsMs === null || tsMs === undefined) return t('time.never');
  const ageMs = nowMs - tsMs;
  // browser and server clocks differ a little: a time slightly ahead is "just now"
  if (ageMs < 5 * SECOND_MS) return t('time.justNow');
  return t('time.ago', { duration: formatDuration(ageMs) });
}

/** SLA wording: "due in 3h 20m" before the deadline, "overdue by 12m" after it. */
export function formatDue(dueMs: number, nowMs: number): string {
  const remainingMs = dueMs - nowMs;
  if (remainingMs <= 0) return t('time.overdueBy', { duration: formatDuration(-remainingMs) });
  return t('time.dueIn', { duration: formatDuration(remainingMs) });
}

/** "in about 2 days": an estimate, rounded to what it is worth, always against now. */
export function formatInAbout(atMs: number, nowMs: number): string {
  const remainingMs = Math.max(0, atMs - nowMs);
  const rounded =
    remainingMs >= DAY_MS
      ? Math.round(remainingMs / DAY_MS) * DAY_MS
      : remainingMs >= HOUR_MS
        ? Math.round(remainingMs / HOUR_MS) * HOUR_MS
        : Math.max(MINUTE_MS, Math.round(remainingMs / MINUTE_MS) * MINUTE_MS);
  return t('time.inAbout', { duration: formatDuration(rounded) });
}

/** A date and time in the reader's locale and time zone. */
export function formatDateTime(tsMs: number): string {
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium', timeStyle: 'short' }).format(tsMs);
}

export function formatDate(tsMs: number): string {
  return new Intl.DateTimeFormat(currentLocale(), { dateStyle: 'medium' }).format(tsMs);
}

export function formatTime(tsMs: number): string {
  return new Intl.DateTimeFormat(currentLocale(), { timeStyle: 'medium' }).format(tsMs);
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 1 }).format(
    fraction,
  );
}
