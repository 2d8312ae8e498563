import type { CareClock } from '../../../../contracts/src';
import type { BusinessCalendar } from './business-calendar';
import { clockStatus, type SlaClock } from './sla-clock';

/** The clocks of customer care, part 2, run by the same engine as a ticket's SLA clocks. */
export type CareClockKind = CareClock['kind'];
/** A complaint's, return's or survey's clock; `ticketId` holds the complaint's (return's...) id. */
export type CareSlaClock = SlaClock<CareClockKind>;

/** Every day 00:00–24:00 except Saturday and Sunday: "working days" for refunds. */
export const WORKING_DAYS: BusinessCalendar = {
  weeklyHours: Object.fromEntries(([1, 2, 3, 4, 5] as const).map((d) => [d, [{ startMin: 0, endMin: 24 * 60 }]])),
};
/** A working day on `WORKING_DAYS`, in business milliseconds. */
export const WORKING_DAY_MS = 86_400_000;

/** A new running clock for a complaint, return or survey. */
export function startCareClock(args: {
  subjectId: string;
  kind: CareClockKind;
  targetMs: number;
  startedAtMs: number;
  calendar?: BusinessCalendar;
}): CareSlaClock {
  return {
    ticketId: args.subjectId,
    kind: args.kind,
    targetMs: args.targetMs,
    startedAtMs: args.startedAtMs,
    pauses: [],
    stoppedAtMs: null,
    stopReason: null,
    ...(args.calendar ? { calendar: args.calendar } : {}),
    warnedAtMs: null,
    breachedAtMs: null,
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** How the API shows a care clock now. */
export function toCareClockView(clock: CareSlaClock, nowMs: number): CareClock {
  const status = clockStatus(clock, nowMs);
  return {
    kind: clock.kind,
    state: status.state,
    startedAt: new Date(clock.startedAtMs).toISOString(),
    dueAt: iso(status.dueAtMs),
    stoppedAt: iso(clock.stoppedAtMs),
    targetMs: clock.targetMs,
    elapsedMs: status.elapsedMs,
    warnedAt: iso(clock.warnedAtMs),
    breachedAt: iso(clock.breachedAtMs),
  };
}
