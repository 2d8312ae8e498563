import PQueue from 'p-queue';

/**
 * Runs work one at a time, in the order it was queued: the project's one serial queue (writes
 * that must land in order, a cache updated by one writer at a time).
 */
export class SerialQueue {
  private readonly queue = new PQueue({ concurrency: 1 });

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.queue.add(work);
  }

  /** Resolves once everything queued, including work queued while waiting, has run. */
  settled(): Promise<void> {
    return this.queue.onIdle();
  }
}

/**
 * Runs work one at a time per key (a ticket, a device) and in parallel across keys. A key's
 * queue is dropped once it is idle.
 */
export class KeyedQueue {
  private readonly queues = new Map<string, PQueue>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(key);
    if (!queue) {
      const created = new PQueue({ concurrency: 1 });
      created.on('idle', () => {
        if (this.queues.get(key) === created && created.size === 0 && created.pending === 0)
          this.queues.delete(key);
      });
      this.queues.set(key, created);
      queue = created;
    }
    return queue.add(work);
  }

  /** Resolves once every key's queue is empty, including work queued while waiting. */
  async settled(): Promise<void> {
    while (this.queues.size > 0) await Promise.all([...this.queues.values()].map((q) => q.onIdle()));
  }
}
