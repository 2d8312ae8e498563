import v8 from 'node:v8';
import vm from 'node:vm';
import { V8PagePoolRelease, v8PoolsFreedPages } from './v8-page-pool';

const MB = 1024 * 1024;

describe('V8PagePoolRelease', () => {
  function fake(sizes: number[]) {
    let heap = sizes[0];
    let rss = 1000 * MB;
    const gcs: number[] = [];
    const release = new V8PagePoolRelease({
      thresholdBytes: 64 * MB,
      checkEveryMs: 60_000,
      heapSize: () => heap,
      rss: () => rss,
      gc: () => {
        gcs.push(heap);
        rss -= 100 * MB;
        heap -= 10 * MB;
      },
    });
    return {
      release,
      gcs,
      setHeap: (mb: number) => (heap = mb * MB),
    };
  }

  it('empties the pool once the heap has shrunk by the threshold from its high-water mark, and not before', () => {
    const f = fake([200 * MB]);
    f.setHeap(600);
    f.release.sample();
    f.setHeap(560);
    expect(f.release.check()).toBeUndefined();
    f.setHeap(220);
    expect(f.release.check()).toEqual({
      pooledBytes: 380 * MB,
      releasedBytes: 100 * MB,
      durationMs: expect.any(Number),
    });
    expect(f.gcs).toHaveLength(1);
    // measured from where the collection left the heap (210 MB): no second collection for the same shrink
    expect(f.release.check()).toBeUndefined();
    f.setHeap(250);
    f.release.sample();
    f.setHeap(200);
    expect(f.release.check()).toBeUndefined();
    expect(f.gcs).toHaveLength(1);
  });

  it('releases on demand below the threshold (after the start), and measures later shrinks from there', () => {
    const f = fake([100 * MB]);
    f.setHeap(120);
    f.release.sample();
    f.setHeap(110);
    expect(f.release.check()).toBeUndefined();
    expect(f.release.releaseNow()).toEqual({
      pooledBytes: 10 * MB,
      releasedBytes: 100 * MB,
      durationMs: expect.any(Number),
    });
    expect(f.gcs).toEqual([110 * MB]);
    // the heap the collection left (100 MB) is the new high-water mark
    f.setHeap(60);
    expect(f.release.check()).toBeUndefined();
  });

  it('counts pages the heap took again as it grew back out of the pool', () => {
    const f = fake([100 * MB]);
    f.setHeap(400);
    f.release.sample();
    f.setHeap(380);
    expect(f.release.check()).toBeUndefined();
    f.setHeap(345);
    expect(f.release.check()).toBeUndefined();
    f.setHeap(330);
    expect(f.release.check()?.pooledBytes).toBe(70 * MB);
  });

  it("compacts an old generation that keeps the threshold's pages unused after a burst, at most once per gap", () => {
    let slack = 174 * MB;
    let clockMs = 0;
    const gcs: number[] = [];
    const release = new V8PagePoolRelease({
      thresholdBytes: 64 * MB,
      checkEveryMs: 60_000,
      oldSlackBytes: 64 * MB,
      slackMinGapMs: 600_000,
      heapSize: () => 400 * MB,
      oldSlack: () => slack,
      gc: () => {
        gcs.push(clockMs);
        slack = 10 * MB;
      },
      rss: () => 700 * MB,
      now: () => clockMs,
    });
    // the heap never shrank (no pool to empty), but its old generation holds 174 MB it does not use
    expect(release.check()).toEqual({ pooledBytes: 0, releasedBytes: 0, durationMs: 0 });
    expect(gcs).toEqual([0]);
    // the next burst's leftovers within 10 minutes wait; after them they are compacted too
    slack = 90 * MB;
    clockMs += 300_000;
    expect(release.check()).toBeUndefined();
    clockMs += 300_000;
    expect(release.check()).toBeDefined();
    // unused pages below the threshold (a steady heap's) are left alone
    slack = 40 * MB;
    clockMs += 600_000;
    expect(release.check()).toBeUndefined();
    expect(gcs).toEqual([0, 600_000]);
  });

  it('tells the V8 that pools its pages (13, Node 24) from the one that does not (11, Node 20)', () => {
    expect(v8PoolsFreedPages('13.6.233.17-node.63')).toBe(true);
    expect(v8PoolsFreedPages('11.3.244.8-node.33')).toBe(false);
  });

  // Under Node 24 (CI runs the tests under it too): what a heap's shrink leaves resident and a
  // release gives back, in this process.
  (v8PoolsFreedPages() ? it : it.skip)('gives back what a burst of the heap left resident (V8 13)', () => {
    const release = new V8PagePoolRelease({ thresholdBytes: 64 * MB, checkEveryMs: 60_000 });
    release.sample();
    let burst: Array<{ a: number; b: string }> | null = [];
    for (let i = 0; i < 2_500_000; i++) burst.push({ a: i, b: `reading ${i}` });
    release.sample();
    const grownMb = v8.getHeapStatistics().total_heap_size / MB;
    burst = null;
    // the major GC a running process would have had: the heap shrinks, its pages go to the pool
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
    const result = release.check();
    expect(burst).toBeNull();
    expect(result).toBeDefined();
    // the heap grew by ≥ 150 MB for the burst; most of that comes back
    expect(grownMb).toBeGreaterThan(150);
    expect(result!.releasedBytes).toBeGreaterThan(100 * MB);
  });
});
