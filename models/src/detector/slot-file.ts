import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';

/**
 * Fixed-size slots in a file, as a place to put memory, not a store (ADR 0019, 0020): the file is
 * removed from its directory as soon as it is opened (the open descriptor keeps it until it is
 * closed or the process ends), so two processes or threads never share one and nothing is left
 * behind by a crash. A released slot is handed out again; the file never shrinks.
 */
export class SlotFile {
  private readonly fd: number;
  private readonly free: number[] = [];
  private slots = 0;
  private closed = false;

  /** dir: where to make the file (created if missing); name: the start of its name. */
  constructor(
    dir: string,
    readonly slotBytes: number,
    name: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(
      dir,
      `${name}-${process.pid}-${threadId}-${Math.random().toString(36).slice(2, 10)}.slots`,
    );
    this.fd = fs.openSync(file, 'w+', 0o600);
    fs.unlinkSync(file);
  }

  /** Slots in use. */
  get inUse(): number {
    return this.slots - this.free.length;
  }

  /** Bytes the file takes (every slot ever handed out). */
  get fileBytes(): number {
    return this.slots * this.slotBytes;
  }

  /** A slot, its bytes whatever they were (see write). */
  allocate(): number {
    return this.free.pop() ?? this.slots++;
  }

  /** The slot is handed out again. */
  release(slot: number): void {
    if (!this.closed) this.free.push(slot);
  }

  /** Reads `length` bytes into `into` from `offset` bytes into the slot. */
  read(slot: number, offset: number, into: Uint8Array, length = into.length): void {
    const position = slot * this.slotBytes + offset;
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, into, done, length - done, position + done);
      if (n === 0)
        throw new Error(`${this.constructor.name}: read past the end of the file at ${position + done}`);
      done += n;
    }
  }

  /** Writes `length` bytes of `from` at `offset` bytes into the slot. */
  write(slot: number, offset: number, from: Uint8Array, length = from.length): void {
    const position = slot * this.slotBytes + offset;
    let done = 0;
    while (done < length) done += fs.writeSync(this.fd, from, done, length - done, position + done);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
