import pino from 'pino';
import { DomainEvents } from '../../common/events/domain-events';
import { v8PoolsFreedPages } from '../../common/memory/v8-page-pool';
import { MetricsService } from './metrics.service';
import { NativeMemoryTrimService, pagePoolCheckEveryMs } from './native-memory-trim.service';

describe('NativeMemoryTrimService', () => {
  const logger = pino({ level: 'silent' });

  it("looks at V8's page pool every minute at most, however often glibc is trimmed", () => {
    // a check every 15 s made its pages-resident rule collect every minute after a long playback
    expect(pagePoolCheckEveryMs(15_000)).toBe(60_000);
    expect(pagePoolCheckEveryMs(60_000)).toBe(60_000);
    expect(pagePoolCheckEveryMs(300_000)).toBe(300_000);
  });

  it('trims on this machine and shows the trims in /metrics', async () => {
    const metrics = new MetricsService(new DomainEvents(logger));
    const service = new NativeMemoryTrimService(metrics, { memoryTrimIntervalMs: 60_000 }, logger);
    service.onModuleInit();
    try {
      expect(await service.trimNow()).toMatchObject({ durationMs: expect.any(Number) });
      const text = await metrics.registry.metrics();
      expect(text).toContain('process_native_memory_trims_total 1');
      expect(text).toMatch(/process_native_memory_trim_seconds_count 1/);
      expect(text).toMatch(/process_native_memory_trim_released_bytes -?\d+/);
      const allocated = Number(/process_native_heap_allocated_bytes (\d+)/.exec(text)?.[1]);
      expect(allocated).toBeGreaterThan(1_000_000);
      expect(allocated).toBeLessThan(process.memoryUsage.rss());
      expect(Number(/process_native_heap_free_bytes (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
      // V8's page pool is watched where V8 keeps one (Node 24), not on Node 20's V8
      expect(text.includes('# TYPE process_v8_page_pool_releases_total counter')).toBe(v8PoolsFreedPages());
    } finally {
      await service.onApplicationShutdown();
    }
  });

  it("gives back the start's leftovers once: a trim, and a last-resort GC where V8 pools pages", async () => {
    const metrics = new MetricsService(new DomainEvents(logger));
    const service = new NativeMemoryTrimService(metrics, { memoryTrimIntervalMs: 60_000 }, logger);
    service.onModuleInit();
    try {
      // what a start leaves: a heap grown by loading, then garbage
      let garbage: number[][] | undefined = Array.from({ length: 2_000 }, () =>
        new Array<number>(4_000).fill(1.5),
      );
      expect(garbage.length).toBe(2_000);
      garbage = undefined;
      const settled = await service.settleAfterStart();
      expect(settled.trim).toMatchObject({ durationMs: expect.any(Number) });
      const text = await metrics.registry.metrics();
      expect(text).toContain('process_native_memory_trims_total 1');
      if (v8PoolsFreedPages()) {
        expect(settled.pagePool?.durationMs).toBeGreaterThan(0);
        expect(text).toContain('process_v8_page_pool_releases_total{cause="requested"} 1');
      } else {
        expect(settled.pagePool).toBeUndefined();
      }
    } finally {
      await service.onApplicationShutdown();
    }
  });

  it('never trims with MEMORY_TRIM_INTERVAL_MS=0, and still shows the native heap', async () => {
    const metrics = new MetricsService(new DomainEvents(logger));
    const service = new NativeMemoryTrimService(metrics, { memoryTrimIntervalMs: 0 }, logger);
    service.onModuleInit();
    expect(await service.trimNow()).toBeUndefined();
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('process_native_memory_trims_total');
    expect(text).toMatch(/process_native_heap_allocated_bytes \d+/);
    expect(await service.nativeHeap()).toMatchObject({ allocatedBytes: expect.any(Number) });
  });
});
