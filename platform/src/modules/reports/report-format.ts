import type { KpiUnit, Language } from '../../../../contracts/src';
import type { ReportWords } from './report-messages';

const locale = (language: Language): string => (language === 'zh-CN' ? 'zh-CN' : 'en-GB');

function decimal(value: number, digits: number, language: Language): string {
  return new Intl.NumberFormat(locale(language), {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
  }).format(value);
}

/** A KPI value for a reader, with its unit; the catalogue's "no data" when null (never a made-up number). */
export function formatKpi(
  value: number | null,
  unit: KpiUnit,
  language: Language,
  words: ReportWords,
): string {
  if (value === null || !Number.isFinite(value)) return words.noData;
  switch (unit) {
    case 'ratio':
      return `${decimal(value * 100, 1, language)} %`;
    case 'count':
      return decimal(value, 1, language);
    case 'minutes':
    case 'hours':
    case 'days':
      return `${decimal(value, 1, language)} ${words.unit[unit]}`;
    case 'score':
      return `${decimal(value, 2, language)} ${words.unit.score}`;
    case 'money_minor':
      return formatMoney(value, 'CNY', language);
  }
}

export function formatMoney(amountMinor: number, currency: string, language: Language): string {
  return new Intl.NumberFormat(locale(language), { style: 'currency', currency }).format(amountMinor / 100);
}

export function formatCount(value: number, language: Language): string {
  return decimal(value, 0, language);
}

export function formatShare(part: number, whole: number, language: Language): string {
  return whole > 0 ? `${decimal((part / whole) * 100, 1, language)} %` : '';
}

/** `2026-11` as the reader says it: `November 2026` / `2026年11月`. */
export function formatMonth(monthId: string, language: Language): string {
  const [year, month] = monthId.split('-').map(Number);
  return new Intl.DateTimeFormat(locale(language), {
    year: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, month - 1, 1)));
}

/** `2026-11` on a chart axis: `Nov 26` / `26年11月`. */
export function formatMonthShort(monthId: string, language: Language): string {
  const [year, month] = monthId.split('-').map(Number);
  return language === 'zh-CN'
    ? `${String(year).slice(2)}年${month}月`
    : new Intl.DateTimeFormat('en-GB', { month: 'short', year: '2-digit', timeZone: 'UTC' }).format(
        new Date(Date.UTC(year, month - 1, 1)),
      );
}

/** `2026-12-01 00:05` (UTC). */
export function formatTimestamp(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 16).replace('T', ' ');
}

export function formatDay(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 10);
}
