import type { WeeklyShift } from '../../../../contracts/src';
import type { ShiftInterval } from '../dispatch/dispatch-rules';

const DAY_MS = 86_400_000;

/** Turns a weekly plan into absolute intervals overlapping [fromMs, toMs). */
export function shiftIntervals(
  weekly: readonly WeeklyShift[],
  fromMs: number,
  toMs: number,
): ShiftInterval[] {
  const out: ShiftInterval[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS - DAY_MS; day < toMs; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    for (const s of weekly) {
      if (s.weekday !== weekday) continue;
      const startMs = day + s.startMin * 60_000;
      // A shift past midnight ends the next day.
      const endMs = day + (s.endMin > s.startMin ? s.endMin : s.endMin + 1440) * 60_000;
      if (endMs > fromMs && startMs < toMs) out.push({ startMs, endMs });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}
