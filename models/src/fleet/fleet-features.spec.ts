import {
  featureCount,
  fitMetricStats,
  PER_METRIC_FEATURES,
  type Reading,
  windowMatrix,
  writeNormalisedWindow,
  writeWindowFeatures,
} from './fleet-features';

const at = (feature: (typeof PER_METRIC_FEATURES)[number]) => PER_METRIC_FEATURES.indexOf(feature);

describe('window features', () => {
  const stats = { metrics: ['tempC', 'currentA'], mean: [10, 2], std: [2, 1] };
  const size = 5;
  // tempC ramps 10, 12, … 18 (z 0 … 4); currentA steady at 2 then one spike of 6.
  const window: Reading[] = Array.from({ length: size }, (_, t) => ({
    tsMs: t * 600_000,
    metrics: { tempC: 10 + 2 * t, currentA: t === 2 ? 6 : 2 },
  }));

  it('computes mean, spread, trend, last, extremes and time outside the normal band per metric', () => {
    const matrix = windowMatrix(window, stats, size);
    const out = new Float32Array(featureCount(2));
    writeWindowFeatures(matrix, 0, size, stats, [{ high: 15 }, {}], out, 0);
    expect(out[at('mean')]).toBeCloseTo(2);
    expect(out[at('std')]).toBeCloseTo(Math.sqrt(2));
    // A straight ramp: the trend over the window is the full rise, 4 z units.
    expect(out[at('slope')]).toBeCloseTo(4);
    expect(out[at('last')]).toBeCloseTo(4);
    expect(out[at('min')]).toBeCloseTo(0);
    expect(out[at('max')]).toBeCloseTo(4);
    // 16 and 18 are above the normal high of 15.
    expect(out[at('outsideNormal')]).toBeCloseTo(2 / 5);
    const current = PER_METRIC_FEATURES.length;
    expect(out[current + at('max')]).toBeCloseTo(4);
    expect(out[current + at('slope')]).toBeCloseTo(0);
    expect(out[current + at('outsideNormal')]).toBe(0);
  });

  it('uses the last `size` readings and carries a missing metric forward', () => {
    const longer: Reading[] = [
      { tsMs: 0, metrics: { tempC: 99, currentA: 9 } },
      { tsMs: 1, metrics: { tempC: 11, currentA: 3 } },
      { tsMs: 2, metrics: { currentA: 4 } },
      { tsMs: 3, metrics: { tempC: Number.NaN, currentA: 5 } },
    ];
    expect([...windowMatrix(longer, stats, 3)]).toEqual([11, 3, 11, 4, 11, 5]);
    // With no earlier value the healthy mean stands in.
    expect([...windowMatrix([{ tsMs: 0, metrics: { currentA: 1 } }], stats, 1)]).toEqual([10, 1]);
  });

  it('z-scores the raw window and clips outliers', () => {
    const out = new Float32Array(4);
    writeNormalisedWindow(Float32Array.from([12, 2, 1000, 1]), 0, 2, stats, out, 0);
    expect([...out]).toEqual([1, 0, 8, -1]);
  });

  it('fits per-metric statistics with a usable spread for constant metrics', () => {
    const s = fitMetricStats(['a', 'b'], [1, 5, 3, 5, 5, 5]);
    expect(s.mean).toEqual([3, 5]);
    expect(s.std[0]).toBeCloseTo(2);
    expect(s.std[1]).toBeGreaterThan(0);
  });
});
