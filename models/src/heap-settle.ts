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
 * never touched.
 */
export class HeapSettle {
  private timer?: NodeJS.Timeout;
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
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Collects if the heap's slack calls for it; whether it did. */
  check(): boolean {
    const { totalBytes, usedBytes } = this.heap();
    const slack = totalBytes - usedBytes;
    if (slack < this.options.slackBytes || slack < usedBytes) return false;
    const now = this.now();
    if (now - this.lastAt < this.options.minGapMs) return false;
    this.lastAt = now;
    this.gc();
    this.collections++;
    return true;
  }
}

function heapFigures(): HeapFigures {
  const stats = v8.getHeapStatistics();
  return { totalBytes: stats.total_heap_size, usedBytes: stats.used_heap_size };
}
