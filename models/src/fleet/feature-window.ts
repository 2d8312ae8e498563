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

/**
 * The last N readings per device, at the models' spacing, with memory bounded by
 * size × maxDevices. Readings older than or equal to the last kept one are ignored (replays,
 * out-of-order delivery).
 */
export class FeatureWindow {
  private readonly size: number;
  private readonly stepMs: number;
  private readonly maxDevices: number;
  /** Map iteration order is insertion order: re-inserting on update makes it least-recently-used first. */
  private readonly windows = new Map<string, Reading[]>();
  /** Each device's latest reading offered, kept or not: its reporting interval. */
  private readonly lastSeenTs = new Map<string, number>();

  constructor(options: FeatureWindowOptions = {}) {
    this.size = options.size ?? FLEET_WINDOW_SIZE;
    this.stepMs = options.stepMs ?? FLEET_STEP_MS;
    this.maxDevices = options.maxDevices ?? 100_000;
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
    const seen = this.lastSeenTs.get(deviceId);
    if (seen === undefined || tsMs > seen) this.lastSeenTs.set(deviceId, tsMs);
    let window = this.windows.get(deviceId);
    if (window) {
      const last = window[window.length - 1];
      const intervalMs = seen !== undefined && tsMs > seen ? tsMs - seen : 0;
      if (tsMs <= last.tsMs || tsMs - last.tsMs + intervalMs / 2 < this.stepMs) return false;
      this.windows.delete(deviceId);
    } else {
      window = [];
      if (this.windows.size >= this.maxDevices) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.forget(oldest);
      }
    }
    window.push({ tsMs, metrics: { ...metrics } });
    if (window.length > this.size) window.shift();
    this.windows.set(deviceId, window);
    return true;
  }

  /** The device's readings, oldest first (a copy). */
  window(deviceId: string): Reading[] {
    return [...(this.windows.get(deviceId) ?? [])];
  }

  isFull(deviceId: string): boolean {
    return (this.windows.get(deviceId)?.length ?? 0) >= this.size;
  }

  forget(deviceId: string): void {
    this.windows.delete(deviceId);
    this.lastSeenTs.delete(deviceId);
  }

  get deviceCount(): number {
    return this.windows.size;
  }
}
