/**
 * Bounded FIFO of outgoing messages kept while the broker is unreachable. When full, the oldest
 * entry is dropped and counted: recent readings matter more to diagnostics than old ones.
 * Backed by a ring that grows on demand, so an always-connected device costs a few bytes.
 */
export class ReadingBuffer<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  private size = 0;
  private droppedCount = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.size;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  push(item: T): void {
    if (this.size === this.capacity) {
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.items.length;
      this.size--;
      this.droppedCount++;
    }
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) % this.items.length] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    if (this.size === 0) {
      // Release the memory of a drained backlog.
      this.items = [];
      this.head = 0;
    }
    return item;
  }

  /** Puts an item back at the front (a publish that could not be handed to the client). */
  unshift(item: T): void {
    if (this.size === this.capacity) return;
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1 + this.items.length) % this.items.length;
    this.items[this.head] = item;
    this.size++;
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.min(this.capacity, Math.max(4, this.items.length * 2)));
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
