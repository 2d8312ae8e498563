// The desk's logic kept apart from the components (and from Preact) to be tested alone: a complaint's
// or a return's care clock moved on to the browser's now, the complaint desk's order (overdue first,
// then the nearest deadline), and which recorded notes a person reads.
import type { CareAuditEntry, CareClock, Complaint } from '../../../contracts/src';

/** The complaint's clock that counts now (investigation, then solution), if any. */
export function runningClock(complaint: Pick<Complaint, 'clocks'>): CareClock | undefined {
  return complaint.clocks.find((clock) => clock.stoppedAt === null && clock.state !== 'cancelled');
}

/** When the running clock's target is (or was) reached; null when nothing counts. */
export function clockDeadline(clock: CareClock): number | null {
  if (clock.stoppedAt !== null || clock.dueAt === null) return null;
  const dueAt = Date.parse(clock.dueAt);
  // past its target the server's dueAt is its own "now": the target was passed before that
  return clock.elapsedMs < clock.targetMs ? dueAt : dueAt - (clock.elapsedMs - clock.targetMs);
}

/** A complaint whose running clock is past its target. */
export function isOverdue(complaint: Pick<Complaint, 'clocks'>, now: number): boolean {
  const clock = runningClock(complaint);
  if (!clock) return false;
  if (clock.state === 'breached') return true;
  const deadline = clockDeadline(clock);
  return deadline !== null && deadline <= now;
}

/** The desk's order: overdue first, then the nearest deadline, then the oldest. */
export function byOverdueThenDeadline(now: number) {
  return (a: Complaint, b: Complaint): number => {
    const overdue = Number(isOverdue(b, now)) - Number(isOverdue(a, now));
    if (overdue !== 0) return overdue;
    const da = deadlineOf(a);
    const db = deadlineOf(b);
    if (da !== db) return da - db;
    return Date.parse(a.createdAt) - Date.parse(b.createdAt);
  };
}

function deadlineOf(complaint: Complaint): number {
  const clock = runningClock(complaint);
  return (clock && clockDeadline(clock)) ?? Number.POSITIVE_INFINITY;
}

type Phase = 'running' | 'warning' | 'overdue' | 'paused' | 'met' | 'missed' | 'cancelled';

export interface Face {
  phase: Phase;
  /** Time left now (negative: overdue); for a stopped clock, what was left when it stopped. */
  remainingMs: number;
  deadline: number | null;
  fraction: number;
}

export function careClockFace(clock: CareClock, now: number): Face {
  const fraction = (elapsed: number): number =>
    clock.targetMs > 0 ? Math.min(1, Math.max(0, elapsed / clock.targetMs)) : 1;
  if (clock.state === 'cancelled')
    return { phase: 'cancelled', remainingMs: 0, deadline: null, fraction: fraction(clock.elapsedMs) };
  if (clock.stoppedAt !== null) {
    const missed = clock.state === 'breached' || clock.elapsedMs > clock.targetMs;
    return {
      phase: missed ? 'missed' : 'met',
      remainingMs: clock.targetMs - clock.elapsedMs,
      deadline: null,
      fraction: fraction(clock.elapsedMs),
    };
  }
  const deadline = clockDeadline(clock);
  if (deadline === null)
    return {
      phase: 'paused',
      remainingMs: clock.targetMs - clock.elapsedMs,
      deadline: null,
      fraction: fraction(clock.elapsedMs),
    };
  const remainingMs = deadline - now;
  const used = clock.targetMs > 0 ? 1 - remainingMs / clock.targetMs : 1;
  const phase: Phase =
    remainingMs <= 0 || clock.state === 'breached'
      ? 'overdue'
      : used >= 0.8 || clock.state === 'warning'
        ? 'warning'
        : 'running';
  return { phase, remainingMs, deadline, fraction: Math.min(1, Math.max(0, used)) };
}

/** Steps whose note the platform wrote for itself (ids, enum values, minutes): not shown. */
const MACHINE_NOTES: ReadonlySet<string> = new Set([
  'classified',
  'registered',
  'assigned',
  'escalated_supervisor',
  'escalated_review',
  'back_to_solution',
  'compensation_requested',
]);

/** What a person wrote with a recorded step, if anything worth reading. */
export function auditNote(entry: CareAuditEntry): string | null {
  if (!entry.note || entry.actor === 'system' || MACHINE_NOTES.has(entry.action)) return null;
  if (/_clock_|^refund_(warning|breach)$/.test(entry.action)) return null;
  if (entry.action === 'received' && entry.note.startsWith('source ')) return null;
  // `compensation_approved`: "<compensation id>: <the approver's note>"
  if (entry.action.startsWith('compensation_')) return entry.note.split(': ').slice(1).join(': ') || null;
  // `investigated`: "cause: <cause>. <findings>"; the cause is shown with the facts
  if (entry.action === 'investigated') return entry.note.replace(/^cause: .*?\. /, '') || null;
  return entry.note;
}
