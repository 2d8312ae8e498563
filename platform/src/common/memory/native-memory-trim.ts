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

interface KoffiFunction {
  async(pad: number, callback: (error: unknown, result: number) => void): void;
}
interface Koffi {
  load(path: string): { func(signature: string): KoffiFunction };
}

/**
 * `malloc_trim` of this process's glibc, or why there is none: not Linux with glibc (musl,
 * macOS, Windows keep their own allocators), or koffi not installed.
 */
export function loadMallocTrim(
  requireModule: (id: string) => unknown = require,
): { trim: MallocTrim } | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `no glibc on ${process.platform}` };
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)
    ?.header;
  if (!header?.glibcVersionRuntime) return { unavailable: 'the C library is not glibc' };
  let koffi: Koffi;
  try {
    koffi = requireModule('koffi') as Koffi;
  } catch {
    return { unavailable: 'the optional package koffi is not installed' };
  }
  try {
    const fn = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)');
    const trim: MallocTrim = () =>
      new Promise((resolve, reject) =>
        fn.async(0, (error, result) =>
          error
            ? reject(
                error instanceof Error ? error : new Error(`malloc_trim failed: ${JSON.stringify(error)}`),
              )
            : resolve(result === 1),
        ),
      );
    return { trim };
  } catch (error) {
    return { unavailable: `libc.so.6 has no malloc_trim (${(error as Error).message})` };
  }
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
