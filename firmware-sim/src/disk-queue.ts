import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';

/** What a device link needs of its outgoing queue (ReadingBuffer in memory, DiskQueue on disk). */
export interface OutboundQueue {
  readonly length: number;
  readonly dropped: number;
  push(item: string): void;
  /** The next message to send; it stays queued until acknowledge(). */
  shift(): string | undefined;
  /** The oldest message handed out by shift() was delivered (PUBACKs come in order). */
  acknowledge?(): void;
}

/**
 * A store-and-forward queue of one device's outgoing messages on disk: an append-only log
 * (`<name>.log`, one message per line) and its head (`<name>.head`: byte offset of the oldest
 * undelivered message and the dropped count). A message leaves the log only once the broker
 * acknowledged it, so neither an outage nor a restart loses one; after a crash the messages
 * between the last acknowledgement and the head write are sent again, with their original seq
 * and ts, and the platform drops them as duplicates. Bounded by `maxBytes` of undelivered
 * messages: when full, the oldest not yet sent is dropped and counted.
 */
export class DiskQueue implements OutboundQueue {
  /** Undelivered messages from the head on; null = dropped while others were in flight. */
  private entries: (string | null)[] = [];
  private sizes: number[] = [];
  private first = 0;
  private next = 0;
  /** Where the search for the oldest unsent message starts (entries before it are null or sent). */
  private scan = 0;
  private headOffset = 0;
  private fileBytes = 0;
  private liveBytes = 0;
  private liveCount = 0;
  private droppedCount = 0;
  /** Handed out by shift(), not yet acknowledged. */
  private inflight = 0;
  private readonly logPath: string;
  private readonly headPath: string;
  private fd: number;
  private headFd: number;

  constructor(
    dir: string,
    name: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    const base = path.join(dir, encodeURIComponent(name));
    this.logPath = `${base}.log`;
    this.headPath = `${base}.head`;
    if (existsSync(this.headPath)) {
      const head = JSON.parse(readFileSync(this.headPath, 'utf8')) as { offset: number; dropped: number };
      this.headOffset = head.offset;
      this.droppedCount = head.dropped;
    }
    const log = existsSync(this.logPath) ? readFileSync(this.logPath) : Buffer.alloc(0);
    // a line cut short by a crash is not a message
    const end = log.lastIndexOf(0x0a) + 1;
    const text = log.subarray(Math.min(this.headOffset, end), end).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') this.append(line);
    // the bound holds across a restart too: nothing is in flight yet
    while (this.liveBytes > this.maxBytes && this.liveCount > 1) this.dropOldestPending();
    this.headFd = openSync(this.headPath, existsSync(this.headPath) ? 'r+' : 'w+');
    this.compact();
    this.fd = openSync(this.logPath, 'a');
  }

  /** Messages waiting to be sent (not those in flight). */
  get length(): number {
    return this.liveCount - this.inflight;
  }

  /** Messages not yet acknowledged, in flight included: what a restart would send. */
  get undelivered(): number {
    return this.liveCount;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(item: string): void {
    const line = item + '\n';
    writeSync(this.fd, line);
    this.fileBytes += Buffer.byteLength(line);
    this.append(item);
    while (this.liveBytes > this.maxBytes && this.dropOldestPending()) {
      // dropped one
    }
    if (this.fileBytes > 2 * this.maxBytes + 1024 * 1024) this.compact();
  }

  shift(): string | undefined {
    while (this.next < this.entries.length && this.entries[this.next] === null) this.next++;
    if (this.next >= this.entries.length) return undefined;
    this.inflight++;
    return this.entries[this.next++] as string;
  }

  acknowledge(): void {
    // skip what was dropped before the oldest message in flight, then remove that one
    while (this.first < this.next && this.entries[this.first] === null) this.advance();
    if (this.first >= this.next) return;
    this.liveBytes -= this.sizes[this.first];
    this.liveCount--;
    this.inflight--;
    this.advance();
    this.writeHead();
    if (this.first > 4096 && this.first * 2 > this.entries.length) this.compact();
  }

  close(): void {
    closeSync(this.fd);
    closeSync(this.headFd);
  }

  private append(item: string): void {
    const size = Buffer.byteLength(item) + 1;
    this.entries.push(item);
    this.sizes.push(size);
    this.liveBytes += size;
    this.liveCount++;
    if (this.fileBytes < this.headOffset + this.liveBytes) this.fileBytes = this.headOffset + this.liveBytes;
  }

  private advance(): void {
    this.headOffset += this.sizes[this.first];
    this.entries[this.first] = null;
    this.first++;
  }

  /** Drops the oldest message not yet sent; false when there is none (all in flight). */
  private dropOldestPending(): boolean {
    for (let i = Math.max(this.scan, this.next); i < this.entries.length; i++) {
      this.scan = i;
      if (this.entries[i] === null) continue;
      // never the newest: a full queue keeps the latest reading
      if (this.length <= 1) return false;
      this.entries[i] = null;
      this.liveBytes -= this.sizes[i];
      this.liveCount--;
      this.droppedCount++;
      if (i === this.first) {
        this.advance();
        if (this.next < this.first) this.next = this.first;
      }
      this.scan = i + 1;
      this.writeHead();
      return true;
    }
    return false;
  }

  /** Rewrites the log with the undelivered messages only, in order. */
  private compact(): void {
    const keep: string[] = [];
    const sizes: number[] = [];
    let next = 0;
    for (let i = this.first; i < this.entries.length; i++) {
      if (i === this.next) next = keep.length;
      const entry = this.entries[i];
      if (entry === null) continue;
      keep.push(entry);
      sizes.push(this.sizes[i]);
    }
    if (this.next >= this.entries.length) next = keep.length;
    const tmp = `${this.logPath}.tmp`;
    writeFileSync(tmp, keep.map((e) => e + '\n').join(''));
    const reopen = this.fd !== undefined;
    if (reopen) closeSync(this.fd);
    renameSync(tmp, this.logPath);
    this.entries = keep;
    this.sizes = sizes;
    this.first = 0;
    this.next = next;
    this.scan = next;
    this.headOffset = 0;
    this.fileBytes = sizes.reduce((a, b) => a + b, 0);
    this.writeHead();
    if (reopen) this.fd = openSync(this.logPath, 'a');
  }

  /** One positioned write of a fixed-width record: the head is rewritten on every delivery. */
  private writeHead(): void {
    const record = JSON.stringify({ offset: this.headOffset, dropped: this.droppedCount }).padEnd(63) + '\n';
    writeSync(this.headFd, record, 0);
  }
}
