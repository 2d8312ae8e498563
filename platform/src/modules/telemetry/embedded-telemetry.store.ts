import { mkdir, open, readdir, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { SeriesPoint, SeriesQuery, StoredReading, TelemetryStore } from './telemetry-store';

export interface EmbeddedTelemetryStoreOptions {
  /** Directory holding the segments and the series catalogue (created when missing). */
  dir: string;
  logger?: Logger;
  /** How often written data is fsynced; a process crash loses nothing either way, a power cut at most this much. */
  flushIntervalMs?: number;
  /** A segment file is closed and a new one begun past this size. */
  maxSegmentBytes?: number;
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

  constructor(private readonly options: EmbeddedTelemetryStoreOptions) {}

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('EmbeddedTelemetryStore can be started once');
    await mkdir(this.options.dir, { recursive: true });
    await this.loadCatalogue();
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
  }

  async stop(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'stopped';
    clearInterval(this.syncTimer);
    await this.drainDone;
    await this.syncing;
    await this.syncSegment();
    await this.segmentHandle?.close();
    await this.catalogueHandle?.close();
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
    const from = lowerBound(ts, series.length, Math.ceil(query.fromMs));
    const to = upperBound(ts, series.length, Math.floor(query.toMs));
    const points: SeriesPoint[] = [];
    if (query.everyMs === undefined) {
      const end = Math.min(to, from + Math.max(1, Math.floor(query.limit ?? DEFAULT_LIMIT)));
      for (let i = from; i < end; i++) points.push({ ts: ts[i], value: values[i] });
      return points;
    }
    // Buckets start at epoch multiples of everyMs, as InfluxDB's GROUP BY time() does.
    const everyMs = Math.max(1, Math.round(query.everyMs));
    let bucket = Number.NaN;
    let sum = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      const start = Math.floor(ts[i] / everyMs) * everyMs;
      if (start !== bucket) {
        if (n > 0) points.push({ ts: bucket, value: sum / n });
        bucket = start;
        sum = 0;
        n = 0;
      }
      sum += values[i];
      n++;
    }
    if (n > 0) points.push({ ts: bucket, value: sum / n });
    return points;
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
      if (series.seqResidues[i] === residue) return true;
    }
    for (let i = sortedLength; i < length; i++) {
      if (series.ts[i] === ts && series.seqResidues[i] === residue) return true;
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
        await this.persist(
          jobs.length === 1 ? jobs[0].records : Buffer.concat(jobs.map((job) => job.records)),
        );
        for (const job of jobs) {
          this.apply(job.records);
          job.resolve();
        }
      } catch (error) {
        this.options.logger?.error({ err: error }, 'telemetry write failed');
        for (const job of jobs) job.reject(error);
      }
    }
    // Same synchronous run as the last queue check: a write() after this starts a new drain.
    this.draining = false;
  }

  private async persist(records: Buffer): Promise<void> {
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
      if (ref & MESSAGE_START_FLAG) {
        series.device.messages++;
        if (ts > series.device.newestTsMs) series.device.newestTsMs = ts;
      }
      const residue = Math.round((time - ts) * SEQ_RESIDUES);
      this.append(series, ts, residue, records.readDoubleLE(offset + 12));
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
      this.segmentIndex = segment.index;
      this.segmentBytes = wholeLength;
    }
    this.options.logger?.info(
      { dir: this.options.dir, segments: segments.length, records, series: this.seriesById.length },
      'embedded telemetry store loaded',
    );
  }
}
