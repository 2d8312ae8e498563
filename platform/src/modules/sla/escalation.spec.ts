import { escalate, initialEscalation, type EscalationContacts } from './escalation';
import type { SlaEvent } from './sla-clock';

const contacts: EscalationContacts = {
  assigneeId: 't-1',
  seniorEngineerId: 'se-1',
  regionalManagerId: 'rm-1',
};
const ev = (type: SlaEvent['type'], clock: SlaEvent['clock'] = 'onSite'): SlaEvent => ({
  type,
  ticketId: 'tk-1',
  clock,
  atMs: 0,
  elapsedMs: type === 'sla.warning' ? 8 : 10,
  targetMs: 10,
});

describe('escalation ladder', () => {
  it('a warning asks the assignee to act without climbing', () => {
    const r = escalate(initialEscalation('tk-1'), ev('sla.warning'), 'P2', contacts);
    expect(r.state.level).toBe(0);
    expect(r.notifications).toEqual([
      expect.objectContaining({ recipientId: 't-1', role: 'assignee', kind: 'action', event: 'sla.warning' }),
    ]);
    expect(r.notifications[0]?.message).toBe('Act now: on-site clock at 80 % of its target on ticket tk-1');
  });

  it('each breach climbs one rung and keeps those below informed', () => {
    let s = initialEscalation('tk-1');
    const first = escalate(s, ev('sla.breach', 'respond'), 'P2', contacts);
    s = first.state;
    expect(s.level).toBe(1);
    expect(first.notifications.map((n) => `${n.recipientId}:${n.kind}`)).toEqual(['t-1:info', 'se-1:action']);
    const second = escalate(s, ev('sla.breach', 'onSite'), 'P2', contacts);
    expect(second.state.level).toBe(2);
    expect(second.notifications.map((n) => `${n.recipientId}:${n.kind}`)).toEqual([
      't-1:info',
      'se-1:info',
      'rm-1:action',
    ]);
    // The top rung stays the top.
    expect(escalate(second.state, ev('sla.breach', 'resolve'), 'P2', contacts).state.level).toBe(2);
  });

  it('a P1 breach goes straight to the regional manager', () => {
    const r = escalate(initialEscalation('tk-1'), ev('sla.breach'), 'P1', contacts);
    expect(r.state.level).toBe(2);
    expect(r.notifications.find((n) => n.kind === 'action')?.recipientId).toBe('rm-1');
  });

  it('ignores a replayed event', () => {
    const once = escalate(initialEscalation('tk-1'), ev('sla.breach'), 'P2', contacts);
    const again = escalate(once.state, ev('sla.breach'), 'P2', contacts);
    expect(again.notifications).toEqual([]);
    expect(again.state).toBe(once.state);
  });

  it('with nobody assigned a warning goes to the senior engineer, without climbing', () => {
    const r = escalate(initialEscalation('tk-1'), ev('sla.warning', 'respond'), 'P3', {
      ...contacts,
      assigneeId: null,
    });
    expect(r.notifications.map((n) => n.recipientId)).toEqual(['se-1']);
    expect(r.state.level).toBe(0);
  });
});
