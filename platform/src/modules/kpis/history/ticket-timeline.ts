import type { ActorKind, TicketStatus } from '../../../../../contracts/src';
import type { SeededRandom } from '../../../../../contracts/src/seeded-random';
import {
  applyStatusToClocks,
  evaluate,
  nextEventAtMs,
  startClocks,
  type SlaClock,
} from '../../sla/sla-clock';
import type { TicketPriority, CustomerTier } from '../../../../../contracts/src';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** One status change of a historical ticket, as its audit row says it. */
export interface TimelineStep {
  from: TicketStatus | null;
  to: TicketStatus;
  at: number;
  actor: string;
  actorKind: ActorKind;
  reason: string;
}

export interface TimelineInput {
  ticketId: string;
  createdAt: number;
  priority: TicketPriority;
  tier: CustomerTier;
  /** Who opens it: the platform (alarm, prediction) or the customer. */
  openedBy: { actor: string; actorKind: ActorKind; reason: string };
  technicianId: string;
  /** A missing part: the visit waits for it. */
  partSku: string | null;
  rootCause: string;
  faultMode: string;
  /** Nothing happens after this: later steps are cut off (the ticket is still open). */
  nowMs: number;
}

export interface Timeline {
  steps: TimelineStep[];
  clocks: SlaClock[];
  remote: boolean;
  waitedForParts: boolean;
  reopened: boolean;
  /** The last resolution time, when the ticket is resolved, verified or closed. */
  resolvedAt: number | null;
  /** Ever resolved (a reopened ticket keeps its earlier resolution). */
  everResolved: boolean;
  verifiedAt: number | null;
  dispatched: boolean;
}

const SYSTEM = { actor: 'system:platform', actorKind: 'system' as const };
const ENGINEER = { actor: 'engineer:engineer@example.com', actorKind: 'engineer' as const };

/**
 * The life of one historical ticket: its status changes (as the lifecycle allows them), with
 * the real SLA clock functions applied at each change and the timers' warning/breach checks run
 * at the moments the platform's SLA job would have run them. Shapes: most responses within
 * 10 min, most arrivals within 4 h (P1/P2), P3/P4 visits often the next day, some waits for
 * parts, a few remote fixes, cancellations and repeats within 30 days; a few stuck tickets
 * among the recent ones make the backlog.
 */
export function simulateTimeline(rnd: SeededRandom, input: TimelineInput): Timeline {
  const tech = { actor: `technician:${input.technicianId}`, actorKind: 'technician' as const };
  const plan: Array<Omit<TimelineStep, 'from'>> = [];
  let t = input.createdAt;
  const push = (to: TicketStatus, who: { actor: string; actorKind: ActorKind }, reason: string) => {
    t = Math.round(t);
    plan.push({ to, at: t, actor: who.actor, actorKind: who.actorKind, reason });
  };
  push('new', input.openedBy, input.openedBy.reason);

  // a few recent tickets get stuck somewhere: the backlog a manager chases
  const ageMs = input.nowMs - input.createdAt;
  const stuckAt: TicketStatus | null =
    ageMs < 14 * DAY && rnd.chance(0.2)
      ? rnd.pick(['acknowledged', 'dispatched', 'en_route', 'waiting_parts', 'on_site'] as const)
      : null;
  const stuck = (status: TicketStatus) => stuckAt === status;

  const r = rnd.next();
  t += (r < 0.86 ? rnd.between(0.3, 9.5) : r < 0.95 ? rnd.between(10, 40) : rnd.between(40, 240)) * MIN;
  push('acknowledged', rnd.chance(0.7) ? SYSTEM : ENGINEER, 'seen by the service desk');
  let remote = false;
  let waited = false;
  let dispatched = false;
  if (stuck('acknowledged')) return finish();
  if (rnd.chance(0.02)) {
    t += rnd.between(10, 360) * MIN;
    push('cancelled', ENGINEER, 'no longer needed: the customer solved it');
    return finish();
  }
  if (rnd.chance(0.08)) {
    remote = true;
    t += rnd.between(10, 120) * MIN;
    push('resolved', ENGINEER, `fixed remotely: ${input.rootCause}`);
  } else {
    visit(false);
    if (stuckAt) return finish();
  }
  closeOut();
  // the fault came back within 30 days: the same ticket reopens as a repeat
  const reopened = !remote && rnd.chance(0.05);
  if (reopened) {
    t += rnd.between(3, 26) * DAY;
    push('reopened', SYSTEM, `${input.faultMode} came back after the repair`);
    t += rnd.between(0.5, 9) * MIN;
    push('acknowledged', ENGINEER, 'the repeat is being handled');
    visit(true);
    closeOut();
  }
  return finish();

  function visit(repeat: boolean) {
    t += rnd.between(2, 45) * MIN;
    push('dispatched', SYSTEM, `assigned to ${input.technicianId}${repeat ? ' (repeat repair)' : ''}`);
    dispatched = true;
    if (stuck('dispatched')) return;
    const nextDay = input.priority === 'P3' || input.priority === 'P4' ? 0.5 : 0.08;
    t += (rnd.chance(nextDay) ? rnd.between(2 * 60, 30 * 60) : rnd.between(5, 90)) * MIN;
    push('en_route', tech, 'accepted, driving');
    if (stuck('en_route')) return;
    t += rnd.between(15, 70) * MIN;
    push('on_site', tech, 'arrived');
    if (stuck('on_site')) return;
    if (input.partSku !== null && (stuck('waiting_parts') || rnd.chance(0.15))) {
      t += rnd.between(20, 60) * MIN;
      push('waiting_parts', tech, `waiting for ${input.partSku}`);
      waited = true;
      if (stuck('waiting_parts')) return;
      t += rnd.between(6 * 60, 5 * 24 * 60) * MIN;
      push('on_site', tech, 'the part came and the technician is back');
    }
    t += rnd.between(25, 150) * MIN;
    push('resolved', tech, `repaired: ${input.rootCause}`);
  }

  function closeOut() {
    t += 2 * HOUR + rnd.between(0, 10) * MIN;
    push('verified', SYSTEM, 'telemetry stayed normal for the hold time');
    t += rnd.between(1, 3) * DAY;
    push('closed', SYSTEM, 'done');
  }

  function finish(): Timeline {
    let clocks = startClocks({
      ticketId: input.ticketId,
      priority: input.priority,
      tier: input.tier,
      startedAtMs: input.createdAt,
    });
    const steps: TimelineStep[] = [];
    let status: TicketStatus | null = null;
    let resolvedAt: number | null = null;
    let verifiedAt: number | null = null;
    let everResolved = false;
    let wasDispatched = false;
    let wasReopened = false;
    let cursor = input.createdAt;
    const runTimers = (until: number) => {
      // the SLA job: evaluate at each warning/breach point reached before `until`
      for (let guard = 0; guard < 8; guard++) {
        const at = nextEventAtMs(clocks, cursor);
        if (at === null || at > until) break;
        clocks = evaluate(clocks, at).clocks;
        cursor = at;
      }
      cursor = until;
    };
    for (const step of plan) {
      if (step.at > input.nowMs) break;
      if (status !== null) {
        runTimers(step.at);
        clocks = applyStatusToClocks(clocks, status, step.to, step.at);
      }
      steps.push({ from: status, ...step });
      status = step.to;
      if (step.to === 'resolved') {
        resolvedAt = step.at;
        everResolved = true;
      }
      if (step.to === 'verified') verifiedAt = step.at;
      if (step.to === 'dispatched') wasDispatched = true;
      if (step.to === 'reopened') {
        wasReopened = true;
        resolvedAt = null;
        verifiedAt = null;
      }
    }
    runTimers(input.nowMs);
    const finished = status === 'resolved' || status === 'verified' || status === 'closed';
    return {
      steps,
      clocks,
      remote,
      waitedForParts: waited && steps.some((s) => s.to === 'waiting_parts'),
      reopened: wasReopened,
      resolvedAt: finished ? resolvedAt : null,
      everResolved,
      verifiedAt: status === 'verified' || status === 'closed' ? verifiedAt : null,
      dispatched: wasDispatched && dispatched,
    };
  }
}

/** A job left en route or on site (a stuck ticket) keeps its technician busy this long at most. */
export const STUCK_JOB_BUSY_MS = 4 * HOUR;

/**
 * When the ticket's technician was on the job: each stretch the ticket spent en route or on site
 * (waiting for a part is not). One still under way at `nowMs` lasts until then, at most
 * STUCK_JOB_BUSY_MS.
 */
export function jobSpans(
  steps: readonly TimelineStep[],
  nowMs: number,
): Array<{ startMs: number; endMs: number }> {
  const out: Array<{ startMs: number; endMs: number }> = [];
  for (let i = 0; i < steps.length; i++) {
    if (steps[i].to !== 'en_route' && steps[i].to !== 'on_site') continue;
    const startMs = steps[i].at;
    const endMs = i + 1 < steps.length ? steps[i + 1].at : Math.min(nowMs, startMs + STUCK_JOB_BUSY_MS);
    const last = out[out.length - 1];
    if (last && last.endMs === startMs) last.endMs = endMs;
    else if (endMs > startMs) out.push({ startMs, endMs });
  }
  return out;
}
