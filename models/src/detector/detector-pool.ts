import { OnlineDetector, OnlineDetectorOptions } from './online-detector';

export interface DetectorPoolOptions {
  /** Devices kept at most; the least recently updated one is dropped beyond this. */
  maxDevices: number;
  /** Options for each new device's detector (e.g. the metric list of its appliance type). */
  detectorOptions?: (deviceId: string) => OnlineDetectorOptions;
}

/**
 * One OnlineDetector per device for a fleet, with bounded total memory: a Map keeps insertion
 * order, so re-inserting on every use makes its first key the least recently used device.
 */
export class DetectorPool {
  private readonly detectors = new Map<string, OnlineDetector>();

  constructor(private readonly options: DetectorPoolOptions) {}

  get size(): number {
    return this.detectors.size;
  }

  /** The device's detector, created (and the LRU device evicted) if needed. */
  get(deviceId: string): OnlineDetector {
    let d = this.detectors.get(deviceId);
    if (d) {
      this.detectors.delete(deviceId);
    } else {
      d = new OnlineDetector(this.options.detectorOptions?.(deviceId));
      this.evictFor(1);
    }
    this.detectors.set(deviceId, d);
    return d;
  }

  update(deviceId: string, tsMs: number, values: Record<string, number | undefined>) {
    return this.get(deviceId).update(tsMs, values);
  }

  has(deviceId: string): boolean {
    return this.detectors.has(deviceId);
  }

  delete(deviceId: string): boolean {
    return this.detectors.delete(deviceId);
  }

  /** Puts back a detector restored with OnlineDetector.fromJSON (e.g. after a restart). */
  restore(deviceId: string, detector: OnlineDetector): void {
    this.detectors.delete(deviceId);
    this.evictFor(1);
    this.detectors.set(deviceId, detector);
  }

  deviceIds(): string[] {
    return [...this.detectors.keys()];
  }

  private evictFor(incoming: number): void {
    while (this.detectors.size + incoming > this.options.maxDevices) {
      const oldest = this.detectors.keys().next().value;
      if (oldest === undefined) return;
      this.detectors.delete(oldest);
    }
  }
}
