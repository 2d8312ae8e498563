import { FieldType, InfluxDB, escape, type IPoint } from 'influx';
import type { Logger } from 'pino';
import {
  HOUR_MS,
  influxDuration,
  KEEP_FOREVER,
  MINUTE_MS,
  type TelemetryRetention,
} from '../../common/config/telemetry-retention';
import type { SeriesPoint, SeriesQuery, StoredReading, TelemetryStore } from './telemetry-store';

export interface InfluxTelemetryStoreOptions {
  /** `http://[user:password@]host:port/<database>`, i.e. INFLUX_URL. */
  url: string;
  logger?: Logger;
  /** How often start() tries to reach the server before giving up. */
  connectAttempts?: number;
  connectRetryDelayMs?: number;
  /** Raw (the database's default retention policy), 1-minute and 1-hour retention; default: forever. */
  retention?: TelemetryRetention;
  /** The time raw expiry is judged against when routing queries; default Date.now (InfluxDB expires on its own clock). */
  now?: () => number;
}

/** The aggregate levels: retention policy, measurement, bucket width, how far back each CQ run recomputes. */
const LEVELS = [
  { rp: 'telemetry_1m', measurement: 'telemetry_1m', widthMs: MINUTE_MS, every: '1m', resampleFor: '10m' },
  { rp: 'telemetry_1h', measurement: 'telemetry_1h', widthMs: HOUR_MS, every: '1h', resampleFor: '3h' },
] as const;

interface RetentionPolicyRow {
  name: string;
  duration: string;
  default: boolean;
}

/** `720h0m0s` → ms; `0s` (INF) → Infinity. */
function influxDurationMs(text: string): number {
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) {
    ms += Number(amount) * (unit === 'h' ? HOUR_MS : unit === 'm' ? MINUTE_MS : 1_000);
  }
  return ms === 0 ? Infinity : ms;
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
  private readonly retention: TelemetryRetention;
  private readonly now: () => number;
  private aggregatesReady = false;
  /** The database's default retention policy, where raw points are written. */
  private rawPolicy = 'autogen';

  constructor(private readonly options: InfluxTelemetryStoreOptions) {
    this.retention = options.retention ?? KEEP_FOREVER;
    this.now = options.now ?? Date.now;
  }

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
    try {
      await this.applyRetention();
      this.aggregatesReady = true;
    } catch (error) {
      // E.g. a user without admin rights: telemetry still works, raw and kept by the server's policy.
      this.options.logger?.warn(
        { err: error },
        'InfluxDB retention policies / continuous queries not applied; queries read raw points only',
      );
    }
  }

  /**
   * Idempotent: the default retention policy (raw points) gets the raw retention, `telemetry_1m`
   * and `telemetry_1h` are created or altered to theirs, and one continuous query per level writes
   * mean, min, max, count and sum of every metric per device (`GROUP BY time(..), *`) into them.
   */
  private async applyRetention(): Promise<void> {
    const db = escape.quoted(this.database);
    const policies = await this.rows<RetentionPolicyRow>(`SHOW RETENTION POLICIES ON ${db}`);
    this.rawPolicy = policies.find((p) => p.default)?.name ?? 'autogen';
    const wanted = [
      { name: this.rawPolicy, ms: this.retention.rawMs },
      { name: LEVELS[0].rp, ms: this.retention.oneMinuteMs },
      { name: LEVELS[1].rp, ms: this.retention.oneHourMs },
    ];
    for (const { name, ms } of wanted) {
      const existing = policies.find((p) => p.name === name);
      const duration = influxDuration(ms);
      const shard = `SHARD DURATION ${shardDuration(ms)}`;
      if (existing === undefined) {
        await this.exec(
          `CREATE RETENTION POLICY ${escape.quoted(name)} ON ${db} DURATION ${duration} REPLICATION 1 ${shard}`,
        );
      } else if (
        influxDurationMs(existing.duration) !==
        (Number.isFinite(ms) ? Math.round(ms / HOUR_MS) * HOUR_MS : Infinity)
      ) {
        await this.exec(
          `ALTER RETENTION POLICY ${escape.quoted(name)} ON ${db} DURATION ${duration} ${shard}`,
        );
        this.options.logger?.info({ policy: name, duration }, 'InfluxDB retention policy altered');
      }
    }
    const existingQueries = await this.rows<{ name: string; query: string }>(
      'SHOW CONTINUOUS QUERIES',
      this.database,
    );
    for (const level of LEVELS) {
      const text =
        `CREATE CONTINUOUS QUERY ${escape.quoted(level.measurement)} ON ${db} ` +
        `RESAMPLE EVERY ${level.every} FOR ${level.resampleFor} BEGIN ${this.aggregateSelect(level)} ` +
        `GROUP BY time(${level.every}), * END`;
      const existing = existingQueries.find((q) => q.name === level.measurement);
      if (existing !== undefined && normalise(existing.query) === normalise(text)) continue;
      if (existing !== undefined)
        await this.exec(`DROP CONTINUOUS QUERY ${escape.quoted(level.measurement)} ON ${db}`);
      await this.exec(text);
    }
  }

  private aggregateSelect(level: (typeof LEVELS)[number]): string {
    const db = escape.quoted(this.database);
    return (
      `SELECT mean(*), min(*), max(*), count(*), sum(*) ` +
      `INTO ${db}.${escape.quoted(level.rp)}.${escape.quoted(level.measurement)}` +
      ` FROM ${db}.${escape.quoted(this.rawPolicy)}.${escape.quoted(MEASUREMENT)}`
    );
  }

  /**
   * Recomputes the aggregates of [fromMs, toMs] (whole buckets) from the raw points now: what the
   * continuous queries do for the last minutes, for readings that arrive later (a gateway's
   * store-and-forward, an import) or after an outage. Idempotent.
   */
  async downsample(fromMs: number, toMs: number, deviceId?: string): Promise<void> {
    for (const level of LEVELS) {
      const from = Math.floor(fromMs / level.widthMs) * level.widthMs;
      const to = Math.floor(toMs / level.widthMs) * level.widthMs + level.widthMs;
      const device = deviceId === undefined ? '' : ` AND "deviceId" = ${stringLiteral(deviceId)}`;
      await this.exec(
        `${this.aggregateSelect(level)} WHERE time >= ${from}ms AND time < ${to}ms${device} GROUP BY time(${level.every}), *`,
      );
    }
  }

  /** Read-modify-write of the aggregate points of readings past the raw retention (no CQ touches those buckets any more). */
  private async mergeIntoAggregates(readings: StoredReading[]): Promise<void> {
    const db = escape.quoted(this.database);
    for (const level of LEVELS) {
      const groups = new Map<
        string,
        {
          tags: Record<string, string>;
          bucket: number;
          metrics: Map<string, { count: number; sum: number; min: number; max: number }>;
        }
      >();
      for (const reading of readings) {
        const bucket = Math.floor(reading.tsMs / level.widthMs) * level.widthMs;
        const key = JSON.stringify([reading.deviceId, reading.type, reading.region, bucket]);
        let group = groups.get(key);
        if (group === undefined) {
          group = {
            tags: { deviceId: reading.deviceId, type: reading.type, region: reading.region },
            bucket,
            metrics: new Map(),
          };
          groups.set(key, group);
        }
        for (const [metric, value] of Object.entries({ ...reading.metrics, [MESSAGE_FIELD]: 1 })) {
          const agg = group.metrics.get(metric);
          if (agg === undefined) group.metrics.set(metric, { count: 1, sum: value, min: value, max: value });
          else {
            agg.count++;
            agg.sum += value;
            agg.min = Math.min(agg.min, value);
            agg.max = Math.max(agg.max, value);
          }
        }
      }
      const points: IPoint[] = [];
      const fieldTypes: Record<string, FieldType> = {};
      for (const group of groups.values()) {
        const where = Object.entries(group.tags)
          .map(([tag, value]) => `${escape.quoted(tag)} = ${stringLiteral(value)}`)
          .join(' AND ');
        const [existing] = await this.rows<Record<string, number | null>>(
          `SELECT * FROM ${db}.${escape.quoted(level.rp)}.${escape.quoted(level.measurement)} WHERE ${where} AND time = ${group.bucket}ms`,
          this.database,
        );
        const fields: Record<string, number> = {};
        for (const [metric, agg] of group.metrics) {
          const count = agg.count + (existing?.[`count_${metric}`] ?? 0);
          const sum = agg.sum + (existing?.[`sum_${metric}`] ?? 0);
          fields[`count_${metric}`] = count;
          fields[`sum_${metric}`] = sum;
          fields[`mean_${metric}`] = sum / count;
          fields[`min_${metric}`] = Math.min(agg.min, existing?.[`min_${metric}`] ?? Infinity);
          fields[`max_${metric}`] = Math.max(agg.max, existing?.[`max_${metric}`] ?? -Infinity);
          fieldTypes[`count_${metric}`] = FieldType.INTEGER;
          for (const name of ['sum', 'mean', 'min', 'max']) fieldTypes[`${name}_${metric}`] = FieldType.FLOAT;
        }
        points.push({ measurement: level.measurement, tags: group.tags, fields, timestamp: group.bucket });
      }
      // count(*) in the continuous queries writes integers: the same field must stay an integer.
      this.client().addSchema({
        database: this.database,
        measurement: level.measurement,
        tags: ['deviceId', 'type', 'region'],
        fields: fieldTypes,
      });
      await this.client().writePoints(points, { retentionPolicy: level.rp, precision: 'ms' });
    }
  }

  private async exec(text: string): Promise<void> {
    const response = (await this.client().queryRaw(text, { database: this.database })) as RawResponse;
    const error = response.results.find((result) => result.error !== undefined)?.error;
    if (error !== undefined) throw new Error(`InfluxDB statement failed: ${error}: ${text.slice(0, 300)}`);
  }

  private async rows<T>(text: string, database?: string): Promise<T[]> {
    const response = (await this.client().queryRaw(text, { database })) as {
      results: { series?: { name?: string; columns: string[]; values?: unknown[][] }[]; error?: string }[];
    };
    const result = response.results[0];
    if (result?.error !== undefined) throw new Error(`InfluxDB query failed: ${result.error}`);
    const out: T[] = [];
    for (const series of result?.series ?? []) {
      // SHOW CONTINUOUS QUERIES answers one series per database.
      if (
        database !== undefined &&
        series.name !== undefined &&
        series.name !== database &&
        text.startsWith('SHOW CONTINUOUS')
      )
        continue;
      for (const values of series.values ?? []) {
        out.push(Object.fromEntries(series.columns.map((column, i) => [column, values[i]])) as T);
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    // Writes are awaited by their callers and the HTTP client keeps no connection state to release.
    this.influx = undefined;
  }

  async write(all: StoredReading[]): Promise<void> {
    const influx = this.client();
    // InfluxDB refuses points older than the default policy's retention: those readings are
    // merged into the aggregates instead (a gateway's store-and-forward after a long outage).
    const cutoff = this.now() - this.retention.rawMs;
    const late =
      this.aggregatesReady && Number.isFinite(cutoff) ? all.filter((reading) => reading.tsMs < cutoff) : [];
    const readings = late.length === 0 ? all : all.filter((reading) => !(reading.tsMs < cutoff));
    if (late.length > 0) await this.mergeIntoAggregates(late);
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
    const level = this.aggregateLevelFor(query);
    const text =
      level !== undefined
        ? `SELECT SUM(${escape.quoted(`sum_${query.metric}`)}) / SUM(${escape.quoted(`count_${query.metric}`)})` +
          ` FROM ${escape.quoted(this.database)}.${escape.quoted(level.rp)}.${escape.quoted(level.measurement)} ${where}` +
          // Aggregates past their own retention are gone, even before InfluxDB drops their shard.
          ` AND time >= ${this.aggregateCutoffMs(level)}ms` +
          ` GROUP BY time(${Math.round(query.everyMs!)}ms) fill(none)`
        : query.everyMs === undefined
          ? `SELECT ${field} FROM ${measurement} ${where} ORDER BY time ASC LIMIT ${Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT))}`
          : `SELECT MEAN(${field}) FROM ${measurement} ${where} GROUP BY time(${Math.max(1, Math.round(query.everyMs))}ms) fill(none)`;
    const rows = await this.rawValues(text);
    const points: SeriesPoint[] = [];
    for (const [ts, value] of rows) {
      if (value !== null) points.push({ ts, value });
    }
    return points;
  }

  /**
   * The aggregate level a downsampled query reads: when `every` is a whole number of hours (or
   * minutes) and the range reaches back past the raw retention, the 1-hour (1-minute) aggregates,
   * whose sum / count per bucket give the same means as the raw points did. Else the raw points.
   */
  private aggregateLevelFor(query: SeriesQuery): (typeof LEVELS)[number] | undefined {
    if (!this.aggregatesReady || query.everyMs === undefined) return undefined;
    if (!(query.fromMs < this.now() - this.retention.rawMs)) return undefined;
    const everyMs = Math.round(query.everyMs);
    if (everyMs % HOUR_MS === 0) return LEVELS[1];
    if (everyMs % MINUTE_MS === 0) return LEVELS[0];
    return undefined;
  }

  private aggregateCutoffMs(level: (typeof LEVELS)[number]): number {
    const retention = level.widthMs === MINUTE_MS ? this.retention.oneMinuteMs : this.retention.oneHourMs;
    const cutoff = Math.floor((this.now() - retention) / level.widthMs) * level.widthMs;
    return Number.isFinite(cutoff) ? cutoff : 0;
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

/** How SHOW CONTINUOUS QUERIES prints a statement: identifiers unquoted where plain, spacing collapsed. */
function normalise(statement: string): string {
  return statement
    .replace(/"([A-Za-z_][A-Za-z0-9_]*)"/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** InfluxDB's own shard group defaults for a retention: 1 h under 2 days, 1 day under 6 months, else 7 days. */
function shardDuration(retentionMs: number): string {
  if (retentionMs < 2 * 24 * HOUR_MS) return '1h';
  if (retentionMs < 182 * 24 * HOUR_MS) return '1d';
  return '7d';
}
