/**
 * Fixed-size slots carved out of large shared ArrayBuffers, for many small typed arrays that live
 * long (a device's feature window): a typed array is then a view on a slot of a page.
 *
 * A typed array with a buffer of its own costs ≈ 300 bytes of native memory besides its values:
 * four allocations (V8's backing store, its extension, the shared pointer's control block, the
 * values) with glibc's headers. Made one device at a time among a burst's short-lived allocations
 * (a history's playback), they are left scattered across glibc's arena once the burst's go: after
 * a playback, 34 MB of resident pages held less than 1 KB of live data each, most of it these
 * quartets and the sockets' native wraps (a walk of the arena, docs/benchmarks.md). A page here is
 * one allocation of PAGE_BYTES, which glibc maps on its own (above its mmap threshold, ADR 0018):
 * outside the arena, zeroed by the kernel, and resident only where a slot was written.
 *
 * A slot freed (release) is taken again by the next one of its size, lowest address first, so the
 * pages in use stay dense. A page none of whose slots is in use any more is let go (glibc unmaps
 * it once V8 collects its buffer): windows grow through their sizes (4, 8, 16, 32, 36 rows), and
 * after 9 hours of history the smaller sizes' pages, all free, held 9.4 MB at 10,000 devices.
 */
export class ArrayBufferSlots {
  /** By slot size: the free slots, as parallel stacks of page and byte offset. */
  private readonly classes = new Map<number, SlotClass>();
  private pageCount = 0;

  /** Pages held (each PAGE_BYTES, or one slot's size when larger). */
  get pages(): number {
    return this.pageCount;
  }

  /** The slots in use. */
  get inUse(): number {
    let used = 0;
    for (const slots of this.classes.values()) used += slots.made - slots.freePages.length;
    return used;
  }

  /**
   * A slot of at least `bytes` bytes (rounded up to 8, so that a Float64Array may start it), zeroed
   * the first time it is handed out; a slot handed out again holds what its last user left.
   */
  allocate(bytes: number): { buffer: ArrayBuffer; byteOffset: number } {
    const size = slotSize(bytes);
    let slots = this.classes.get(size);
    if (!slots) this.classes.set(size, (slots = new SlotClass()));
    if (slots.freePages.length === 0) this.grow(slots, size);
    const buffer = slots.freePages.pop()!;
    slots.used.set(buffer, slots.used.get(buffer)! + 1);
    return { buffer, byteOffset: slots.freeOffsets.pop()! };
  }

  /** Gives back the slot of `bytes` bytes (allocate's size) at `byteOffset` in `buffer`. */
  release(buffer: ArrayBuffer, byteOffset: number, bytes: number): void {
    const slots = this.classes.get(slotSize(bytes));
    const used = slots?.used.get(buffer);
    if (!slots || !used) throw new Error(`no slot of ${bytes} bytes was handed out there`);
    if (used > 1) {
      slots.used.set(buffer, used - 1);
      slots.freePages.push(buffer);
      slots.freeOffsets.push(byteOffset);
      return;
    }
    // the page's last slot in use: the page goes, its free slots out of the stacks with it
    slots.used.delete(buffer);
    let kept = 0;
    for (let i = 0; i < slots.freePages.length; i++) {
      if (slots.freePages[i] === buffer) continue;
      slots.freePages[kept] = slots.freePages[i];
      slots.freeOffsets[kept] = slots.freeOffsets[i];
      kept++;
    }
    slots.made -= slots.freePages.length - kept + 1;
    slots.freePages.length = kept;
    slots.freeOffsets.length = kept;
    this.pageCount--;
  }

  private grow(slots: SlotClass, size: number): void {
    const count = Math.max(1, Math.floor(PAGE_BYTES / size));
    const page = new ArrayBuffer(count * size);
    this.pageCount++;
    slots.made += count;
    slots.used.set(page, 0);
    // highest first on the stack: the lowest offsets are handed out first
    for (let i = count - 1; i >= 0; i--) {
      slots.freePages.push(page);
      slots.freeOffsets.push(i * size);
    }
  }
}

/** 256 KiB: above glibc's mmap threshold as the platform fixes it (128 KiB), so mapped on its own. */
export const PAGE_BYTES = 256 * 1024;

class SlotClass {
  readonly freePages: ArrayBuffer[] = [];
  readonly freeOffsets: number[] = [];
  /** Slots of this size on the pages held (in use or free). */
  made = 0;
  /** The pages held, each with its slots in use. */
  readonly used = new Map<ArrayBuffer, number>();
}

function slotSize(bytes: number): number {
  if (!(bytes > 0) || !Number.isSafeInteger(bytes))
    throw new Error(`a slot needs a positive whole size, not ${bytes}`);
  return Math.ceil(bytes / 8) * 8;
}
