import type { CustomerTier, TicketPriority, TicketStatus } from '../../../../contracts/src';
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './business-calendar';
import { slaError } from './sla.errors';

const MIN = 60_000;
const HOUR = 60 * MIN;

export type SlaClockKind = 'respond' | 'onSite' | 'resolve';
export const SLA_CLOCK_KINDS: readonly SlaClockKind[] = ['respond', 'onSite', 'resolve'];
/**
 * `appointment`: the customer booked a visit window; the clock waits for the window to start
 * (a pause with its end already known, see `holdForAppointment`).
 */
export type SlaPauseReason = 'waiting_customer' | 'waiting_parts' | 'appointment';
export type SlaClockState = 'running' | 'paused' | 'warning' | 'breached' | 'met' | 'cancelled';

/** Fraction of the target at which a warning is raised. */
export const SLA_WARNING_FRACTION = 0.8;

export interface SlaTargets {
  respondMs: number;
  onSiteMs: number;
  resolveMs: number;
  /** Whether the clocks run only in the business calendar's working hours. */
  businessHoursOnly: boolean;
}

export type SlaPolicy = Record<TicketPriority, Record<CustomerTier, SlaTargets>>;

const t = (
  respondMs: number,
  onSiteMs: number,
  resolveMs: number,
  businessHoursOnly: boolean,
): SlaTargets => ({
  respondMs,
  onSiteMs,
  resolveMs,
  businessHoursOnly,
});

/**
 * Default targets. P2 standard is DESIGN.md's 10 min / 4 h / 24 h; P1 (safety hazard) is
 * tighter and, like P2, runs around the clock; P3 and P4 count business hours only when a
 * calendar is given. VIP customers get shorter on-site and resolve targets at every priority.
 *
 * | priority | standard respond / on site / resolve | VIP             | clock        |
 * |----------|--------------------------------------|-----------------|--------------|
 * | P1       | 5 min / 2 h / 8 h                    | 5 min / 1 h / 6 h | 24×7       |
 * | P2       | 10 min / 4 h / 24 h                  | 10 min / 3 h / 16 h | 24×7     |
 * | P3       | 30 min / 24 h / 72 h                 | 15 min / 12 h / 48 h | business |
 * | P4       | 4 h / 72 h / 168 h                   | 2 h / 48 h / 120 h | business   |
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  P1: { standard: t(5 * MIN, 2 * HOUR, 8 * HOUR, false), vip: t(5 * MIN, 1 * HOUR, 6 * HOUR, false) },
  P2: { standard: t(10 * MIN, 4 * HOUR, 24 * HOUR, false), vip: t(10 * MIN, 3 * HOUR, 16 * HOUR, false) },
  P3: { standard: t(30 * MIN, 24 * HOUR, 72 * HOUR, true), vip: t(15 * MIN, 12 * HOUR, 48 * HOUR, true) },
  P4: { standard: t(4 * HOUR, 72 * HOUR, 168 * HOUR, true), vip: t(2 * HOUR, 48 * HOUR, 120 * HOUR, true) },
};

export interface SlaPause {
  reason: SlaPauseReason;
  fromMs: number;
  /** Null while the pause lasts; in the future for a pause whose end is known (an appointment). */
  toMs: number | null;
}

/**
 * One of a ticket's three clocks (or, with another `K`, a complaint's or a return's clock, whose
 * `ticketId` is then the complaint's or return's id). Plain data: store it as JSON, evaluate it anywhere.
 */
export interface SlaClock<K extends string = SlaClockKind> {
  ticketId: string;
  kind: K;
  targetMs: number;
  startedAtMs: number;
  pauses: SlaPause[];
  /** Set when the clock stops: `met` by reaching the milestone or `cancelled` with the ticket. */
  stoppedAtMs: number | null;
  stopReason: 'met' | 'cancelled' | null;
  /** Absent: the clock runs 24×7. */
  calendar?: BusinessCalendar;
  warnedAtMs: number | null;
  breachedAtMs: number | null;
}

export function slaTargets(
  priority: TicketPriority,
  tier: CustomerTier,
  policy: SlaPolicy = DEFAULT_SLA_POLICY,
) {
  return policy[priority][tier];
}

/** The three clocks of a new ticket, all running from `startedAtMs`. */
export function startClocks(args: {
  ticketId: string;
  priority: TicketPriority;
  tier: CustomerTier;
  startedAtMs: number;
  calendar?: BusinessCalendar;
  policy?: SlaPolicy;
}): SlaClock[] {
  const targets = slaTargets(args.priority, args.tier, args.policy);
  const calendar = targets.businessHoursOnly ? args.calendar : undefined;
  const targetOf: Record<SlaClockKind, number> = {
    respond: targets.respondMs,
    onSite: targets.onSiteMs,
    resolve: targets.resolveMs,
  };
  return SLA_CLOCK_KINDS.map((kind) => ({
    ticketId: args.ticketId,
    kind,
    targetMs: targetOf[kind],
    startedAtMs: args.startedAtMs,
    pauses: [],
    stoppedAtMs: null,
    stopReason: null,
    ...(calendar ? { calendar } : {}),
    warnedAtMs: null,
    breachedAtMs: null,
  }));
}

const isPaused = (clock: SlaClock<string>) => clock.pauses.some((p) => p.toMs === null);

/** The end of a pause already scheduled to end after `nowMs` (an appointment hold), if any. */
const heldUntil = (clock: SlaClock<string>, nowMs: number): number | null => {
  let until: number | null = null;
  for (const p of clock.pauses) if (p.toMs !== null && p.toMs > nowMs) until = Math.max(until ?? 0, p.toMs);
  return until;
};

/** Ends, at `nowMs`, the pauses scheduled to end later (the visit began early, or moved). */
const endHolds = <K extends string>(clock: SlaClock<K>, nowMs: number): SlaClock<K> =>
  heldUntil(clock, nowMs) === null
    ? clock
    : {
        ...clock,
        pauses: clock.pauses.map((p) => (p.toMs !== null && p.toMs > nowMs ? { ...p, toMs: nowMs } : p)),
      };

/** Working time the clock has counted up to `nowMs`, pauses excluded. */
export function elapsedMs(clock: SlaClock<string>, nowMs: number): number {
  const end = Math.min(nowMs, clock.stoppedAtMs ?? nowMs);
  let total = businessMsBetween(clock.calendar, clock.startedAtMs, end);
  for (const p of clock.pauses) {
    total -= businessMsBetween(
      clock.calendar,
      Math.max(p.fromMs, clock.startedAtMs),
      Math.min(p.toMs ?? end, end),
    );
  }
  return Math.max(0, total);
}

/**
 * When the clock reaches (or reached) its target: what remains, counted from now, so a running
 * pause pushes it out; a stopped clock keeps the deadline it had when it stopped.
 */
export function deadlineMs(clock: SlaClock<string>, nowMs: number): number {
  const at = Math.min(nowMs, clock.stoppedAtMs ?? nowMs);
  const remaining = clock.targetMs - elapsedMs(clock, at);
  // a running clock held for an appointment counts on from the hold's end
  const from = clock.stoppedAtMs === null ? (heldUntil(clock, at) ?? at) : at;
  // past the target the overrun is plain elapsed time
  return remaining >= 0 ? addBusinessMs(clock.calendar, from, remaining) : at + remaining;
}

export interface SlaClockStatus<K extends string = SlaClockKind> {
  ticketId: string;
  kind: K;
  state: SlaClockState;
  targetMs: number;
  elapsedMs: number;
  remainingMs: number;
  /** elapsed / target. */
  fraction: number;
  /** When the clock will reach its target if it keeps running; null once stopped or while paused. */
  dueAtMs: number | null;
  pauseReason: SlaPauseReason | null;
}

export function clockStatus<K extends string>(clock: SlaClock<K>, nowMs: number): SlaClockStatus<K> {
  const elapsed = elapsedMs(clock, nowMs);
  const fraction = clock.targetMs > 0 ? elapsed / clock.targetMs : 1;
  const openPause = clock.pauses.find((p) => p.toMs === null || p.toMs > nowMs) ?? null;
  const remaining = clock.targetMs - elapsed;
  let state: SlaClockState;
  if (clock.stopReason === 'cancelled') state = 'cancelled';
  else if (fraction >= 1 && (clock.stopReason !== 'met' || elapsed > clock.targetMs)) state = 'breached';
  else if (clock.stopReason === 'met') state = 'met';
  else if (openPause) state = 'paused';
  else if (fraction >= SLA_WARNING_FRACTION) state = 'warning';
  else state = 'running';
  const running = clock.stoppedAtMs === null && !openPause;
  // held for an appointment: the end of the hold is known, so is the due time
  const resumesAtMs = clock.stoppedAtMs === null && openPause ? openPause.toMs : null;
  return {
    ticketId: clock.ticketId,
    kind: clock.kind,
    state,
    targetMs: clock.targetMs,
    elapsedMs: elapsed,
    remainingMs: remaining,
    fraction,
    dueAtMs: running
      ? addBusinessMs(clock.calendar, nowMs, Math.max(0, remaining))
      : resumesAtMs !== null
        ? addBusinessMs(clock.calendar, resumesAtMs, Math.max(0, remaining))
        : null,
    pauseReason: openPause?.reason ?? null,
  };
}

export function pauseClock<K extends string>(clock: SlaClock<K>, reason: SlaPauseReason, nowMs: number): SlaClock<K> {
  if (isPaused(clock)) {
    throw slaError('sla.already_paused', `The ${clock.kind} clock is already paused`, {
      ticketId: clock.ticketId,
    });
  }
  if (clock.stoppedAtMs !== null) return clock;
  return { ...clock, pauses: [...clock.pauses, { reason, fromMs: nowMs, toMs: null }] };
}

export function resumeClock<K extends string>(clock: SlaClock<K>, nowMs: number): SlaClock<K> {
  if (!isPaused(clock)) {
    throw slaError('sla.not_paused', `The ${clock.kind} clock is not paused`, {
      ticketId: clock.ticketId,
    });
  }
  return { ...clock, pauses: clock.pauses.map((p) => (p.toMs === null ? { ...p, toMs: nowMs } : p)) };
}

export function stopClock<K extends string>(
  clock: SlaClock<K>,
  nowMs: number,
  reason: 'met' | 'cancelled' = 'met',
): SlaClock<K> {
  if (clock.stoppedAtMs !== null) return clock;
  const held = endHolds(clock, nowMs);
  const closed = isPaused(held) ? resumeClock(held, nowMs) : held;
  return { ...closed, stoppedAtMs: nowMs, stopReason: reason };
}

/** Pauses every running clock of a ticket, e.g. while the customer cannot be reached. */
export function pauseAll(clocks: readonly SlaClock[], reason: SlaPauseReason, nowMs: number): SlaClock[] {
  return clocks.map((c) => (c.stoppedAtMs === null && !isPaused(c) ? pauseClock(c, reason, nowMs) : c));
}

/** Ends the pauses opened for `reason`; pauses for another reason go on. */
export function resumeAll(clocks: readonly SlaClock[], reason: SlaPauseReason, nowMs: number): SlaClock[] {
  return clocks.map((c) =>
    c.stoppedAtMs === null && c.pauses.some((p) => p.toMs === null && p.reason === reason)
      ? resumeClock(c, nowMs)
      : c,
  );
}

const MILESTONE: Partial<Record<TicketStatus, SlaClockKind[]>> = {
  acknowledged: ['respond'],
  dispatched: ['respond'],
  en_route: ['respond'],
  on_site: ['respond', 'onSite'],
  resolved: ['respond', 'onSite', 'resolve'],
};

/**
 * How a status change moves the clocks: milestones stop theirs, waiting for parts pauses the
 * running ones and leaving it resumes them, cancelling stops all, and reopening starts a fresh
 * set with the same targets (the repeat is measured on its own).
 */
export function applyStatusToClocks(
  clocks: readonly SlaClock[],
  from: TicketStatus,
  to: TicketStatus,
  nowMs: number,
): SlaClock[] {
  if (to === 'reopened') {
    return clocks.map((c) => ({
      ...c,
      startedAtMs: nowMs,
      pauses: [],
      stoppedAtMs: null,
      stopReason: null,
      warnedAtMs: null,
      breachedAtMs: null,
    }));
  }
  if (to === 'cancelled') return clocks.map((c) => stopClock(c, nowMs, 'cancelled'));
  // an appointment hold lasts only while the visit is still to come
  const visitToCome = to === 'new' || to === 'acknowledged' || to === 'dispatched' || to === 'en_route';
  let next = (visitToCome ? clocks : clocks.map((c) => endHolds(c, nowMs))).map((c) =>
    MILESTONE[to]?.includes(c.kind) ? stopClock(c, nowMs) : c,
  );
  if (to === 'waiting_parts') {
    next = next.map((c) =>
      c.stoppedAtMs === null && !isPaused(c) ? pauseClock(c, 'waiting_parts', nowMs) : c,
    );
  }
  if (from === 'waiting_parts') {
    next = next.map((c) =>
      c.stoppedAtMs === null && c.pauses.some((p) => p.toMs === null && p.reason === 'waiting_parts')
        ? resumeClock(c, nowMs)
        : c,
    );
  }
  return next;
}

export interface SlaEvent<K extends string = SlaClockKind> {
  type: 'sla.warning' | 'sla.breach';
  ticketId: string;
  clock: K;
  atMs: number;
  elapsedMs: number;
  targetMs: number;
}

/**
 * Checks every clock and returns the warning (≥ 80 %) and breach (≥ 100 %) events not yet
 * emitted, with the clocks marked so the next call does not emit them again. A clock that
 * jumps past both thresholds between two calls emits both, warning first. A clock met in time
 * emits nothing more.
 */
export function evaluate<K extends string = SlaClockKind>(
  clocks: readonly SlaClock<K>[],
  nowMs: number,
): { clocks: SlaClock<K>[]; events: SlaEvent<K>[] } {
  const events: SlaEvent<K>[] = [];
  const next = clocks.map((clock) => {
    if (clock.breachedAtMs !== null || clock.stopReason === 'cancelled') return clock;
    const elapsed = elapsedMs(clock, nowMs);
    // Met in time: a late warning would only be noise.
    if (clock.stopReason === 'met' && elapsed <= clock.targetMs) return clock;
    const base = {
      ticketId: clock.ticketId,
      clock: clock.kind,
      atMs: nowMs,
      elapsedMs: elapsed,
      targetMs: clock.targetMs,
    };
    let updated = clock;
    if (clock.warnedAtMs === null && elapsed >= clock.targetMs * SLA_WARNING_FRACTION) {
      events.push({ type: 'sla.warning', ...base });
      updated = { ...updated, warnedAtMs: nowMs };
    }
    if (elapsed >= clock.targetMs) {
      events.push({ type: 'sla.breach', ...base });
      updated = { ...updated, breachedAtMs: nowMs };
    }
    return updated;
  });
  return { clocks: next, events };
}

/**
 * When `evaluate` will next have something to say if nothing else changes: the next warning or
 * breach point of a running clock, now for a clock met late and not yet reported; null when no
 * clock can warn or breach any more (all met, cancelled, paused or already breached).
 */
export function nextEventAtMs(clocks: readonly SlaClock<string>[], nowMs: number): number | null {
  let next: number | null = null;
  for (const clock of clocks) {
    if (clock.breachedAtMs !== null || clock.stopReason === 'cancelled') continue;
    let at: number | null = null;
    if (clock.stoppedAtMs !== null) {
      if (elapsedMs(clock, nowMs) > clock.targetMs) at = nowMs;
    } else if (!isPaused(clock)) {
      const threshold = clock.warnedAtMs === null ? clock.targetMs * SLA_WARNING_FRACTION : clock.targetMs;
      const from = heldUntil(clock, nowMs) ?? nowMs;
      at = addBusinessMs(clock.calendar, from, Math.max(0, threshold - elapsedMs(clock, nowMs)));
    }
    if (at !== null && (next === null || at < next)) next = at;
  }
  return next;
}

/**
 * A booked visit window on the clocks. The on-site clock is held (pause `appointment`, its end
 * known: the window's start) and its target set so that it falls due at the window's end: the
 * promise to the customer is now "during the window", not "within 4 h". Warnings keep their
 * meaning: 80 % of the target is reached late in the window. The resolve clock is held until the
 * window starts as well, keeping its own target: days the customer chose to wait are not the
 * service's delay. The respond clock is untouched. Booking again replaces the earlier hold.
 */
export function holdForAppointment(
  clocks: readonly SlaClock[],
  window: { startMs: number; endMs: number },
  nowMs: number,
): SlaClock[] {
  return clocks.map((c) => {
    if (c.stoppedAtMs !== null || c.kind === 'respond') return c;
    const base = endHolds(c, nowMs);
    const holdFrom = Math.max(nowMs, window.startMs);
    const pauses =
      isPaused(base) || holdFrom <= nowMs
        ? base.pauses
        : [...base.pauses, { reason: 'appointment' as const, fromMs: nowMs, toMs: holdFrom }];
    if (c.kind === 'resolve') return { ...base, pauses };
    const targetMs =
      elapsedMs(base, nowMs) + businessMsBetween(base.calendar, holdFrom, Math.max(holdFrom, window.endMs));
    return { ...base, pauses, targetMs, warnedAtMs: null };
  });
}

/** The visit window is gone: holds end now and the on-site clock gets back its policy target. */
export function releaseAppointment(
  clocks: readonly SlaClock[],
  onSiteTargetMs: number,
  nowMs: number,
): SlaClock[] {
  return clocks.map((c) => {
    if (c.stoppedAtMs !== null || c.kind === 'respond') return c;
    const base = endHolds(c, nowMs);
    return c.kind === 'onSite' ? { ...base, targetMs: onSiteTargetMs } : base;
  });
}
