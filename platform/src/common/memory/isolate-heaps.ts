import { Injectable } from '@nestjs/common';

/** Reads the size of one worker thread's heap (its pages, used or not); null when it cannot. */
export type IsolateHeapReader = () => Promise<number | null>;

/**
 * The heaps of the process's worker threads (the detection thread's), as their owners read them:
 * V8's pages resident in the process are theirs too, and what they hold is not pooled
 * (V8PagePoolRelease). An owner adds its reader once its thread runs.
 */
@Injectable()
export class IsolateHeaps {
  private readonly readers = new Set<IsolateHeapReader>();

  /** Adds a thread's reader; the function returned takes it out again. */
  add(reader: IsolateHeapReader): () => void {
    this.readers.add(reader);
    return () => this.readers.delete(reader);
  }

  /** What the threads' heaps hold, summed over those read; null with no thread to read. */
  async committedBytes(): Promise<number | null> {
    const sizes = await Promise.all([...this.readers].map((read) => read().catch(() => null)));
    const read = sizes.filter((size): size is number => size !== null);
    return read.length === 0 ? null : read.reduce((sum, size) => sum + size, 0);
  }
}
