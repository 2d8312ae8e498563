import { InfluxDB, escape, type IPoint } from 'influx';
import type { Logger } from 'pino';
import type { SeriesPoint, SeriesQuery, StoredReading, TelemetryStore } from './telemetry-store';

export interface InfluxTelemetryStoreOptions {
  /** `http://[user:password@]host:port/<database>`, i.e. INFLUX_URL. */
  url: string;
  logger?: Logger;
  /** How often start() tries to reach the server before giving up. */
  connectAttempts?: number;
  connectRetryDelayMs?: number;
}

const MEASUREMENT = 'telemetry';
/**
 * Every point carries this field (= 1) so that messages can be counted whatever metrics they
 * hold. Metric names come from profiles and never start with an underscore.
 */
const MESSAGE_FIELD = '_n';
const MAX_POINTS_PER_WRITE = 5_000;
const DEFAULT_LIMIT = 10_000;

interface RawSeries {
  values?: [number, number | null][];
}
interface RawResponse {
  results: { series?: RawSeries[]; error?: string }[];
}

/**
 * InfluxQL string literal. `escape.stringLit` leaves backslashes alone, which InfluxQL then reads
 * as escapes (`\\'` would close the literal early), so escape them first.
 */
function stringLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** TelemetryStore on InfluxDB 1.x: one point per message, tags deviceId/type/region, one float field per metric. */
export class InfluxTelemetryStore implements TelemetryStore {
  readonly backend = 'influxdb' as const;
  private influx: InfluxDB | undefined;
  private database = '';

  constructor(private readonly options: InfluxTelemetryStoreOptions) {}

  async start(): Promise<void> {
    const url = new URL(this.options.url);
    this.database = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ''));
    if (this.database === '' || this.database.includes('/')) {
      throw new Error(`INFLUX_URL must name the database as its path, e.g. http://127.0.0.1:8086/appliances`);
    }
    const influx = new InfluxDB({
      host: url.hostname,
      port: url.port === '' ? (url.protocol === 'https:' ? 443 : 8086) : Number(url.port),
      protocol: url.protocol === 'https:' ? 'https' : 'http',
      username: url.username === '' ? undefined : decodeURIComponent(url.username),
      password: url.password === '' ? undefined : decodeURIComponent(url.password),
      database: this.database,
    });
    const names = await this.withRetry(() => influx.getDatabaseNames());
    if (!names.includes(this.database)) {
      await influx.createDatabase(this.database);
      this.options.logger?.info({ database: this.database }, 'created InfluxDB database');
    }
    this.influx = influx;
  }

  async stop(): Promise<void> {
    // Writes are awaited by their callers and the HTTP client keeps no connection state to release.
    this.influx = undefined;
  }

  async write(readings: StoredReading[]): Promise<void> {
    const influx = this.client();
    for (let offset = 0; offset < readings.length; offset += MAX_POINTS_PER_WRITE) {
      const points: IPoint[] = readings.slice(offset, offset + MAX_POINTS_PER_WRITE).map((reading) => ({
        measurement: MEASUREMENT,
        tags: { deviceId: reading.deviceId, type: reading.type, region: reading.region },
        fields: { ...reading.metrics, [MESSAGE_FIELD]: 1 },
        // Microseconds, with the message's seq in the sub-millisecond digits: InfluxDB keeps one
        // point per series and timestamp, and a device may send two messages in one millisecond.
        timestamp: Math.round(reading.tsMs) * 1000 + ((reading.seq ?? 0) % 1000),
      }));
      await influx.writePoints(points, { precision: 'u' });
    }
  }

  async query(query: SeriesQuery): Promise<SeriesPoint[]> {
    const where =
      `WHERE "deviceId" = ${stringLiteral(query.deviceId)}` +
      ` AND time >= ${Math.ceil(query.fromMs)}ms AND time < ${Math.floor(query.toMs) + 1}ms`;
    const field = escape.quoted(query.metric);
    const measurement = escape.quoted(MEASUREMENT);
    const text =
      query.everyMs === undefined
        ? `SELECT ${field} FROM ${measurement} ${where} ORDER BY time ASC LIMIT ${Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT))}`
        : `SELECT MEAN(${field}) FROM ${measurement} ${where} GROUP BY time(${Math.max(1, Math.round(query.everyMs))}ms) fill(none)`;
    const rows = await this.rawValues(text);
    const points: SeriesPoint[] = [];
    for (const [ts, value] of rows) {
      if (value !== null) points.push({ ts, value });
    }
    return points;
  }

  async count(deviceId?: string): Promise<number> {
    const where = deviceId === undefined ? '' : ` WHERE "deviceId" = ${stringLiteral(deviceId)}`;
    const rows = await this.rawValues(
      `SELECT COUNT(${escape.quoted(MESSAGE_FIELD)}) FROM ${escape.quoted(MEASUREMENT)}${where}`,
    );
    return rows.length === 0 ? 0 : (rows[0][1] ?? 0);
  }

  /** Not known without a query; a replay lands on its own point (same tsMs, same seq % 1000). */
  holdsMessage(): undefined {
    return undefined;
  }

  newestTsMs(): undefined {
    return undefined;
  }

  private async rawValues(text: string): Promise<[number, number | null][]> {
    const response = (await this.client().queryRaw(text, {
      precision: 'ms',
      database: this.database,
    })) as RawResponse;
    const result = response.results[0];
    if (result?.error !== undefined) throw new Error(`InfluxDB query failed: ${result.error}`);
    return result?.series?.[0]?.values ?? [];
  }

  private client(): InfluxDB {
    if (this.influx === undefined)
      throw new Error('InfluxTelemetryStore used before start() or after stop()');
    return this.influx;
  }

  private async withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    const attempts = this.options.connectAttempts ?? 5;
    const delayMs = this.options.connectRetryDelayMs ?? 1_000;
    let lastError: unknown;
    for (let i = 1; i <= attempts; i++) {
      try {
        return await attempt();
      } catch (error) {
        lastError = error;
        this.options.logger?.warn({ err: error, attempt: i, attempts }, 'InfluxDB not reachable yet');
        if (i < attempts) await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
    const reason = lastError instanceof Error ? lastError.message : String(lastError);
    const safeUrl = new URL(this.options.url);
    safeUrl.password = safeUrl.password === '' ? '' : '***';
    throw new Error(
      `cannot reach InfluxDB at INFLUX_URL=${safeUrl.toString()} after ${attempts} attempts: ${reason}`,
      {
        cause: lastError,
      },
    );
  }
}
