import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * A metric's daily and weekly profiles kept in a file instead of in memory (ADR 0019). A reading
 * reads and learns one daily bucket (15 minutes of the day) and one weekly bucket (an hour of the
 * week) of each metric; the other 262 of its 264 buckets wait for their time of day or week. So a
 * paged model keeps the two buckets in use in memory and the rest here, and swaps a bucket when
 * the readings' time moves into the next one (every 15 minutes of readings, a few bytes each way).
 * At 10,000 devices of five metrics that is 66 MB on disk (1,320 bytes a metric), not in the process.
 *
 * One slot per paged metric model, of a record per bucket (daily buckets, then weekly): the
 * bucket's mean and deviation as half floats (little-endian) and its count in a byte. The file is
 * a place to put memory, not a store: it is removed from the directory as soon as it is opened
 * (the open descriptor keeps it until the process ends), so two processes or threads never share
 * one, and nothing is left behind by a crash. A model's state is saved through its packed form,
 * as before.
 */
export class ProfilePages {
  /** Bytes of one bucket's record: mean (2), deviation (2), count (1). */
  static readonly RECORD_BYTES = 5;
  readonly slotBytes: number;
  private readonly fd: number;
  private readonly zeros: Buffer;
  private readonly record = Buffer.alloc(ProfilePages.RECORD_BYTES);
  private readonly free: number[] = [];
  private slots = 0;
  private closed = false;

  /** dir: where to make the file (created if missing); buckets: daily + weekly buckets a model has. */
  constructor(
    dir: string,
    readonly buckets: number,
  ) {
    this.slotBytes = buckets * ProfilePages.RECORD_BYTES;
    this.zeros = Buffer.alloc(this.slotBytes);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(
      dir,
      `profiles-${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}.pages`,
    );
    this.fd = fs.openSync(file, 'w+', 0o600);
    fs.unlinkSync(file);
  }

  /** Slots in use (models paged here). */
  get inUse(): number {
    return this.slots - this.free.length;
  }

  /** Bytes the file takes (every slot ever handed out; released ones are handed out again). */
  get fileBytes(): number {
    return this.slots * this.slotBytes;
  }

  /** A slot for a new model, its buckets zeroed (as a new model's memory is). */
  allocate(): number {
    const slot = this.free.pop() ?? this.slots++;
    this.writeAt(this.zeros, 0, this.slotBytes, slot * this.slotBytes);
    return slot;
  }

  /** The slot's model is gone: the slot is handed out again. */
  release(slot: number): void {
    if (!this.closed) this.free.push(slot);
  }

  /** Reads bucket i of the slot into `record` (mean, deviation, count) and returns it. */
  read(slot: number, i: number): Buffer {
    const record = this.record;
    this.readAt(record, 0, record.length, slot * this.slotBytes + i * record.length);
    return record;
  }

  /** Writes bucket i of the slot. */
  write(slot: number, i: number, mean: number, dev: number, count: number): void {
    const record = this.record;
    record.writeUInt16LE(mean, 0);
    record.writeUInt16LE(dev, 2);
    record[4] = count;
    this.writeAt(record, 0, record.length, slot * this.slotBytes + i * record.length);
  }

  /** The slot's every bucket, in a buffer of its own. */
  readAll(slot: number): Buffer {
    const all = Buffer.alloc(this.slotBytes);
    this.readAt(all, 0, all.length, slot * this.slotBytes);
    return all;
  }

  writeAll(slot: number, all: Buffer): void {
    this.writeAt(all, 0, this.slotBytes, slot * this.slotBytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private readAt(into: Buffer, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, into, offset + done, length - done, position + done);
      if (n === 0) throw new Error(`profile pages: read past the end of the file at ${position + done}`);
      done += n;
    }
  }

  private writeAt(from: Buffer, offset: number, length: number, position: number): void {
    let done = 0;
    while (done < length) done += fs.writeSync(this.fd, from, offset + done, length - done, position + done);
  }
}
