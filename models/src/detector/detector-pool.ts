import { LRUCache } from 'lru-cache';
import { lruBound } from '../lru-bound';
import { LRU_READ_OPTIONS } from '../lru-read-options';
import { OnlineDetector, OnlineDetectorOptions } from './online-detector';
import type { ParkedDetectors } from './parked-detectors';
import type { ProfilePages } from './profile-pages';

export interface DetectorPoolOptions {
  /** Devices kept at most (in memory and parked); the least recently updated one is dropped beyond this. */
  maxDevices: number;
  /** Options for each new device's detector (e.g. the metric list of its appliance type). */
  detectorOptions?: (deviceId: string) => OnlineDetectorOptions;
  /** Where the detectors page their profiles out to (ADR 0019); each detector's pages are released when it is dropped. */
  pages?: ProfilePages;
  /**
   * Where `parkQuiet` writes the detectors of devices without a reading for `afterMs` (ADR 0020);
   * `now`: the clock that measures it (performance.now() by default).
   */
  parking?: { parked: ParkedDetectors; afterMs: number; now?: () => number };
}

/** One OnlineDetector per device for a fleet, with bounded total memory. */
export class DetectorPool {
  private readonly detectors: LRUCache<string, OnlineDetector>;
  /** When each detector in memory last took a reading, by the parking clock. */
  private readonly usedAt = new WeakMap<OnlineDetector, number>();
  private readonly now: () => number;
  /** Set while a parked detector leaves the cache: it keeps its pages. */
  private parking = false;

  constructor(private readonly options: DetectorPoolOptions) {
    this.detectors = new LRUCache({
      ...lruBound(options.maxDevices),
      // dropped (evicted, deleted, or replaced by a restored one): its pages are free again
      dispose: (detector) => {
        if (!this.parking) detector.release();
      },
    });
    this.now = options.parking?.now ?? (() => performance.now());
  }

  /** Devices with a detector, in memory or parked. */
  get size(): number {
    return this.detectors.size + (this.options.parking?.parked.count ?? 0);
  }

  /** Devices whose detector is in memory. */
  get inMemory(): number {
    return this.detectors.size;
  }

  /** The device's detector (brought back if parked), created (and the least recently used device evicted) if needed. */
  get(deviceId: string): OnlineDetector {
    let d = this.detectors.get(deviceId, LRU_READ_OPTIONS);
    if (!d) {
      d =
        this.options.parking?.parked.unpark(deviceId) ??
        new OnlineDetector({ ...this.options.detectorOptions?.(deviceId), pages: this.options.pages });
      this.detectors.set(deviceId, d);
      this.bound();
    }
    return d;
  }

  update(deviceId: string, tsMs: number, values: Record<string, number | undefined>) {
    const d = this.get(deviceId);
    if (this.options.parking) this.usedAt.set(d, this.now());
    return d.update(tsMs, values);
  }

  has(deviceId: string): boolean {
    return this.detectors.has(deviceId) || this.options.parking?.parked.has(deviceId) === true;
  }

  delete(deviceId: string): boolean {
    const inMemory = this.detectors.delete(deviceId);
    const parked = this.options.parking?.parked.unpark(deviceId);
    parked?.release();
    return inMemory || parked !== undefined;
  }

  /** Puts back a detector restored with OnlineDetector.fromJSON (e.g. after a restart). */
  restore(deviceId: string, detector: OnlineDetector): void {
    this.options.parking?.parked.unpark(deviceId)?.release();
    this.detectors.set(deviceId, detector);
    this.bound();
  }

  /** Least recently used first (parked devices before those in memory). */
  deviceIds(): string[] {
    return [...(this.options.parking?.parked.keys() ?? []), ...this.detectors.rkeys()];
  }

  /**
   * Parks the detectors that took no reading for the parking's `afterMs` (none without parking);
   * returns how many. A detector that cannot be written stays in memory, and the error is thrown
   * after the others were parked.
   */
  parkQuiet(): number {
    const parking = this.options.parking;
    if (!parking) return 0;
    const before = this.now() - parking.afterMs;
    const quiet: string[] = [];
    // least recently used first: parked in that order, and dropped in that order beyond maxDevices
    this.detectors.rforEach((d, deviceId) => {
      // restored or brought back for its state, not for a reading: quiet since
      if ((this.usedAt.get(d) ?? -Infinity) <= before) quiet.push(deviceId);
    });
    let parked = 0;
    let failure: Error | undefined;
    for (const deviceId of quiet) {
      const d = this.detectors.peek(deviceId, LRU_READ_OPTIONS);
      if (!d) continue;
      try {
        parking.parked.park(deviceId, d);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        continue;
      }
      this.parking = true;
      try {
        this.detectors.delete(deviceId);
      } finally {
        this.parking = false;
      }
      parked++;
    }
    if (failure) throw failure;
    return parked;
  }

  /** Beyond maxDevices in memory and parked together: the parked first parked are dropped. */
  private bound(): void {
    const parked = this.options.parking?.parked;
    if (!parked) return;
    while (parked.count > 0 && this.detectors.size + parked.count > this.options.maxDevices) {
      const oldest = parked.keys().next().value as string;
      parked.unpark(oldest)?.release();
    }
  }
}
