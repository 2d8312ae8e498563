import { SlotFile } from './slot-file';

/**
 * A metric's daily and weekly profiles kept in a file instead of in memory (ADR 0019). A reading
 * reads and learns one daily bucket (15 minutes of the day) and one weekly bucket (an hour of the
 * week) of each metric; the other 262 of its 264 buckets wait for their time of day or week. So a
 * paged model keeps the two buckets in use in memory and the rest here, and swaps a bucket when
 * the readings' time moves into the next one (every 15 minutes of readings, a few bytes each way).
 * At 10,000 devices of five metrics that is 66 MB on disk (1,320 bytes a metric), not in the process.
 *
 * One slot per paged metric model, of a record per bucket (daily buckets, then weekly): the
 * bucket's mean and deviation as half floats (little-endian) and its count in a byte, in a
 * SlotFile (removed from the directory as soon as it is opened). A model's state is saved through
 * its packed form, as before.
 */
export class ProfilePages {
  /** Bytes of one bucket's record: mean (2), deviation (2), count (1). */
  static readonly RECORD_BYTES = 5;
  readonly slotBytes: number;
  private readonly file: SlotFile;
  private readonly zeros: Buffer;
  private readonly record = Buffer.alloc(ProfilePages.RECORD_BYTES);

  /** dir: where to make the file (created if missing); buckets: daily + weekly buckets a model has. */
  constructor(
    dir: string,
    readonly buckets: number,
  ) {
    this.slotBytes = buckets * ProfilePages.RECORD_BYTES;
    this.zeros = Buffer.alloc(this.slotBytes);
    this.file = new SlotFile(dir, this.slotBytes, 'profiles');
  }

  /** Slots in use (models paged here). */
  get inUse(): number {
    return this.file.inUse;
  }

  /** Bytes the file takes (every slot ever handed out; released ones are handed out again). */
  get fileBytes(): number {
    return this.file.fileBytes;
  }

  /** A slot for a new model, its buckets zeroed (as a new model's memory is). */
  allocate(): number {
    const slot = this.file.allocate();
    this.file.write(slot, 0, this.zeros);
    return slot;
  }

  /** The slot's model is gone: the slot is handed out again. */
  release(slot: number): void {
    this.file.release(slot);
  }

  /** Reads bucket i of the slot into `record` (mean, deviation, count) and returns it. */
  read(slot: number, i: number): Buffer {
    const record = this.record;
    this.file.read(slot, i * record.length, record);
    return record;
  }

  /** Writes bucket i of the slot. */
  write(slot: number, i: number, mean: number, dev: number, count: number): void {
    const record = this.record;
    record.writeUInt16LE(mean, 0);
    record.writeUInt16LE(dev, 2);
    record[4] = count;
    this.file.write(slot, i * record.length, record);
  }

  /** The slot's every bucket, in a buffer of its own. */
  readAll(slot: number): Buffer {
    const all = Buffer.alloc(this.slotBytes);
    this.file.read(slot, 0, all);
    return all;
  }

  writeAll(slot: number, all: Buffer): void {
    this.file.write(slot, 0, all, this.slotBytes);
  }

  close(): void {
    this.file.close();
  }
}
