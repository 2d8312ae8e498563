import { IsolateHeaps } from './isolate-heaps';

describe('IsolateHeaps', () => {
  it("sums the threads' heaps that could be read, and says so when none could", async () => {
    const heaps = new IsolateHeaps();
    expect(await heaps.committedBytes()).toBeNull();
    const removeDetection = heaps.add(async () => 31_000_000);
    heaps.add(async () => null);
    heaps.add(() => Promise.reject(new Error('worker gone')));
    expect(await heaps.committedBytes()).toBe(31_000_000);
    heaps.add(async () => 4_000_000);
    expect(await heaps.committedBytes()).toBe(35_000_000);
    removeDetection();
    expect(await heaps.committedBytes()).toBe(4_000_000);
  });

  it('has every thread give back its pooled pages, whatever one of them does', async () => {
    const heaps = new IsolateHeaps();
    const released: string[] = [];
    heaps.add(
      async () => 1,
      async () => void released.push('detection'),
    );
    const remove = heaps.add(
      async () => 2,
      () => Promise.reject(new Error('worker gone')),
    );
    heaps.add(async () => 3);
    await heaps.releaseAll();
    expect(released).toEqual(['detection']);
    remove();
    await heaps.releaseAll();
    expect(released).toEqual(['detection', 'detection']);
  });
});
