import v8 from 'node:v8';
import { lastResortGc, v8PoolsFreedPages } from '../../../../contracts/src/last-resort-gc';
import { heapPagesCommitted } from './v8-page-residency';

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
 *
 * A shrink is not the only way into the pool: a compacting GC moves the live objects of sparse
 * pages to other pages and pools the pages it emptied, while the heap's size changes by less than
 * they hold. In a soak at 10,000 devices the old generation's compaction after the connection
 * burst pooled ≈ 100 MB while the heap shrank by 31 MB, under the threshold: it stayed resident for
 * the whole run (docs/benchmarks.md, issue 15, seventeenth round). So, where the process's
 * mappings can be read, every check also weighs V8's pages resident (/proc/self/smaps, read off
 * the event loop) against the pages this heap holds: what is resident beyond them is pooled (this
 * isolate's or another's, a worker's), and once it passes its lowest level by the threshold the
 * pool is emptied. What a collection here cannot give back (another isolate's pool) becomes the
 * new lowest level, so it is not collected for again.
 */

/** The heap's size (every space's pages, used or not). */
export type HeapSize = () => number;

/** A last-resort garbage collection of this thread's heap. */
export type LastResortGc = () => void;

/**
 * What set a release off: the heap shrank from its high-water mark, V8's pages resident passed the
 * heap's, the old generation kept unused pages, or it was asked for (after the start).
 */
export type PagePoolReleaseCause = 'shrink' | 'resident' | 'pooled' | 'slack' | 'requested';

export interface PagePoolReleaseResult {
  cause: PagePoolReleaseCause;
  /**
   * What the pool was taken to hold before the collection: the heap's high-water mark less its
   * size, or V8's pages resident beyond the heap's above their lowest level, the larger.
   */
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
  /**
   * How far V8's pages resident beyond the heap may pass their floor before a collection; the
   * threshold by default. Lower than it may be: the floor is what the last collection left, so a
   * pool that no collection here gives back does not set off one collection after another.
   */
  residentThresholdBytes?: number;
  /** V8's heap pages resident in the process, every isolate's (null where it cannot be read). */
  v8PagesResident?: () => Promise<number | null>;
  /** The pages of V8's kind this heap holds (its spaces but the large-object ones). */
  heapPagesCommitted?: () => number;
  /**
   * The heaps of the process's other isolates (worker threads), whose pages are V8's too: what
   * they hold is not pooled. Without it, a worker's heap that shrank after the floor was read
   * hides as much of this heap's pool: after 9 hours of history, the detection thread's heap went
   * from 59 to 31 MB while this one pooled 36 MB, and 36 − 28 stayed under the threshold for the
   * whole run (issue 15, twenty-third round). Null where they cannot be read.
   */
  otherHeapsCommitted?: () => Promise<number | null>;
  /**
   * Also collect, in this thread and the others (`releaseOthers`), once V8's pages resident beyond
   * every heap are this many bytes, whatever the floor, when no collection was made for
   * `pooledMinGapMs`: a pool can stay under both rules above for good (after 9 hours of history
   * 69 MB did, read in the floor of a collection made during the playback). A collection that
   * leaves as much doubles the gap (up to 30 minutes); one that gives it back sets it back.
   */
  pooledBytes?: number;
  pooledMinGapMs?: number;
  /** Has the other isolates give back their pooled pages (each is reached only from its thread). */
  releaseOthers?: () => Promise<void>;
}

/** The longest the pooled rule waits after collections that gave nothing back. */
const MAX_POOLED_GAP_MS = 30 * 60_000;

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
  /** When the last collection was made, whatever set it off. */
  private lastRelease = -Infinity;
  private pooledGapMs: number;
  /** V8's pages resident beyond every heap, as read after the last collection. */
  private residualUnheld?: number;
  private readonly heapPagesCommitted: () => number;
  /**
   * The lowest level of V8's pages resident beyond this heap's since the last collection: what
   * the collection left (read right after it), or lower where the pool shrank since.
   */
  private unheldFloor = Infinity;
  /** The read of what the last collection left beyond the heap, while it is under way. */
  private residualRead?: Promise<void>;

  constructor(private readonly options: V8PagePoolReleaseOptions) {
    this.heapSize = options.heapSize ?? (() => v8.getHeapStatistics().total_heap_size);
    this.gc = options.gc ?? lastResortGc;
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
    this.now = options.now ?? (() => performance.now());
    this.oldSlack = options.oldSlack ?? oldGenerationSlack;
    this.heapPagesCommitted = options.heapPagesCommitted ?? heapPagesCommitted;
    this.pooledGapMs = options.pooledMinGapMs ?? 0;
  }

  start(): void {
    if (this.sampler) return;
    this.sample();
    this.sampler = setInterval(() => this.sample(), this.options.sampleEveryMs ?? 1000);
    this.sampler.unref();
    this.checker = setInterval(() => void this.checkMeasured(), this.options.checkEveryMs);
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

  /** `check` with V8's pages resident read first, where they can be. */
  async checkMeasured(): Promise<PagePoolReleaseResult | undefined> {
    const [resident, others] = await Promise.all([
      this.options.v8PagesResident ? this.options.v8PagesResident() : null,
      this.otherHeaps(),
    ]);
    const result = this.check(resident ?? undefined, others);
    if (result && this.options.releaseOthers) {
      // the others' pools too, and what is left read again once they gave theirs back
      await this.options.releaseOthers().catch(() => undefined);
      await this.residualRead;
      this.residualRead = this.readResidual();
    }
    await this.residualRead;
    const { pooledBytes: pooledLimit, pooledMinGapMs = 0 } = this.options;
    if (result?.cause === 'pooled' && pooledLimit !== undefined && this.residualUnheld !== undefined) {
      // what the collections left: as much again waits twice as long for the next try
      this.pooledGapMs =
        this.residualUnheld >= pooledLimit
          ? Math.min(Math.max(2 * this.pooledGapMs, pooledMinGapMs), MAX_POOLED_GAP_MS)
          : pooledMinGapMs;
    }
    return result;
  }

  /**
   * Empties the pool if the heap shrank by the threshold since its high-water mark, or if V8's
   * pages resident (`v8PagesResidentBytes`, when given) beyond this heap's passed their lowest
   * level by the threshold, or compacts the old generation if it keeps `oldSlackBytes` unused (not
   * within `slackMinGapMs` of the last time it did), or empties it once the pages beyond every
   * heap are `pooledBytes` with no collection for the pooled rule's gap; what it gave back.
   * `otherHeapsBytes`: the pages the process's other isolates hold, not pooled.
   */
  check(v8PagesResidentBytes?: number, otherHeapsBytes = 0): PagePoolReleaseResult | undefined {
    this.sample();
    const size = this.heapSize();
    const pooledBytes = this.highWater - size;
    if (pooledBytes >= this.options.thresholdBytes) return this.release('shrink', pooledBytes);
    if (v8PagesResidentBytes !== undefined) {
      const unheld = v8PagesResidentBytes - this.heapPagesCommitted() - otherHeapsBytes;
      this.unheldFloor = Math.min(this.unheldFloor, unheld);
      const pooledBeyond = unheld - this.unheldFloor;
      const threshold = this.options.residentThresholdBytes ?? this.options.thresholdBytes;
      if (pooledBeyond >= threshold) return this.release('resident', Math.max(pooledBytes, pooledBeyond));
      const { pooledBytes: pooledLimit } = this.options;
      if (
        pooledLimit !== undefined &&
        unheld >= pooledLimit &&
        this.now() - this.lastRelease >= this.pooledGapMs
      ) {
        return this.release('pooled', unheld);
      }
    }
    const { oldSlackBytes, slackMinGapMs = 0 } = this.options;
    if (oldSlackBytes === undefined || this.now() - this.lastSlackRelease < slackMinGapMs) return undefined;
    if (this.oldSlack() < oldSlackBytes) return undefined;
    this.lastSlackRelease = this.now();
    return this.release('slack', pooledBytes);
  }

  /** What the other isolates' heaps hold (0 where unknown or unread). */
  private async otherHeaps(): Promise<number> {
    try {
      return (await this.options.otherHeapsCommitted?.()) ?? 0;
    } catch {
      return 0;
    }
  }

  /**
   * Empties the pool now, whatever the heap did: once, after the start, whose loading and
   * migrations leave a heap with more pages than it keeps using and pooled pages beside it.
   */
  releaseNow(): PagePoolReleaseResult {
    this.sample();
    return this.release('requested', this.highWater - this.heapSize());
  }

  private release(cause: PagePoolReleaseCause, pooledBytes: number): PagePoolReleaseResult {
    const before = this.rss();
    const started = this.now();
    this.lastRelease = started;
    this.gc();
    const result = {
      cause,
      pooledBytes,
      releasedBytes: before - this.rss(),
      durationMs: this.now() - started,
    };
    // from here on, a shrink is measured from the heap as the collection left it, and the pages
    // resident beyond it from what this collection could not give back (read right after it)
    this.highWater = this.heapSize();
    this.unheldFloor = Infinity;
    this.residualUnheld = undefined;
    this.residualRead = this.readResidual();
    this.options.onRelease?.(result);
    return result;
  }

  /**
   * What the collection left beyond the heap, as the lowest level from here on: read at once, not
   * at the next check, which may come in a burst whose pooled pages would then pass for the floor
   * and hide every later pool below it plus the threshold (a soak kept 65 MB so, issue 15).
   */
  private async readResidual(): Promise<void> {
    if (!this.options.v8PagesResident) return;
    try {
      const [resident, others] = await Promise.all([this.options.v8PagesResident(), this.otherHeaps()]);
      if (resident !== null) {
        const unheld = resident - this.heapPagesCommitted() - others;
        this.unheldFloor = Math.min(this.unheldFloor, unheld);
        this.residualUnheld = unheld;
      }
    } catch {
      // unread: the next check's figure is the floor, as without a reading
    }
  }
}

function oldGenerationSlack(): number {
  const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  return old ? old.space_size - old.space_used_size : 0;
}
