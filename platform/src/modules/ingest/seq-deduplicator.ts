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

/**
 * A device's window is a row of STRIDE doubles in a page shared by PAGE_ROWS devices: its newest
 * (tsMs, seq), the next key to overwrite, then WINDOW (seq, tsMs) keys. A typed array of its own
 * cost a device ≈ 430 bytes besides its 512 bytes of keys (the window's object, its two boxed
 * numbers, the Float64Array, its ArrayBuffer and the C++ backing store glibc holds for it).
 */
const NEWEST_TS = 0;
const NEWEST_SEQ = 1;
const NEXT = 2;
const KEYS = 3;
const STRIDE = KEYS + WINDOW * 2;
/** Rows a page holds: 1,024 devices in 536 KB, allocated when the first of them is heard. */
const PAGE_ROWS = 1024;

/**
 * Recognises a message delivered twice (QoS 1 redelivery, a replayed buffer) by its (seq, ts).
 * Keying on both lets a device that rebooted and restarted its seq at 0 be heard: its timestamps
 * are new. Memory per device is fixed: a message later than the newest (ts, seq) seen is new
 * at once (the usual case); an earlier one is looked up among the last WINDOW messages, then,
 * when a history is given, in what was accepted and stored before (the telemetry store).
 */
export class SeqDeduplicator {
  /** The row of each device heard. */
  private readonly rows = new Map<string, number>();
  private readonly pages: Float64Array[] = [];
  /** Rows of forgotten devices, taken again first. */
  private readonly freeRows: number[] = [];
  private rowsUsed = 0;

  constructor(private readonly history?: ReplayHistory) {}

  /** True when (seq, ts) was accepted before for this device; otherwise remembers it. */
  isDuplicate(deviceId: string, seq: number, tsMs: number): boolean {
    let row = this.rows.get(deviceId);
    if (row === undefined) {
      row = this.takeRow();
      const storedTsMs = this.history?.newestStoredTsMs(deviceId);
      const page = this.pages[Math.floor(row / PAGE_ROWS)];
      const at = (row % PAGE_ROWS) * STRIDE;
      page.fill(-1, at + KEYS, at + STRIDE);
      // After a restart the seqs stored at the newest tsMs are unknown: that tsMs is looked up.
      page[at + NEWEST_TS] = storedTsMs ?? -Infinity;
      page[at + NEWEST_SEQ] = storedTsMs === undefined ? -Infinity : Infinity;
      page[at + NEXT] = 0;
      this.rows.set(deviceId, row);
    }
    const page = this.pages[Math.floor(row / PAGE_ROWS)];
    const at = (row % PAGE_ROWS) * STRIDE;
    const newestTsMs = page[at + NEWEST_TS];
    if (tsMs > newestTsMs || (tsMs === newestTsMs && seq > page[at + NEWEST_SEQ])) {
      page[at + NEWEST_TS] = tsMs;
      page[at + NEWEST_SEQ] = seq;
      remember(page, at, seq, tsMs);
      return false;
    }
    for (let i = at + KEYS; i < at + STRIDE; i += 2) if (page[i] === seq && page[i + 1] === tsMs) return true;
    if (this.history?.holds(deviceId, seq, tsMs)) return true;
    remember(page, at, seq, tsMs);
    return false;
  }

  forget(deviceId: string): void {
    const row = this.rows.get(deviceId);
    if (row === undefined) return;
    this.rows.delete(deviceId);
    this.freeRows.push(row);
  }

  private takeRow(): number {
    const free = this.freeRows.pop();
    if (free !== undefined) return free;
    const row = this.rowsUsed++;
    if (row % PAGE_ROWS === 0) this.pages.push(new Float64Array(PAGE_ROWS * STRIDE));
    return row;
  }
}

function remember(page: Float64Array, at: number, seq: number, tsMs: number): void {
  const next = page[at + NEXT];
  page[at + KEYS + next * 2] = seq;
  page[at + KEYS + next * 2 + 1] = tsMs;
  page[at + NEXT] = (next + 1) % WINDOW;
}
