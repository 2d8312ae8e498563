import { mkdir, open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  HOUR_MS,
  KEEP_FOREVER,
  MINUTE_MS,
  type TelemetryRetention,
} from '../../common/config/telemetry-retention';
import { Rollup } from './telemetry-rollup';
import type { SeriesPoint, SeriesQuery, StoredReading, TelemetryStore } from './telemetry-store';

export interface EmbeddedTelemetryStoreOptions {
  /** Directory holding the segments and the series catalogue (created when missing). */
  dir: string;
  logger?: Logger;
  /** How often written data is fsynced; a process crash loses nothing either way, a power cut at most this much. */
  flushIntervalMs?: number;
  /** A segment file is closed and a new one begun past this size. */
  maxSegmentBytes?: number;
  /** How long raw readings and the 1-minute / 1-hour aggregates are kept; default: forever. */
  retention?: TelemetryRetention;
  /** The time retention is measured against (the platform's Clock); default Date.now. */
  now?: () => number;
  /** How often the retention job runs (prunes raw and aggregates past their retention); default 1 min. */
  pruneIntervalMs?: number;
}

/**
 * On disk: `series.jsonl` (one line per series: id → deviceId, metric, type, region), then
 * `telemetry-<n>.seg` files of fixed 20-byte little-endian records (u32 series ref, f64 time,
 * f64 value). Bit 31 of the series ref marks the first record of a message, so messages are
 * counted without storing anything extra. The time is the message's tsMs plus
 * `(seq % 1000) / 1000`: the seq rides in the thousandths of a millisecond, as the InfluxDB store
 * writes it in the microseconds, so that a replayed message is recognised after a restart too.
 * Segments written before that carry whole milliseconds, read as seq % 1000 = 0. Fixed-size
 * records make a torn tail after a crash trivially detectable: whatever does not fill a whole
 * record is dropped at start.
 */
const RECORD_BYTES = 20;
const MESSAGE_START_FLAG = 0x8000_0000;
const SERIES_ID_MASK = 0x7fff_ffff;
const CATALOGUE_FILE = 'series.jsonl';
const SEGMENT_PATTERN = /^telemetry-(\d{6,})\.seg$/;
const DEFAULT_LIMIT = 10_000;
const INITIAL_SERIES_CAPACITY = 16;
/** Messages without metrics still count: they are stored as one record on this reserved metric (names are never empty). */
const EMPTY_MESSAGE_METRIC = '';
const SEQ_RESIDUES = 1000;
/** Past this many out-of-order points a series is sorted before a replay lookup, rather than scanned. */
const MAX_UNSORTED_SCAN = 1024;
/** Bit 15 of a point's seqResidues entry: the point is its message's first record (messages are counted by it). */
const MESSAGE_POINT_FLAG = 0x8000;
const RESIDUE_MASK = 0x3ff;
/**
 * `rollups.bin`: fixed 48-byte records (u32 series id, u32 level 0 = 1 min / 1 = 1 h, f64 bucket
 * start, f64 count, f64 sum, f64 min, f64 max), merged additively at start. The first record
 * (series id 0xffffffff) holds the raw horizon: every raw record older than it has been folded
 * into this file and is skipped when segments are read. Rewritten whole (temp file + rename) when
 * the retention job moves the horizon; readings written later than the horizon allows are
 * appended here as one-reading aggregates.
 */
const ROLLUP_FILE = 'rollups.bin';
const ROLLUP_RECORD_BYTES = 48;
const ROLLUP_HEADER_ID = 0xffff_ffff;

interface DeviceState {
  messages: number;
  newestTsMs: number;
  series: Map<string, Series>;
}

interface Series {
  id: number;
  device: DeviceState;
  ts: Float64Array;
  values: Float64Array;
  /** seq % 1000 of the message each point came with. */
  seqResidues: Uint16Array;
  length: number;
  /** Points [0, sortedLength) are in ts order; later ones arrived out of order and are merged on the next read. */
  sortedLength: number;
  /** 1-minute and 1-hour aggregates (absent on the reserved metric of messages without metrics). */
  rollups?: [Rollup, Rollup];
}

interface CatalogueEntry {
  id: number;
  deviceId: string;
  metric: string;
  type: string;
  region: string;
}

interface WriteJob {
  records: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function seqResidue(seq: number | undefined): number {
  if (seq === undefined) return 0;
  return ((Math.round(seq) % SEQ_RESIDUES) + SEQ_RESIDUES) % SEQ_RESIDUES;
}

/**
 * A record's time: whole tsMs plus seq % 1000 thousandths. Exact to read back while a double
 * resolves a thousandth of a millisecond below 2^43 ms (the year 2248).
 */
function recordTime(tsMs: number, seq: number | undefined): number {
  return tsMs + seqResidue(seq) / SEQ_RESIDUES;
}

function writeRollupRecord(
  buffer: Buffer,
  offset: number,
  seriesId: number,
  level: number,
  start: number,
  count: number,
  sum: number,
  min: number,
  max: number,
): void {
  buffer.writeUInt32LE(seriesId, offset);
  buffer.writeUInt32LE(level, offset + 4);
  buffer.writeDoubleLE(start, offset + 8);
  buffer.writeDoubleLE(count, offset + 16);
  buffer.writeDoubleLE(sum, offset + 24);
  buffer.writeDoubleLE(min, offset + 32);
  buffer.writeDoubleLE(max, offset + 40);
}

function segmentName(index: number): string {
  return `telemetry-${String(index).padStart(6, '0')}.seg`;
}

/** First index whose ts is >= target. */
function lowerBound(ts: Float64Array, length: number, target: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose ts is > target. */
function upperBound(ts: Float64Array, length: number, target: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** TelemetryStore that needs no server: an append-only log on disk, an in-memory index per series. */
export class EmbeddedTelemetryStore implements TelemetryStore {
  readonly backend = 'embedded' as const;
  private readonly devices = new Map<string, DeviceState>();
  private readonly seriesById: Series[] = [];
  private unpersistedCatalogue: string[] = [];
  private catalogueHandle: FileHandle | undefined;
  private segmentHandle: FileHandle | undefined;
  private segmentIndex = 0;
  private segmentBytes = 0;
  private queue: WriteJob[] = [];
  private draining = false;
  private drainDone: Promise<void> = Promise.resolve();
  private unsyncedWrites = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private state: 'new' | 'started' | 'stopped' = 'new';
  private readonly retention: TelemetryRetention;
  private readonly now: () => number;
  /** Raw readings older than this were folded into the rollup file and pruned. */
  private rawHorizonMs = -Infinity;
  private rollupHandle: FileHandle | undefined;
  /** Newest record time per closed or open segment, to delete whole segments past the raw horizon. */
  private readonly segmentNewestMs = new Map<number, number>();
  private pruneTimer: NodeJS.Timeout | undefined;
  /** Serialises appends, index updates and the retention job. */
  private locked: Promise<void> = Promise.resolve();

  constructor(private readonly options: EmbeddedTelemetryStoreOptions) {
    this.retention = options.retention ?? KEEP_FOREVER;
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('EmbeddedTelemetryStore can be started once');
    await mkdir(this.options.dir, { recursive: true });
    await this.loadCatalogue();
    await this.loadRollups();
    await this.loadSegments();
    this.state = 'started';
    const flushIntervalMs = this.options.flushIntervalMs ?? 1_000;
    this.syncTimer = setInterval(() => {
      this.syncing = this.syncing
        .then(() => this.syncSegment())
        .catch((error: unknown) => {
          this.options.logger?.error({ err: error }, 'telemetry fsync failed');
        });
    }, flushIntervalMs);
    this.syncTimer.unref();
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: unknown) => {
        this.options.logger?.error({ err: error }, 'telemetry retention job failed');
      });
    }, this.options.pruneIntervalMs ?? 60_000);
    this.pruneTimer.unref();
    await this.prune();
  }

  async stop(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'stopped';
    clearInterval(this.syncTimer);
    clearInterval(this.pruneTimer);
    await this.drainDone;
    await this.locked;
    await this.syncing;
    await this.syncSegment();
    await this.segmentHandle?.close();
    await this.catalogueHandle?.close();
    await this.rollupHandle?.close();
    this.rollupHandle = undefined;
    this.segmentHandle = undefined;
    this.catalogueHandle = undefined;
  }

  /** Resolves once the readings are in the log file (page cache) and visible to queries. */
  write(readings: StoredReading[]): Promise<void> {
    if (this.state !== 'started') {
      return Promise.reject(new Error('EmbeddedTelemetryStore used before start() or after stop()'));
    }
    if (readings.length === 0) return Promise.resolve();
    const records = this.encode(readings);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        this.drainDone = this.drain();
      }
    });
  }

  async query(query: SeriesQuery): Promise<SeriesPoint[]> {
    const series = this.devices.get(query.deviceId)?.series.get(query.metric);
    if (series === undefined || query.metric === EMPTY_MESSAGE_METRIC) return [];
    this.ensureSorted(series);
    const { ts, values } = series;
    // Raw readings past their retention are gone for queries even before the job prunes them.
    const rawFromMs = Math.max(Math.ceil(query.fromMs), this.rawCutoffMs());
    const toMs = Math.floor(query.toMs);
    const rawIndex = (fromMs: number, toMsInclusive: number): [number, number] => [
      lowerBound(ts, series.length, Math.max(fromMs, rawFromMs)),
      upperBound(ts, series.length, toMsInclusive),
    ];
    const points: SeriesPoint[] = [];
    if (query.everyMs === undefined) {
      const [from, to] = rawIndex(rawFromMs, toMs);
      const end = Math.min(to, from + Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)));
      for (let i = from; i < end; i++) points.push({ ts: ts[i], value: values[i] });
      return points;
    }
    // Buckets start at epoch multiples of everyMs, as InfluxDB's GROUP BY time() does.
    const everyMs = Math.max(1, Math.round(query.everyMs));
    let bucket = Number.NaN;
    let sum = 0;
    let n = 0;
    const add = (time: number, valueSum: number, count: number): void => {
      const start = Math.floor(time / everyMs) * everyMs;
      if (start !== bucket) {
        if (n > 0) points.push({ ts: bucket, value: sum / n });
        bucket = start;
        sum = 0;
        n = 0;
      }
      sum += valueSum;
      n += count;
    };
    const addRaw = (fromMs: number, toMsInclusive: number): void => {
      const [from, to] = rawIndex(fromMs, toMsInclusive);
      for (let i = from; i < to; i++) add(ts[i], values[i], 1);
    };
    // An `every` that is a whole number of hours (or minutes) is answered from the 1-hour (1-minute)
    // aggregates: sum / count per bucket, the same means as from the raw readings. The partial
    // aggregate buckets at the edges of the range come from raw readings while they are kept.
    const level: 0 | 1 | undefined = everyMs % HOUR_MS === 0 ? 1 : everyMs % MINUTE_MS === 0 ? 0 : undefined;
    const rollup = level === undefined ? undefined : series.rollups?.[level];
    if (rollup === undefined) {
      addRaw(rawFromMs, toMs);
    } else {
      const width = rollup.widthMs;
      const rawCutoff = this.rawCutoffMs();
      const fromMs = Math.ceil(query.fromMs);
      let innerFrom = Math.ceil(fromMs / width) * width;
      let innerTo = Math.floor((toMs + 1) / width) * width; // exclusive
      if (innerFrom > innerTo) innerTo = innerFrom;
      // An edge whose raw readings are gone is answered by its whole aggregate bucket.
      if (innerFrom > fromMs && fromMs < rawCutoff) innerFrom -= width;
      if (innerTo <= toMs && innerTo < rawCutoff) innerTo += width;
      addRaw(fromMs, Math.min(toMs, innerFrom - 1));
      const aggregateFrom = Math.max(innerFrom, this.rollupCutoffMs(level ?? 0));
      for (let i = rollup.lowerBound(aggregateFrom); i < rollup.length && rollup.start(i) < innerTo; i++) {
        add(rollup.start(i), rollup.sum(i), rollup.count(i));
      }
      if (innerTo <= toMs) addRaw(Math.max(innerTo, fromMs), toMs);
    }
    if (n > 0) points.push({ ts: bucket, value: sum / n });
    return points;
  }

  /** Runs the retention job now: prunes raw readings and aggregates past their retention. */
  prune(): Promise<void> {
    return this.withLock(() => this.pruneLocked());
  }

  /** Raw readings older than this are past their retention. */
  private rawCutoffMs(): number {
    return Math.max(this.rawHorizonMs, this.now() - this.retention.rawMs);
  }

  private rollupCutoffMs(level: number): number {
    const retention = level === 0 ? this.retention.oneMinuteMs : this.retention.oneHourMs;
    const width = level === 0 ? MINUTE_MS : HOUR_MS;
    return Math.floor((this.now() - retention) / width) * width;
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.locked.then(fn);
    this.locked = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async pruneLocked(): Promise<void> {
    if (this.state !== 'started') return;
    const now = this.now();
    for (const series of this.seriesById) {
      series.rollups?.[0].dropBefore(this.rollupCutoffMs(0));
      series.rollups?.[1].dropBefore(this.rollupCutoffMs(1));
    }
    // The horizon moves by whole hours, so no aggregate bucket straddles it.
    const horizon = Math.floor((now - this.retention.rawMs) / HOUR_MS) * HOUR_MS;
    if (horizon > this.rawHorizonMs) {
      await this.writeRollupSnapshot(horizon);
      this.rawHorizonMs = horizon;
      let pruned = 0;
      for (const series of this.seriesById) pruned += this.dropRawBefore(series, horizon);
      this.options.logger?.info(
        { horizon: new Date(horizon).toISOString(), points: pruned },
        'telemetry raw readings past retention pruned',
      );
    }
    for (const [index, newest] of this.segmentNewestMs) {
      if (newest < this.rawHorizonMs && !(index === this.segmentIndex && this.segmentHandle !== undefined)) {
        await unlink(join(this.options.dir, segmentName(index))).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        });
        this.segmentNewestMs.delete(index);
      }
    }
  }

  private dropRawBefore(series: Series, horizon: number): number {
    this.ensureSorted(series);
    const n = lowerBound(series.ts, series.length, horizon);
    if (n === 0) return 0;
    for (let i = 0; i < n; i++) {
      if (series.seqResidues[i] & MESSAGE_POINT_FLAG) series.device.messages--;
    }
    const keep = series.length - n;
    const capacity = Math.max(INITIAL_SERIES_CAPACITY, Math.ceil(keep * 1.5));
    const shrink = capacity < series.ts.length / 2;
    const ts = shrink ? new Float64Array(capacity) : series.ts;
    const values = shrink ? new Float64Array(capacity) : series.values;
    const residues = shrink ? new Uint16Array(capacity) : series.seqResidues;
    ts.set(series.ts.subarray(n, series.length));
    values.set(series.values.subarray(n, series.length));
    residues.set(series.seqResidues.subarray(n, series.length));
    series.ts = ts;
    series.values = values;
    series.seqResidues = residues;
    series.length = keep;
    series.sortedLength = keep;
    return n;
  }

  /** Every aggregate bucket older than the new horizon, to a temp file renamed over rollups.bin. */
  private async writeRollupSnapshot(horizon: number): Promise<void> {
    const chunks: Buffer[] = [];
    const header = Buffer.alloc(ROLLUP_RECORD_BYTES);
    header.writeUInt32LE(ROLLUP_HEADER_ID, 0);
    header.writeDoubleLE(horizon, 8);
    chunks.push(header);
    for (const series of this.seriesById) {
      if (series.rollups === undefined) continue;
      for (let level = 0; level < 2; level++) {
        const rollup = series.rollups[level];
        const end = rollup.lowerBound(horizon);
        if (end === 0) continue;
        const buffer = Buffer.allocUnsafe(end * ROLLUP_RECORD_BYTES);
        for (let i = 0; i < end; i++) {
          writeRollupRecord(
            buffer,
            i * ROLLUP_RECORD_BYTES,
            series.id,
            level,
            rollup.start(i),
            rollup.count(i),
            rollup.sum(i),
            rollup.min(i),
            rollup.max(i),
          );
        }
        chunks.push(buffer);
      }
    }
    const path = join(this.options.dir, ROLLUP_FILE);
    const temp = `${path}.tmp`;
    const handle = await open(temp, 'w');
    try {
      for (const chunk of chunks) await this.writeFully(handle, chunk);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await this.rollupHandle?.close();
    this.rollupHandle = undefined;
    await rename(temp, path);
  }

  private splitPastHorizon(records: Buffer): [Buffer, Buffer | undefined] {
    const horizon = this.rawHorizonMs;
    if (horizon === -Infinity) return [records, undefined];
    let late = 0;
    for (let offset = 4; offset < records.length; offset += RECORD_BYTES) {
      if (records.readDoubleLE(offset) < horizon) late++;
    }
    if (late === 0) return [records, undefined];
    const raw = Buffer.allocUnsafe(records.length - late * RECORD_BYTES);
    const rollups = Buffer.allocUnsafe(late * 2 * ROLLUP_RECORD_BYTES);
    let rawOffset = 0;
    let rollupOffset = 0;
    for (let offset = 0; offset < records.length; offset += RECORD_BYTES) {
      const time = records.readDoubleLE(offset + 4);
      if (time >= horizon) {
        records.copy(raw, rawOffset, offset, offset + RECORD_BYTES);
        rawOffset += RECORD_BYTES;
        continue;
      }
      const id = records.readUInt32LE(offset) & SERIES_ID_MASK;
      const value = records.readDoubleLE(offset + 12);
      const ts = Math.floor(time);
      for (let level = 0; level < 2; level++) {
        const width = level === 0 ? MINUTE_MS : HOUR_MS;
        writeRollupRecord(
          rollups,
          rollupOffset,
          id,
          level,
          Math.floor(ts / width) * width,
          1,
          value,
          value,
          value,
        );
        rollupOffset += ROLLUP_RECORD_BYTES;
      }
    }
    return [raw, rollups];
  }

  private applyRollups(records: Buffer): void {
    for (let offset = 0; offset + ROLLUP_RECORD_BYTES <= records.length; offset += ROLLUP_RECORD_BYTES) {
      const id = records.readUInt32LE(offset);
      if (id === ROLLUP_HEADER_ID) {
        this.rawHorizonMs = records.readDoubleLE(offset + 8);
        continue;
      }
      const level = records.readUInt32LE(offset + 4);
      const rollup = this.seriesById[id]?.rollups?.[level];
      if (rollup === undefined) continue;
      rollup.add(
        records.readDoubleLE(offset + 8),
        records.readDoubleLE(offset + 16),
        records.readDoubleLE(offset + 24),
        records.readDoubleLE(offset + 32),
        records.readDoubleLE(offset + 40),
      );
    }
  }

  private async loadRollups(): Promise<void> {
    const path = join(this.options.dir, ROLLUP_FILE);
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const wholeLength = content.length - (content.length % ROLLUP_RECORD_BYTES);
    if (wholeLength < content.length) {
      const handle = await open(path, 'r+');
      try {
        await handle.truncate(wholeLength);
      } finally {
        await handle.close();
      }
    }
    this.applyRollups(content.subarray(0, wholeLength));
  }

  async count(deviceId?: string): Promise<number> {
    if (deviceId !== undefined) return this.devices.get(deviceId)?.messages ?? 0;
    let total = 0;
    for (const device of this.devices.values()) total += device.messages;
    return total;
  }

  holdsMessage(deviceId: string, tsMs: number, seq: number): boolean {
    const device = this.devices.get(deviceId);
    const ts = Math.round(tsMs);
    if (device === undefined || ts > device.newestTsMs) return false;
    const residue = seqResidue(seq);
    // Whatever metrics it carries: a message is known by its time and seq, as in InfluxDB.
    for (const series of device.series.values()) {
      if (this.seriesHolds(series, ts, residue)) return true;
    }
    return false;
  }

  newestTsMs(deviceId: string): number | undefined {
    const newest = this.devices.get(deviceId)?.newestTsMs;
    return newest === undefined || newest === -Infinity ? undefined : newest;
  }

  /** Bytes held by the in-memory index (typed arrays), for sizing. */
  indexBytes(): number {
    let bytes = 0;
    for (const series of this.seriesById) {
      bytes += series.ts.byteLength + series.values.byteLength + series.seqResidues.byteLength;
    }
    return bytes;
  }

  private seriesHolds(series: Series, ts: number, residue: number): boolean {
    if (series.length - series.sortedLength > MAX_UNSORTED_SCAN) this.ensureSorted(series);
    const { sortedLength, length } = series;
    for (let i = lowerBound(series.ts, sortedLength, ts); i < sortedLength && series.ts[i] === ts; i++) {
      if ((series.seqResidues[i] & RESIDUE_MASK) === residue) return true;
    }
    for (let i = sortedLength; i < length; i++) {
      if (series.ts[i] === ts && (series.seqResidues[i] & RESIDUE_MASK) === residue) return true;
    }
    return false;
  }

  private encode(readings: StoredReading[]): Buffer {
    let recordCount = 0;
    for (const reading of readings) {
      let metrics = 0;
      for (const _ in reading.metrics) metrics++;
      recordCount += Math.max(1, metrics);
    }
    const buffer = Buffer.allocUnsafe(recordCount * RECORD_BYTES);
    let offset = 0;
    for (const reading of readings) {
      const time = recordTime(Math.round(reading.tsMs), reading.seq);
      let flag = MESSAGE_START_FLAG;
      for (const metric in reading.metrics) {
        const series = this.seriesFor(reading, metric);
        buffer.writeUInt32LE((series.id | flag) >>> 0, offset);
        buffer.writeDoubleLE(time, offset + 4);
        buffer.writeDoubleLE(reading.metrics[metric], offset + 12);
        offset += RECORD_BYTES;
        flag = 0;
      }
      if (flag !== 0) {
        const series = this.seriesFor(reading, EMPTY_MESSAGE_METRIC);
        buffer.writeUInt32LE((series.id | flag) >>> 0, offset);
        buffer.writeDoubleLE(time, offset + 4);
        buffer.writeDoubleLE(0, offset + 12);
        offset += RECORD_BYTES;
      }
    }
    return buffer;
  }

  private seriesFor(reading: StoredReading, metric: string): Series {
    const existing = this.devices.get(reading.deviceId)?.series.get(metric);
    if (existing !== undefined) return existing;
    const entry: CatalogueEntry = {
      id: this.seriesById.length,
      deviceId: reading.deviceId,
      metric,
      type: reading.type,
      region: reading.region,
    };
    if (entry.id > SERIES_ID_MASK) throw new Error('embedded telemetry store: too many series');
    this.unpersistedCatalogue.push(JSON.stringify(entry) + '\n');
    return this.addSeries(entry);
  }

  private addSeries(entry: CatalogueEntry): Series {
    let device = this.devices.get(entry.deviceId);
    if (device === undefined) {
      device = { messages: 0, newestTsMs: -Infinity, series: new Map() };
      this.devices.set(entry.deviceId, device);
    }
    const series: Series = {
      id: entry.id,
      device,
      ts: new Float64Array(INITIAL_SERIES_CAPACITY),
      values: new Float64Array(INITIAL_SERIES_CAPACITY),
      seqResidues: new Uint16Array(INITIAL_SERIES_CAPACITY),
      length: 0,
      sortedLength: 0,
      rollups:
        entry.metric === EMPTY_MESSAGE_METRIC ? undefined : [new Rollup(MINUTE_MS), new Rollup(HOUR_MS)],
    };
    device.series.set(entry.metric, series);
    this.seriesById[entry.id] = series;
    return series;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.queue;
      this.queue = [];
      try {
        await this.withLock(async () => {
          const all = jobs.length === 1 ? jobs[0].records : Buffer.concat(jobs.map((job) => job.records));
          // Readings older than the raw horizon go to the aggregates only (decided under the lock,
          // so that a retention run between write() and here cannot strand them).
          const [raw, late] = this.splitPastHorizon(all);
          await this.persist(raw, late);
          this.apply(raw);
          if (late !== undefined) this.applyRollups(late);
        });
        for (const job of jobs) job.resolve();
      } catch (error) {
        this.options.logger?.error({ err: error }, 'telemetry write failed');
        for (const job of jobs) job.reject(error);
      }
    }
    // Same synchronous run as the last queue check: a write() after this starts a new drain.
    this.draining = false;
  }

  private async persist(records: Buffer, rollupRecords: Buffer | undefined): Promise<void> {
    // The catalogue goes first: a record on disk must never name a series the catalogue lacks.
    if (this.unpersistedCatalogue.length > 0) {
      const lines = this.unpersistedCatalogue;
      this.unpersistedCatalogue = [];
      try {
        this.catalogueHandle ??= await open(join(this.options.dir, CATALOGUE_FILE), 'a');
        await this.writeFully(this.catalogueHandle, Buffer.from(lines.join(''), 'utf8'));
      } catch (error) {
        this.unpersistedCatalogue = lines.concat(this.unpersistedCatalogue);
        throw error;
      }
    }
    if (rollupRecords !== undefined && rollupRecords.length > 0) {
      if (this.rollupHandle === undefined) {
        const path = join(this.options.dir, ROLLUP_FILE);
        this.rollupHandle = await open(path, 'a');
        if ((await this.rollupHandle.stat()).size === 0) {
          // A new file starts with its horizon record.
          const header = Buffer.alloc(ROLLUP_RECORD_BYTES);
          header.writeUInt32LE(ROLLUP_HEADER_ID, 0);
          header.writeDoubleLE(this.rawHorizonMs, 8);
          await this.writeFully(this.rollupHandle, header);
        }
      }
      await this.writeFully(this.rollupHandle, rollupRecords);
      await this.rollupHandle.datasync();
    }
    if (records.length === 0) return;
    const maxSegmentBytes = this.options.maxSegmentBytes ?? 64 * 1024 * 1024;
    if (
      this.segmentHandle !== undefined &&
      this.segmentBytes > 0 &&
      this.segmentBytes + records.length > maxSegmentBytes
    ) {
      await this.syncSegment();
      await this.segmentHandle.close();
      this.segmentHandle = undefined;
      this.segmentIndex++;
      this.segmentBytes = 0;
    }
    if (this.segmentHandle === undefined) {
      if (this.segmentIndex === 0) this.segmentIndex = 1;
      this.segmentHandle = await open(join(this.options.dir, segmentName(this.segmentIndex)), 'a');
    }
    await this.writeFully(this.segmentHandle, records);
    this.segmentBytes += records.length;
    this.noteSegmentNewest(this.segmentIndex, records);
    this.unsyncedWrites = true;
  }

  private async writeFully(handle: FileHandle, data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  }

  private async syncSegment(): Promise<void> {
    if (!this.unsyncedWrites || this.segmentHandle === undefined) return;
    this.unsyncedWrites = false;
    await this.segmentHandle.datasync();
  }

  private noteSegmentNewest(index: number, records: Buffer): void {
    let newest = this.segmentNewestMs.get(index) ?? -Infinity;
    for (let offset = 4; offset + 8 <= records.length; offset += RECORD_BYTES) {
      const time = records.readDoubleLE(offset);
      if (time > newest) newest = time;
    }
    this.segmentNewestMs.set(index, newest);
  }

  /** Adds whole records to the in-memory index; returns how many named an unknown series. */
  private apply(records: Buffer): number {
    let unknown = 0;
    for (let offset = 0; offset + RECORD_BYTES <= records.length; offset += RECORD_BYTES) {
      const ref = records.readUInt32LE(offset);
      const series = this.seriesById[ref & SERIES_ID_MASK];
      if (series === undefined) {
        unknown++;
        continue;
      }
      const time = records.readDoubleLE(offset + 4);
      const ts = Math.floor(time);
      // Already folded into rollups.bin by the retention job (a segment not yet deleted).
      if (ts < this.rawHorizonMs) continue;
      const value = records.readDoubleLE(offset + 12);
      let residue = Math.round((time - ts) * SEQ_RESIDUES);
      if (ref & MESSAGE_START_FLAG) {
        series.device.messages++;
        residue |= MESSAGE_POINT_FLAG;
        if (ts > series.device.newestTsMs) series.device.newestTsMs = ts;
      }
      this.append(series, ts, residue, value);
      if (series.rollups !== undefined) {
        series.rollups[0].add(Math.floor(ts / MINUTE_MS) * MINUTE_MS, 1, value, value, value);
        series.rollups[1].add(Math.floor(ts / HOUR_MS) * HOUR_MS, 1, value, value, value);
      }
    }
    return unknown;
  }

  private append(series: Series, ts: number, seqResidue: number, value: number): void {
    if (series.length === series.ts.length) {
      const capacity = Math.ceil(series.length * 1.5);
      const grownTs = new Float64Array(capacity);
      grownTs.set(series.ts);
      const grownValues = new Float64Array(capacity);
      grownValues.set(series.values);
      const grownResidues = new Uint16Array(capacity);
      grownResidues.set(series.seqResidues);
      series.ts = grownTs;
      series.values = grownValues;
      series.seqResidues = grownResidues;
    }
    const i = series.length;
    series.ts[i] = ts;
    series.values[i] = value;
    series.seqResidues[i] = seqResidue;
    series.length = i + 1;
    if (series.sortedLength === i && (i === 0 || series.ts[i - 1] <= ts)) series.sortedLength = i + 1;
  }

  /** Sorts the out-of-order tail (stable: equal timestamps keep write order) and merges it into the prefix. */
  private ensureSorted(series: Series): void {
    const sorted = series.sortedLength;
    const length = series.length;
    if (sorted === length) return;
    const { ts, values, seqResidues } = series;
    const tail = new Uint32Array(length - sorted);
    for (let i = 0; i < tail.length; i++) tail[i] = sorted + i;
    tail.sort((a, b) => ts[a] - ts[b] || a - b);
    const mergedTs = new Float64Array(ts.length);
    const mergedValues = new Float64Array(values.length);
    const mergedResidues = new Uint16Array(seqResidues.length);
    let i = 0;
    let j = 0;
    let out = 0;
    while (i < sorted || j < tail.length) {
      const takeTail = j < tail.length && (i >= sorted || ts[tail[j]] < ts[i]);
      const from = takeTail ? tail[j++] : i++;
      mergedTs[out] = ts[from];
      mergedValues[out] = values[from];
      mergedResidues[out] = seqResidues[from];
      out++;
    }
    series.ts = mergedTs;
    series.values = mergedValues;
    series.seqResidues = mergedResidues;
    series.sortedLength = length;
  }

  private async loadCatalogue(): Promise<void> {
    const path = join(this.options.dir, CATALOGUE_FILE);
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const wholeLength = content.lastIndexOf(0x0a) + 1;
    if (wholeLength < content.length) {
      // A crash while appending a line: no record can name that series yet (records follow the catalogue).
      this.options.logger?.warn(
        { file: path, droppedBytes: content.length - wholeLength },
        'telemetry series catalogue ends with a partial line; dropping it',
      );
      const handle = await open(path, 'r+');
      try {
        await handle.truncate(wholeLength);
      } finally {
        await handle.close();
      }
    }
    const lines = content.subarray(0, wholeLength).toString('utf8').split('\n');
    for (const line of lines) {
      if (line === '') continue;
      let entry: CatalogueEntry;
      try {
        entry = JSON.parse(line) as CatalogueEntry;
      } catch {
        throw new Error(`corrupt telemetry series catalogue ${path}: ${line.slice(0, 200)}`);
      }
      if (!Number.isInteger(entry.id) || entry.id < 0 || this.seriesById[entry.id] !== undefined) {
        throw new Error(
          `corrupt telemetry series catalogue ${path}: bad or repeated id in ${line.slice(0, 200)}`,
        );
      }
      this.addSeries(entry);
    }
    // Ids are dense; a gap (impossible unless edited by hand) would be reused, so refuse it.
    for (let id = 0; id < this.seriesById.length; id++) {
      if (this.seriesById[id] === undefined)
        throw new Error(`telemetry series catalogue ${path} misses id ${id}`);
    }
  }

  private async loadSegments(): Promise<void> {
    const segments = (await readdir(this.options.dir))
      .map((name) => SEGMENT_PATTERN.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => ({ name: match[0], index: Number(match[1]) }))
      .sort((a, b) => a.index - b.index);
    let records = 0;
    for (const segment of segments) {
      const path = join(this.options.dir, segment.name);
      const content = await readFile(path);
      const wholeLength = content.length - (content.length % RECORD_BYTES);
      if (wholeLength < content.length) {
        // A crash mid-append leaves a torn record; cut it so later appends stay aligned.
        this.options.logger?.warn(
          { file: path, droppedBytes: content.length - wholeLength },
          'telemetry segment ends with a partial record; dropping it',
        );
        const handle = await open(path, 'r+');
        try {
          await handle.truncate(wholeLength);
        } finally {
          await handle.close();
        }
      }
      const unknown = this.apply(content.subarray(0, wholeLength));
      if (unknown > 0) {
        this.options.logger?.warn(
          { file: path, records: unknown },
          'telemetry records of unknown series skipped',
        );
      }
      records += wholeLength / RECORD_BYTES;
      this.noteSegmentNewest(segment.index, content.subarray(0, wholeLength));
      this.segmentIndex = segment.index;
      this.segmentBytes = wholeLength;
    }
    this.options.logger?.info(
      { dir: this.options.dir, segments: segments.length, records, series: this.seriesById.length },
      'embedded telemetry store loaded',
    );
  }
}
