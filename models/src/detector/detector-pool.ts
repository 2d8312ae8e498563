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

/**
 * A device's place in the pool: its detector in memory, or where it is parked. Made once per
 * device and changed in place, so parking and bringing back touch neither the cache's table nor
 * its order (a table that changes with every park and return filled the detection thread's old
 * generation with its discarded copies).
 */
class Entry {
  /** When it last took a reading, ms on the parking clock since the pool was made (-Infinity: not since it came back). */
  usedAt = -Infinity;
  /** Where it is parked (ParkedDetectors), when detector is undefined. */
  row = -1;

  constructor(public detector: OnlineDetector | undefined) {}
}

/** One OnlineDetector per device for a fleet, with bounded total memory. */
export class DetectorPool {
  private readonly entries: LRUCache<string, Entry>;
  private readonly now: () => number;
  /** The parking clock when the pool was made: usedAt is ms since, a small integer (no heap number a reading). */
  private readonly epoch: number;
  private parkedCount = 0;

  constructor(private readonly options: DetectorPoolOptions) {
    this.entries = new LRUCache({
      ...lruBound(options.maxDevices),
      // dropped (evicted, deleted, or replaced by a restored one): its pages are free again
      dispose: (entry) => this.drop(entry),
    });
    this.now = options.parking?.now ?? (() => performance.now());
    this.epoch = this.now();
  }

  /** Devices with a detector, in memory or parked. */
  get size(): number {
    return this.entries.size;
  }

  /** Devices whose detector is in memory. */
  get inMemory(): number {
    return this.entries.size - this.parkedCount;
  }

  /** Devices whose detector is parked. */
  get parked(): number {
    return this.parkedCount;
  }

  /** The device's detector (brought back if parked), created (and the least recently used device evicted) if needed. */
  get(deviceId: string): OnlineDetector {
    return this.detectorOf(this.entry(deviceId));
  }

  update(deviceId: string, tsMs: number, values: Record<string, number | undefined>) {
    return this.use(deviceId).update(tsMs, values);
  }

  /** The device's detector for a reading: as get, and used now (not quiet, for parking). */
  use(deviceId: string): OnlineDetector {
    const entry = this.entry(deviceId);
    const d = this.detectorOf(entry);
    if (this.options.parking) entry.usedAt = Math.floor(this.now() - this.epoch);
    return d;
  }

  has(deviceId: string): boolean {
    return this.entries.has(deviceId);
  }

  /** Whether the device's detector is parked now. */
  isParked(deviceId: string): boolean {
    return this.entries.peek(deviceId, LRU_READ_OPTIONS)?.detector === undefined && this.has(deviceId);
  }

  delete(deviceId: string): boolean {
    return this.entries.delete(deviceId);
  }

  /** Puts back a detector restored with OnlineDetector.fromJSON (e.g. after a restart). */
  restore(deviceId: string, detector: OnlineDetector): void {
    this.entries.set(deviceId, new Entry(detector));
  }

  /** Least recently used first. */
  deviceIds(): string[] {
    return [...this.entries.rkeys()];
  }

  /**
   * Parks the detectors that took no reading for the parking's `afterMs` (none without parking);
   * returns how many. A detector that cannot be written stays in memory, and the error is thrown
   * after the others were parked.
   */
  parkQuiet(): number {
    const parking = this.options.parking;
    if (!parking) return 0;
    const nowMs = this.now() - this.epoch;
    parking.parked.sweepShells(nowMs);
    const before = nowMs - parking.afterMs;
    let parked = 0;
    let failure: Error | undefined;
    // least recently used first
    this.entries.rforEach((entry) => {
      // brought back for its state, not for a reading: quiet since
      if (!entry.detector || entry.usedAt > before) return;
      try {
        entry.row = parking.parked.park(entry.detector);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        return;
      }
      entry.detector = undefined;
      this.parkedCount++;
      parked++;
    });
    if (failure) throw failure;
    return parked;
  }

  private entry(deviceId: string): Entry {
    let entry = this.entries.get(deviceId, LRU_READ_OPTIONS);
    if (!entry) {
      entry = new Entry(
        new OnlineDetector({ ...this.options.detectorOptions?.(deviceId), pages: this.options.pages }),
      );
      this.entries.set(deviceId, entry);
    }
    return entry;
  }

  private detectorOf(entry: Entry): OnlineDetector {
    if (entry.detector) return entry.detector;
    // parked: brought back (into a parked device's objects, maybe), not used since
    entry.detector = this.options.parking!.parked.unpark(entry.row);
    entry.row = -1;
    entry.usedAt = -Infinity;
    this.parkedCount--;
    return entry.detector;
  }

  /** A device leaves the pool: its pages (and its parked record) are free again. */
  private drop(entry: Entry): void {
    if (!entry.detector && entry.row >= 0) {
      this.detectorOf(entry);
    }
    entry.detector?.release();
    entry.detector = undefined;
  }
}
