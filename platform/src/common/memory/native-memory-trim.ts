/**
 * Gives memory glibc's allocator keeps back to the system.
 *
 * glibc keeps what a burst freed (a fleet's backlog after an outage, a bulk import): its
 * arenas stay resident, and RSS stays ≈ 100 MB higher at 10,000 devices than a process that
 * never had the burst (docs/benchmarks.md, issue 15). `malloc_trim(0)` returns the free pages of
 * every arena at once; nothing in Node calls it, so it is called here through an FFI (koffi, an
 * optional dependency, ADR 0018), on the libuv thread pool so the event loop never waits for it.
 */

/** Calls `malloc_trim(0)` off the event loop; resolves whether glibc returned memory. */
export type MallocTrim = () => Promise<boolean>;

/** glibc's heap (`mallinfo2`, every arena): what is allocated, and what is free but kept. */
export interface NativeHeap {
  /** In use: chunks in the arenas and chunks mapped on their own (uordblks + hblkhd). */
  allocatedBytes: number;
  /** Free in the arenas (fordblks): kept for the next allocations, its pages resident unless a trim gave them back. */
  freeBytes: number;
  /** Of allocatedBytes, the chunks mapped on their own (hblkhd). */
  mappedBytes: number;
}

export interface GlibcMalloc {
  trim: MallocTrim;
  /** Reads `mallinfo2` off the event loop (it takes every arena's lock in turn). */
  heap: () => Promise<NativeHeap>;
  /**
   * Fixes the size from which glibc maps an allocation on its own (`mallopt(M_MMAP_THRESHOLD)`),
   * which stops glibc from raising it; returns whether glibc took it. See MMAP_THRESHOLD_BYTES.
   */
  fixMmapThreshold: (bytes: number) => boolean;
}

/**
 * glibc's initial mmap threshold, kept: without it glibc raises its threshold to the size of each
 * mapped block freed (up to 32 MB), so after the first large buffers (a history's playback: the
 * store's request bodies, the write-ahead log's batches) later ones of up to that size are carved
 * out of the arenas, and the small long-lived allocations made meanwhile leave them full of holes
 * no trim gives back. With it, after 2 hours of history played back to 10,000 devices, the arenas
 * were ≈ 120 MB resident instead of ≈ 150 (docs/benchmarks.md, issue 15's nineteenth round).
 */
export const MMAP_THRESHOLD_BYTES = 128 * 1024;
/** mallopt's parameter for it (malloc.h). */
const M_MMAP_THRESHOLD = -3;

interface Mallinfo2 {
  uordblks: number;
  hblkhd: number;
  fordblks: number;
}
interface KoffiFunction {
  async(...args: unknown[]): void;
}
interface Koffi {
  load(path: string): { func(signature: string): KoffiFunction };
  struct(name: string, fields: Record<string, string>): unknown;
}

/** struct mallinfo2: ten size_t fields, in this order. */
const MALLINFO2_FIELDS = [
  'arena',
  'ordblks',
  'smblks',
  'hblks',
  'hblkhd',
  'usmblks',
  'fsmblks',
  'uordblks',
  'fordblks',
  'keepcost',
];

/**
 * `malloc_trim` and `mallinfo2` of this process's glibc, or why there are none: not Linux with
 * glibc (musl, macOS, Windows keep their own allocators), or koffi not installed.
 */
export function loadGlibcMalloc(
  requireModule: (id: string) => unknown = require,
): GlibcMalloc | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `no glibc on ${process.platform}` };
  let koffi: Koffi;
  try {
    koffi = requireModule('koffi') as Koffi;
  } catch {
    return { unavailable: 'the optional package koffi is not installed' };
  }
  try {
    const libc = koffi.load('libc.so.6');
    const trimFn = libc.func('int malloc_trim(size_t pad)');
    try {
      koffi.struct('mallinfo2', Object.fromEntries(MALLINFO2_FIELDS.map((field) => [field, 'size_t'])));
    } catch {
      // Declared by an earlier load: koffi's types live as long as the process.
    }
    const infoFn = libc.func('mallinfo2 mallinfo2(void)');
    const malloptFn = libc.func('int mallopt(int param, int value)') as unknown as (
      param: number,
      value: number,
    ) => number;
    const trim: MallocTrim = () =>
      new Promise((resolve, reject) =>
        trimFn.async(0, (error: unknown, result: number) =>
          error ? reject(asError(error, 'malloc_trim')) : resolve(result === 1),
        ),
      );
    const heap = (): Promise<NativeHeap> =>
      new Promise((resolve, reject) =>
        infoFn.async((error: unknown, info: Mallinfo2) =>
          error
            ? reject(asError(error, 'mallinfo2'))
            : resolve({
                allocatedBytes: info.uordblks + info.hblkhd,
                freeBytes: info.fordblks,
                mappedBytes: info.hblkhd,
              }),
        ),
      );
    const fixMmapThreshold = (bytes: number): boolean => malloptFn(M_MMAP_THRESHOLD, bytes) === 1;
    return { trim, heap, fixMmapThreshold };
  } catch (error) {
    // musl has no libc.so.6; a glibc older than 2.33 has no mallinfo2. (Asking Node's diagnostic
    // report which C library runs cost a later start 29 MB of RSS that glibc kept: 269 against 240 MB.)
    return { unavailable: `not glibc 2.33 or later (${(error as Error).message})` };
  }
}

function asError(error: unknown, call: string): Error {
  return error instanceof Error ? error : new Error(`${call} failed: ${JSON.stringify(error)}`);
}

export interface TrimResult {
  /** RSS before less RSS after, bytes (negative when other threads allocated meanwhile). */
  releasedBytes: number;
  durationMs: number;
}

export interface NativeMemoryTrimmerOptions {
  trim: MallocTrim;
  intervalMs: number;
  rss?: () => number;
  now?: () => number;
  onTrim?: (result: TrimResult) => void;
  onError?: (error: Error) => void;
}

/** Calls `malloc_trim` every interval, one call at a time; `stop` waits for the one under way. */
export class NativeMemoryTrimmer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<TrimResult | undefined>;
  private readonly rss: () => number;
  private readonly now: () => number;

  constructor(private readonly options: NativeMemoryTrimmerOptions) {
    this.rss = options.rss ?? (() => process.memoryUsage.rss());
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    if (this.timer || this.options.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.trimNow(), this.options.intervalMs);
    this.timer.unref();
  }

  /** One trim now (or the one under way); undefined when it failed (reported to onError). */
  trimNow(): Promise<TrimResult | undefined> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async run(): Promise<TrimResult | undefined> {
    const before = this.rss();
    const started = this.now();
    try {
      await this.options.trim();
    } catch (error) {
      this.options.onError?.(error as Error);
      return undefined;
    }
    const result = { releasedBytes: before - this.rss(), durationMs: this.now() - started };
    this.options.onTrim?.(result);
    return result;
  }
}
