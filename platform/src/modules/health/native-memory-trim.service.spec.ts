import pino from 'pino';
import { DomainEvents } from '../../common/events/domain-events';
import { MetricsService } from './metrics.service';
import { NativeMemoryTrimService } from './native-memory-trim.service';

describe('NativeMemoryTrimService', () => {
  const logger = pino({ level: 'silent' });

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
    } finally {
      await service.onApplicationShutdown();
    }
  });

  it('does nothing with MEMORY_TRIM_INTERVAL_MS=0', async () => {
    const metrics = new MetricsService(new DomainEvents(logger));
    const service = new NativeMemoryTrimService(metrics, { memoryTrimIntervalMs: 0 }, logger);
    service.onModuleInit();
    expect(await service.trimNow()).toBeUndefined();
    expect(await metrics.registry.metrics()).not.toContain('process_native_memory_trims_total');
  });
});
