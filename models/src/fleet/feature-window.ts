import { LRUCache } from 'lru-cache';
import { ArrayBufferSlots } from '../array-buffer-slots';
import { NameLists } from '../name-lists';
import { lruBound } from '../lru-bound';
import { setOwnKey } from '../own-key';
import { LRU_READ_OPTIONS } from '../lru-read-options';
import { FLEET_STEP_MS, FLEET_WINDOW_SIZE, type Reading } from './fleet-features';

export interface FeatureWindowOptions {
  /** Readings kept per device. */
  size?: number;
  /**
   * Minimum spacing of kept readings. Devices report every 10-30 s but the models learned from
   * readings 10 min apart; keeping one reading per step gives them the spacing they know.
   */
  stepMs?: number;
  /** Devices tracked at most; the one updated longest ago is forgotten first. */
  maxDevices?: number;
}

interface DeviceWindow {
  /**
   * The metric names seen, in the order first seen: column j of a row of values holds names[j].
   * Shared by every device that saw the same names in the same order (frozen, see namesOf).
   */
  names: readonly string[];
  /**
   * The kept readings, oldest first, one row each, in a slot of the window's shared pages
   * (ArrayBufferSlots): `rows` times (tsMs, doubles) from byte `at`, then `rows` rows of values
   * (single floats, NaN where the reading had no such metric). Packed: an object and a metrics
   * object per kept reading were ≈ 170 bytes, and a full window (6 hours) is 36 readings of every
   * device. The values are single floats, what the models read them as (their matrices are
   * Float32Array): 36 rows of 5 metrics are 1,008 bytes, not 1,728 as doubles. Read through the
   * page's views, shared by its devices: two typed arrays of a device's own were ≈ 0.2 KB.
   */
  page: PageViews;
  at: number;
  /** Rows the slot has room for (0 before the first kept reading). */
  rows: number;
  count: number;
  /** The latest reading offered, kept or not: gives the device's reporting interval. */
  lastSeenTs: number;
}

/** A page's views: the times are read as doubles, the values as single floats. */
interface PageViews {
  f64: Float64Array;
  f32: Float32Array;
}

/** Rows a device's window starts with; it doubles up to the window's size. */
const INITIAL_ROWS = 4;
const NO_NAMES: readonly string[] = Object.freeze([]);
/** Lists of names shared at most: a fleet's types have a few each. */
const MAX_SHARED_NAME_LISTS = 1_000;
const NO_PAGE: PageViews = { f64: new Float64Array(0), f32: new Float32Array(0) };

/** The bytes of a window of `rows` rows of `width` values: the times, then the values. */
function windowBytes(rows: number, width: number): number {
  return rows * 8 + rows * width * 4;
}

/**
 * The last N readings per device, at the models' spacing, with memory bounded by
 * size × maxDevices. Readings older than or equal to the last kept one are ignored (replays,
 * out-of-order delivery).
 */
export class FeatureWindow {
  private readonly size: number;
  private readonly stepMs: number;
  /** Least recently updated first out; only a kept reading counts as an update. */
  private readonly devices: LRUCache<string, DeviceWindow>;
  /**
   * Every list of names a device has had, one array each: the devices of a type report the same
   * metrics, so 10,000 windows share a handful of lists instead of an array each (≈ 170 bytes a
   * device: an array made by spreading kept room for 36 names).
   */
  private readonly nameLists = new NameLists(MAX_SHARED_NAME_LISTS);
  /** Where the windows' buffers are: slots of a few large pages, freed by a device forgotten or grown. */
  private readonly slots = new ArrayBufferSlots();
  /** Each page's views (a page let go by the slots goes with its key). */
  private readonly pageViews = new WeakMap<ArrayBuffer, PageViews>();

  constructor(options: FeatureWindowOptions = {}) {
    this.size = options.size ?? FLEET_WINDOW_SIZE;
    this.stepMs = options.stepMs ?? FLEET_STEP_MS;
    this.devices = new LRUCache({
      ...lruBound(options.maxDevices ?? 100_000),
      // forgotten (evicted or deleted): its slot is free again
      dispose: (device) => this.release(device),
    });
  }

  /** Slots of the shared pages in use (a device's window each, once it kept a reading). */
  get slotsInUse(): number {
    return this.slots.inUse;
  }

  /**
   * Gives the device's window room for `rows` rows of `width` values in a new slot (the rows'
   * times first, 8 bytes each, then their values, 4 bytes each), its kept rows copied and the
   * columns it did not have NaN; its old slot is free again.
   */
  private relayout(device: DeviceWindow, rows: number, width: number): void {
    const { buffer, byteOffset } = this.slots.allocate(windowBytes(rows, width));
    const page = this.viewsOf(buffer);
    const { f64: oldTs, f32: oldValues } = device.page;
    const oldTsAt = device.at / 8;
    const oldValuesAt = (device.at + device.rows * 8) / 4;
    const tsAt = byteOffset / 8;
    const valuesAt = (byteOffset + rows * 8) / 4;
    page.f64.set(oldTs.subarray(oldTsAt, oldTsAt + device.count), tsAt);
    const known = device.names.length;
    if (known === width) {
      page.f32.set(oldValues.subarray(oldValuesAt, oldValuesAt + device.count * width), valuesAt);
    } else {
      page.f32.fill(NaN, valuesAt, valuesAt + rows * width);
      for (let r = 0; r < device.count; r++) {
        const from = oldValuesAt + r * known;
        page.f32.set(oldValues.subarray(from, from + known), valuesAt + r * width);
      }
    }
    this.release(device);
    device.page = page;
    device.at = byteOffset;
    device.rows = rows;
  }

  /** The views of a page, made once for all its devices. */
  private viewsOf(buffer: ArrayBuffer): PageViews {
    let views = this.pageViews.get(buffer);
    if (!views)
      this.pageViews.set(buffer, (views = { f64: new Float64Array(buffer), f32: new Float32Array(buffer) }));
    return views;
  }

  /** The device's slot is free again (none before its first kept reading). */
  private release(device: DeviceWindow): void {
    if (device.rows === 0) return;
    this.slots.release(
      device.page.f64.buffer as ArrayBuffer,
      device.at,
      windowBytes(device.rows, device.names.length),
    );
    device.page = NO_PAGE;
    device.at = 0;
    device.rows = 0;
  }

  /**
   * Offers a reading; returns true when it was kept, i.e. the device's window moved on. The kept
   * reading is the one nearest to a step after the last kept one: with the device's reporting
   * interval known from the previous reading, a reading is kept once the next one would land
   * further past the step than this one falls short of it. So a device reporting about once per
   * step (a simulated fleet run faster than real time, with timer jitter) keeps every reading
   * instead of every other one, and one reporting every 10 s keeps one within 5 s of each step.
   */
  push(deviceId: string, tsMs: number, metrics: Record<string, number>): boolean {
    let added: string[] | undefined;
    let device = this.devices.peek(deviceId, LRU_READ_OPTIONS);
    if (device) {
      const seen = device.lastSeenTs;
      const intervalMs = tsMs > seen ? tsMs - seen : 0;
      if (tsMs > seen) device.lastSeenTs = tsMs;
      const lastTs = device.page.f64[device.at / 8 + device.count - 1];
      if (tsMs <= lastTs || tsMs - lastTs + intervalMs / 2 < this.stepMs) return false;
      this.devices.get(deviceId, LRU_READ_OPTIONS); // kept: now the most recently updated device
    } else {
      device = { names: NO_NAMES, page: NO_PAGE, at: 0, rows: 0, count: 0, lastSeenTs: tsMs };
      this.devices.set(deviceId, device);
    }
    for (const name in metrics) {
      if (Object.prototype.hasOwnProperty.call(metrics, name) && !device.names.includes(name)) {
        (added ??= []).push(name);
      }
    }
    const width = device.names.length + (added?.length ?? 0);
    const capacity = device.rows;
    if (added || (device.count < this.size && device.count === capacity)) {
      // a metric first seen (one more column, NaN in the rows kept before it) or no room left
      const rows =
        added && device.count < capacity
          ? capacity
          : Math.min(this.size, Math.max(INITIAL_ROWS, capacity * 2));
      this.relayout(device, rows, width);
      if (added) device.names = this.nameLists.of([...device.names, ...added]);
    }
    const { f64, f32 } = device.page;
    const tsAt = device.at / 8;
    const valuesAt = (device.at + device.rows * 8) / 4;
    if (device.count === this.size) {
      // full: the oldest row goes
      f64.copyWithin(tsAt, tsAt + 1, tsAt + device.count);
      f32.copyWithin(valuesAt, valuesAt + width, valuesAt + device.count * width);
      device.count--;
    }
    const at = valuesAt + device.count * width;
    f64[tsAt + device.count] = tsMs;
    for (let j = 0; j < width; j++) {
      const name = device.names[j];
      f32[at + j] = Object.prototype.hasOwnProperty.call(metrics, name) ? metrics[name] : NaN;
    }
    device.count++;
    return true;
  }

  /** The device's readings, oldest first (new objects: the window keeps them packed). */
  window(deviceId: string): Reading[] {
    const device = this.devices.peek(deviceId, LRU_READ_OPTIONS);
    if (!device) return [];
    const { names, count } = device;
    const { f64, f32 } = device.page;
    const tsAt = device.at / 8;
    const valuesAt = (device.at + device.rows * 8) / 4;
    const width = names.length;
    const readings = new Array<Reading>(count);
    for (let r = 0; r < count; r++) {
      const metrics: Record<string, number> = {};
      for (let j = 0; j < width; j++) {
        const value = f32[valuesAt + r * width + j];
        // absent from that reading (a metric value is never NaN: ingest stores finite numbers)
        if (Number.isNaN(value)) continue;
        setOwnKey(metrics, names[j], value);
      }
      readings[r] = { tsMs: f64[tsAt + r], metrics };
    }
    return readings;
  }

  isFull(deviceId: string): boolean {
    return (this.devices.peek(deviceId, LRU_READ_OPTIONS)?.count ?? 0) >= this.size;
  }

  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  get deviceCount(): number {
    return this.devices.size;
  }
}
