import { ticketStatusSchema, type TicketStatus } from '../../../../contracts/src';
import { AppError } from '../../common/errors/app-error';
import {
  DAY_MS,
  TRANSITIONS,
  allowedTransitions,
  canTransition,
  transition,
  type Actor,
  type LifecycleTicket,
} from './ticket-lifecycle';

const T0 = Date.UTC(2026, 2, 2, 9);
const system: Actor = { kind: 'system', id: 'dispatcher' };
const engineer: Actor = { kind: 'engineer', id: 'e-1' };
const tech: Actor = { kind: 'technician', id: 't-1' };

const ticket = (overrides: Partial<LifecycleTicket> = {}): LifecycleTicket => ({
  id: 'tk-1',
  status: 'new',
  source: 'alarm',
  customerId: 'c-1',
  assigneeId: null,
  updatedAt: T0,
  resolvedAt: null,
  reopenCount: 0,
  ...overrides,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  throw new Error('expected a AppError');
}

describe('ticket lifecycle', () => {
  it('walks the happy path with one audit entry per step', () => {
    let t = ticket();
    const steps: Array<[TicketStatus, Actor, string?]> = [
      ['acknowledged', system],
      ['dispatched', system],
      ['en_route', tech],
      ['on_site', tech],
      ['waiting_parts', tech, 'door gasket not on van'],
      ['on_site', tech],
      ['resolved', tech],
      ['verified', system],
      ['closed', system],
    ];
    const audit = [];
    let now = T0;
    for (const [to, actor, reason] of steps) {
      now += 60_000;
      const r = transition(t, to, { actor, reason, nowMs: now, assigneeId: 't-1' });
      t = r.ticket;
      audit.push(r.audit);
    }
    expect(t.status).toBe('closed');
    expect(t.resolvedAt).toBe(T0 + 7 * 60_000);
    expect(audit.map((a) => `${a.fromStatus}>${a.toStatus}`)).toEqual([
      'new>acknowledged',
      'acknowledged>dispatched',
      'dispatched>en_route',
      'en_route>on_site',
      'on_site>waiting_parts',
      'waiting_parts>on_site',
      'on_site>resolved',
      'resolved>verified',
      'verified>closed',
    ]);
    expect(audit[4]).toEqual({
      ticketId: 'tk-1',
      at: T0 + 5 * 60_000,
      actor: 'technician:t-1',
      actorKind: 'technician',
      fromStatus: 'on_site',
      toStatus: 'waiting_parts',
      reason: 'door gasket not on van',
    });
    // Without a reason the audit still says why: the rule's meaning.
    expect(audit[0]?.reason).toMatch(/service desk/);
  });

  it('refuses a jump with a message naming both statuses', () => {
    const t = ticket({ status: 'dispatched', assigneeId: 't-1' });
    expect(() => transition(t, 'verified', { actor: system, nowMs: T0 })).toThrow(
      'A dispatched ticket cannot become verified',
    );
    expect(codeOf(() => transition(t, 'verified', { actor: system, nowMs: T0 }))).toBe(
      'ticket.bad_transition',
    );
    expect(() => transition(ticket({ status: 'on_site' }), 'closed', { actor: system, nowMs: T0 })).toThrow(
      'An on-site ticket cannot become closed',
    );
  });

  it('covers every status in the table and leaves cancelled terminal', () => {
    const froms = new Set(TRANSITIONS.map((r) => r.from));
    for (const s of ticketStatusSchema.options) {
      if (s === 'cancelled') expect(allowedTransitions(s)).toEqual([]);
      else expect(froms.has(s)).toBe(true);
    }
  });

  it('lets only the listed roles act, and a technician only on their own ticket', () => {
    expect(canTransition('new', 'acknowledged', 'technician')).toBe(false);
    expect(codeOf(() => transition(ticket(), 'acknowledged', { actor: tech, nowMs: T0 }))).toBe(
      'ticket.actor_not_allowed',
    );
    const other = ticket({ status: 'dispatched', assigneeId: 't-2' });
    expect(codeOf(() => transition(other, 'en_route', { actor: tech, nowMs: T0 }))).toBe(
      'ticket.not_assignee',
    );
    expect(
      transition(other, 'en_route', { actor: { kind: 'admin', id: 'a' }, nowMs: T0 }).ticket.status,
    ).toBe('en_route');
  });

  it('requires the technician to dispatch to', () => {
    expect(codeOf(() => transition(ticket(), 'dispatched', { actor: system, nowMs: T0 }))).toBe(
      'ticket.bad_transition',
    );
    expect(
      transition(ticket(), 'dispatched', { actor: system, nowMs: T0, assigneeId: 't-9' }).ticket.assigneeId,
    ).toBe('t-9');
  });

  it('a decline returns the ticket for re-dispatch, needs a reason and clears the assignee', () => {
    const t = ticket({ status: 'dispatched', assigneeId: 't-1' });
    expect(codeOf(() => transition(t, 'acknowledged', { actor: tech, nowMs: T0 }))).toBe(
      'ticket.reason_required',
    );
    const r = transition(t, 'acknowledged', { actor: tech, reason: 'van broke down', nowMs: T0 });
    expect(r.ticket.assigneeId).toBeNull();
    expect(r.audit.reason).toBe('van broke down');
    // An engineer may pull a driving technician back; the technician may not hand it back from the road.
    const driving = ticket({ status: 'en_route', assigneeId: 't-1' });
    expect(
      transition(driving, 'acknowledged', { actor: engineer, reason: 'P1 nearby', nowMs: T0 }).ticket,
    ).toMatchObject({
      status: 'acknowledged',
      assigneeId: null,
    });
    expect(codeOf(() => transition(driving, 'acknowledged', { actor: tech, reason: 'x', nowMs: T0 }))).toBe(
      'ticket.actor_not_allowed',
    );
  });

  it('lets an engineer resolve remotely, with a reason, stopping at resolved', () => {
    const t = ticket({ status: 'acknowledged' });
    const r = transition(t, 'resolved', {
      actor: engineer,
      reason: 'reset via remote self-test',
      nowMs: T0 + 1,
    });
    expect(r.ticket).toMatchObject({ status: 'resolved', resolvedAt: T0 + 1 });
    expect(codeOf(() => transition(t, 'resolved', { actor: system, reason: 'x', nowMs: T0 }))).toBe(
      'ticket.actor_not_allowed',
    );
  });

  it('lets the assigned technician resolve remotely before the visit, with the root cause', () => {
    for (const status of ['dispatched', 'en_route'] as const) {
      const t = ticket({ status, assigneeId: 't-1' });
      const r = transition(t, 'resolved', {
        actor: tech,
        reason: 'door was left open; closed it',
        nowMs: T0 + 2,
      });
      expect(r.ticket).toMatchObject({ status: 'resolved', resolvedAt: T0 + 2 });
      expect(codeOf(() => transition(t, 'resolved', { actor: tech, nowMs: T0 }))).toBe(
        'ticket.reason_required',
      );
      expect(
        codeOf(() =>
          transition(t, 'resolved', { actor: { kind: 'technician', id: 't-2' }, reason: 'x', nowMs: T0 }),
        ),
      ).toBe('ticket.not_assignee');
    }
  });

  it('lets a customer cancel only their own request before the technician arrives', () => {
    const customer: Actor = { kind: 'customer', id: 'c-1' };
    const own = ticket({ source: 'customer', status: 'dispatched', assigneeId: 't-1' });
    expect(
      transition(own, 'cancelled', { actor: customer, reason: 'fixed it myself', nowMs: T0 }).ticket.status,
    ).toBe('cancelled');
    expect(
      codeOf(() =>
        transition({ ...own, customerId: 'c-2' }, 'cancelled', { actor: customer, reason: 'x', nowMs: T0 }),
      ),
    ).toBe('ticket.not_own_ticket');
    // A proactive ticket is the service network's decision, not the customer's.
    expect(
      codeOf(() =>
        transition({ ...own, source: 'alarm' }, 'cancelled', { actor: customer, reason: 'x', nowMs: T0 }),
      ),
    ).toBe('ticket.actor_not_allowed');
    expect(
      codeOf(() =>
        transition({ ...own, status: 'on_site' }, 'cancelled', { actor: customer, reason: 'x', nowMs: T0 }),
      ),
    ).toBe('ticket.actor_not_allowed');
    expect(codeOf(() => transition(own, 'cancelled', { actor: customer, nowMs: T0 }))).toBe(
      'ticket.reason_required',
    );
  });

  it('reopens a resolved, verified or closed ticket as a repeat within 30 days only', () => {
    const resolvedAt = T0;
    for (const status of ['resolved', 'verified', 'closed'] as const) {
      const t = ticket({ status, resolvedAt, assigneeId: 't-1' });
      const r = transition(t, 'reopened', {
        actor: system,
        reason: 'E31 again',
        nowMs: resolvedAt + 29 * DAY_MS,
      });
      expect(r.repeat).toBe(true);
      expect(r.ticket.reopenCount).toBe(1);
      expect(r.ticket.status).toBe('reopened');
    }
    const closed = ticket({ status: 'closed', resolvedAt });
    expect(
      codeOf(() =>
        transition(closed, 'reopened', { actor: system, reason: 'E31', nowMs: resolvedAt + 31 * DAY_MS }),
      ),
    ).toBe('ticket.reopen_window_passed');
    // The repeat goes through dispatch again.
    const reopened = transition(closed, 'reopened', {
      actor: system,
      reason: 'E31',
      nowMs: resolvedAt + DAY_MS,
    }).ticket;
    expect(
      transition(reopened, 'dispatched', { actor: system, nowMs: resolvedAt + DAY_MS + 1, assigneeId: 't-3' })
        .ticket,
    ).toMatchObject({ status: 'dispatched', assigneeId: 't-3', reopenCount: 1 });
  });
});
