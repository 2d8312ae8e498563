import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import fc from 'fast-check';
import { gaussian, mulberry32 } from '../../../contracts/src/seeded-random';
import { AnomalyAlarmRule, type AnomalyAlarmAction, type AnomalyRuleEntry } from './anomaly-alarm-rule';
import { DETECTOR_CONFIG } from './detector-config';
import { DetectorPool } from './detector-pool';
import { OnlineDetector } from './online-detector';
import { ParkedDetectors } from './parked-detectors';
import { ProfilePages } from './profile-pages';
import { REGIME_CONFIG } from './regime-model';

const T0 = Date.UTC(2026, 0, 5);
const MIN = 60_000;
const BUCKETS = DETECTOR_CONFIG.dayBuckets + DETECTOR_CONFIG.weekBuckets;
const QUIET_MS = 5_000;

let dir: string;
let pages: ProfilePages;
let parked: ParkedDetectors;
/** The parking clock: a device is quiet QUIET_MS after its last reading by it. */
let clockMs: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parked-detectors-'));
  pages = new ProfilePages(dir, BUCKETS);
  parked = new ParkedDetectors(dir, [DETECTOR_CONFIG, pages]);
  clockMs = 0;
});

afterEach(() => {
  parked.close();
  pages.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function parkingPool(maxDevices = 100): DetectorPool {
  return new DetectorPool({ maxDevices, pages, parking: { parked, afterMs: QUIET_MS, now: () => clockMs } });
}

/** A washer-like device: a daily routine, noise, now and then a gap, a fault on its last day. */
function readings(seed: number, days: number, stepMin: number) {
  const rand = mulberry32(seed);
  const out: Array<{ tsMs: number; values: Record<string, number> }> = [];
  let tsMs = T0;
  const end = T0 + days * 1440 * MIN;
  while (tsMs < end) {
    const busy = new Date(tsMs).getUTCHours() === 19 ? 1 : 0;
    const fault = tsMs > end - 1440 * MIN && rand() < 0.01 ? 30 : 0;
    out.push({
      tsMs,
      values: {
        powerW: 3 + busy * 1800 + 2 * gaussian(rand) + fault * 40,
        waterTempC: 18 + busy * 22 + 0.3 * gaussian(rand),
        drumRpm: busy * 900 + 5 * gaussian(rand),
        vibrationG: 0.1 + busy * 0.4 + 0.02 * gaussian(rand) + fault * 0.05,
        supplyV: 230 + 0.05 * gaussian(rand),
      },
    });
    tsMs += rand() < 0.002 ? 6 * 60 * MIN : stepMin * MIN;
  }
  return out;
}

describe('parked detectors', () => {
  it('parks the quiet devices only, and scores as if they had stayed, through days of readings', () => {
    const inMemory = new DetectorPool({ maxDevices: 100, pages });
    const pool = parkingPool();
    const devices = ['w-1', 'w-2', 'w-3'];
    const streams = devices.map((_, i) => readings(i + 1, 9, 10));
    const rounds = Math.min(...streams.map((stream) => stream.length));
    for (let r = 0; r < rounds; r++) {
      // w-3 reports every fifth round only: quiet in between
      for (const [i, device] of devices.entries()) {
        const reading = streams[i][r];
        if (device === 'w-3' && r % 5 !== 0) continue;
        expect(pool.update(device, reading.tsMs, reading.values)).toEqual(
          inMemory.update(device, reading.tsMs, reading.values),
        );
      }
      clockMs += 2_000;
      pool.parkQuiet();
      // w-3 is parked within three rounds of its last reading; the others never are
      if (r % 5 === 3) {
        expect(pool.isParked('w-3')).toBe(true);
        expect(pool.parked).toBe(1);
      }
      expect(pool.has('w-3')).toBe(true);
      expect(pool.size).toBe(3);
    }
    for (const device of devices)
      expect(pool.get(device).toPackedJSON()).toEqual(inMemory.get(device).toPackedJSON());
  });

  it('agrees with detectors kept in memory on any readings and parkings (fast-check)', () => {
    const step = fc.record({
      device: fc.integer({ min: 0, max: 2 }),
      stepMin: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 60, max: 3 * 1440 })),
      v: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 65_535 })),
      w: fc.option(fc.double({ min: -50, max: 50, noNaN: true }), { nil: undefined }),
      park: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 300 }), (steps) => {
        const inMemory = new DetectorPool({ maxDevices: 100 });
        const pool = parkingPool();
        const ts = [T0, T0, T0];
        for (const { device, stepMin, v, w, park } of steps) {
          ts[device] += stepMin * MIN;
          const values = w === undefined ? { v } : { v, w };
          expect(pool.update(`d${device}`, ts[device], values)).toEqual(
            inMemory.update(`d${device}`, ts[device], values),
          );
          if (park) {
            clockMs += QUIET_MS;
            pool.parkQuiet();
          }
        }
        for (const id of inMemory.deviceIds())
          expect(pool.get(id).toPackedJSON()).toEqual(inMemory.get(id).toPackedJSON());
        for (const id of pool.deviceIds()) pool.delete(id);
        expect(parked.count).toBe(0);
        expect(pages.inUse).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it("parks the alarm rule's state with the detector: the same warnings raised and cleared as kept in memory", () => {
    const rule = new AnomalyAlarmRule({ corroborationMaxAgeMs: 20 * MIN });
    const inMemory = new DetectorPool({ maxDevices: 100, pages });
    const memoryEntries = new Map<string, AnomalyRuleEntry>();
    const pool = parkingPool();
    const devices = ['w-1', 'w-2'];
    // the regime model learns from the first readings, then each device has a sustained fault
    // (three metrics shifted) and recovers from it
    const learn = REGIME_CONFIG.learnReadings;
    const streams = devices.map((_, i) => {
      const rand = mulberry32(40 + i);
      return Array.from({ length: learn + 600 }, (_, r) => {
        const shift = r >= learn + 150 + 50 * i && r < learn + 250 + 50 * i ? 12 : 0;
        return {
          tsMs: T0 + r * 10 * MIN,
          values: {
            powerW: 300 + 5 * gaussian(rand) + shift * 5,
            waterTempC: 40 + 0.3 * gaussian(rand) + shift * 0.3,
            drumRpm: 800 + 5 * gaussian(rand) - shift * 5,
            vibrationG: 0.3 + 0.02 * gaussian(rand),
            supplyV: 230 + 0.05 * gaussian(rand),
          },
        };
      });
    });
    const seen: Record<AnomalyAlarmAction, number> = { raise: 0, resolve: 0, none: 0 };
    for (let r = 0; r < streams[0].length; r++) {
      for (const [i, device] of devices.entries()) {
        const { tsMs, values } = streams[i][r];
        const expected = inMemory.update(device, tsMs, values);
        let memoryEntry = memoryEntries.get(device);
        if (!memoryEntry) memoryEntries.set(device, (memoryEntry = rule.newEntry()));
        const expectedAction = rule.observeOf(memoryEntry, tsMs, expected, values);
        expect(pool.update(device, tsMs, values)).toEqual(expected);
        const detector = pool.get(device);
        const action = rule.observeOf((detector.ruleEntry ??= rule.newEntry()), tsMs, expected, values);
        expect(action).toBe(expectedAction);
        seen[action]++;
      }
      // both parked every third round: each comes back into the other's objects (the last parked
      // is taken first), so what it holds was read from the file
      if (r % 3 === 2) {
        clockMs += QUIET_MS;
        expect(pool.parkQuiet()).toBe(2);
      }
    }
    // each device raised its warning in its fault and cleared it after
    expect(seen.raise).toBeGreaterThanOrEqual(2);
    expect(seen.resolve).toBeGreaterThanOrEqual(2);
    expect(parked.reusedShells).toBeGreaterThan(1000);
    for (const device of devices) {
      const back = pool.get(device).ruleEntry!;
      expect(back.regime?.isReady).toBe(true);
      expect(back).toEqual(memoryEntries.get(device));
    }
  });

  it('takes a few KB of file for the ≈ 9 KB a five-metric device held, keeps its pages, and reuses its slot', () => {
    const pool = parkingPool();
    for (const { tsMs, values } of readings(7, 2, 10)) pool.update('w-1', tsMs, values);
    const memory = pool.get('w-1');
    const saved = memory.toPackedJSON();
    expect(pages.inUse).toBe(5);
    clockMs += QUIET_MS;
    expect(pool.parkQuiet()).toBe(1);
    expect(pool.inMemory).toBe(0);
    // still the device's: its profile pages stay taken while it is parked
    expect(pages.inUse).toBe(5);
    expect(parked.fileBytes).toBe(8192);
    // read back into the same objects, kept for it (nothing else was parked or came back since)
    const back = pool.get('w-1');
    expect(back).toBe(memory);
    expect(back.toPackedJSON()).toEqual(saved);
    expect(parked.shellsKept).toBe(0);
    clockMs += QUIET_MS;
    pool.parkQuiet();
    pool.get('w-1');
    clockMs += QUIET_MS;
    pool.parkQuiet();
    expect(parked.fileBytes).toBe(8192);
    // nothing left in the directory: the files are gone from it once opened
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it("brings a device back into another parked device's objects, and both score as if kept in memory", () => {
    const inMemory = new DetectorPool({ maxDevices: 100, pages });
    const pool = parkingPool();
    const streams = [readings(11, 2, 10), readings(12, 2, 10)];
    const rounds = Math.min(...streams.map((stream) => stream.length));
    const half = Math.floor(rounds / 2);
    const feed = (from: number, to: number) => {
      for (let r = from; r < to; r++)
        for (const [i, device] of ['w-1', 'w-2'].entries()) {
          const { tsMs, values } = streams[i][r];
          expect(pool.update(device, tsMs, values)).toEqual(inMemory.update(device, tsMs, values));
        }
    };
    feed(0, half);
    const saved = pool.get('w-1').toPackedJSON();
    const w2 = pool.get('w-2');
    clockMs += QUIET_MS;
    expect(pool.parkQuiet()).toBe(2);
    expect(parked.shellsKept).toBe(2);
    const [returnsBefore, buffersBefore] = [parked.returns, parked.buffersMade];
    // the last parked, w-2's, is the first taken: w-1 comes back into it, bit for bit itself
    const w1 = pool.get('w-1');
    expect(w1).toBe(w2);
    expect(w1.toPackedJSON()).toEqual(saved);
    // into a shell of its shape: no buffer made
    expect([parked.returns - returnsBefore, parked.buffersMade - buffersBefore]).toEqual([1, 0]);
    // without a shell (dropped, as before a sweep), the return makes its buffers anew
    parked.dropShells();
    pool.get('w-2');
    expect(parked.returns - returnsBefore).toBe(2);
    expect(parked.buffersMade - buffersBefore).toBeGreaterThan(0);
    feed(half, rounds);
    for (const device of ['w-1', 'w-2'])
      expect(pool.get(device).toPackedJSON()).toEqual(inMemory.get(device).toPackedJSON());
  });

  it("brings a device back without a shell into objects of its classes' own layout, not dictionaries", () => {
    // Object.create'd objects given their fields by name went into V8's dictionary mode (a
    // metric model has 20 fields): every field read a hash lookup, 6x the detection CPU a reading.
    const rule = new AnomalyAlarmRule({ corroborationMaxAgeMs: 20 * MIN });
    const pool = parkingPool();
    for (const { tsMs, values } of readings(21, 1, 10)) {
      const output = pool.update('w-1', tsMs, values);
      const detector = pool.get('w-1');
      detector.ruleEntry ??= rule.newEntry();
      rule.observeOf(detector.ruleEntry, tsMs, output, values);
    }
    clockMs += QUIET_MS;
    expect(pool.parkQuiet()).toBe(1);
    parked.dropShells();
    const back = pool.get('w-1');
    const objects = ownObjects(back);
    // the detector, its five metric models, its joint model, the rule's entry, state and regime model
    expect(objects.map((o) => o.constructor.name).sort()).toEqual(
      [
        'AnomalyRuleEntry',
        'AnomalyState',
        'JointModel',
        ...Array<string>(5).fill('MetricModel'),
        'OnlineDetector',
        'RegimeModel',
      ].sort(),
    );
    expect(objects.filter((o) => !hasFastProperties(o)).map((o) => o.constructor.name)).toEqual([]);
  });

  it('keeps the shells of a fleet reporting in one burst until its next burst, a minute at most', () => {
    const pool = parkingPool();
    const devices = Array.from({ length: 24 }, (_, i) => `w-${i}`);
    // the same readings: one shape
    const stream = readings(21, 1, 10);
    const last = stream.length - 3;
    for (const { tsMs, values } of stream.slice(0, last))
      for (const device of devices) pool.update(device, tsMs, values);
    const sweep = (ms: number) => {
      clockMs += ms;
      return pool.parkQuiet();
    };
    const burst = (r: number) => {
      const before = [parked.returns, parked.reusedShells, parked.buffersMade];
      for (const device of devices) pool.update(device, stream[r].tsMs, stream[r].values);
      return [parked.returns - before[0], parked.reusedShells - before[1], parked.buffersMade - before[2]];
    };
    // parked together, then 25 sweeps a second apart: no return seen yet, so no shell kept past two sweeps
    expect(sweep(QUIET_MS)).toBe(24);
    for (let k = 0; k < 25; k++) expect(sweep(1_000)).toBe(0);
    expect(parked.shellsKept).toBe(0);
    // the first burst: every detector made anew
    const [returns, intoShells, buffers] = burst(last);
    expect([returns, intoShells]).toEqual([24, 0]);
    expect(buffers).toBeGreaterThan(24);
    // its shape now comes back in bursts: parked again, its shells wait for the next burst
    expect(sweep(QUIET_MS)).toBe(24);
    for (let k = 0; k < 25; k++) expect(sweep(1_000)).toBe(0);
    expect(parked.shellsKept).toBe(24);
    expect(burst(last + 1)).toEqual([24, 24, 0]);
    // a fleet gone quiet keeps them a minute
    expect(sweep(QUIET_MS)).toBe(24);
    for (let k = 0; k < 5; k++) sweep(10_000);
    expect(parked.shellsKept).toBe(24);
    sweep(11_000);
    expect(parked.shellsKept).toBe(0);
  });

  it('drops the shells of devices that come back spread over time two sweeps after they were kept', () => {
    const pool = parkingPool();
    const devices = ['w-1', 'w-2', 'w-3'];
    const stream = readings(22, 1, 10);
    for (const { tsMs, values } of stream.slice(0, -1))
      for (const device of devices) pool.update(device, tsMs, values);
    clockMs += QUIET_MS;
    expect(pool.parkQuiet()).toBe(3);
    // one comes back into a shell: two left, kept through the next sweep, not the one after
    pool.update('w-1', stream.at(-1)!.tsMs, stream.at(-1)!.values);
    expect([parked.reusedShells, parked.shellsKept]).toEqual([1, 2]);
    clockMs += 1_000;
    expect(pool.parkQuiet()).toBe(0);
    expect(parked.shellsKept).toBe(2);
    clockMs += 1_000;
    expect(pool.parkQuiet()).toBe(0);
    expect(parked.shellsKept).toBe(0);
  });

  it('drops the least recently used devices beyond maxDevices, parked or not, and frees their pages', () => {
    const pool = parkingPool(3);
    for (const device of ['a', 'b', 'c']) pool.update(device, T0, { x: 1, y: 2 });
    clockMs += QUIET_MS;
    expect(pool.parkQuiet()).toBe(3);
    expect(pages.inUse).toBe(6);
    pool.update('d', T0, { x: 1, y: 2 });
    expect(pool.deviceIds()).toEqual(['b', 'c', 'd']);
    expect(pages.inUse).toBe(6);
    expect(pool.delete('b')).toBe(true);
    expect(pool.has('b')).toBe(false);
    expect(pages.inUse).toBe(4);
    // a restored detector replaces a parked one, whose pages are freed
    pool.restore('c', OnlineDetector.fromJSON(pool.get('d').toPackedJSON(), { pages }));
    expect(parked.count).toBe(0);
    expect(pages.inUse).toBe(4);
  });

  it('keeps in memory a detector it cannot write, parks the others, and says why', () => {
    const pool = parkingPool();
    pool.update('odd', T0, { x: 1 });
    pool.update('plain', T0, { x: 1 });
    // something a detector does not hold: neither its own nor one of the shared objects
    (pool.get('odd') as unknown as { extra: Map<string, number> }).extra = new Map();
    clockMs += QUIET_MS;
    expect(() => pool.parkQuiet()).toThrow(/cannot park detector\.extra/);
    expect(pool.isParked('plain')).toBe(true);
    expect(pool.isParked('odd')).toBe(false);
    expect(pool.inMemory).toBe(1);
    expect(pool.update('odd', T0 + MIN, { x: 2 }).score).toEqual(expect.any(Number));
  });
});

/** V8's own answer (a natives call compiled once the flag is set): whether the object's fields are in place, not in a dictionary. */
function hasFastProperties(object: object): boolean {
  v8.setFlagsFromString('--allow-natives-syntax');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return (new Function('o', 'return %HasFastProperties(o)') as (o: object) => boolean)(object);
}

/** The detector and every object of its own classes it holds (not its typed arrays or shared objects). */
function ownObjects(root: object): object[] {
  const seen = new Set<object>();
  const visit = (value: unknown) => {
    if (typeof value !== 'object' || value === null || seen.has(value) || ArrayBuffer.isView(value)) return;
    if (Array.isArray(value)) return value.forEach(visit);
    const name = value.constructor?.name;
    if (!OWN_CLASSES.includes(name)) return;
    seen.add(value);
    for (const field of Object.values(value)) visit(field);
  };
  visit(root);
  return [...seen];
}

const OWN_CLASSES = [
  'OnlineDetector',
  'MetricModel',
  'JointModel',
  'AnomalyRuleEntry',
  'AnomalyState',
  'RegimeModel',
];
