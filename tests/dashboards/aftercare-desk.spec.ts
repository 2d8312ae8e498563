// The complaint desk's logic without a browser: care clocks moved on to now (running, warning,
// overdue past the target, paused, met, missed), the desk's order (overdue first, then the nearest
// deadline), and which recorded notes a person reads.
import type { CareAuditEntry, CareClock, Complaint } from '../../contracts/src';
import {
  auditNote,
  byOverdueThenDeadline,
  careClockFace,
  isOverdue,
} from '../../dashboards/src/engineer/aftercare-logic';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

const clock = (overrides: Partial<CareClock>): CareClock => ({
  kind: 'investigate',
  state: 'running',
  startedAt: iso(T0),
  dueAt: iso(T0 + 48 * HOUR),
  stoppedAt: null,
  targetMs: 48 * HOUR,
  elapsedMs: 0,
  warnedAt: null,
  breachedAt: null,
  ...overrides,
});

const complaint = (id: string, clocks: CareClock[], createdAt = T0): Complaint =>
  ({ id, number: id, clocks, createdAt: iso(createdAt) }) as unknown as Complaint;

describe('care clocks on the complaint desk', () => {
  it('count down to the deadline the server gave, and warn past 80 % of the target', () => {
    const running = clock({});
    expect(careClockFace(running, T0 + HOUR)).toMatchObject({ phase: 'running', remainingMs: 47 * HOUR });
    expect(careClockFace(running, T0 + 40 * HOUR)).toMatchObject({ phase: 'warning', remainingMs: 8 * HOUR });
    expect(careClockFace(running, T0 + 50 * HOUR)).toMatchObject({
      phase: 'overdue',
      remainingMs: -2 * HOUR,
    });
  });

  it('past the target, the deadline lies before the server’s answer', () => {
    // the server answered at T0+50h: elapsed 50h of 48h, its dueAt is "now" for it
    const late = clock({ state: 'breached', elapsedMs: 50 * HOUR, dueAt: iso(T0 + 50 * HOUR) });
    const face = careClockFace(late, T0 + 51 * HOUR);
    expect(face.phase).toBe('overdue');
    expect(face.remainingMs).toBe(-3 * HOUR);
  });

  it('stopped clocks are met or missed; a clock without a due time is paused', () => {
    expect(
      careClockFace(clock({ state: 'met', stoppedAt: iso(T0 + HOUR), elapsedMs: HOUR, dueAt: null }), T0)
        .phase,
    ).toBe('met');
    expect(
      careClockFace(clock({ state: 'breached', stoppedAt: iso(T0), elapsedMs: 50 * HOUR, dueAt: null }), T0)
        .phase,
    ).toBe('missed');
    expect(careClockFace(clock({ state: 'paused', dueAt: null, elapsedMs: HOUR }), T0).phase).toBe('paused');
    expect(careClockFace(clock({ state: 'cancelled', stoppedAt: iso(T0), dueAt: null }), T0).phase).toBe(
      'cancelled',
    );
  });

  it('orders the desk overdue first, then by the nearest deadline, closed ones last', () => {
    const now = T0 + 30 * HOUR;
    const soon = complaint('soon', [clock({ dueAt: iso(T0 + 31 * HOUR) })]);
    const later = complaint('later', [clock({ dueAt: iso(T0 + 40 * HOUR) })]);
    const overdue = complaint('overdue', [
      clock({ state: 'breached', elapsedMs: 49 * HOUR, dueAt: iso(now) }),
    ]);
    const done = complaint('done', [clock({ state: 'met', stoppedAt: iso(T0), dueAt: null })]);
    expect(isOverdue(overdue, now)).toBe(true);
    expect(isOverdue(soon, now)).toBe(false);
    expect(isOverdue(done, now)).toBe(false);
    const sorted = [done, later, soon, overdue].sort(byOverdueThenDeadline(now)).map((c) => c.id);
    expect(sorted).toEqual(['overdue', 'soon', 'later', 'done']);
  });
});

describe('recorded notes', () => {
  const entry = (action: string, note: string | null, actor = 'user-1'): CareAuditEntry => ({
    at: iso(T0),
    actor,
    action,
    note,
  });

  it('show what people wrote and hide what the platform wrote for itself', () => {
    expect(auditNote(entry('customer_agreed', 'Agreed on the phone'))).toBe('Agreed on the phone');
    expect(auditNote(entry('investigated', 'cause: late visit. The visit started late.'))).toBe(
      'The visit started late.',
    );
    expect(auditNote(entry('compensation_approved', 'cmp-1: loyal customer', 'admin-1'))).toBe(
      'loyal customer',
    );
    expect(auditNote(entry('compensation_approved', 'cmp-1', 'admin-1'))).toBeNull();
    expect(auditNote(entry('compensation_requested', 'coupon 50000 CNY: pending_approval'))).toBeNull();
    expect(auditNote(entry('assigned', 'user-2'))).toBeNull();
    expect(auditNote(entry('received', 'source portal'))).toBeNull();
    expect(auditNote(entry('approved', 'day 3 after delivery', 'system'))).toBeNull();
    expect(auditNote(entry('investigate_clock_warning', '2304 of 2880 min'))).toBeNull();
  });
});
