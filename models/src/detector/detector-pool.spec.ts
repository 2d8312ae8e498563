import { DetectorPool } from './detector-pool';

describe('DetectorPool', () => {
  it('keeps one detector per device and drops the least recently used beyond the bound', () => {
    const pool = new DetectorPool({ maxDevices: 2 });
    pool.update('a', 0, { v: 1 });
    pool.update('b', 0, { v: 1 });
    const a = pool.get('a');
    pool.update('c', 0, { v: 1 });
    expect(pool.size).toBe(2);
    expect(pool.has('b')).toBe(false);
    expect(pool.get('a')).toBe(a);
    expect(pool.deviceIds().sort()).toEqual(['a', 'c']);
  });

  it('creates detectors with the per-device options', () => {
    const pool = new DetectorPool({ maxDevices: 10, detectorOptions: () => ({ metrics: ['tempC'] }) });
    pool.update('d1', 0, { tempC: 4, other: 1 });
    expect(pool.get('d1').metricNames).toEqual(['tempC']);
  });
});
