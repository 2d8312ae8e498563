import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadGlibcMalloc, NativeMemoryTrimmer, type MallocTrim } from './native-memory-trim';

interface Libc {
  malloc: (bytes: number) => unknown;
  free: (pointer: unknown) => void;
  memset: (pointer: unknown, value: number, bytes: number) => unknown;
}

function libc(): Libc {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as {
    load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
  };
  const lib = koffi.load('libc.so.6');
  return {
    malloc: lib.func('void *malloc(size_t bytes)'),
    free: lib.func('void free(void *pointer)'),
    memset: lib.func('void *memset(void *pointer, int value, size_t bytes)'),
  };
}

const MB = 1024 * 1024;
const COMPILED = path.resolve(__dirname, '../../../../dist/platform/src/common/memory/native-memory-trim.js');

/**
 * In a new node: an 8 MB block (mapped on its own) allocated and freed, which makes glibc take
 * blocks of up to that size from its arenas from then on, unless the threshold was fixed first;
 * then whether blocks of 4 MB and 256 KB are mapped on their own (glibc's mapped bytes grow by
 * them while they are held), each after a trim, so that the arena's top has no room for them.
 */
function mappedAfterLargeFree(how: 'plain' | 'fixed'): {
  fixed: boolean;
  mapped4Mb: boolean;
  mapped256Kb: boolean;
} {
  const script = `
const { loadGlibcMalloc, MMAP_THRESHOLD_BYTES } = require(${JSON.stringify(COMPILED)});
const koffi = require('koffi');
const lib = koffi.load('libc.so.6');
const malloc = lib.func('void *malloc(size_t bytes)');
const free = lib.func('void free(void *pointer)');
const trim = lib.func('int malloc_trim(size_t pad)');
const glibc = loadGlibcMalloc();
const fixed = ${how === 'fixed'} && glibc.fixMmapThreshold(MMAP_THRESHOLD_BYTES);
free(malloc(8 * 1024 * 1024));
const mapped = async (bytes) => {
  trim(0);
  const before = (await glibc.heap()).mappedBytes;
  const block = malloc(bytes);
  const held = (await glibc.heap()).mappedBytes;
  free(block);
  return held - before >= bytes;
};
(async () => {
  const mapped4Mb = await mapped(4 * 1024 * 1024);
  const mapped256Kb = await mapped(256 * 1024);
  console.log(JSON.stringify({ fixed, mapped4Mb, mapped256Kb }));
})();
`;
  const out = execFileSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../../../..'),
  });
  return JSON.parse(out.trim()) as { fixed: boolean; mapped4Mb: boolean; mapped256Kb: boolean };
}

describe('loadGlibcMalloc', () => {
  it('returns to the system what glibc kept after a burst of allocations was freed', async () => {
    const loaded = loadGlibcMalloc();
    if (!('trim' in loaded)) throw new Error(`expected malloc_trim on this machine: ${loaded.unavailable}`);
    const { malloc, free, memset } = libc();
    // 80 MB in 1 KB blocks, written so they are resident, then one block kept above them: freed,
    // they are not at the top of the heap, so glibc keeps them.
    const blocks = Array.from({ length: 80 * 1024 }, () => {
      const block = malloc(1024);
      memset(block, 1, 1024);
      return block;
    });
    const pin = malloc(1024);
    const allocated = await loaded.heap();
    for (const block of blocks) free(block);
    const freed = await loaded.heap();
    // glibc's own account: 80 MB no longer in use, and free but kept.
    expect(allocated.allocatedBytes - freed.allocatedBytes).toBeGreaterThan(75 * MB);
    expect(freed.freeBytes - allocated.freeBytes).toBeGreaterThan(75 * MB);
    const kept = process.memoryUsage.rss();
    const trimmer = new NativeMemoryTrimmer({ trim: loaded.trim, intervalMs: 0 });
    const result = await trimmer.trimNow();
    free(pin);

    expect(result?.releasedBytes).toBeGreaterThan(60 * MB);
    expect(process.memoryUsage.rss()).toBeLessThan(kept - 60 * MB);
  });

  // the compiled module (npm test builds before jest), in a node of its own: what glibc takes from
  // its arenas depends on what the process allocated and freed before
  it('fixes the size from which glibc maps a block on its own: a large block freed no longer raises it', () => {
    expect(mappedAfterLargeFree('plain')).toEqual({ fixed: false, mapped4Mb: false, mapped256Kb: false });
    expect(mappedAfterLargeFree('fixed')).toEqual({ fixed: true, mapped4Mb: true, mapped256Kb: true });
  });

  it('says why when koffi is missing', () => {
    const loaded = loadGlibcMalloc(() => {
      throw new Error('Cannot find module koffi');
    });
    expect(loaded).toEqual({ unavailable: 'the optional package koffi is not installed' });
  });
});

describe('NativeMemoryTrimmer', () => {
  function gate(): { trim: MallocTrim; calls: () => number; release: (error?: Error) => void } {
    let calls = 0;
    let settle: ((error?: Error) => void) | undefined;
    return {
      trim: () =>
        new Promise<boolean>((resolve, reject) => {
          calls++;
          settle = (error) => (error ? reject(error) : resolve(true));
        }),
      calls: () => calls,
      release: (error) => settle?.(error),
    };
  }

  it('runs one trim at a time and reports what it released and how long it took', async () => {
    const g = gate();
    let rss = 500 * MB;
    let clock = 0;
    const seen: unknown[] = [];
    const trimmer = new NativeMemoryTrimmer({
      trim: g.trim,
      intervalMs: 0,
      rss: () => rss,
      now: () => clock,
      onTrim: (result) => seen.push(result),
    });
    const first = trimmer.trimNow();
    const second = trimmer.trimNow();
    rss -= 100 * MB;
    clock += 12;
    g.release();

    expect(await first).toEqual({ releasedBytes: 100 * MB, durationMs: 12 });
    expect(await second).toEqual({ releasedBytes: 100 * MB, durationMs: 12 });
    expect(g.calls()).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('reports a failed trim and trims again next time', async () => {
    const g = gate();
    const errors: string[] = [];
    const trimmer = new NativeMemoryTrimmer({
      trim: g.trim,
      intervalMs: 0,
      onError: (e) => errors.push(e.message),
    });
    const failed = trimmer.trimNow();
    g.release(new Error('no libc'));
    expect(await failed).toBeUndefined();
    expect(errors).toEqual(['no libc']);

    const next = trimmer.trimNow();
    g.release();
    expect(await next).toBeDefined();
    expect(g.calls()).toBe(2);
  });

  it('trims every interval once started, and stop waits for the trim under way', async () => {
    jest.useFakeTimers();
    try {
      const g = gate();
      const trimmer = new NativeMemoryTrimmer({ trim: g.trim, intervalMs: 60_000 });
      trimmer.start();
      jest.advanceTimersByTime(59_999);
      expect(g.calls()).toBe(0);
      jest.advanceTimersByTime(1);
      expect(g.calls()).toBe(1);

      let stopped = false;
      const stopping = trimmer.stop().then(() => (stopped = true));
      await Promise.resolve();
      expect(stopped).toBe(false);
      g.release();
      await stopping;
      expect(stopped).toBe(true);
      jest.advanceTimersByTime(120_000);
      expect(g.calls()).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
