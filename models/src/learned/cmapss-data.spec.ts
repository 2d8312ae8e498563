import {
  cmapssFeatureCount,
  cmapssFeatureExtractor,
  lastWindow,
  slope,
  parseCmapssFile,
  parseCmapssRow,
  rulLabels,
  slidingWindows,
  smoothSeries,
} from './cmapss-data';

const row = (unit: number, cycle: number, s2 = 641.82) =>
  `${unit} ${cycle} -0.0007 -0.0004 100.0 518.67 ${s2} 1589.70 1400.60 14.62 21.61 554.36 2388.06 9046.19 1.30 47.47 521.66 2388.02 8138.62 8.4195 0.03 392 2388 100.00 39.06 23.4190  `;

describe('C-MAPSS parsing', () => {
  it('reads unit, cycle and named sensor columns from a row with trailing spaces', () => {
    const r = parseCmapssRow(row(3, 7));
    expect(r.unit).toBe(3);
    expect(r.cycle).toBe(7);
    expect(r.values.op_setting_3).toBe(100);
    expect(r.values.s1).toBe(518.67);
    expect(r.values.s21).toBe(23.419);
  });

  it('rejects rows with a missing column', () => {
    expect(() => parseCmapssRow('1 1 0 0 100')).toThrow(/26 numeric fields/);
  });

  it('groups rows per engine and rejects gaps in cycles', () => {
    const engines = parseCmapssFile([row(1, 1), row(1, 2), row(2, 1)].join('\n'));
    expect(engines.map((e) => [e.unit, e.rows.length])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(() => parseCmapssFile([row(1, 1), row(1, 3)].join('\n'))).toThrow(/out of order/);
  });
});

describe('RUL labels and windows', () => {
  const engine = parseCmapssFile(Array.from({ length: 200 }, (_, i) => row(1, i + 1)).join('\n'))[0];

  it('counts down to 0 at the failure cycle and caps early life', () => {
    const labels = rulLabels(engine, 125);
    expect(labels[0]).toBe(125);
    expect(labels[199 - 125]).toBe(125);
    expect(labels[199 - 124]).toBe(124);
    expect(labels[199]).toBe(0);
  });

  it('makes one window per end cycle labelled with its last cycle', () => {
    const series = Array.from({ length: 5 }, (_, i) => [i]);
    const { x, y } = slidingWindows(series, [4, 3, 2, 1, 0], 3);
    expect(x).toEqual([
      [[0], [1], [2]],
      [[1], [2], [3]],
      [[2], [3], [4]],
    ]);
    expect(y).toEqual([2, 1, 0]);
  });

  it('pads short test engines at the front with their first cycle', () => {
    expect(lastWindow([[5], [6]], 4)).toEqual([[5], [5], [5], [6]]);
    expect(lastWindow([[1], [2], [3], [4], [5]], 2)).toEqual([[4], [5]]);
  });

  it('smooths causally: a step reaches the output gradually and never leaks backwards', () => {
    const out = smoothSeries([[0], [0], [1], [1]], 0.5);
    expect(out.map((r) => r[0])).toEqual([0, 0, 0.5, 0.75]);
  });
});

describe('C-MAPSS history features', () => {
  const config = { meanCycles: [2], slopeCycles: [3], smoothingAlphas: [0.5], cycleScale: 100, maxCycle: 3 };
  // Two sensors: one rising by 1 per cycle, one constant.
  const series = [0, 1, 2, 3, 4].map((t) => [t, 5]);

  it('summarises each sensor from past cycles only, plus the capped, scaled age', () => {
    const features = cmapssFeatureExtractor(series, config);
    const v = features(3);
    expect(v).toHaveLength(cmapssFeatureCount(2, config));
    // sensor 0: mean of cycles 2..3, slope over 1..3 (x 3 cycles), smoothed value
    expect(v[0]).toBeCloseTo(2.5, 9);
    expect(v[1]).toBeCloseTo(3, 9);
    expect(v[2]).toBeCloseTo(smoothSeries(series, 0.5)[3][0], 9);
    expect(v.slice(3, 6)).toEqual([5, 0, 5]);
    expect(v[6]).toBeCloseTo(3 / 100, 9);
    expect(features(4)[6]).toBeCloseTo(3 / 100, 9);
    // Same prefix, different future: identical features (causal).
    const other = cmapssFeatureExtractor([...series.slice(0, 4), [100, 100]], config);
    expect(other(3)).toEqual(v);
  });

  it('uses the available history when it is shorter than a span', () => {
    const v = cmapssFeatureExtractor(series, config)(0);
    expect(v.slice(0, 2)).toEqual([0, 0]);
    expect(slope([1, 3])).toBe(2);
    expect(() => cmapssFeatureExtractor(series, config)(5)).toThrow('out of range');
  });
});
