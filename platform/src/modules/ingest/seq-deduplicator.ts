/**
 * Messages remembered per device: more than the in-flight window of our firmware and edge gateway
 * (20), so that a QoS 1 redelivery after a reconnect is judged without asking the history. 512
 * bytes a device (64 were 1 KB, the largest single part of a device's ingest state).
 */
export const DEDUP_WINDOW = 32;
const WINDOW = DEDUP_WINDOW;

/** What a deduplicator asks about a message it cannot judge from its window. */
export interface ReplayHistory {
  /** The newest tsMs stored for the device before this process heard from it, when known at once. */
  newestStoredTsMs(deviceId: string): number | undefined;
  /** Whether a message with this (seq, tsMs) was accepted earlier than the window remembers. */
  holds(deviceId: string, seq: number, tsMs: number): boolean;
}

interface DeviceWindow {
  keys: Float64Array;
  next: number;
  /** The latest (tsMs, seq) heard or stored; anything after it is new without a look back. */
  newestTsMs: number;
  newestSeq: number;
}

/**
 * Recognises a message delivered twice (QoS 1 redelivery, a replayed buffer) by its (seq, ts).
 * Keying on both lets a device that rebooted and restarted its seq at 0 be heard: its timestamps
 * are new. Memory per device is fixed: a message later than the newest (ts, seq) seen is new
 * at once (the usual case); an earlier one is looked up among the last WINDOW messages, then,
 * when a history is given, in what was accepted and stored before (the telemetry store).
 */
export class SeqDeduplicator {
  private readonly windows = new Map<string, DeviceWindow>();

  constructor(private readonly history?: ReplayHistory) {}

  /** True when (seq, ts) was accepted before for this device; otherwise remembers it. */
  isDuplicate(deviceId: string, seq: number, tsMs: number): boolean {
    let window = this.windows.get(deviceId);
    if (!window) {
      const storedTsMs = this.history?.newestStoredTsMs(deviceId);
      window = {
        keys: new Float64Array(WINDOW * 2).fill(-1),
        next: 0,
        // After a restart the seqs stored at the newest tsMs are unknown: that tsMs is looked up.
        newestTsMs: storedTsMs ?? -Infinity,
        newestSeq: storedTsMs === undefined ? -Infinity : Infinity,
      };
      this.windows.set(deviceId, window);
    }
    if (tsMs > window.newestTsMs || (tsMs === window.newestTsMs && seq > window.newestSeq)) {
      window.newestTsMs = tsMs;
      window.newestSeq = seq;
      remember(window, seq, tsMs);
      return false;
    }
    const keys = window.keys;
    for (let i = 0; i < keys.length; i += 2) if (keys[i] === seq && keys[i + 1] === tsMs) return true;
    if (this.history?.holds(deviceId, seq, tsMs)) return true;
    remember(window, seq, tsMs);
    return false;
  }

  forget(deviceId: string): void {
    this.windows.delete(deviceId);
  }
}

function remember(window: DeviceWindow, seq: number, tsMs: number): void {
  window.keys[window.next * 2] = seq;
  window.keys[window.next * 2 + 1] = tsMs;
  window.next = (window.next + 1) % WINDOW;
}
