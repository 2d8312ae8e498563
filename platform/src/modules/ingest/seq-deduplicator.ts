const WINDOW = 64;

/**
 * Recognises a message delivered twice (QoS 1 redelivery, a replayed buffer) by its
 * (seq, ts) among the last WINDOW messages of the device. Keying on both lets a device that
 * rebooted and restarted its seq at 0 be heard: its timestamps are new.
 */
export class SeqDeduplicator {
  private readonly windows = new Map<string, { keys: Float64Array; next: number }>();

  /** True when (seq, ts) was seen recently for this device; otherwise remembers it. */
  isDuplicate(deviceId: string, seq: number, tsMs: number): boolean {
    let window = this.windows.get(deviceId);
    if (!window) {
      window = { keys: new Float64Array(WINDOW * 2).fill(-1), next: 0 };
      this.windows.set(deviceId, window);
    }
    const keys = window.keys;
    for (let i = 0; i < keys.length; i += 2) if (keys[i] === seq && keys[i + 1] === tsMs) return true;
    keys[window.next * 2] = seq;
    keys[window.next * 2 + 1] = tsMs;
    window.next = (window.next + 1) % WINDOW;
    return false;
  }

  forget(deviceId: string): void {
    this.windows.delete(deviceId);
  }
}
