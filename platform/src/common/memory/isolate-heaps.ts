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
  private readonly releasers = new Set<() => Promise<void>>();

  /**
   * Adds a thread's reader, and what makes the thread give back its heap's pooled pages (a
   * last-resort collection there: V8's pool is each isolate's own); the function returned takes
   * them out again.
   */
  add(reader: IsolateHeapReader, release?: () => Promise<void>): () => void {
    this.readers.add(reader);
    if (release) this.releasers.add(release);
    return () => {
      this.readers.delete(reader);
      if (release) this.releasers.delete(release);
    };
  }

  /** Has every thread give back its pooled pages; a thread that fails to is left as it is. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.releasers].map((release) => release().catch(() => undefined)));
  }

  /** What the threads' heaps hold, summed over those read; null with no thread to read. */
  async committedBytes(): Promise<number | null> {
    const sizes = await Promise.all([...this.readers].map((read) => read().catch(() => null)));
    const read = sizes.filter((size): size is number => size !== null);
    return read.length === 0 ? null : read.reduce((sum, size) => sum + size, 0);
  }
}
