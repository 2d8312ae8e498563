import { NameLists } from '../../../../models/src/name-lists';

/** A metric's latest reading on a twin. */
export interface TwinReading {
  ts: number;
  value: number;
}

/** The twins' lists of names, shared by the twins that saw the same names in the same order. */
const nameLists = new NameLists();
const NO_NAMES: readonly string[] = Object.freeze([]);

/**
 * A device twin's latest reading of each metric, packed: the metric names in a list shared by the
 * twins that saw the same names in the same order, the readings in one array of doubles (the ts
 * and value of names[i] at 2i and 2i + 1). An object of objects — the twin's dictionary, a
 * { ts, value } object and two boxed doubles a metric — was ≈ 0.38 KB a washer, this ≈ 0.12 KB,
 * and every connected device has a twin in memory.
 *
 * It reads back, and is saved (`toJSON`), as the record of `{ ts, value }` it stands for.
 */
export class TwinReadings {
  private names: readonly string[] = NO_NAMES;
  private readings: number[] = [];

  /** From the record the twin was saved as; entries that are not `{ ts, value }` numbers are left out. */
  static from(saved: unknown): TwinReadings {
    const twin = new TwinReadings();
    if (saved === null || typeof saved !== 'object') return twin;
    for (const [name, reading] of Object.entries(saved as Record<string, unknown>)) {
      if (reading === null || typeof reading !== 'object') continue;
      const { ts, value } = reading as Partial<TwinReading>;
      if (typeof ts === 'number' && typeof value === 'number') twin.record(name, ts, value);
    }
    return twin;
  }

  /** How many metrics the twin has a reading of. */
  get size(): number {
    return this.names.length;
  }

  /** The metric's latest reading (a copy), if the twin has one. */
  get(name: string): TwinReading | undefined {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : { ts: this.readings[2 * i], value: this.readings[2 * i + 1] };
  }

  /**
   * Takes a reading of the metric unless the twin has a later one (one at the same ts replaces
   * it); true if it was taken.
   */
  record(name: string, ts: number, value: number): boolean {
    const i = this.names.indexOf(name);
    if (i < 0) {
      this.names = nameLists.of([...this.names, name]);
      // concat makes an array of the exact length (a push would leave room for more)
      this.readings = this.readings.concat([ts, value]);
      return true;
    }
    if (this.readings[2 * i] > ts) return false;
    this.readings[2 * i] = ts;
    this.readings[2 * i + 1] = value;
    return true;
  }

  /** Each metric with its latest reading (copies), in the order first seen. */
  entries(): Array<[string, TwinReading]> {
    return this.names.map((name, i) => [name, { ts: this.readings[2 * i], value: this.readings[2 * i + 1] }]);
  }

  /** The readings as a record of copies (what a twin is saved and shown as). */
  toJSON(): Record<string, TwinReading> {
    const record: Record<string, TwinReading> = {};
    for (const [name, reading] of this.entries()) {
      // "__proto__" as an own key, not the prototype (ingest refuses it as a metric; a saved twin may not)
      if (name === '__proto__') {
        Object.defineProperty(record, name, {
          value: reading,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else record[name] = reading;
    }
    return record;
  }
}
