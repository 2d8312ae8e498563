import { setOwnKey } from '../own-key';
import type { DetectionReading } from './detection-engine';

/**
 * A batch of readings on its way to the detection thread, packed: one Float64Array (transferred,
 * not copied) instead of an array of objects that the structured clone walks key by key on one
 * side and rebuilds on the other. Device ids, appliance types and metric names go as indices into
 * a table both sides keep; a batch carries only the strings the other side has not had yet.
 *
 * Per reading: device, type, timestamp, metric count, then (name, value) per metric. A double
 * holds every index, any millisecond timestamp and any metric value exactly.
 */
export interface PackedReadings {
  /** Strings first used in this batch: they take the next indices, in this order. */
  strings: string[];
  /** The receiver clears its table first (the sender's had grown past its bound). */
  resetStrings: boolean;
  values: Float64Array<ArrayBuffer>;
  count: number;
}

/** Readings per batch are few hundred; the table holds one entry per device and metric name. */
const INITIAL_VALUES = 4_096;
/**
 * A batch grown past this (512 KiB) is not kept for the next: a history's playback made one of
 * 8 MB, which stayed resident for the rest of the run (0.8 KB a device at 10,000 devices).
 */
const MAX_KEPT_VALUES = 65_536;
/** Past this many strings, the table starts again at the next batch (devices come and go). */
export const DEFAULT_MAX_STRINGS = 200_000;

export class ReadingBatchEncoder {
  private readonly index = new Map<string, number>();
  /** The table: index → string (the receiver's copy is built from `strings`). */
  private table: string[] = [];
  private fresh: string[] = [];
  private reset = false;
  private values: Float64Array<ArrayBuffer> = new Float64Array(INITIAL_VALUES);
  private used = 0;
  private readings = 0;

  constructor(private readonly maxStrings = DEFAULT_MAX_STRINGS) {}

  /** Readings added since the last `take`. */
  get size(): number {
    return this.readings;
  }

  /** Bytes of the buffer the batches are packed in (kept from one batch to the next). */
  get bufferBytes(): number {
    return this.values.byteLength;
  }

  add(reading: DetectionReading): void {
    if (this.readings === 0 && this.table.length >= this.maxStrings) {
      // only between batches: the readings of one batch all refer to one table
      this.index.clear();
      this.table = [];
      this.reset = true;
    }
    this.reserve(4);
    const values = this.values;
    values[this.used] = this.intern(reading.deviceId);
    values[this.used + 1] = this.intern(reading.type);
    values[this.used + 2] = reading.tsMs;
    const countAt = this.used + 3;
    this.used += 4;
    let count = 0;
    const metrics = reading.metrics;
    for (const name in metrics) {
      if (!Object.prototype.hasOwnProperty.call(metrics, name)) continue;
      this.reserve(2);
      this.values[this.used] = this.intern(name);
      this.values[this.used + 1] = metrics[name];
      this.used += 2;
      count += 1;
    }
    this.values[countAt] = count;
    this.readings += 1;
  }

  /** The batch so far, packed; the encoder starts the next one. */
  take(): PackedReadings {
    const packed: PackedReadings = {
      strings: this.fresh,
      resetStrings: this.reset,
      values: this.values.slice(0, this.used),
      count: this.readings,
    };
    this.fresh = [];
    this.reset = false;
    this.startAgain();
    return packed;
  }

  /** The batch so far as readings (nothing is sent): what the sender does when the receiver is gone. */
  takeReadings(): DetectionReading[] {
    const values = this.values.subarray(0, this.used);
    const count = this.readings;
    this.fresh = [];
    this.startAgain();
    return unpack(values, count, this.table);
  }

  /** The next batch starts empty, in the buffer kept or, after a burst grew it, a small one. */
  private startAgain(): void {
    this.used = 0;
    this.readings = 0;
    if (this.values.length > MAX_KEPT_VALUES) this.values = new Float64Array(INITIAL_VALUES);
  }

  private intern(text: string): number {
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.table.length;
      this.index.set(text, at);
      this.table.push(text);
      this.fresh.push(text);
    }
    return at;
  }

  private reserve(doubles: number): void {
    if (this.used + doubles <= this.values.length) return;
    const grown = new Float64Array(Math.max(this.values.length * 2, this.used + doubles));
    grown.set(this.values.subarray(0, this.used));
    this.values = grown;
  }
}

/** The receiving side: keeps the table up to date and unpacks each batch into readings. */
export class ReadingBatchDecoder {
  private table: string[] = [];

  decode(packed: PackedReadings): DetectionReading[] {
    if (packed.resetStrings) this.table = [];
    for (const text of packed.strings) this.table.push(text);
    return unpack(packed.values, packed.count, this.table);
  }
}

function unpack(values: Float64Array, count: number, table: readonly string[]): DetectionReading[] {
  const readings = new Array<DetectionReading>(count);
  let at = 0;
  for (let r = 0; r < count; r++) {
    const deviceId = table[values[at]];
    const type = table[values[at + 1]];
    const tsMs = values[at + 2];
    const metricCount = values[at + 3];
    at += 4;
    const metrics: Record<string, number> = {};
    for (let m = 0; m < metricCount; m++) {
      setOwnKey(metrics, table[values[at]], values[at + 1]);
      at += 2;
    }
    if (deviceId === undefined || type === undefined)
      throw new Error('packed readings: unknown string index');
    readings[r] = { deviceId, type, tsMs, metrics };
  }
  return readings;
}
