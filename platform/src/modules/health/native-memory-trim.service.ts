import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
  Optional,
} from '@nestjs/common';
import { IsolateHeaps } from '../../common/memory/isolate-heaps';
import { Counter, Gauge, Histogram } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { LOGGER, type Logger } from '../../common/logging/logger';
import {
  loadGlibcMalloc,
  MMAP_THRESHOLD_BYTES,
  NativeMemoryTrimmer,
  type GlibcMalloc,
  type NativeHeap,
  type TrimResult,
} from '../../common/memory/native-memory-trim';
import {
  V8PagePoolRelease,
  v8PoolsFreedPages,
  type PagePoolReleaseResult,
} from '../../common/memory/v8-page-pool';
import { readResidentByKind } from '../../common/memory/v8-page-residency';
import { MetricsService } from './metrics.service';

/**
 * Returns glibc's free memory to the system every MEMORY_TRIM_INTERVAL_MS (0: never), and shows
 * glibc's heap in /metrics: what is allocated (a leak shows there) and what is free but kept (a
 * burst's leftovers show there). Every minute (or that interval, if longer), where V8 keeps the
 * pages its heap freed (Node 24), it empties that pool once the heap has shrunk by 32 MB, and compacts the old
 * generation once it keeps 64 MB of pages unused (V8PagePoolRelease).
 * Once, STARTUP_SETTLE_MS after the start, it does both without waiting for a threshold: loading
 * the modules and opening the stores leave tens of MB free in glibc's arenas and, on Node 24, a
 * heap with more pages than it goes on using (the start-memory benchmark: 323 MB -> about 230).
 */
/**
 * V8's pool is emptied once its heap is this far below its high-water mark: 64 MB left up to 6 KB a
 * device pooled at 10,000 devices (after 9 hours of history the heap came down 36 MB from its
 * high-water mark, which stayed pooled for the whole run; issue 15, twenty-third round).
 */
const PAGE_POOL_THRESHOLD_BYTES = 32 * 1024 * 1024;
/**
 * ... or once V8's pages resident beyond the heap have grown this much past what the last
 * collection left: a compaction pools its emptied pages without the heap's size showing it (65 MB
 * held so for a whole soak, issue 15, eighteenth round).
 */
const PAGE_POOL_RESIDENT_THRESHOLD_BYTES = 32 * 1024 * 1024;
/**
 * ... or once its old generation keeps this much unused: 10,000 devices connecting within seconds
 * left it at 251 to 344 MB of pages for 165–170 MB in use (the soak, issue 15, fifteenth round),
 * where it stayed (25–40 MB unused in the runs without such a burst); at most every 10 minutes (a
 * collection pauses the event loop ≈ 0.3 s at 170 MB live).
 */
const OLD_SLACK_BYTES = 64 * 1024 * 1024;
/**
 * ... or, in every thread, once V8's pages resident beyond every heap are this much, with no
 * collection for PAGE_POOL_POOLED_MIN_GAP_MS (longer while collections give nothing back): after
 * 9 hours of history 69 MB stayed so, under the rules above, for a whole run (issue 15,
 * twenty-third round).
 */
const PAGE_POOL_POOLED_BYTES = 32 * 1024 * 1024;
const PAGE_POOL_POOLED_MIN_GAP_MS = 120_000;
const OLD_SLACK_MIN_GAP_MS = 600_000;
/**
 * The pool's rules are looked at every minute at most, however often glibc is trimmed: after 9
 * hours of history V8 pooled ≈ 90 MB again every minute, and looked at every 15 s the
 * pages-resident rule collected every minute (a last-resort GC, alarms p99 363 ms against 172;
 * issue 15, twenty-first round).
 */
const PAGE_POOL_CHECK_MIN_MS = 60_000;

/** How often V8's page pool is looked at when glibc is trimmed every `trimIntervalMs`. */
export function pagePoolCheckEveryMs(trimIntervalMs: number): number {
  return Math.max(trimIntervalMs, PAGE_POOL_CHECK_MIN_MS);
}
/** When the start's leftovers are given back: after the start, before the first interval's trim. */
const STARTUP_SETTLE_MS = 10_000;

export interface StartupSettleResult {
  /** The last-resort GC's (Node 24 only). */
  pagePool?: PagePoolReleaseResult;
  trim?: TrimResult;
}

@Injectable()
export class NativeMemoryTrimService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private trimmer?: NativeMemoryTrimmer;
  private settleTimer?: NodeJS.Timeout;
  private malloc?: GlibcMalloc;
  private pagePool?: V8PagePoolRelease;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'memoryTrimIntervalMs'>,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly isolateHeaps?: IsolateHeaps,
  ) {}

  onModuleInit(): void {
    this.startPagePoolRelease();
    const loaded = loadGlibcMalloc();
    if ('unavailable' in loaded) {
      this.logger.info({ reason: loaded.unavailable }, 'native memory trim off');
      return;
    }
    this.malloc = loaded;
    const registers = [this.metrics.registry];
    // Each reads mallinfo2 itself (a few microseconds): a scrape collects its gauges concurrently.
    new Gauge({
      name: 'process_native_heap_allocated_bytes',
      help: "glibc's heap in use, every arena (mallinfo2: uordblks + hblkhd)",
      registers,
      async collect() {
        this.set((await loaded.heap()).allocatedBytes);
      },
    });
    new Gauge({
      name: 'process_native_heap_free_bytes',
      help: "glibc's heap free but kept by the allocator, every arena (mallinfo2: fordblks)",
      registers,
      async collect() {
        this.set((await loaded.heap()).freeBytes);
      },
    });
    const intervalMs = this.config.memoryTrimIntervalMs;
    if (intervalMs <= 0) return;
    // glibc's own setting wins where one is given (its environment variable or tunable)
    if (
      process.env.MALLOC_MMAP_THRESHOLD_ === undefined &&
      !/mmap_threshold/.test(process.env.GLIBC_TUNABLES ?? '')
    )
      loaded.fixMmapThreshold(MMAP_THRESHOLD_BYTES);
    const trims = new Counter({
      name: 'process_native_memory_trims_total',
      help: "Calls of glibc's malloc_trim, which returns the allocator's free memory to the system",
      registers,
    });
    const duration = new Histogram({
      name: 'process_native_memory_trim_seconds',
      help: 'Duration of one malloc_trim (on the thread pool, not the event loop)',
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2],
      registers,
    });
    const released = new Gauge({
      name: 'process_native_memory_trim_released_bytes',
      help: 'RSS before less RSS after the last malloc_trim',
      registers,
    });
    this.trimmer = new NativeMemoryTrimmer({
      trim: loaded.trim,
      intervalMs,
      onTrim: (result: TrimResult) => {
        trims.inc();
        duration.observe(result.durationMs / 1000);
        released.set(result.releasedBytes);
        if (result.releasedBytes >= 16 * 1024 * 1024) {
          this.logger.info(
            { releasedMb: Math.round(result.releasedBytes / 1048576), ms: Math.round(result.durationMs) },
            'native memory returned to the system',
          );
        }
      },
      onError: (error) => this.logger.warn({ err: error.message }, 'native memory trim failed'),
    });
    this.trimmer.start();
  }

  /** V8's pooled pages back to the system after the heap shrank (Node 24; none on Node 20's V8). */
  private startPagePoolRelease(): void {
    const intervalMs = this.config.memoryTrimIntervalMs;
    if (intervalMs <= 0 || !v8PoolsFreedPages()) return;
    const registers = [this.metrics.registry];
    const releases = new Counter({
      name: 'process_v8_page_pool_releases_total',
      help: "Last-resort GCs that gave the heap pages V8 pooled back to the system, by what set them off: the heap shrank, V8's pages resident passed the heap's, V8's pages beyond every heap stayed, the old generation kept unused pages, or the start",
      labelNames: ['cause'],
      registers,
    });
    const released = new Gauge({
      name: 'process_v8_page_pool_released_bytes',
      help: 'RSS before less RSS after the last release of V8 pooled pages',
      registers,
    });
    this.pagePool = new V8PagePoolRelease({
      thresholdBytes: PAGE_POOL_THRESHOLD_BYTES,
      residentThresholdBytes: PAGE_POOL_RESIDENT_THRESHOLD_BYTES,
      checkEveryMs: pagePoolCheckEveryMs(intervalMs),
      oldSlackBytes: OLD_SLACK_BYTES,
      slackMinGapMs: OLD_SLACK_MIN_GAP_MS,
      v8PagesResident: async () => (await readResidentByKind())?.v8PagesBytes ?? null,
      otherHeapsCommitted: async () => (await this.isolateHeaps?.committedBytes()) ?? null,
      pooledBytes: PAGE_POOL_POOLED_BYTES,
      pooledMinGapMs: PAGE_POOL_POOLED_MIN_GAP_MS,
      releaseOthers: async () => this.isolateHeaps?.releaseAll(),
      onRelease: (result: PagePoolReleaseResult) => {
        releases.inc({ cause: result.cause });
        released.set(result.releasedBytes);
        this.logger.info(
          {
            cause: result.cause,
            pooledMb: Math.round(result.pooledBytes / 1048576),
            releasedMb: Math.round(result.releasedBytes / 1048576),
            ms: Math.round(result.durationMs),
          },
          "V8's pooled heap pages returned to the system",
        );
      },
    });
    this.pagePool.start();
  }

  onApplicationBootstrap(): void {
    if (this.config.memoryTrimIntervalMs <= 0) return;
    this.settleTimer = setTimeout(() => void this.settleAfterStart(), STARTUP_SETTLE_MS);
    this.settleTimer.unref();
  }

  /**
   * Gives back what the start left: V8's surplus pages (a last-resort GC, Node 24) and then
   * glibc's free memory. Run once by itself after the start; public for tests.
   */
  async settleAfterStart(): Promise<StartupSettleResult> {
    const rssBefore = process.memoryUsage.rss();
    // counted and logged as any release of the pool
    const pagePool = this.pagePool?.releaseNow();
    const trim = await this.trimNow();
    this.logger.info(
      {
        releasedMb: Math.round((rssBefore - process.memoryUsage.rss()) / 1048576),
        rssMb: Math.round(process.memoryUsage.rss() / 1048576),
        gcMs: pagePool && Math.round(pagePool.durationMs),
      },
      "the start's leftover memory returned to the system",
    );
    return { pagePool, trim };
  }

  /** One look at V8's page pool now (benchmarks and tests); undefined when nothing was released. */
  releasePagePoolNow(): PagePoolReleaseResult | undefined {
    return this.pagePool?.check();
  }

  /** glibc's heap now; undefined where it cannot be read (not glibc, no koffi). */
  nativeHeap(): Promise<NativeHeap | undefined> {
    return this.malloc?.heap() ?? Promise.resolve(undefined);
  }

  /** One trim now (benchmarks and tests); undefined when trimming is off or failed. */
  trimNow(): Promise<TrimResult | undefined> {
    return this.trimmer?.trimNow() ?? Promise.resolve(undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.settleTimer);
    this.pagePool?.stop();
    await this.trimmer?.stop();
  }
}
