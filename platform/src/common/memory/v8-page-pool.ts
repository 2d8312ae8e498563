import v8 from 'node:v8';
import { lastResortGc, v8PoolsFreedPages } from '../../../../contracts/src/last-resort-gc';

/**
 * Gives back the heap pages V8 keeps in its pool after the heap shrank.
 *
 * Node 24's V8 (13.6) puts the pages a major GC frees in a pool for reuse, resident, and empties
 * the pool only in a last-resort GC; Node 20's (11.3) unmaps them within seconds. After a burst
 * (a fleet's backlog after an outage) grew the old generation to 600 MB and it shrank back to
 * 220 MB, the platform on Node 24 kept ≈ 585 MB of pooled pages resident for as long as it ran
 * (docs/benchmarks.md, issue 15, thirteenth round); in a plain script, 766 MB stayed resident
 * beside a 5 MB heap, busy or idle, and one last-resort GC gave all of it back.
 *
 * V8 tells nobody how large its pool is. The heap's high-water mark less its size now is what a
 * shrink put there (pages taken again as it grows are counted out by the same difference), so
 * the heap's size is sampled every second for its high-water mark, and every check the pool is
 * emptied once that difference passes a threshold: one last-resort GC (a few full GCs in a row,
 * ≈ 4 times a full GC's pause: ≈ 265 ms with 150 MB live), only after the heap shrank by that
 * much, not on a timer.
 */

/** The heap's size (every space's pages, used or not). */
export type HeapSize = () => number;

/** A last-resort garbage collection of this thread's heap. */
export type LastResortGc = () => void;

export interface PagePoolReleaseResult {
  /** The heap's high-water mark less its size before the collection: what the pool was taken to hold. */
  pooledBytes: number;
  /** RSS before less RSS after. */
  releasedBytes: number;
  durationMs: number;
}

export interface V8PagePoolReleaseOptions {
  /** Empty the pool once the heap is this much below its high-water mark. */
  thresholdBytes: number;
  /** How often to look (the high-water mark is sampled every second in between). */
  checkEveryMs: number;
  onRelease?: (result: PagePoolReleaseResult) => void;
  heapSize?: HeapSize;
  gc?: LastResortGc;
  rss?: () => number;
  now?: () => number;
  /** Sampling of the high-water mark; 1 s. */
  sampleEveryMs?: number;
  /**
   * Also collect once the old generation keeps this many bytes of pages it does not use (what a
   * burst left behind in pages that still hold a few live objects), at most every `slackMinGapMs`.
   */
  oldSlackBytes?: number;
  slackMinGapMs?: number;
  /** The old generation's unused bytes (its pages less what is in use). */
  oldSlack?: () => number;
}

/** Whether this V8 pools freed pages (Node 24), where this release is needed. */
export { v8PoolsFreedPages };

export class V8PagePoolRelease {
  private highWater = 0;
  private sampler?: NodeJS.Timeout;
  private checker?: NodeJS.Timeout;
  private readonly heapSize: HeapSize;
  private readonly gc: LastResortGc;
  private readonly rss: () => number;
  private readonly now: () => number;
  private readonly oldSlack: () => number;
  private lastSlackRelease = -Infinity;

  constructor(private readonly options: V8PagePoolReleaseOptions) {
    this.heapSize = options.heapSize ?? (() => v8.getHeapStatistics().total_heap_size);
    this.gc = options.gc ?? lastResortGc;
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
    this.now = options.now ?? (() => performance.now());
    this.oldSlack = options.oldSlack ?? oldGenerationSlack;
  }

  start(): void {
    if (this.sampler) return;
    this.sample();
    this.sampler = setInterval(() => this.sample(), this.options.sampleEveryMs ?? 1000);
    this.sampler.unref();
    this.checker = setInterval(() => this.check(), this.options.checkEveryMs);
    this.checker.unref();
  }

  stop(): void {
    clearInterval(this.sampler);
    clearInterval(this.checker);
    this.sampler = this.checker = undefined;
  }

  /** Takes the heap's size into its high-water mark. */
  sample(): void {
    const size = this.heapSize();
    if (size > this.highWater) this.highWater = size;
  }

  /**
   * Empties the pool if the heap shrank by the threshold since its high-water mark, or compacts
   * the old generation if it keeps `oldSlackBytes` unused (not within `slackMinGapMs` of the last
   * time it did); what it gave back.
   */
  check(): PagePoolReleaseResult | undefined {
    this.sample();
    const size = this.heapSize();
    const pooledBytes = this.highWater - size;
    if (pooledBytes >= this.options.thresholdBytes) return this.release(pooledBytes);
    const { oldSlackBytes, slackMinGapMs = 0 } = this.options;
    if (oldSlackBytes === undefined || this.now() - this.lastSlackRelease < slackMinGapMs) return undefined;
    if (this.oldSlack() < oldSlackBytes) return undefined;
    this.lastSlackRelease = this.now();
    return this.release(pooledBytes);
  }

  /**
   * Empties the pool now, whatever the heap did: once, after the start, whose loading and
   * migrations leave a heap with more pages than it keeps using and pooled pages beside it.
   */
  releaseNow(): PagePoolReleaseResult {
    this.sample();
    return this.release(this.highWater - this.heapSize());
  }

  private release(pooledBytes: number): PagePoolReleaseResult {
    const before = this.rss();
    const started = this.now();
    this.gc();
    const result = { pooledBytes, releasedBytes: before - this.rss(), durationMs: this.now() - started };
    // from here on, a shrink is measured from the heap as the collection left it
    this.highWater = this.heapSize();
    this.options.onRelease?.(result);
    return result;
  }
}

function oldGenerationSlack(): number {
  const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  return old ? old.space_size - old.space_used_size : 0;
}
