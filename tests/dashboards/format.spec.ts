import {
  formatDue,
  formatDuration,
  formatRelative,
  formatValue,
  isActiveAlarm,
  isOpenTicket,
  isOutsideBand,
  nextSlaDeadline,
  severityRank,
} from '../../dashboards/src/format';

const NOW_MS = Date.UTC(2026, 0, 15, 12, 0, 0);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [5 * MINUTE_MS + 59_000, '5m'],
    [3 * HOUR_MS + 20 * MINUTE_MS, '3h 20m'],
    [2 * HOUR_MS, '2h'],
    [2 * 24 * HOUR_MS + 4 * HOUR_MS + 30 * MINUTE_MS, '2d 4h'],
    [-5_000, '0s'],
  ])('%d ms reads "%s"', (durationMs, expected) => {
    expect(formatDuration(durationMs)).toBe(expected);
  });
});

describe('formatRelative', () => {
  it('says "never" for a device that never reported', () => {
    expect(formatRelative(null, NOW_MS)).toBe('never');
    expect(formatRelative(undefined, NOW_MS)).toBe('never');
  });

  it('says "just now" for the last few seconds and for small clock skew ahead', () => {
    expect(formatRelative(NOW_MS - 2_000, NOW_MS)).toBe('just now');
    expect(formatRelative(NOW_MS + 1_500, NOW_MS)).toBe('just now');
  });

  it('gives the age in the largest units', () => {
    expect(formatRelative(NOW_MS - 42_000, NOW_MS)).toBe('42s ago');
    expect(formatRelative(NOW_MS - 7 * MINUTE_MS, NOW_MS)).toBe('7m ago');
    expect(formatRelative(NOW_MS - (3 * HOUR_MS + 20 * MINUTE_MS), NOW_MS)).toBe('3h 20m ago');
  });
});

describe('formatDue (SLA clocks)', () => {
  it('counts down before the deadline', () => {
    expect(formatDue(NOW_MS + 3 * HOUR_MS + 20 * MINUTE_MS, NOW_MS)).toBe('due in 3h 20m');
    expect(formatDue(NOW_MS + 9 * MINUTE_MS + 30_000, NOW_MS)).toBe('due in 9m');
  });

  it('says overdue at and after the deadline', () => {
    expect(formatDue(NOW_MS, NOW_MS)).toBe('overdue by 0s');
    expect(formatDue(NOW_MS - 75 * MINUTE_MS, NOW_MS)).toBe('overdue by 1h 15m');
  });
});

describe('nextSlaDeadline', () => {
  const ticket = { respondBy: 1, onSiteBy: 2, resolveBy: 3 };

  it('follows the ticket through its SLA clocks', () => {
    expect(nextSlaDeadline({ ...ticket, status: 'new' })).toEqual({ label: 'respond', dueMs: 1 });
    expect(nextSlaDeadline({ ...ticket, status: 'dispatched' })).toEqual({ label: 'on site', dueMs: 2 });
    expect(nextSlaDeadline({ ...ticket, status: 'on_site' })).toEqual({ label: 'resolve', dueMs: 3 });
  });

  it('has no running clock once the ticket is resolved', () => {
    expect(nextSlaDeadline({ ...ticket, status: 'resolved' })).toBeNull();
    expect(nextSlaDeadline({ ...ticket, status: 'closed' })).toBeNull();
  });
});

describe('readings and states', () => {
  it('flags a reading outside either side of the normal band', () => {
    expect(isOutsideBand(8, { low: 0, high: 7 })).toBe(true);
    expect(isOutsideBand(-1, { low: 0, high: 7 })).toBe(true);
    expect(isOutsideBand(7, { low: 0, high: 7 })).toBe(false);
    expect(isOutsideBand(1000, {})).toBe(false);
    expect(isOutsideBand(1000, undefined)).toBe(false);
  });

  it('shows readings with sensible precision', () => {
    expect(formatValue(13.456)).toBe('13.5');
    expect(formatValue(3.1)).toBe('3.1');
    expect(formatValue(1234.6)).toBe('1235');
    expect(formatValue(4)).toBe('4');
    expect(formatValue(-18.25)).toBe('-18.3');
    expect(formatValue(-0.001)).toBe('0');
    expect(formatValue(Number.NaN)).toBe('–');
  });

  it('counts open tickets and active alarms', () => {
    expect(isOpenTicket('waiting_parts')).toBe(true);
    expect(isOpenTicket('verified')).toBe(false);
    expect(isActiveAlarm('acknowledged')).toBe(true);
    expect(isActiveAlarm('cleared')).toBe(false);
  });

  it('orders severities from critical to warning', () => {
    const sorted = ['warning', 'critical', 'minor', 'major'].sort(
      (a, b) => severityRank(a) - severityRank(b),
    );
    expect(sorted).toEqual(['critical', 'major', 'minor', 'warning']);
  });
});
