import {
  computeTimeTicks,
  computeValueScale,
  dropBefore,
  inferMaxGapMs,
  insertPoint,
  niceStep,
  scaleLinear,
  splitAtGaps,
  type ChartPoint,
} from '../../dashboards/src/chart-scale';

const series = (values: number[], startMs = 0, stepMs = 10_000): ChartPoint[] =>
  values.map((value, i) => ({ ts: startMs + i * stepMs, value }));

describe('niceStep', () => {
  it.each([
    [10, 5, 2],
    [1, 5, 0.2],
    [100, 4, 25],
    [7, 5, 2],
    [0.03, 3, 0.01],
  ])('span %d in about %d ticks steps by %d', (span, count, expected) => {
    expect(niceStep(span, count)).toBeCloseTo(expected, 10);
  });
});

describe('computeValueScale', () => {
  it('covers all points with nice bounds and ticks', () => {
    const scale = computeValueScale(series([3.2, 7.9, 5.5]));
    expect(scale.min).toBeLessThanOrEqual(3.2);
    expect(scale.max).toBeGreaterThanOrEqual(7.9);
    expect(scale.ticks[0]).toBe(scale.min);
    expect(scale.ticks.at(-1)).toBe(scale.max);
    expect(scale).toEqual({ min: 3, max: 8, ticks: [3, 4, 5, 6, 7, 8] });
  });

  it('stretches to show the normal band edges', () => {
    const scale = computeValueScale(series([2, 3]), { low: 0, high: 7 });
    expect(scale.min).toBeLessThanOrEqual(0);
    expect(scale.max).toBeGreaterThanOrEqual(7);
  });

  it('gives a flat line room above and below', () => {
    const scale = computeValueScale(series([5, 5, 5]));
    expect(scale.min).toBeLessThan(5);
    expect(scale.max).toBeGreaterThan(5);
  });

  it('has a default range with no points', () => {
    const scale = computeValueScale([]);
    expect(scale.max).toBeGreaterThan(scale.min);
  });

  it('keeps tick values free of float dust', () => {
    const scale = computeValueScale(series([0.1, 0.7]));
    for (const tick of scale.ticks) expect(String(tick).length).toBeLessThan(6);
  });

  it('handles negative values (freezer temperatures)', () => {
    const scale = computeValueScale(series([-19.5, -16.2]), { high: -14 });
    expect(scale.min).toBeLessThanOrEqual(-19.5);
    expect(scale.max).toBeGreaterThanOrEqual(-14);
  });
});

describe('computeTimeTicks', () => {
  it('puts ticks on round times inside the window', () => {
    const fromMs = Date.UTC(2026, 0, 1, 10, 3, 17);
    const toMs = fromMs + 15 * 60_000;
    const ticks = computeTimeTicks(fromMs, toMs, 6);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(6);
    for (const tick of ticks) {
      expect(tick).toBeGreaterThanOrEqual(fromMs);
      expect(tick).toBeLessThanOrEqual(toMs);
      expect(tick % 60_000).toBe(0);
    }
  });

  it('uses hour steps for a day', () => {
    const toMs = Date.UTC(2026, 0, 2, 0, 0, 0);
    const ticks = computeTimeTicks(toMs - 24 * 3_600_000, toMs, 6);
    expect(ticks[1] - ticks[0]).toBeGreaterThanOrEqual(3_600_000);
  });

  it('returns no ticks for an empty window', () => {
    expect(computeTimeTicks(5, 5)).toEqual([]);
  });
});

describe('splitAtGaps', () => {
  it('breaks the line where readings stop for longer than the gap', () => {
    const points = [...series([1, 2, 3], 0), ...series([4, 5], 200_000)];
    const segments = splitAtGaps(points, 30_000);
    expect(segments.map((s) => s.map((p) => p.value))).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('breaks at non-finite values', () => {
    const segments = splitAtGaps(series([1, Number.NaN, 3]), 60_000);
    expect(segments.map((s) => s.length)).toEqual([1, 1]);
  });

  it('keeps a regular series in one piece', () => {
    expect(splitAtGaps(series([1, 2, 3, 4]), 30_000)).toHaveLength(1);
  });
});

describe('inferMaxGapMs', () => {
  it('is a few median intervals, unaffected by one outage', () => {
    const points = [...series([1, 2, 3, 4, 5], 0, 10_000), ...series([6, 7, 8], 1_000_000, 10_000)];
    expect(inferMaxGapMs(points)).toBe(30_000);
  });

  it('never breaks a line of two points', () => {
    expect(inferMaxGapMs(series([1, 2]))).toBe(Infinity);
  });
});

describe('live point handling', () => {
  it('inserts in time order and replaces a duplicate timestamp', () => {
    const points = series([1, 2, 3]);
    insertPoint(points, { ts: 30_000, value: 4 });
    insertPoint(points, { ts: 5_000, value: 1.5 });
    insertPoint(points, { ts: 10_000, value: 2.5 });
    expect(points.map((p) => [p.ts, p.value])).toEqual([
      [0, 1],
      [5_000, 1.5],
      [10_000, 2.5],
      [20_000, 3],
      [30_000, 4],
    ]);
  });

  it('drops points that slid out of the window', () => {
    const points = series([1, 2, 3, 4]);
    expect(dropBefore(points, 15_000)).toBe(2);
    expect(points.map((p) => p.value)).toEqual([3, 4]);
  });

  it('maps values linearly and centres a degenerate domain', () => {
    expect(scaleLinear(5, 0, 10, 100, 0)).toBe(50);
    expect(scaleLinear(3, 3, 3, 0, 10)).toBe(5);
  });
});
