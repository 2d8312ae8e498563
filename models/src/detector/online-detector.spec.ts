import { DetectorOutput, OnlineDetector } from './online-detector';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

/** Runs a univariate series (one reading per `stepMs`) and returns the outputs. */
function runSeries(values: number[], stepMs = 5 * MIN): DetectorOutput[] {
  const d = new OnlineDetector({ metrics: ['v'] });
  return values.map((v, i) => d.update(T0 + i * stepMs, { v }));
}

function detectionsIn(out: DetectorOutput[], from: number, to: number): number[] {
  const hits: number[] = [];
  for (let i = from; i < Math.min(to, out.length); i++) if (out[i].isAnomaly) hits.push(i);
  return hits;
}

function noise(n: number, seed: number, sd = 1, level = 10): number[] {
  const rand = rng(seed);
  return Array.from({ length: n }, () => level + sd * gaussian(rand));
}

describe('OnlineDetector', () => {
  it('flags a spike at once and scores within [0, 1]', () => {
    const v = noise(3000, 1);
    v[2500] += 15;
    const out = runSeries(v);
    expect(detectionsIn(out, 2500, 2503).length).toBeGreaterThan(0);
    expect(detectionsIn(out, 800, 2500).length).toBeLessThanOrEqual(3);
    for (const o of out) expect(o.score >= 0 && o.score <= 1).toBe(true);
  });

  it('flags a level shift soon after it happens', () => {
    const v = noise(3000, 2).map((x, i) => (i >= 2400 ? x + 8 : x));
    const out = runSeries(v);
    expect(detectionsIn(out, 2400, 2410).length).toBeGreaterThan(0);
  });

  it('flags a slow drift once it leaves the range seen so far', () => {
    const v = noise(3000, 3).map((x, i) => (i >= 2000 ? x + 0.03 * (i - 2000) : x));
    const out = runSeries(v);
    expect(detectionsIn(out, 2000, 2400).length).toBeGreaterThan(0);
    expect(detectionsIn(out, 800, 2000).length).toBeLessThanOrEqual(3);
  });

  it('stays quiet on a clean daily cycle with noise', () => {
    const rand = rng(4);
    const perDay = 288;
    const v = Array.from(
      { length: perDay * 14 },
      (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / perDay) + 1 * gaussian(rand),
    );
    const out = runSeries(v);
    expect(detectionsIn(out, perDay * 2, v.length).length).toBeLessThanOrEqual(4);
  });

  it('detects a broken relation between metrics that each stay in range, and names them', () => {
    const rand = rng(5);
    const d = new OnlineDetector({ metrics: ['x', 'y', 'a', 'b'] });
    const outs: DetectorOutput[] = [];
    for (let i = 0; i < 4000; i++) {
      const x = 0.5 + 0.4 * Math.sin((2 * Math.PI * i) / 500) + 0.01 * gaussian(rand);
      const y = i < 3250 ? 2 * x + 0.01 * gaussian(rand) : 2 * (1 - x) + 0.01 * gaussian(rand);
      outs.push(d.update(T0 + i * MIN, { x, y, a: 5 + gaussian(rand), b: 7 + gaussian(rand) }));
    }
    const hits = detectionsIn(outs, 3250, 3330);
    expect(hits.length).toBeGreaterThan(0);
    const top = outs[hits[0]].contributions.slice(0, 2).map((c) => c.metric);
    expect(top.sort()).toEqual(['x', 'y']);
    expect(detectionsIn(outs, 1000, 3250).length).toBeLessThanOrEqual(4);
  });

  it('copes with gaps, missing metrics and irregular sampling without firing', () => {
    const rand = rng(6);
    const d = new OnlineDetector();
    let t = T0;
    let fired = 0;
    for (let i = 0; i < 4000; i++) {
      t += (30 + 60 * rand()) * 1000;
      if (i % 700 === 0) t += 6 * 3_600_000;
      const values: Record<string, number | undefined> = {
        tempC: 20 + gaussian(rand),
        powerW: rand() < 0.1 ? undefined : 300 + 5 * gaussian(rand),
      };
      const o = d.update(t, values);
      expect(Number.isFinite(o.score)).toBe(true);
      if (i > 500 && o.isAnomaly) fired++;
    }
    expect(fired).toBeLessThanOrEqual(5);
    expect(d.metricNames).toEqual(['tempC', 'powerW']);
  });

  it('is deterministic and continues identically after toJSON/fromJSON', () => {
    const v = noise(2000, 7).map((x, i) => (i === 1500 ? x + 20 : x));
    const a = runSeries(v);
    const b = runSeries(v);
    expect(b).toEqual(a);

    const first = new OnlineDetector({ metrics: ['v', 'w'] });
    for (let i = 0; i < 1200; i++) first.update(T0 + i * MIN, { v: v[i], w: v[i] * 2 + (i % 7) });
    const saved = JSON.stringify(first.toJSON());
    const restored = OnlineDetector.fromJSON(JSON.parse(saved) as ReturnType<OnlineDetector['toJSON']>);
    for (let i = 1200; i < 2000; i++) {
      const r = { v: v[i], w: v[i] * 2 + (i % 7) };
      expect(restored.update(T0 + i * MIN, r)).toEqual(first.update(T0 + i * MIN, r));
    }
  });
});
