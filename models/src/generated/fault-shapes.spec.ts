import { FAULT_FAMILIES, generatedSetCsv, generateFaultSet, type GeneratedSet } from './fault-shapes';

const std = (v: Float64Array, from: number, to: number) => {
  let s = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    s += v[i];
    s2 += v[i] * v[i];
  }
  const n = to - from;
  return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
};
const mean = (v: Float64Array, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i];
  return s / (to - from);
};

describe('generated fault shapes', () => {
  it('is the same set for the same seed and another for another seed', () => {
    const a = generateFaultSet({ family: 'joint-shift', seed: 5, days: 3 });
    const b = generateFaultSet({ family: 'joint-shift', seed: 5, days: 3 });
    const c = generateFaultSet({ family: 'joint-shift', seed: 6, days: 3 });
    expect(Array.from(a.values[0].subarray(0, 50))).toEqual(Array.from(b.values[0].subarray(0, 50)));
    expect(a.episodes).toEqual(b.episodes);
    expect(Array.from(a.values[0].subarray(0, 50))).not.toEqual(Array.from(c.values[0].subarray(0, 50)));
  });

  it.each(FAULT_FAMILIES)(
    '%s: 4 to 8 correlated sensors, state labels on every fault row, healthy learning days',
    (family) => {
      const set = generateFaultSet({ family, seed: 21, days: 4 });
      expect(set.metrics.length).toBeGreaterThanOrEqual(4);
      expect(set.metrics.length).toBeLessThanOrEqual(8);
      expect(set.labels.subarray(0, set.healthyRows).every((l) => l === 0)).toBe(true);
      let labelled = 0;
      for (const e of set.episodes) {
        expect(e.end - e.start).toBeGreaterThanOrEqual(200);
        expect(set.labels.subarray(e.start, e.end).every((l) => l === 1)).toBe(true);
        expect(set.labels[e.start - 1]).toBe(0);
        expect(set.labels[e.end]).toBe(0);
        labelled += e.end - e.start;
      }
      expect(set.labels.reduce((a, l) => a + l, 0)).toBe(labelled);
      // The sensors share a load: the first two are correlated while healthy.
      expect(Math.abs(correlation(set, 0, 1))).toBeGreaterThan(0.2);
    },
  );

  it('draws each shape as named', () => {
    const level = generateFaultSet({ family: 'level-shift', seed: 3 });
    const e = level.episodes[0];
    const i = level.metrics.indexOf(e.sensors[0]);
    const sigma = std(level.values[i], 0, level.healthyRows);
    const before = mean(level.values[i], e.start - 200, e.start);
    expect(Math.abs(mean(level.values[i], e.start, e.end) - before)).toBeGreaterThan(1.5 * sigma);

    const joint = generateFaultSet({ family: 'joint-shift', seed: 3 });
    expect(joint.episodes[0].sensors.length).toBeGreaterThanOrEqual(3);

    const stuck = generateFaultSet({ family: 'stuck-sensor', seed: 3 });
    const s = stuck.episodes[0];
    const j = stuck.metrics.indexOf(s.sensors[0]);
    expect(std(stuck.values[j], s.start, s.end)).toBe(0);

    const noisy = generateFaultSet({ family: 'variance-change', seed: 3 });
    const n = noisy.episodes[0];
    const m = noisy.metrics.indexOf(n.sensors[0]);
    expect(std(noisy.values[m], n.start, n.end)).toBeGreaterThan(
      1.4 * std(noisy.values[m], 0, noisy.healthyRows),
    );
  });

  it('writes a CSV npm run detect reads: a timestamp column and one column per sensor', () => {
    const set = generateFaultSet({ family: 'drift', seed: 1, sensors: 2, days: 1, healthyDays: 0.5 });
    const lines = generatedSetCsv(set).trim().split('\n');
    expect(lines[0]).toBe(`timestamp,${set.metrics.join(',')}`);
    expect(lines).toHaveLength(set.timestamps.length + 1);
    expect(lines[1].split(',')).toHaveLength(3);
  });
});

function correlation(set: GeneratedSet, a: number, b: number): number {
  const n = set.healthyRows;
  const ma = mean(set.values[a], 0, n);
  const mb = mean(set.values[b], 0, n);
  let sab = 0;
  for (let r = 0; r < n; r++) sab += (set.values[a][r] - ma) * (set.values[b][r] - mb);
  return sab / n / (std(set.values[a], 0, n) * std(set.values[b], 0, n));
}
