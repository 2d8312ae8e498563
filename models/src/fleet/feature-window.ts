import { LRUCache } from 'lru-cache';
import { lruBound } from '../lru-bound';
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
  readings: Reading[];
  /** The latest reading offered, kept or not: gives the device's reporting interval. */
  lastSeenTs: number;
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
      const last = device.readings[device.readings.length - 1];
      if (tsMs <= last.tsMs || tsMs - last.tsMs + intervalMs / 2 < this.stepMs) return false;
      this.devices.get(deviceId, LRU_READ_OPTIONS); // kept: now the most recently updated device
    } else {
      device = { readings: [], lastSeenTs: tsMs };
      this.devices.set(deviceId, device);
    }
    device.readings.push({ tsMs, metrics: { ...metrics } });
    if (device.readings.length > this.size) device.readings.shift();
    return true;
  }

  /** The device's readings, oldest first (a copy). */
  window(deviceId: string): Reading[] {
    return [...(this.devices.peek(deviceId, LRU_READ_OPTIONS)?.readings ?? [])];
  }

  isFull(deviceId: string): boolean {
    return (this.devices.peek(deviceId, LRU_READ_OPTIONS)?.readings.length ?? 0) >= this.size;
  }

  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  get deviceCount(): number {
    return this.devices.size;
  }
}
