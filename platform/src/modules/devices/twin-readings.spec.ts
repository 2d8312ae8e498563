import fc from 'fast-check';
import { TwinReadings, type TwinReading } from './twin-readings';

describe('TwinReadings', () => {
  it("keeps each metric's latest reading, whatever order the readings come in", () => {
    const twin = new TwinReadings();
    expect(twin.record('drumRpm', 2_000, 800)).toBe(true);
    expect(twin.record('waterTempC', 2_000, 40.5)).toBe(true);
    // an older reading of a metric is no news; one at the same time replaces it
    expect(twin.record('drumRpm', 1_000, 1_200)).toBe(false);
    expect(twin.record('drumRpm', 2_000, 810)).toBe(true);
    expect(twin.record('waterTempC', 3_000, 41.25)).toBe(true);
    expect(twin.get('drumRpm')).toEqual({ ts: 2_000, value: 810 });
    expect(twin.get('waterTempC')).toEqual({ ts: 3_000, value: 41.25 });
    expect(twin.get('doorOpen')).toBeUndefined();
    expect(twin.size).toBe(2);
    expect(twin.toJSON()).toEqual({
      drumRpm: { ts: 2_000, value: 810 },
      waterTempC: { ts: 3_000, value: 41.25 },
    });
    // what it hands out are copies
    twin.get('drumRpm')!.value = 0;
    twin.toJSON().drumRpm.value = 0;
    expect(twin.get('drumRpm')?.value).toBe(810);
  });

  it('is saved as the record of { ts, value } it stands for, and read back from it', () => {
    const twin = new TwinReadings();
    twin.record('cabinetTempC', 5_000, 3.5);
    twin.record('__proto__', 5_000, 1);
    const saved = JSON.parse(JSON.stringify({ latest: twin })).latest;
    expect(Object.keys(saved)).toEqual(['cabinetTempC', '__proto__']);
    expect(saved.cabinetTempC).toEqual({ ts: 5_000, value: 3.5 });
    const read = TwinReadings.from(saved);
    expect(read.toJSON()).toEqual(twin.toJSON());
    expect(Object.getPrototypeOf(read.toJSON())).toBe(Object.prototype);
    // what is not a reading is left out; nothing that is not an object gives a twin
    const odd = TwinReadings.from({ a: { ts: 1, value: 2 }, b: { ts: '1', value: 2 }, c: null, d: 7 });
    expect(odd.toJSON()).toEqual({ a: { ts: 1, value: 2 } });
    expect(TwinReadings.from(null).size).toBe(0);
    expect(TwinReadings.from('[]').size).toBe(0);
  });

  it('shares the list of names among twins that saw the same metrics in the same order', () => {
    const names = (twin: TwinReadings) => (twin as unknown as { names: readonly string[] }).names;
    const [a, b, c] = [new TwinReadings(), new TwinReadings(), new TwinReadings()];
    for (const twin of [a, b]) {
      twin.record('flowLpm', 1, 8);
      twin.record('pumpPressureKpa', 1, 120);
    }
    c.record('pumpPressureKpa', 1, 120);
    c.record('flowLpm', 1, 8);
    expect(names(a)).toBe(names(b));
    expect(Object.isFrozen(names(a))).toBe(true);
    expect(names(c)).toEqual(['pumpPressureKpa', 'flowLpm']);
    // names that would run together are told apart
    const [x, y] = [new TwinReadings(), new TwinReadings()];
    x.record('a1:b', 1, 1);
    y.record('a', 1, 1);
    y.record('b', 1, 1);
    expect(names(x)).toEqual(['a1:b']);
  });

  it('answers as the record of latest readings it replaced, for any readings', () => {
    const reading = fc.record({
      name: fc.constantFrom('drumRpm', 'waterTempC', 'motorCurrentA', 'constructor', '__proto__'),
      ts: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
    });
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 60 }), (readings) => {
        const twin = new TwinReadings();
        const record = new Map<string, TwinReading>();
        for (const { name, ts, value } of readings) {
          twin.record(name, ts, value);
          const current = record.get(name);
          if (!current || current.ts <= ts) record.set(name, { ts, value });
        }
        expect(twin.entries()).toEqual([...record.entries()]);
        expect(TwinReadings.from(JSON.parse(JSON.stringify(twin))).entries()).toEqual(
          [...record.entries()].map(([name, r]) => [
            name,
            { ts: r.ts, value: Object.is(r.value, -0) ? 0 : r.value },
          ]),
        );
      }),
      { numRuns: 300 },
    );
  });
});
