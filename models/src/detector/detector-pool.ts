import { LRUCache } from 'lru-cache';
import { lruBound } from '../lru-bound';
import { LRU_READ_OPTIONS } from '../lru-read-options';
import { OnlineDetector, OnlineDetectorOptions } from './online-detector';
import type { ProfilePages } from './profile-pages';

export interface DetectorPoolOptions {
  /** Devices kept at most; the least recently updated one is dropped beyond this. */
  maxDevices: number;
  /** Options for each new device's detector (e.g. the metric list of its appliance type). */
  detectorOptions?: (deviceId: string) => OnlineDetectorOptions;
  /** Where the detectors page their profiles out to (ADR 0019); each detector's pages are released when it is dropped. */
  pages?: ProfilePages;
}

/** One OnlineDetector per device for a fleet, with bounded total memory. */
export class DetectorPool {
  private readonly detectors: LRUCache<string, OnlineDetector>;

  constructor(private readonly options: DetectorPoolOptions) {
    this.detectors = new LRUCache({
      ...lruBound(options.maxDevices),
      // dropped (evicted, deleted, or replaced by a restored one): its pages are free again
      dispose: (detector) => detector.release(),
    });
  }

  get size(): number {
    return this.detectors.size;
  }

  /** The device's detector, created (and the least recently used device evicted) if needed. */
  get(deviceId: string): OnlineDetector {
    let d = this.detectors.get(deviceId, LRU_READ_OPTIONS);
    if (!d) {
      d = new OnlineDetector({ ...this.options.detectorOptions?.(deviceId), pages: this.options.pages });
      this.detectors.set(deviceId, d);
    }
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
    this.detectors.set(deviceId, detector);
  }

  /** Least recently used first. */
  deviceIds(): string[] {
    return [...this.detectors.rkeys()];
  }
}
