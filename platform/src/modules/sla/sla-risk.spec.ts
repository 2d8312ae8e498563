import { applyStatusToClocks, pauseAll, resumeAll, startClocks, type SlaClock } from './sla-clock';
import { slaRisk } from './sla-risk';

const MIN = 60_000;
const H = 60 * MIN;
const T0 = Date.UTC(2026, 2, 4, 9);

/** P2 standard: respond 10 min, on site 4 h, resolve 24 h, around the clock. */
const p2 = (): SlaClock[] =>
  startClocks({ ticketId: 'tk-1', priority: 'P2', tier: 'standard', startedAtMs: T0 });

describe('SLA risk of a ticket', () => {
  it('moves from ok to at_risk at 75 % of a running clock and to breached at 100 %', () => {
    const clocks = p2();
    expect(slaRisk(clocks, T0 + 7 * MIN)).toBe('ok');
    expect(slaRisk(clocks, T0 + 7.5 * MIN)).toBe('at_risk');
    expect(slaRisk(clocks, T0 + 9.9 * MIN)).toBe('at_risk');
    expect(slaRisk(clocks, T0 + 10 * MIN)).toBe('breached');
  });

  it('counts a clock met in time as safe and one met late as breached', () => {
    const inTime = applyStatusToClocks(p2(), 'new', 'acknowledged', T0 + 5 * MIN);
    expect(slaRisk(inTime, T0 + 9 * MIN)).toBe('ok');
    expect(slaRisk(inTime, T0 + 2.9 * H)).toBe('ok');
    expect(slaRisk(inTime, T0 + 3 * H)).toBe('at_risk'); // the 4-hour on-site clock
    const late = applyStatusToClocks(p2(), 'new', 'acknowledged', T0 + 12 * MIN);
    expect(slaRisk(late, T0 + 13 * MIN)).toBe('breached');
  });

  it('holds still while paused: no time counted, never at risk for the pause', () => {
    const acknowledged = applyStatusToClocks(p2(), 'new', 'acknowledged', T0 + MIN);
    const paused = pauseAll(acknowledged, 'waiting_customer', T0 + 2 * H);
    // 2 h of 4 h counted; a day later still 2 h
    expect(slaRisk(paused, T0 + 26 * H)).toBe('ok');
    const resumed = resumeAll(paused, 'waiting_customer', T0 + 26 * H);
    expect(slaRisk(resumed, T0 + 26 * H + 59 * MIN)).toBe('ok');
    expect(slaRisk(resumed, T0 + 27 * H)).toBe('at_risk');
    expect(slaRisk(resumed, T0 + 28 * H)).toBe('breached');
    // past 75 % when paused: not at risk while the clock stands
    const pausedLate = pauseAll(acknowledged, 'waiting_customer', T0 + 3.5 * H);
    expect(slaRisk(pausedLate, T0 + 30 * H)).toBe('ok');
  });

  it('ignores cancelled clocks', () => {
    const cancelled = applyStatusToClocks(p2(), 'new', 'cancelled', T0 + 5 * MIN);
    expect(slaRisk(cancelled, T0 + 48 * H)).toBe('ok');
  });
});
