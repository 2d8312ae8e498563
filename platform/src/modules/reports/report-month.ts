/** A calendar month in UTC: `2026-11` covers [1 Nov 00:00, 1 Dec 00:00). */
export interface ReportMonth {
  /** `yyyy-mm` */
  id: string;
  year: number;
  /** 1-12 */
  month: number;
  fromMs: number;
  toMs: number;
}

const MONTH_ID = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function monthOf(year: number, month: number): ReportMonth {
  const fromMs = Date.UTC(year, month - 1, 1);
  const start = new Date(fromMs);
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + 1;
  return {
    id: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`,
    year: y,
    month: m,
    fromMs,
    toMs: Date.UTC(y, m, 1),
  };
}

/** `2026-11` → the month; undefined when malformed. */
export function parseMonth(id: string): ReportMonth | undefined {
  const match = MONTH_ID.exec(id.trim());
  if (!match) return undefined;
  return monthOf(Number(match[1]), Number(match[2]));
}

/** The month that contains `atMs`. */
export function monthContaining(atMs: number): ReportMonth {
  const d = new Date(atMs);
  return monthOf(d.getUTCFullYear(), d.getUTCMonth() + 1);
}

/** The month `offset` months after `m` (negative: before). */
export function shiftMonth(m: ReportMonth, offset: number): ReportMonth {
  return monthOf(m.year, m.month + offset);
}

/** The `count` months ending with `m`, oldest first. */
export function monthsEndingWith(m: ReportMonth, count: number): ReportMonth[] {
  return Array.from({ length: count }, (_, i) => shiftMonth(m, i - count + 1));
}

/** When the report of the month before should next be generated: the next 1st, 00:00 UTC, after `nowMs`. */
export function nextFirstOfMonthMs(nowMs: number): number {
  return monthContaining(nowMs).toMs;
}
