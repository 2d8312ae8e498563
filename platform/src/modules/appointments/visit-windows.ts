import type { VisitWindowMs } from '../dispatch/dispatch-rules';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A visit window lasts two hours; windows start on even UTC hours (00:00, 02:00, ...). */
export const SLOT_MS = 2 * HOUR;
/** The earliest window starts at least this long after now, so a technician can plan and drive. */
export const BOOKING_LEAD_MS = 2 * HOUR;
/** How far ahead a window may be booked (the availability's longest range). */
export const BOOKING_HORIZON_MS = 14 * DAY;

const ceilToSlot = (ms: number) => Math.ceil(ms / SLOT_MS) * SLOT_MS;

/**
 * The windows over `days` days from `fromMs` (or now): the first starts on the next slot
 * boundary at least `BOOKING_LEAD_MS` after now, the last ends by the end of the range.
 */
export function slotWindows(fromMs: number, days: number, nowMs: number): VisitWindowMs[] {
  const rangeEnd = Math.min(fromMs + days * DAY, nowMs + BOOKING_HORIZON_MS);
  const out: VisitWindowMs[] = [];
  for (
    let start = ceilToSlot(Math.max(fromMs, nowMs + BOOKING_LEAD_MS));
    start + SLOT_MS <= rangeEnd;
    start += SLOT_MS
  )
    out.push({ startMs: start, endMs: start + SLOT_MS });
  return out;
}

/** Why a requested window is not one `slotWindows` offers, or null when its shape and time fit. */
export function slotShapeProblem(
  window: VisitWindowMs,
  nowMs: number,
): 'not_a_slot' | 'too_soon' | 'too_far_ahead' | null {
  if (window.startMs % SLOT_MS !== 0 || window.endMs - window.startMs !== SLOT_MS) return 'not_a_slot';
  if (window.startMs < nowMs + BOOKING_LEAD_MS) return 'too_soon';
  if (window.endMs > nowMs + BOOKING_HORIZON_MS) return 'too_far_ahead';
  return null;
}

export const overlaps = (a: VisitWindowMs, b: VisitWindowMs) => a.startMs < b.endMs && b.startMs < a.endMs;
