import { LRUCache } from 'lru-cache';
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
  /** The metric names seen, in the order first seen: column 1 + j of a row holds names[j]. */
  names: string[];
  /**
   * The kept readings, oldest first, one row each: its tsMs, then its value of every name (NaN
   * where the reading had no such metric). Packed: an object and a metrics object per kept
   * reading were ≈ 170 bytes, and a full window (6 hours) is 36 readings of every device.
   */
  rows: Float64Array;
  count: number;
  /** The latest reading offered, kept or not: gives the device's reporting interval. */
  lastSeenTs: number;
}

/** Rows a device's window starts with; it doubles up to the window's size. */
const INITIAL_ROWS = 4;

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

  constructor(options: FeatureWindowOptions = {}) {
    this.size = options.size ?? FLEET_WINDOW_SIZE;
    this.stepMs = options.stepMs ?? FLEET_STEP_MS;
    this.devices = new LRUCache(lruBound(options.maxDevices ?? 100_000));
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
    let device = this.devices.peek(deviceId, LRU_READ_OPTIONS);
    if (device) {
      const seen = device.lastSeenTs;
      const intervalMs = tsMs > seen ? tsMs - seen : 0;
      if (tsMs > seen) device.lastSeenTs = tsMs;
      const lastTs = device.rows[(device.count - 1) * (1 + device.names.length)];
      if (tsMs <= lastTs || tsMs - lastTs + intervalMs / 2 < this.stepMs) return false;
      this.devices.get(deviceId, LRU_READ_OPTIONS); // kept: now the most recently updated device
    } else {
      device = { names: [], rows: new Float64Array(0), count: 0, lastSeenTs: tsMs };
      this.devices.set(deviceId, device);
    }
    const known = device.names.length;
    for (const name in metrics) {
      if (Object.prototype.hasOwnProperty.call(metrics, name) && !device.names.includes(name)) {
        this.widen(device, name);
      }
    }
    // at its length: an array grown by push keeps room for 17 names
    if (device.names.length > known) device.names = device.names.slice();
    const width = 1 + device.names.length;
    if (device.count === this.size) {
      // full: the oldest row goes
      device.rows.copyWithin(0, width, device.count * width);
      device.count--;
    } else if ((device.count + 1) * width > device.rows.length) {
      const rows = new Float64Array(Math.min(this.size, Math.max(INITIAL_ROWS, device.count * 2)) * width);
      rows.set(device.rows.subarray(0, device.count * width));
      device.rows = rows;
    }
    const at = device.count * width;
    device.rows[at] = tsMs;
    for (let j = 0; j < device.names.length; j++) {
      const name = device.names[j];
      device.rows[at + 1 + j] = Object.prototype.hasOwnProperty.call(metrics, name) ? metrics[name] : NaN;
    }
    device.count++;
    return true;
  }

  /** The device's readings, oldest first (new objects: the window keeps them packed). */
  window(deviceId: string): Reading[] {
    const device = this.devices.peek(deviceId, LRU_READ_OPTIONS);
    if (!device) return [];
    const { names, rows, count } = device;
    const width = 1 + names.length;
    const readings = new Array<Reading>(count);
    for (let r = 0; r < count; r++) {
      const metrics: Record<string, number> = {};
      for (let j = 0; j < names.length; j++) {
        const value = rows[r * width + 1 + j];
        // absent from that reading (a metric value is never NaN: ingest stores finite numbers)
        if (Number.isNaN(value)) continue;
        setOwnKey(metrics, names[j], value);
      }
      readings[r] = { tsMs: rows[r * width], metrics };
    }
    return readings;
  }

  isFull(deviceId: string): boolean {
    return (this.devices.peek(deviceId, LRU_READ_OPTIONS)?.count ?? 0) >= this.size;
  }

  /** A metric first seen: one more column, NaN in the rows kept before it. */
  private widen(device: DeviceWindow, name: string): void {
    const width = 1 + device.names.length;
    const capacity = device.rows.length / width || 0;
    const rows = new Float64Array(capacity * (width + 1));
    for (let r = 0; r < device.count; r++) {
      rows.set(device.rows.subarray(r * width, (r + 1) * width), r * (width + 1));
      rows[r * (width + 1) + width] = NaN;
    }
    device.names.push(name);
    device.rows = rows;
  }

  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  get deviceCount(): number {
    return this.devices.size;
  }
}
