import { FeatureWindow } from './feature-window';

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
    expect(fw.push('d1', 599_999, { x: 3 })).toBe(false);
    expect(fw.push('d1', 600_000, { x: 4 })).toBe(true);
    expect(fw.push('d1', 0, { x: 5 })).toBe(false);
    expect(fw.window('d1').map((r) => r.metrics.x)).toEqual([1, 4]);
    expect(fw.isFull('d1')).toBe(false);
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
});
