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
  /**
   * For ingest's replay check, on its hot path, so answered from memory: whether a message of
   * the device with this `tsMs` and `seq` is stored (a message is known by `tsMs` and
   * `seq % 1000`, as InfluxDB knows its point). `undefined` when the store cannot tell without a
   * round trip; InfluxDB then overwrites the point with itself, so a replay is still stored once.
   */
  holdsMessage(deviceId: string, tsMs: number, seq: number): boolean | undefined;
  /** The newest `tsMs` stored for the device, from memory; `undefined` when none or not known at once. */
  newestTsMs(deviceId: string): number | undefined;
}

export const TELEMETRY_STORE = Symbol('TELEMETRY_STORE');
