import { lastResortGc } from '../../contracts/src/last-resort-gc';
import { HeapSettle } from './heap-settle';

const MB = 1024 * 1024;

describe('HeapSettle', () => {
  function settle(figures: { totalBytes: number; usedBytes: number }) {
    let clockMs = 0;
    const collected: number[] = [];
    const s = new HeapSettle({
      slackBytes: 16 * MB,
      checkEveryMs: 10_000,
      minGapMs: 60_000,
      heap: () => figures,
      gc: () => {
        collected.push(clockMs);
        // the collection gives the slack back
        figures.totalBytes = figures.usedBytes + 4 * MB;
      },
      now: () => clockMs,
    });
    return { s, collected, figures, advance: (ms: number) => (clockMs += ms) };
  }

  it('collects once the heap holds more unused than used pages, past the threshold, and not again while it stays small', () => {
    const { s, collected, advance } = settle({ totalBytes: 64 * MB, usedBytes: 26 * MB });
    expect(s.check()).toBe(true);
    expect(collected).toEqual([0]);
    advance(10_000);
    expect(s.check()).toBe(false);
    expect(s.count).toBe(1);
  });

  it('leaves a steady heap alone: slack below the used part, or below the threshold', () => {
    expect(settle({ totalBytes: 42 * MB, usedBytes: 36 * MB }).s.check()).toBe(false);
    // more unused than used, but only 10 MB of it
    expect(settle({ totalBytes: 16 * MB, usedBytes: 6 * MB }).s.check()).toBe(false);
  });

  it('waits minGapMs between two collections, however large the slack', () => {
    const { s, collected, figures, advance } = settle({ totalBytes: 100 * MB, usedBytes: 20 * MB });
    expect(s.check()).toBe(true);
    figures.totalBytes = 100 * MB;
    advance(30_000);
    expect(s.check()).toBe(false);
    advance(30_000);
    expect(s.check()).toBe(true);
    expect(collected).toEqual([0, 60_000]);
  });

  it("collects this thread's garbage for real (the last-resort collection it uses)", () => {
    const v8 = jest.requireActual<typeof import('node:v8')>('node:v8');
    // ≈ 40 MB reachable long enough to reach the old generation, then dropped (nothing else may
    // hold them: not even an expect, which keeps what it was given)
    let held: number[][] | undefined = Array.from({ length: 400 }, () => new Array<number>(12_500).fill(1.5));
    const made = held.length;
    const withGarbage = v8.getHeapStatistics().used_heap_size;
    held = undefined;
    lastResortGc();
    const freed = withGarbage - v8.getHeapStatistics().used_heap_size;
    expect(made).toBe(400);
    expect(freed).toBeGreaterThan(30 * MB);
  });
});
