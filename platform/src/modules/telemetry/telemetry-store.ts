/** One validated telemetry message, ready to store. */
export interface StoredReading {
  deviceId: string;
  type: string;
  region: string;
  tsMs: number;
  /** The device's message sequence number: tells apart two messages stamped the same millisecond. */
  seq?: number;
  metrics: Record<string, number>;
}

export interface SeriesQuery {
  deviceId: string;
  metric: string;
  fromMs: number;
  toMs: number;
  /** Bucket width for downsampling (mean per bucket, bucket start as ts); raw points when absent. */
  everyMs?: number;
  /** Raw points are capped at this many (the earliest first); default 10,000. */
  limit?: number;
}

export interface SeriesPoint {
  ts: number;
  value: number;
}

/**
 * Where telemetry lives. Two backends: InfluxDB (production) and an embedded store under
 * DATA_DIR that needs no server. Both must keep every written reading across a restart once
 * `write` has resolved, and answer the same queries with the same results.
 */
export interface TelemetryStore {
  readonly backend: 'influxdb' | 'embedded';
  start(): Promise<void>;
  /** Flushes anything buffered and releases files / connections. */
  stop(): Promise<void>;
  write(readings: StoredReading[]): Promise<void>;
  query(query: SeriesQuery): Promise<SeriesPoint[]>;
  /** Total readings (messages) stored, for health and tests. */
  count(deviceId?: string): Promise<number>;
}

export const TELEMETRY_STORE = Symbol('TELEMETRY_STORE');
