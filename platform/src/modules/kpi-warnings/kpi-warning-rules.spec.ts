import { effectiveTarget, isBreached, lineForPeriod, quadrant, targetRange } from './kpi-warning-rules';

const row = (orgId: string, target: number | null, warning: number | null) => ({
  orgId,
  kpi: 'satisfaction_rate',
  target,
  warning,
  updatedAt: 1,
  updatedBy: 'u',
});

describe('KPI warning rules', () => {
  it('breaches on the wrong side of the line only, never without data', () => {
    expect(isBreached(0.85, 0.9, 'higher_is_better')).toBe(true);
    expect(isBreached(0.9, 0.9, 'higher_is_better')).toBe(false);
    expect(isBreached(0.04, 0.03, 'lower_is_better')).toBe(true);
    expect(isBreached(0.02, 0.03, 'lower_is_better')).toBe(false);
    expect(isBreached(null, 0.9, 'higher_is_better')).toBe(false);
    expect(isBreached(0.1, null, 'higher_is_better')).toBe(false);
  });

  it('takes each value from the organisation, else headquarters, else the default', () => {
    const defaults = { target: 0.9, warning: 0.9 };
    expect(effectiveTarget('satisfaction_rate', defaults, undefined, undefined)).toMatchObject({
      target: 0.9,
      targetSource: 'default',
      warning: 0.9,
      warningSource: 'default',
    });
    expect(
      effectiveTarget('satisfaction_rate', defaults, row('hq', 0.95, null), row('region-east', null, 0.8)),
    ).toMatchObject({ target: 0.95, targetSource: 'hq', warning: 0.8, warningSource: 'org' });
    expect(
      effectiveTarget('satisfaction_rate', { target: null, warning: null }, undefined, undefined),
    ).toMatchObject({ target: null, targetSource: null, warning: null, warningSource: null });
  });

  it('bounds rates to 0-1 and scores to 0-5', () => {
    expect(targetRange('ratio')).toEqual({ min: 0, max: 1 });
    expect(targetRange('score')).toEqual({ min: 0, max: 5 });
    expect(targetRange('count').min).toBe(0);
  });

  it('scales a per-month line to the period', () => {
    expect(lineForPeriod(400, true, 30.44 * 86_400_000)).toBe(400);
    expect(lineForPeriod(400, true, 15.22 * 86_400_000)).toBe(200);
    expect(lineForPeriod(0.9, false, 15 * 86_400_000)).toBe(0.9);
  });

  it('puts high-impact cheap actions first', () => {
    expect(quadrant(5, 1)).toBe('quick_win');
    expect(quadrant(4, 4)).toBe('major_project');
    expect(quadrant(1, 1)).toBe('fill_in');
    expect(quadrant(2, 5)).toBe('thankless');
  });
});
