import fs from 'node:fs';
import path from 'node:path';
import { gaussian, mulberry32 } from '../../../contracts/src/seeded-random';
import { DetectorOutput, OnlineDetector, type PackedOnlineDetectorState } from './online-detector';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;

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
  const rand = mulberry32(seed);
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
    const rand = mulberry32(4);
    const perDay = 288;
    const v = Array.from(
      { length: perDay * 14 },
      (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / perDay) + 1 * gaussian(rand),
    );
    const out = runSeries(v);
    expect(detectionsIn(out, perDay * 2, v.length).length).toBeLessThanOrEqual(4);
  });

  it('detects a broken relation between metrics that each stay in range, and names them', () => {
    const rand = mulberry32(5);
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
    const rand = mulberry32(6);
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

  describe('weekly cycle', () => {
    const STEP = 10 * MIN;
    const PER_DAY = 144;
    type Fault = 'standby' | 'longHeat';

    /**
     * A washer used at weekends only, one reading per 10 min over 5 weeks (T0 is a Monday): a hot
     * wash every Saturday and Sunday at 09:00 (30 min heating at 2 kW, then 1 h at 0.4 kW),
     * standby 0.1 kW the rest of the week. Faults in week 5: `standby` draws 0.3 kW from
     * Thursday 14:00 on; `longHeat` heats for 2 h on Saturday (a thermostat that does not cut).
     */
    function weekendWasher(seed: number, fault?: Fault): number[] {
      const rand = mulberry32(seed);
      const out: number[] = [];
      for (let i = 0; i < PER_DAY * 35; i++) {
        const day = Math.floor(i / PER_DAY);
        const hour = (i % PER_DAY) / 6;
        let v = 0.1 + 0.02 * gaussian(rand);
        if (fault === 'standby' && day === 31 && hour >= 14) v += 0.2;
        const heatEnd = fault === 'longHeat' && day === 33 ? 11 : 9.5;
        if (day % 7 >= 5 && hour >= 9 && hour < heatEnd + 1) {
          v = (hour < heatEnd ? 2 : 0.4) + 0.05 * gaussian(rand);
        }
        out.push(v);
      }
      return out;
    }

    function detectionsOnDays(out: DetectorOutput[], days: number[]): number {
      return days.reduce((n, day) => n + detectionsIn(out, day * PER_DAY, (day + 1) * PER_DAY).length, 0);
    }

    const weekdaysAfterWeek1 = Array.from({ length: 35 }, (_, d) => d).filter((d) => d >= 7 && d % 7 < 5);

    it('learns a weekend routine: news on the first weekend, not on weekends 4 and 5', () => {
      // Without the weekly profile every weekend's wash was news to the forecaster and the daily
      // profile (a detection on each of weekends 2-5, whatever the seed).
      for (const seed of [1, 2, 3]) {
        const out = runSeries(weekendWasher(seed), STEP);
        expect(detectionsOnDays(out, [5, 6])).toBeGreaterThan(0);
        expect(detectionsOnDays(out, [26, 27, 33, 34])).toBe(0);
        expect(detectionsOnDays(out, weekdaysAfterWeek1)).toBe(0);
      }
    });

    it('still flags a fault in week 5: standby draw that rises, a weekend wash that heats too long', () => {
      for (const seed of [1, 2, 3]) {
        const standby = runSeries(weekendWasher(seed, 'standby'), STEP);
        const first = detectionsIn(standby, 31 * PER_DAY + 14 * 6, 32 * PER_DAY)[0];
        expect(first).toBeLessThan(31 * PER_DAY + 16 * 6); // within 2 h
        expect(standby[first].contributions[0].expected).toBeLessThan(0.2);

        const longHeat = runSeries(weekendWasher(seed, 'longHeat'), STEP);
        expect(detectionsIn(longHeat, 33 * PER_DAY + 9.5 * 6, 33 * PER_DAY + 12 * 6).length).toBeGreaterThan(
          0,
        );
        expect(detectionsOnDays(longHeat, [26, 27, 34])).toBe(0);
      }
    });

    it('continues identically after toJSON/fromJSON in the middle of a weekly-bucket visit', () => {
      const v = weekendWasher(4);
      const first = new OnlineDetector({ metrics: ['v'] });
      const cut = 26 * PER_DAY + 9 * 6 + 2; // week 4, Saturday 09:20: weekly profile in use, hour half visited
      for (let i = 0; i < cut; i++) first.update(T0 + i * STEP, { v: v[i] });
      const saved = JSON.stringify(first.toJSON());
      const restored = OnlineDetector.fromJSON(JSON.parse(saved) as ReturnType<OnlineDetector['toJSON']>);
      for (let i = cut; i < v.length; i++) {
        expect(restored.update(T0 + i * STEP, { v: v[i] })).toEqual(first.update(T0 + i * STEP, { v: v[i] }));
      }
    });

    it('loads state saved before the weekly profile (version 1), whose weekly profile starts empty', () => {
      type State = Parameters<typeof OnlineDetector.fromJSON>[0];
      const v = weekendWasher(5);
      const d = new OnlineDetector({ metrics: ['v'] });
      for (let i = 0; i < 3 * PER_DAY; i++) d.update(T0 + i * STEP, { v: v[i] });
      const state = JSON.parse(JSON.stringify(d.toJSON())) as Record<string, unknown> & {
        models: Record<string, unknown>[];
      };
      state.version = 1;
      const weekly = [
        'weekMean',
        'weekDev',
        'weekWeeks',
        'visitBucket',
        'visitTsMs',
        'visitReadings',
        'visitSum',
        'visitAbs',
      ];
      for (const m of state.models) for (const key of weekly) delete m[key];
      const restored = OnlineDetector.fromJSON(state as unknown as State);
      for (let i = 3 * PER_DAY; i < 4 * PER_DAY; i++) {
        expect(Number.isFinite(restored.update(T0 + i * STEP, { v: v[i] }).score)).toBe(true);
      }
      const again = restored.toJSON();
      expect(again.version).toBe(2);
      expect(again.models[0].weekWeeks.some((w) => w > 0)).toBe(true);
      expect(() => OnlineDetector.fromJSON({ ...again, version: 6 } as unknown as State)).toThrow(/version/);
    });
  });

  it('keeps counting visits past a byte: a count stops at 255, it never wraps round', () => {
    // 300 days of one reading per 15-minute bucket: every daily bucket is visited 300 times, and
    // every weekly one about 43 times.
    const d = new OnlineDetector({ metrics: ['v'] });
    const rand = mulberry32(3);
    const day = 96;
    for (let i = 0; i < 300 * day; i++)
      d.update(T0 + i * 15 * MIN, { v: 10 + Math.sin((2 * Math.PI * i) / day) + rand() });
    const [model] = d.toJSON().models;
    expect(Math.min(...model.dayVisits)).toBe(255);
    expect(Math.max(...model.weekWeeks)).toBeGreaterThanOrEqual(42);
    // and a spike after all that is still news
    const spike = d.update(T0 + 300 * day * 15 * MIN, { v: 40 });
    expect(spike.isAnomaly).toBe(true);
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

  /**
   * States packed by earlier builds, with what those builds answered for the readings after:
   * version 3 (two-byte counts; 300 readings of a washer) and version 4 (profiles and rings as
   * floats and doubles; three weeks of a washer's readings every 15 minutes, then a day with a
   * vibration spike). Taken up as halves, a detector decides as the build that saved it did, and
   * its scores and expectations differ by no more than the halves' precision carries through.
   */
  it.each([3, 4])(
    'takes up a packed state an earlier build saved (version %i), and answers as that build did',
    (version) => {
      const fixture = JSON.parse(
        fs.readFileSync(path.join(__dirname, `packed-state-v${version}.fixture.json`), 'utf8'),
      ) as {
        state: PackedOnlineDetectorState;
        next: Array<{ tsMs: number; metrics: Record<string, number>; output: DetectorOutput }>;
      };
      expect(fixture.state.version).toBe(version);
      const detector = OnlineDetector.fromJSON(fixture.state);
      const again = OnlineDetector.fromJSON(
        JSON.parse(JSON.stringify(detector.toPackedJSON())) as PackedOnlineDetectorState,
      );
      // Saved again, it is version 5, and what it saved is what it holds.
      expect(again.toPackedJSON().version).toBe(5);
      expect(again.toJSON()).toEqual(detector.toJSON());
      let worstScore = 0;
      let worstExpected = 0;
      for (const { tsMs, metrics, output } of fixture.next) {
        const got = detector.update(tsMs, metrics);
        expect(again.update(tsMs, metrics)).toEqual(got);
        expect(got.isAnomaly).toBe(output.isAnomaly);
        worstScore = Math.max(worstScore, Math.abs(got.score - output.score));
        const want = new Map(output.contributions.map((c) => [c.metric, c]));
        for (const c of got.contributions) {
          const w = want.get(c.metric);
          expect(w).toBeDefined();
          if (c.expected !== undefined && w?.expected !== undefined)
            worstExpected = Math.max(
              worstExpected,
              Math.abs(c.expected - w.expected) / Math.max(1, Math.abs(w.expected)),
            );
        }
      }
      expect(worstScore).toBeLessThan(2e-3);
      expect(worstExpected).toBeLessThan(1e-3);
    },
  );

  it.each([
    ['a sensor’s power-on value', 65_535],
    ['a zero, before the supply was up', 0],
  ])('keeps its profiles fine around where a metric sits, whatever its first reading (%s)', (_, first) => {
    // A supply at 230 V with 0.05 V of noise and a daily swing of 0.2 V, every 15 minutes for
    // five days; one of two detectors first reads something else.
    const day = 96;
    const volts = (i: number, rand: () => number) =>
      230 + 0.2 * Math.sin((2 * Math.PI * i) / day) + 0.05 * gaussian(rand);
    const clean = new OnlineDetector({ metrics: ['v'] });
    const other = new OnlineDetector({ metrics: ['v'] });
    other.update(T0 - 15 * MIN, { v: first });
    const a = mulberry32(5);
    const b = mulberry32(5);
    for (let i = 0; i < 5 * day; i++) {
      const x = volts(i, a);
      expect(volts(i, b)).toBe(x);
      const c = clean.update(T0 + i * 15 * MIN, { v: x });
      const o = other.update(T0 + i * 15 * MIN, { v: x });
      if (i >= 4 * day) {
        // the fifth day's expectation follows the swing (to within what four days of noise
        // allow), and the first reading moved it by less than half the noise outside the
        // quarter hour it was read in (which averages it in, as it always has): without the
        // reference rules, 0 as a first reading leaves 0.1 V steps
        const truth = 230 + 0.2 * Math.sin((2 * Math.PI * i) / day);
        const expected = c.contributions[0].expected!;
        expect(Math.abs(expected - truth)).toBeLessThan(0.1);
        if (i % day !== day - 1) expect(Math.abs(o.contributions[0].expected! - expected)).toBeLessThan(0.02);
      }
    }
  });

  it('keeps each metric to itself when the metrics of a device share one buffer', () => {
    // A device's first reading brings all its metrics, whose models then live in one buffer; each
    // learns exactly what a detector of that metric alone learns, saved and restored too.
    const names = ['powerW', 'motorCurrentA', 'drumVibrationMmS', 'waterTempC'];
    const rand = mulberry32(9);
    const rows = Array.from({ length: 3000 }, (_, i) =>
      Object.fromEntries(names.map((n, k) => [n, (k + 1) * 10 + Math.sin(i / 40 + k) + rand()])),
    );
    const together = new OnlineDetector();
    const alone = names.map(() => new OnlineDetector());
    rows.forEach((row, i) => {
      together.update(T0 + i * 5 * MIN, row);
      names.forEach((n, k) => alone[k].update(T0 + i * 5 * MIN, { [n]: row[n] }));
    });
    const restored = OnlineDetector.fromJSON(
      JSON.parse(JSON.stringify(together.toPackedJSON())) as PackedOnlineDetectorState,
    );
    for (const d of [together, restored]) {
      const models = d.toJSON().models;
      names.forEach((_, k) => expect(models[k]).toEqual(alone[k].toJSON().models[0]));
    }
  });

  it('continues identically from its packed state, which is smaller', () => {
    const v = noise(2000, 11).map((x, i) => (i === 1700 ? x + 25 : x));
    const first = new OnlineDetector({ metrics: ['v', 'w'] });
    for (let i = 0; i < 1200; i++) first.update(T0 + i * MIN, { v: v[i], w: v[i] * 3 - (i % 5) });
    const packed = JSON.stringify(first.toPackedJSON());
    expect(packed.length).toBeLessThan(JSON.stringify(first.toJSON()).length);
    const restored = OnlineDetector.fromJSON(
      JSON.parse(packed) as ReturnType<OnlineDetector['toPackedJSON']>,
    );
    expect(restored.toJSON()).toEqual(first.toJSON());
    for (let i = 1200; i < 2000; i++) {
      const r = { v: v[i], w: v[i] * 3 - (i % 5) };
      expect(restored.update(T0 + i * MIN, r)).toEqual(first.update(T0 + i * MIN, r));
    }
    // a state packed with another configuration is refused, not misread
    const state = JSON.parse(packed) as ReturnType<OnlineDetector['toPackedJSON']>;
    state.models[0].buffer = state.models[0].buffer.slice(0, 40);
    expect(() => OnlineDetector.fromJSON(state)).toThrow(/bytes/);
  });
});
