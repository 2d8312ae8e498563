import fc from 'fast-check';
import { FeatureWindow } from './feature-window';
import type { Reading } from './fleet-features';

describe('FeatureWindow', () => {
  it('keeps at most `size` readings per device, oldest dropped first', () => {
    const fw = new FeatureWindow({ size: 3, stepMs: 1000 });
    for (let i = 0; i < 10; i++) fw.push('d1', i * 1000, { x: i });
    expect(fw.window('d1').map((r) => r.metrics.x)).toEqual([7, 8, 9]);
    expect(fw.isFull('d1')).toBe(true);
  });

  it('keeps one reading per step and ignores late or replayed readings', () => {
    const fw = new FeatureWindow({ size: 5, stepMs: 600_000 });
    expect(fw.push('d1', 0, { x: 1 })).toBe(true);
    expect(fw.push('d1', 10_000, { x: 2 })).toBe(false);
    expect(fw.push('d1', 20_000, { x: 3 })).toBe(false);
    expect(fw.push('d1', 600_000, { x: 4 })).toBe(true);
    expect(fw.push('d1', 0, { x: 5 })).toBe(false);
    expect(fw.push('d1', 600_000, { x: 6 })).toBe(false);
    expect(fw.window('d1').map((r) => r.metrics.x)).toEqual([1, 4]);
    expect(fw.isFull('d1')).toBe(false);
  });

  it('keeps the reading nearest each step, so a device reporting once a step with jitter keeps them all', () => {
    const fw = new FeatureWindow({ size: 50, stepMs: 600_000 });
    // reports every 600 s ± 3 s: a strict "at least one step apart" rule would drop every other
    const jitter = [0, -3_000, 2_000, -1_000, -3_000, 3_000, -2_000, 0, -3_000, 1_000];
    jitter.forEach((j, i) => fw.push('d1', i * 600_000 + j, { x: i }));
    expect(fw.window('d1').map((r) => r.metrics.x)).toEqual(jitter.map((_, i) => i));
    // reporting every 10 s: one reading within 5 s of each 10-min step
    const often = new FeatureWindow({ size: 50, stepMs: 600_000 });
    for (let t = 0; t <= 1_800_000; t += 10_000) often.push('d2', t, { x: t });
    const gaps = often
      .window('d2')
      .slice(1)
      .map((r, i, rs) => r.tsMs - (i === 0 ? 0 : rs[i - 1].tsMs));
    for (const gap of gaps) expect(Math.abs(gap - 600_000)).toBeLessThanOrEqual(5_000);
  });

  it('forgets the device updated longest ago beyond maxDevices', () => {
    const fw = new FeatureWindow({ size: 2, stepMs: 1, maxDevices: 2 });
    fw.push('a', 1, { x: 1 });
    fw.push('b', 1, { x: 1 });
    fw.push('a', 2, { x: 2 });
    fw.push('c', 1, { x: 1 });
    expect(fw.deviceCount).toBe(2);
    expect(fw.window('b')).toEqual([]);
    expect(fw.window('a')).toHaveLength(2);
  });

  it('copies readings so later changes by the caller do not leak in', () => {
    const fw = new FeatureWindow({ size: 2, stepMs: 1 });
    const metrics = { x: 1 };
    fw.push('a', 1, metrics);
    metrics.x = 42;
    expect(fw.window('a')[0].metrics.x).toBe(1);
  });

  it('gives each reading back with the metrics it had, when metrics come and go', () => {
    const fw = new FeatureWindow({ size: 4, stepMs: 1 });
    fw.push('d', 1, { a: 1 });
    fw.push('d', 2, { a: 2, b: 20 });
    fw.push('d', 3, { b: 30 });
    fw.push('d', 4, JSON.parse('{"__proto__": 5, "a": 4}') as Record<string, number>);
    const window = fw.window('d');
    expect(window.slice(0, 3)).toEqual([
      { tsMs: 1, metrics: { a: 1 } },
      { tsMs: 2, metrics: { a: 2, b: 20 } },
      { tsMs: 3, metrics: { b: 30 } },
    ]);
    expect(Object.getPrototypeOf(window[3].metrics)).toBe(Object.prototype);
    expect(Object.keys(window[3].metrics).sort()).toEqual(['__proto__', 'a']);
  });

  it("reads every device's rows through its page's views: no typed array of a device's own", () => {
    const fw = new FeatureWindow({ size: 36, stepMs: 1 });
    type Device = { page: { f64: Float64Array; f32: Float32Array }; at: number };
    const device = (id: string) =>
      (fw as unknown as { devices: { peek(id: string): Device } }).devices.peek(id);
    for (let t = 1; t <= 40; t++) {
      for (let d = 0; d < 50; d++) fw.push(`w${d}`, t, { rpm: 800 + d + t, temp: 40 + t / 8 });
    }
    // 50 full windows of the same size share a page and its two views
    expect(new Set(Array.from({ length: 50 }, (_, d) => device(`w${d}`).page)).size).toBe(1);
    expect(new Set(Array.from({ length: 50 }, (_, d) => device(`w${d}`).at)).size).toBe(50);
    for (const d of [0, 17, 49]) {
      expect(fw.window(`w${d}`).map((r) => r.tsMs)).toEqual(Array.from({ length: 36 }, (_, i) => i + 5));
      expect(fw.window(`w${d}`).map((r) => r.metrics.rpm)).toEqual(
        Array.from({ length: 36 }, (_, i) => 800 + d + i + 5),
      );
    }
  });

  it("shares one list of names among devices that report the same metrics, and keeps each device's readings its own", () => {
    const fw = new FeatureWindow({ size: 4, stepMs: 1 });
    const namesOf = (id: string) =>
      (fw as unknown as { devices: { peek(id: string): { names: readonly string[] } } }).devices.peek(id)
        .names;
    fw.push('w1', 1, { rpm: 800, temp: 40 });
    fw.push('w2', 1, { rpm: 900, temp: 41 });
    fw.push('w3', 1, { rpm: 700, temp: 42, extra: 1 });
    expect(namesOf('w1')).toBe(namesOf('w2'));
    expect(namesOf('w1')).toEqual(['rpm', 'temp']);
    expect(Object.isFrozen(namesOf('w1'))).toBe(true);
    // a metric first seen by one device gives it a list of its own, the others keep theirs
    fw.push('w2', 2, { rpm: 910, temp: 41, door: 1 });
    expect(namesOf('w2')).toEqual(['rpm', 'temp', 'door']);
    expect(namesOf('w1')).toEqual(['rpm', 'temp']);
    expect(fw.window('w1')).toEqual([{ tsMs: 1, metrics: { rpm: 800, temp: 40 } }]);
    expect(fw.window('w2')).toEqual([
      { tsMs: 1, metrics: { rpm: 900, temp: 41 } },
      { tsMs: 2, metrics: { rpm: 910, temp: 41, door: 1 } },
    ]);
    // names that would run together are told apart
    fw.push('x1', 1, { 'a\u0000b': 1 });
    fw.push('x2', 1, { a: 1, b: 2 });
    expect(namesOf('x1')).toEqual(['a\u0000b']);
    expect(namesOf('x2')).toEqual(['a', 'b']);
    // devices naming metrics at will share no more than a bounded number of lists
    for (let i = 0; i < 2_000; i++) fw.push(`odd-${i}`, 1, { [`m${i}`]: i });
    const lists = (fw as unknown as { nameLists: { size: number } }).nameLists;
    expect(lists.size).toBeLessThanOrEqual(1_000);
    expect(fw.window('odd-1999')).toEqual([{ tsMs: 1, metrics: { m1999: 1999 } }]);
  });

  it('keeps the values as single floats, what the fleet models read, and the times exactly', () => {
    const fw = new FeatureWindow({ size: 36, stepMs: 1 });
    const t0 = Date.UTC(2026, 11, 5, 12, 0, 0, 123);
    for (let i = 0; i < 40; i++) {
      fw.push('d', t0 + i, { drumRpm: 800 + i / 3, waterTempC: 40.1, powerW: 2_000.25, a: 1e-3, b: -7 });
    }
    const window = fw.window('d');
    expect(window).toHaveLength(36);
    expect(window[0].tsMs).toBe(t0 + 4);
    expect(window[35].tsMs).toBe(t0 + 39);
    expect(window[35].metrics).toEqual({
      drumRpm: Math.fround(800 + 39 / 3),
      waterTempC: Math.fround(40.1),
      powerW: 2_000.25,
      a: Math.fround(1e-3),
      b: -7,
    });
  });

  it('keeps what the same window of reading objects kept, for any readings', () => {
    // the window as it was before it was packed: the readings themselves, copied
    class Reference {
      // in the order last updated (a kept reading), least recently first
      readonly devices = new Map<string, { readings: Reading[]; lastSeenTs: number }>();
      constructor(
        readonly size: number,
        readonly stepMs: number,
        readonly maxDevices: number,
      ) {}
      push(id: string, tsMs: number, metrics: Record<string, number>): boolean {
        let device = this.devices.get(id);
        if (device) {
          const seen = device.lastSeenTs;
          const intervalMs = tsMs > seen ? tsMs - seen : 0;
          if (tsMs > seen) device.lastSeenTs = tsMs;
          const last = device.readings[device.readings.length - 1];
          if (tsMs <= last.tsMs || tsMs - last.tsMs + intervalMs / 2 < this.stepMs) return false;
          this.devices.delete(id);
          this.devices.set(id, device);
        } else {
          device = { readings: [], lastSeenTs: tsMs };
          this.devices.set(id, device);
          if (this.devices.size > this.maxDevices) this.devices.delete(this.devices.keys().next().value!);
        }
        // the values as the models read them: single floats
        const single = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Math.fround(v)]));
        device.readings.push({ tsMs, metrics: single });
        if (device.readings.length > this.size) device.readings.shift();
        return true;
      }
    }
    const ids = ['d1', 'd2', 'd3', 'd4'];
    const reading = fc.record({
      id: fc.constantFrom(...ids),
      dtMs: fc.integer({ min: -50, max: 400 }),
      metrics: fc.dictionary(
        fc.constantFrom('a', 'b', 'c', 'drumRpm', 'powerW'),
        fc.double({ noNaN: true }),
        {
          maxKeys: 5,
        },
      ),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(reading, { maxLength: 200 }),
        (size, maxDevices, readings) => {
          // devices forgotten and others taking their slots, windows grown into larger ones
          const packed = new FeatureWindow({ size, stepMs: 100, maxDevices });
          const reference = new Reference(size, 100, maxDevices);
          let ts = 0;
          for (const r of readings) {
            ts += r.dtMs;
            expect(packed.push(r.id, ts, r.metrics)).toBe(reference.push(r.id, ts, r.metrics));
          }
          for (const id of ids) {
            const expected = reference.devices.get(id)?.readings ?? [];
            expect(packed.window(id)).toEqual(expected);
            expect(packed.isFull(id)).toBe(expected.length >= size);
          }
          // one slot a device that kept a reading, none left behind by the forgotten
          expect(packed.slotsInUse).toBe(packed.deviceCount);
        },
      ),
      { numRuns: 500 },
    );
  });
});
