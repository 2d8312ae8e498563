import path from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedTelemetryStore } from './embedded-telemetry.store';
import type { TelemetryRetention } from '../../common/config/telemetry-retention';
import type { TelemetryStore } from './telemetry-store';

/** InfluxDB when INFLUX_URL is set, else the embedded store under DATA_DIR/telemetry; started. */
export async function openTelemetryStore(options: {
  influxUrl?: string;
  dataDir: string;
  logger: Logger;
  /** Raw / 1-minute / 1-hour retention (docs/retention.md); unset = keep everything. */
  retention?: TelemetryRetention;
  /** The platform's clock, which the embedded store's retention runs on (InfluxDB uses its own). */
  now?: () => number;
}): Promise<TelemetryStore> {
  // The InfluxDB client loads only where it is used.
  const store: TelemetryStore = options.influxUrl
    ? new (await import('./influx-telemetry.store')).InfluxTelemetryStore({
        url: options.influxUrl,
        logger: options.logger,
        retention: options.retention,
      })
    : new EmbeddedTelemetryStore({
        dir: path.join(options.dataDir, 'telemetry'),
        logger: options.logger,
        retention: options.retention,
        now: options.now,
      });
  await store.start();
  return store;
}
