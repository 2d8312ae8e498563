// An SLA clock as the server computed it, moved on to the browser's now: time left or overdue,
// paused, met or missed. Kept apart from the component so the arithmetic is tested on its own.
import type { SlaClockView } from '../../../contracts/src';

/** Past this share of the target a running clock is shown as a warning (the server warns at 80 %). */
const WARNING_FRACTION = 0.8;

export type ClockPhase = 'running' | 'warning' | 'overdue' | 'paused' | 'met' | 'missed' | 'cancelled';

export interface ClockFace {
  phase: ClockPhase;
  /** Time left (negative: overdue) now; for a stopped clock what was left when it stopped. */
  remainingMs: number;
  /** When the target is (or was) reached while the clock runs; null when paused or stopped. */
  deadline: number | null;
  /** Share of the target used, 0..1 for the bar. */
  fraction: number;
  targetMs: number;
  elapsedMs: number;
  pauseReason: string | null;
}

/** The server's view, moved on to `now`: a running clock's deadline stays put while time passes. */
export function clockFace(clock: SlaClockView, now: number): ClockFace {
  const base = {
    targetMs: clock.targetMs,
    elapsedMs: clock.elapsedMs,
    pauseReason: clock.pauseReason,
  };
  if (clock.state === 'cancelled')
    return { ...base, phase: 'cancelled', remainingMs: clock.remainingMs, deadline: null, fraction: 0 };
  if (clock.dueAt !== null) {
    // past the target the server's dueAt is "now" for it: the deadline was remainingMs before that
    const deadline = clock.remainingMs >= 0 ? clock.dueAt : clock.dueAt + clock.remainingMs;
    const remainingMs = deadline - now;
    const fraction = clock.targetMs > 0 ? 1 - remainingMs / clock.targetMs : 1;
    const phase: ClockPhase =
      remainingMs <= 0
        ? 'overdue'
        : fraction >= WARNING_FRACTION || clock.state === 'warning'
          ? 'warning'
          : 'running';
    return { ...base, phase, remainingMs, deadline, fraction: clamp(fraction) };
  }
  if (clock.pauseReason !== null)
    return {
      ...base,
      phase: 'paused',
      remainingMs: clock.remainingMs,
      deadline: null,
      fraction: clamp(clock.fraction),
    };
  const phase: ClockPhase = clock.state === 'met' ? 'met' : 'missed';
  return { ...base, phase, remainingMs: clock.remainingMs, deadline: null, fraction: clamp(clock.fraction) };
}

const clamp = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/** A stopwatch face: "3:59:12", "1d 03:59:12". */
export function formatClock(durationMs: number): string {
  const totalS = Math.max(0, Math.floor(durationMs / 1000));
  const days = Math.floor(totalS / 86_400);
  const hours = Math.floor((totalS % 86_400) / 3600);
  const minutes = Math.floor((totalS % 3600) / 60);
  const seconds = totalS % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return days > 0
    ? `${days}d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`
    : `${hours}:${pad(minutes)}:${pad(seconds)}`;
}
