import { assignWaves, binomialUpperTail, compareRates, judgeWave, waveEnds } from './campaign-rules';

const THRESHOLDS = { errorRateRatio: 2, anomalyRateRatio: 2, failedInstallRate: 0.2 };
const quiet = { devices: 0, events: 0, hours: 0 };

describe('wave assignment', () => {
  const ids = Array.from({ length: 200 }, (_, i) => `dev-${i}`);

  it('cuts the shuffled devices at the cumulative fractions, each device once', () => {
    const assigned = assignWaves(ids, [0.01, 0.1, 0.5, 1], 'fwc-1');
    const sizes = [0, 1, 2, 3].map((w) => assigned.filter((a) => a.wave === w).length);
    expect(sizes).toEqual([2, 18, 80, 100]);
    expect(new Set(assigned.map((a) => a.deviceId)).size).toBe(200);
  });

  it('is the same for the same campaign whatever the order given, and differs between campaigns', () => {
    const first = (campaignId: string, order: string[]) =>
      assignWaves(order, [0.01, 0.1, 0.5, 1], campaignId)
        .filter((a) => a.wave === 0)
        .map((a) => a.deviceId);
    expect(first('fwc-1', [...ids].reverse())).toEqual(first('fwc-1', ids));
    expect(first('fwc-2', ids)).not.toEqual(first('fwc-1', ids));
  });

  it('puts at least one device in the first wave and every device in the last', () => {
    expect(waveEnds(3, [0.01, 0.1, 0.5, 1])).toEqual([1, 1, 2, 3]);
    expect(waveEnds(30, [0.1, 1])).toEqual([3, 30]);
    expect(waveEnds(0, [0.5, 1])).toEqual([0, 0]);
  });
});

describe('halt statistics', () => {
  it('computes the binomial upper tail', () => {
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 10);
    expect(binomialUpperTail(1, 1, 0.25)).toBeCloseTo(0.25, 10);
    // thousands of events neither underflow nor overflow
    expect(binomialUpperTail(3_000, 5_000, 0.5)).toBeLessThan(1e-40);
  });

  it('does not halt on one error when the control group saw none', () => {
    const comparison = compareRates(
      { devices: 2, events: 1, hours: 2 },
      { devices: 1_000, events: 0, hours: 1_000 },
      2,
    );
    expect(comparison.worse).toBe(false);
  });

  it('halts when the updated devices raise errors many times as often as the control group', () => {
    const comparison = compareRates(
      { devices: 2, events: 30, hours: 2 },
      { devices: 98, events: 10, hours: 98 },
      2,
    );
    expect(comparison.worse).toBe(true);
    expect(comparison.pValue).toBeLessThan(0.01);
    expect(comparison.ratio).toBeGreaterThan(100);
  });

  it('passes when both groups raise errors at the same rate', () => {
    const comparison = compareRates(
      { devices: 10, events: 12, hours: 10 },
      { devices: 90, events: 100, hours: 90 },
      2,
    );
    expect(comparison.worse).toBe(false);
  });

  it('halts on failed installs above the threshold, before looking at rates', () => {
    const halt = judgeWave(
      {
        attempted: 5,
        failed: 2,
        errors: { updated: quiet, control: quiet },
        anomalies: { updated: quiet, control: quiet },
      },
      THRESHOLDS,
      0,
      1_000,
    );
    expect(halt).toMatchObject({ signal: 'failed_installs', ratio: 0.4, threshold: 0.2, wave: 0, at: 1_000 });
    const fine = judgeWave(
      {
        attempted: 5,
        failed: 1,
        errors: { updated: quiet, control: quiet },
        anomalies: { updated: quiet, control: quiet },
      },
      THRESHOLDS,
      0,
      1_000,
    );
    expect(fine).toBeUndefined();
  });

  it('names the anomaly rate when anomalies, not errors, worsened', () => {
    const halt = judgeWave(
      {
        attempted: 10,
        failed: 0,
        errors: {
          updated: { devices: 10, events: 1, hours: 10 },
          control: { devices: 90, events: 9, hours: 90 },
        },
        anomalies: {
          updated: { devices: 10, events: 8, hours: 10 },
          control: { devices: 90, events: 1, hours: 90 },
        },
      },
      THRESHOLDS,
      1,
      5,
    );
    expect(halt?.signal).toBe('anomaly_rate');
    expect(halt?.updated).toEqual({ devices: 10, events: 8, hours: 10, rate: 0.8 });
  });
});
