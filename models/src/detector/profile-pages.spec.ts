import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { gaussian, mulberry32 } from '../../../contracts/src/seeded-random';
import { DETECTOR_CONFIG } from './detector-config';
import { DetectorPool } from './detector-pool';
import { MetricModel } from './metric-model';
import { OnlineDetector, type PackedOnlineDetectorState } from './online-detector';
import { ProfilePages } from './profile-pages';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;
const BUCKETS = DETECTOR_CONFIG.dayBuckets + DETECTOR_CONFIG.weekBuckets;

let dir: string;
let pages: ProfilePages;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'profile-pages-'));
  pages = new ProfilePages(dir, BUCKETS);
});

afterEach(() => {
  pages.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A device's readings: a daily and weekly routine, noise, gaps, a fault, over `days` days. */
function readings(seed: number, days: number, stepMin: number) {
  const rand = mulberry32(seed);
  const out: Array<{ tsMs: number; values: Record<string, number> }> = [];
  let tsMs = T0;
  const end = T0 + days * 1440 * MIN;
  while (tsMs < end) {
    const hour = new Date(tsMs).getUTCHours();
    const weekend = new Date(tsMs).getUTCDay() % 6 === 0;
    const busy = (weekend ? hour >= 9 && hour < 11 : hour >= 19 && hour < 20) ? 1 : 0;
    const fault = tsMs > end - 1440 * MIN && rand() < 0.01 ? 30 : 0;
    out.push({
      tsMs,
      values: {
        powerW: 3 + busy * 1800 + 2 * gaussian(rand) + fault * 40,
        waterTempC: 18 + busy * 22 + 0.3 * gaussian(rand),
        supplyV: 230 + 0.1 * Math.sin((2 * Math.PI * tsMs) / (1440 * MIN)) + 0.05 * gaussian(rand),
      },
    });
    // now and then a gap of a few hours
    tsMs += rand() < 0.002 ? 6 * 60 * MIN : stepMin * MIN;
  }
  return out;
}

describe('ProfilePages', () => {
  it('hands out a zeroed slot per model and hands a released one out again, zeroed', () => {
    const a = pages.allocate();
    const b = pages.allocate();
    expect(a).not.toBe(b);
    pages.write(a, 7, 0x3c00, 0x1234, 9);
    expect([...pages.read(a, 7)]).toEqual([0x00, 0x3c, 0x34, 0x12, 9]);
    expect(pages.inUse).toBe(2);
    pages.release(a);
    expect(pages.inUse).toBe(1);
    expect(pages.allocate()).toBe(a);
    expect([...pages.read(a, 7)]).toEqual([0, 0, 0, 0, 0]);
    expect(pages.fileBytes).toBe(2 * BUCKETS * ProfilePages.RECORD_BYTES);
  });

  it('leaves nothing in its directory: its file is gone from it once opened', () => {
    pages.allocate();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('a detector with its profiles paged', () => {
  it('keeps a metric in a third of the memory', () => {
    expect(MetricModel.bytes(DETECTOR_CONFIG, true)).toBeLessThan(MetricModel.bytes(DETECTOR_CONFIG) / 2.5);
  });

  it('scores every reading as one in memory does, and saves the same state, through weeks, gaps and restores', () => {
    const rows = readings(3, 23, 10);
    const inMemory = new OnlineDetector();
    let paged = new OnlineDetector({ pages });
    rows.forEach(({ tsMs, values }, i) => {
      expect(paged.update(tsMs, values)).toEqual(inMemory.update(tsMs, values));
      if (i % 997 === 500) {
        // what it saves is what the other holds, and taken up again (paged) it goes on the same
        const saved = JSON.parse(JSON.stringify(paged.toPackedJSON())) as PackedOnlineDetectorState;
        expect(saved).toEqual(inMemory.toPackedJSON());
        expect(paged.toJSON()).toEqual(inMemory.toJSON());
        paged.release();
        paged = OnlineDetector.fromJSON(saved, { pages });
      }
    });
    // three metrics, one slot each: a released detector's slots were taken again by its successor
    expect(pages.inUse).toBe(3);
    expect(pages.fileBytes).toBe(3 * BUCKETS * ProfilePages.RECORD_BYTES);
  });

  it('takes up a state saved in memory, and an in-memory detector takes up its state', () => {
    const rows = readings(4, 10, 15);
    const half = rows.length >> 1;
    const a = new OnlineDetector();
    for (const { tsMs, values } of rows.slice(0, half)) a.update(tsMs, values);
    const paged = OnlineDetector.fromJSON(a.toPackedJSON(), { pages });
    const fromJson = OnlineDetector.fromJSON(a.toJSON(), { pages });
    const back = OnlineDetector.fromJSON(paged.toPackedJSON());
    for (const { tsMs, values } of rows.slice(half)) {
      const want = a.update(tsMs, values);
      expect(paged.update(tsMs, values)).toEqual(want);
      expect(fromJson.update(tsMs, values)).toEqual(want);
      expect(back.update(tsMs, values)).toEqual(want);
    }
  });

  it('agrees with one in memory on any readings (fast-check)', () => {
    const reading = fc.record({
      stepMin: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 60, max: 3 * 1440 })),
      v: fc.oneof(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 65_535 }),
        fc.double({ min: 9, max: 11, noNaN: true }),
      ),
      w: fc.option(fc.double({ min: -50, max: 50, noNaN: true }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 400 }), (rows) => {
        const inMemory = new OnlineDetector();
        const paged = new OnlineDetector({ pages });
        let tsMs = T0;
        for (const { stepMin, v, w } of rows) {
          tsMs += stepMin * MIN;
          const values = w === undefined ? { v } : { v, w };
          expect(paged.update(tsMs, values)).toEqual(inMemory.update(tsMs, values));
        }
        expect(paged.toPackedJSON()).toEqual(inMemory.toPackedJSON());
        paged.release();
      }),
      { numRuns: 150 },
    );
    expect(pages.inUse).toBe(0);
  });

  it('frees a device’s pages when the pool drops its detector, so the file stops growing', () => {
    const pool = new DetectorPool({ maxDevices: 10, pages });
    for (let device = 0; device < 50; device++) {
      for (let i = 0; i < 5; i++) pool.update(`d${device}`, T0 + i * MIN, { a: i, b: 2 * i });
    }
    expect(pool.size).toBe(10);
    expect(pages.inUse).toBe(20);
    // 11 devices' slots at most were ever taken: one device more than the pool holds
    expect(pages.fileBytes).toBeLessThanOrEqual(22 * BUCKETS * ProfilePages.RECORD_BYTES);
    pool.restore('d49', OnlineDetector.fromJSON(pool.get('d49').toPackedJSON(), { pages }));
    expect(pages.inUse).toBe(20);
    pool.delete('d49');
    expect(pages.inUse).toBe(18);
  });
});
