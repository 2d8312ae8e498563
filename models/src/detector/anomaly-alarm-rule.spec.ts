import { ANOMALY_CLEAR_AFTER_MS, AnomalyAlarmRule } from './anomaly-alarm-rule';
import type { DetectorOutput } from './online-detector';

const T0 = Date.UTC(2026, 0, 5);

function output(overrides: Partial<DetectorOutput> = {}): DetectorOutput {
  return { score: 0.1, isAnomaly: false, threshold: 0.5, contributions: [], ...overrides };
}

const strong = output({ score: 0.95, isAnomaly: true });

describe('AnomalyAlarmRule', () => {
  it('raises on a strong detection and resolves after two quiet hours', () => {
    const rule = new AnomalyAlarmRule();
    expect(rule.observe('a', T0, strong, {})).toBe('raise');
    expect(rule.observe('a', T0 + ANOMALY_CLEAR_AFTER_MS - 1, output(), {})).toBe('none');
    expect(rule.observe('a', T0 + ANOMALY_CLEAR_AFTER_MS, output(), {})).toBe('resolve');
    expect(rule.observe('a', T0 + 2 * ANOMALY_CLEAR_AFTER_MS, output(), {})).toBe('none');
  });

  it('beyond maxDevices forgets the device seen longest ago, so a busy device still clears its warning', () => {
    const rule = new AnomalyAlarmRule({ maxDevices: 2 });
    expect(rule.observe('busy', T0, strong, {})).toBe('raise');
    expect(rule.observe('quiet', T0, strong, {})).toBe('raise');
    expect(rule.observe('busy', T0 + 60_000, output(), {})).toBe('none');
    expect(rule.observe('new', T0 + 60_000, strong, {})).toBe('raise');

    const later = T0 + ANOMALY_CLEAR_AFTER_MS;
    expect(rule.observe('busy', later, output(), {})).toBe('resolve');
    expect(rule.observe('quiet', later, output(), {})).toBe('none');
  });
});
