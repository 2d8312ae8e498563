const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Past this many days without working time a deadline is treated as never reached. */
const MAX_SCAN_DAYS = 3_660;

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface WorkingWindow {
  /** Minutes after UTC midnight; the window is [startMin, endMin). */
  startMin: number;
  endMin: number;
}

/** Working hours in UTC. SLA clocks measured against it stand still outside these windows. */
export interface BusinessCalendar {
  /** Working windows per UTC weekday, 0 = Sunday; a missing day has none. */
  weeklyHours: Partial<Record<Weekday, readonly WorkingWindow[]>>;
  /** UTC dates (`YYYY-MM-DD`) with no working time. */
  holidays?: readonly string[];
}

/** Monday to Friday 08:00–18:00 UTC. */
export const WEEKDAY_OFFICE_HOURS: BusinessCalendar = {
  weeklyHours: Object.fromEntries(
    ([1, 2, 3, 4, 5] as const).map((d) => [d, [{ startMin: 8 * 60, endMin: 18 * 60 }]]),
  ),
};

function windowsOn(calendar: BusinessCalendar, dayStartMs: number, holidays: ReadonlySet<string>) {
  const date = new Date(dayStartMs);
  if (holidays.has(date.toISOString().slice(0, 10))) return [];
  return calendar.weeklyHours[date.getUTCDay() as Weekday] ?? [];
}

/** Working time inside [fromMs, toMs); plain elapsed time when there is no calendar. */
export function businessMsBetween(
  calendar: BusinessCalendar | undefined,
  fromMs: number,
  toMs: number,
): number {
  if (toMs <= fromMs) return 0;
  if (!calendar) return toMs - fromMs;
  const holidays = new Set(calendar.holidays ?? []);
  let total = 0;
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) {
    for (const w of windowsOn(calendar, day, holidays)) {
      const start = Math.max(fromMs, day + w.startMin * MINUTE_MS);
      const end = Math.min(toMs, day + w.endMin * MINUTE_MS);
      if (end > start) total += end - start;
    }
  }
  return total;
}

/**
 * The instant when `durationMs` of working time has passed after `fromMs`; Infinity when the
 * calendar has no working time within ten years (a misconfigured calendar must not hang).
 */
export function addBusinessMs(
  calendar: BusinessCalendar | undefined,
  fromMs: number,
  durationMs: number,
): number {
  if (!calendar) return fromMs + durationMs;
  if (durationMs <= 0) return fromMs;
  const holidays = new Set(calendar.holidays ?? []);
  let left = durationMs;
  const firstDay = Math.floor(fromMs / DAY_MS) * DAY_MS;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    const day = firstDay + i * DAY_MS;
    const windows = [...windowsOn(calendar, day, holidays)].sort((a, b) => a.startMin - b.startMin);
    for (const w of windows) {
      const start = Math.max(fromMs, day + w.startMin * MINUTE_MS);
      const end = day + w.endMin * MINUTE_MS;
      if (end <= start) continue;
      if (end - start >= left) return start + left;
      left -= end - start;
    }
  }
  return Number.POSITIVE_INFINITY;
}
