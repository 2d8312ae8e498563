import path from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedTelemetryStore } from './embedded-telemetry.store';
import { InfluxTelemetryStore } from './influx-telemetry.store';
import type { TelemetryStore } from './telemetry-store';

/** InfluxDB when INFLUX_URL is set, else the embedded store under DATA_DIR/telemetry; started. */
export async function openTelemetryStore(options: {
  influxUrl?: string;
  dataDir: string;
  logger: Logger;
}): Promise<TelemetryStore> {
  const store: TelemetryStore = options.influxUrl
    ? new InfluxTelemetryStore({ url: options.influxUrl, logger: options.logger })
    : new EmbeddedTelemetryStore({ dir: path.join(options.dataDir, 'telemetry'), logger: options.logger });
  await store.start();
  return store;
}
