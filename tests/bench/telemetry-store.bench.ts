import type { StoredReading, TelemetryStore } from '../../platform/src/modules/telemetry/telemetry-store';

export interface TelemetryStoreBenchOptions {
  devices: number;
  messages: number;
  metricsPerMessage: number;
  /** Messages per write() call, as the ingest pipeline would batch them; default 1,000. */
  batchSize?: number;
}

export interface TelemetryStoreBenchResult {
  name: string;
  backend: TelemetryStore['backend'];
  messages: number;
  seconds: number;
  messagesPerS: number;
  valuesPerS: number;
}

/**
 * Write throughput of a started TelemetryStore: `messages` readings spread round-robin over
 * `devices`, one second apart per device, each with `metricsPerMessage` metrics. Readings are
 * built before the clock starts so only the store is measured.
 */
export async function benchTelemetryStore(
  store: TelemetryStore,
  options: TelemetryStoreBenchOptions,
): Promise<TelemetryStoreBenchResult> {
  const batchSize = options.batchSize ?? 1_000;
  const metricNames = Array.from({ length: options.metricsPerMessage }, (_, i) => `metric${i}`);
  const startMs = Date.UTC(2026, 0, 1);
  const batches: StoredReading[][] = [];
  for (let offset = 0; offset < options.messages; offset += batchSize) {
    const batch: StoredReading[] = [];
    for (let i = offset; i < Math.min(options.messages, offset + batchSize); i++) {
      const device = i % options.devices;
      const metrics: Record<string, number> = {};
      for (let m = 0; m < metricNames.length; m++) metrics[metricNames[m]] = Math.sin(i + m) * 100;
      batch.push({
        deviceId: `bench-device-${device}`,
        type: 'washer',
        region: `region-${device % 4}`,
        tsMs: startMs + Math.floor(i / options.devices) * 1_000,
        metrics,
      });
    }
    batches.push(batch);
  }
  const started = process.hrtime.bigint();
  for (const batch of batches) await store.write(batch);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    name: `telemetry-store-write-${store.backend}`,
    backend: store.backend,
    messages: options.messages,
    seconds,
    messagesPerS: options.messages / seconds,
    valuesPerS: (options.messages * options.metricsPerMessage) / seconds,
  };
}
