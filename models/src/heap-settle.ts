import v8 from 'node:v8';
import { lastResortGc } from '../../contracts/src/last-resort-gc';

/** The heap's size (every space's pages) and what of it is in use, bytes. */
export interface HeapFigures {
  totalBytes: number;
  usedBytes: number;
}

export interface HeapSettleOptions {
  /** Collect once the heap's unused pages pass this many bytes and what is in use. */
  slackBytes: number;
  /** How often to look. */
  checkEveryMs: number;
  /** At least this long between two collections. */
  minGapMs: number;
  heap?: () => HeapFigures;
  /**
   * Also collect once the heap's size is this far below its high-water mark: where V8 pools the
   * pages a collection freed (Node 24), they stay resident beside the heap, outside its size,
   * until a last-resort collection of this thread. Undefined: never (Node 20 gives them back).
   */
  shrinkBytes?: number;
  /** How often the heap's size is sampled for its high-water mark (with `shrinkBytes`); 1 s. */
  sampleEveryMs?: number;
  /** A memory-reducing collection of this thread's heap. */
  gc?: () => void;
  now?: () => number;
}

/**
 * Gives back a thread's heap that a burst left far larger than what it keeps. V8 grows a heap's
 * old generation for the garbage of a burst and, in a thread that never idles, keeps the pages
 * afterwards: the detection thread, after 10,000 devices connected within 10 seconds and their
 * first detectors were parked (ADR 0020), kept 64 MB of heap for 26 MB in use for as long as it
 * ran. Every check, once the unused part is larger than both `slackBytes` and the used part, one
 * last-resort collection (compacting, at most every `minGapMs`) gives it back; a steady heap is
 * never touched. With `shrinkBytes`, the same collection also empties V8's pool of freed pages once
 * the heap shrank that much below its high-water mark: the pool is each isolate's own, which the
 * main thread's release (V8PagePoolRelease) cannot reach; after a history's playback the detection
 * thread's heap went from 104 to 40 MB and ≈ 190 MB of V8 pages stayed resident beyond both heaps.
 */
export class HeapSettle {
  private timer?: NodeJS.Timeout;
  private sampler?: NodeJS.Timeout;
  private highWater = 0;
  private lastAt = -Infinity;
  private collections = 0;
  private readonly heap: () => HeapFigures;
  private readonly gc: () => void;
  private readonly now: () => number;

  constructor(private readonly options: HeapSettleOptions) {
    this.heap = options.heap ?? heapFigures;
    this.gc = options.gc ?? lastResortGc;
    this.now = options.now ?? (() => performance.now());
  }

  /** Collections made so far. */
  get count(): number {
    return this.collections;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.options.checkEveryMs);
    this.timer.unref();
    if (this.options.shrinkBytes === undefined) return;
    this.sampler = setInterval(() => this.sample(), this.options.sampleEveryMs ?? 1000);
    this.sampler.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    clearInterval(this.sampler);
    this.timer = this.sampler = undefined;
  }

  /** Takes the heap's size into its high-water mark. */
  sample(): void {
    const { totalBytes } = this.heap();
    if (totalBytes > this.highWater) this.highWater = totalBytes;
  }

  /**
   * Collects now, whatever the heap's figures (the process's pages resident called for it: V8's
   * pool of this thread's pages is reached only from this thread); counted as a collection.
   */
  collectNow(): void {
    this.lastAt = this.now();
    this.gc();
    this.collections++;
    this.highWater = this.heap().totalBytes;
  }

  /** Collects if the heap's slack, or how far it shrank (pooled pages), calls for it; whether it did. */
  check(): boolean {
    const { totalBytes, usedBytes } = this.heap();
    if (totalBytes > this.highWater) this.highWater = totalBytes;
    const slack = totalBytes - usedBytes;
    const slackCalls = slack >= this.options.slackBytes && slack >= usedBytes;
    const { shrinkBytes } = this.options;
    const shrinkCalls = shrinkBytes !== undefined && this.highWater - totalBytes >= shrinkBytes;
    if (!slackCalls && !shrinkCalls) return false;
    const now = this.now();
    if (now - this.lastAt < this.options.minGapMs) return false;
    this.lastAt = now;
    this.gc();
    this.collections++;
    // from here on, a shrink is measured from the heap as the collection left it
    this.highWater = this.heap().totalBytes;
    return true;
  }
}

function heapFigures(): HeapFigures {
  const stats = v8.getHeapStatistics();
  return { totalBytes: stats.total_heap_size, usedBytes: stats.used_heap_size };
}
