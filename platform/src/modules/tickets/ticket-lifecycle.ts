import type { ActorKind, TicketStatus } from '../../../../contracts/src';
import { ticketError } from './tickets.errors';

export const DAY_MS = 86_400_000;
/** A recurrence of the same fault within this time after resolution reopens the ticket as a repeat. */
export const REPEAT_WINDOW_MS = 30 * DAY_MS;

/** Who acts: the four login roles plus the platform itself (timers, telemetry, auto-dispatch). */
export type { ActorKind };

export interface Actor {
  kind: ActorKind;
  id: string;
}

export type TicketSource = 'alarm' | 'prediction' | 'customer' | 'complaint';

/** The fields the lifecycle reads and writes; a stored ticket may carry more. */
export interface LifecycleTicket {
  id: string;
  status: TicketStatus;
  source: TicketSource;
  customerId: string | null;
  assigneeId: string | null;
  updatedAt: number;
  resolvedAt: number | null;
  /** How many times the ticket was reopened; > 0 marks a repeat repair. */
  reopenCount: number;
}

/** Same shape as the tickets repository's audit row, plus the actor's role. */
export interface TicketAuditEntry {
  ticketId: string;
  at: number;
  /** `kind:id`, e.g. `technician:t-7`. */
  actor: string;
  actorKind: ActorKind;
  fromStatus: TicketStatus;
  toStatus: TicketStatus;
  reason: string;
}

export interface TransitionRule {
  from: TicketStatus;
  to: TicketStatus;
  actors: readonly ActorKind[];
  /** The audit entry must say why (declines, cancellations, reopenings, waits). */
  reasonRequired: boolean;
  /** What the step means, for docs and error messages. */
  meaning: string;
}

const STAFF: readonly ActorKind[] = ['system', 'engineer', 'admin'];
const rule = (
  from: TicketStatus,
  to: TicketStatus,
  actors: readonly ActorKind[],
  meaning: string,
  reasonRequired = false,
): TransitionRule => ({ from, to, actors, meaning, reasonRequired });

/**
 * Every allowed status change. A technician may only move tickets assigned to them; a
 * customer may only cancel their own request (source `customer`) before the technician is on site.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
  rule('new', 'acknowledged', STAFF, 'the service desk has seen it (stops the respond clock)'),
  rule('new', 'dispatched', STAFF, 'assigned to a technician straight away'),
  rule('acknowledged', 'dispatched', STAFF, 'assigned to a technician'),
  rule(
    'dispatched',
    'acknowledged',
    ['technician', 'system', 'engineer', 'admin'],
    'declined or not accepted in time: back for re-dispatch',
    true,
  ),
  rule('dispatched', 'en_route', ['technician', 'admin'], 'the technician accepted and is driving'),
  rule('en_route', 'on_site', ['technician', 'admin'], 'the technician arrived (stops the on-site clock)'),
  rule('en_route', 'acknowledged', ['engineer', 'admin'], 'pulled back for re-dispatch', true),
  rule(
    'on_site',
    'waiting_parts',
    ['technician', 'engineer', 'admin'],
    'a part is missing (pauses the clocks)',
    true,
  ),
  rule(
    'acknowledged',
    'resolved',
    ['engineer', 'admin'],
    'fixed remotely (guidance or a remote command), no visit',
    true,
  ),
  ...(['dispatched', 'en_route'] as const).map((from) =>
    rule(
      from,
      'resolved',
      ['technician', 'engineer', 'admin'],
      'fixed remotely before the visit (guidance or a remote command): the visit is no longer needed',
      true,
    ),
  ),
  rule('on_site', 'resolved', ['technician', 'engineer', 'admin'], 'repaired (stops the resolve clock)'),
  rule('waiting_parts', 'on_site', ['technician', 'admin'], 'the part came and the technician is back'),
  rule('waiting_parts', 'dispatched', STAFF, 'the part came; a new visit is dispatched'),
  rule('resolved', 'verified', STAFF, 'telemetry stayed normal for the hold time'),
  rule('resolved', 'reopened', [...STAFF, 'customer'], 'the fault came back', true),
  rule('verified', 'closed', STAFF, 'done'),
  rule('verified', 'reopened', [...STAFF, 'customer'], 'the fault came back', true),
  rule('closed', 'reopened', [...STAFF, 'customer'], 'the fault came back within the repeat window', true),
  rule('reopened', 'acknowledged', STAFF, 'the repeat is being handled'),
  rule('reopened', 'dispatched', STAFF, 'the repeat is assigned to a technician'),
  ...(['new', 'acknowledged', 'dispatched', 'en_route', 'reopened'] as const).map((from) =>
    rule(from, 'cancelled', ['engineer', 'admin', 'customer'], 'no longer needed', true),
  ),
  rule('on_site', 'cancelled', ['engineer', 'admin'], 'no longer needed', true),
  rule('waiting_parts', 'cancelled', ['engineer', 'admin'], 'no longer needed', true),
];

const RULES = new Map(TRANSITIONS.map((r) => [`${r.from}>${r.to}`, r]));
/** Before the technician is on site a customer may still withdraw their own request. */
const CUSTOMER_CANCELLABLE = new Set<TicketStatus>(['new', 'acknowledged', 'dispatched', 'en_route']);
const ADJECTIVE: Record<TicketStatus, string> = {
  new: 'new',
  acknowledged: 'acknowledged',
  dispatched: 'dispatched',
  en_route: 'en-route',
  on_site: 'on-site',
  waiting_parts: 'parts-waiting',
  resolved: 'resolved',
  verified: 'verified',
  closed: 'closed',
  cancelled: 'cancelled',
  reopened: 'reopened',
};
const article = (word: string) => (/^[aeio]/.test(word) ? 'An' : 'A');
const describe = (s: TicketStatus) => `${article(ADJECTIVE[s])} ${ADJECTIVE[s]} ticket`;

export function allowedTransitions(from: TicketStatus): TransitionRule[] {
  return TRANSITIONS.filter((r) => r.from === from);
}

export function canTransition(from: TicketStatus, to: TicketStatus, actor: ActorKind): boolean {
  return RULES.get(`${from}>${to}`)?.actors.includes(actor) ?? false;
}

export interface TransitionInput {
  actor: Actor;
  reason?: string;
  nowMs: number;
  /** For dispatch: the technician the ticket goes to. */
  assigneeId?: string;
}

export interface TransitionResult<T extends LifecycleTicket> {
  ticket: T;
  audit: TicketAuditEntry;
  /** True when this step reopened the ticket as a repeat repair. */
  repeat: boolean;
}

/** Applies one status change or throws a ServiceDomainError naming the rule it breaks. */
export function transition<T extends LifecycleTicket>(
  ticket: T,
  to: TicketStatus,
  input: TransitionInput,
): TransitionResult<T> {
  const { actor, nowMs } = input;
  const from = ticket.status;
  const found = RULES.get(`${from}>${to}`);
  if (!found) {
    throw ticketError('ticket.bad_transition', `${describe(from)} cannot become ${ADJECTIVE[to]}`, {
      ticketId: ticket.id,
      from,
      to,
      allowed: allowedTransitions(from).map((r) => r.to),
    });
  }
  if (!found.actors.includes(actor.kind)) {
    throw ticketError(
      'ticket.actor_not_allowed',
      `A ${actor.kind} cannot move ${describe(from).toLowerCase()} to ${ADJECTIVE[to]}`,
      { ticketId: ticket.id, from, to, actorKind: actor.kind, allowedActors: found.actors },
    );
  }
  if (actor.kind === 'technician' && ticket.assigneeId !== actor.id) {
    throw ticketError('ticket.not_assignee', 'Only the assigned technician may change this ticket', {
      ticketId: ticket.id,
    });
  }
  if (actor.kind === 'customer') {
    if (ticket.customerId !== actor.id) {
      throw ticketError('ticket.not_own_ticket', 'A customer may only change their own tickets', {
        ticketId: ticket.id,
      });
    }
    if (to === 'cancelled' && (ticket.source !== 'customer' || !CUSTOMER_CANCELLABLE.has(from))) {
      throw ticketError(
        'ticket.actor_not_allowed',
        'A customer may cancel only their own request, and only before the technician is on site',
        { ticketId: ticket.id, from, to },
      );
    }
  }
  const reason = input.reason?.trim() ?? '';
  if (found.reasonRequired && reason === '') {
    throw ticketError('ticket.reason_required', `Say why the ticket becomes ${ADJECTIVE[to]}`, {
      ticketId: ticket.id,
      field: 'reason',
    });
  }
  let repeat = false;
  if (to === 'reopened') {
    // A fault coming back long after the repair is a new failure, not a failed repair.
    if (ticket.resolvedAt === null || nowMs - ticket.resolvedAt > REPEAT_WINDOW_MS) {
      throw ticketError(
        'ticket.reopen_window_passed',
        'A ticket can be reopened only within 30 days of its resolution; open a new ticket instead',
        { ticketId: ticket.id, resolvedAt: ticket.resolvedAt },
      );
    }
    repeat = true;
  }
  if (to === 'dispatched' && !input.assigneeId) {
    throw ticketError('ticket.bad_transition', 'A ticket can be dispatched only to a technician', {
      ticketId: ticket.id,
      field: 'assigneeId',
    });
  }

  const next: T = { ...ticket, status: to, updatedAt: nowMs };
  if (to === 'dispatched') next.assigneeId = input.assigneeId ?? null;
  // Declined or pulled back: nobody holds it until the next dispatch.
  if (to === 'acknowledged' && from !== 'new' && from !== 'reopened') next.assigneeId = null;
  if (to === 'resolved') next.resolvedAt = nowMs;
  if (to === 'reopened') next.reopenCount = ticket.reopenCount + 1;

  return {
    ticket: next,
    repeat,
    audit: {
      ticketId: ticket.id,
      at: nowMs,
      actor: `${actor.kind}:${actor.id}`,
      actorKind: actor.kind,
      fromStatus: from,
      toStatus: to,
      reason: reason || found.meaning,
    },
  };
}
