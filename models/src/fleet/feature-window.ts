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

  constructor(options: FeatureWindowOptions = {}) {
    this.size = options.size ?? FLEET_WINDOW_SIZE;
    this.stepMs = options.stepMs ?? FLEET_STEP_MS;
    this.maxDevices = options.maxDevices ?? 100_000;
  }

  /** Offers a reading; returns true when it was kept, i.e. the device's window moved on. */
  push(deviceId: string, tsMs: number, metrics: Record<string, number>): boolean {
    let window = this.windows.get(deviceId);
    if (window) {
      const last = window[window.length - 1];
      if (tsMs - last.tsMs < this.stepMs) return false;
      this.windows.delete(deviceId);
    } else {
      window = [];
      if (this.windows.size >= this.maxDevices) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) this.windows.delete(oldest);
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
  }

  get deviceCount(): number {
    return this.windows.size;
  }
}
