import fc from 'fast-check';
import { ArrayBufferSlots, PAGE_BYTES } from './array-buffer-slots';

describe('ArrayBufferSlots', () => {
  it('hands out slots of one page, lowest first, each its own bytes', () => {
    const slots = new ArrayBufferSlots();
    const a = slots.allocate(448);
    const b = slots.allocate(448);
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBeGreaterThanOrEqual(PAGE_BYTES - 448);
    expect([a.byteOffset, b.byteOffset]).toEqual([0, 448]);
    new Float64Array(a.buffer, a.byteOffset, 56).fill(1);
    expect(new Float64Array(b.buffer, b.byteOffset, 56).every((v) => v === 0)).toBe(true);
    expect(slots.pages).toBe(1);
    expect(slots.inUse).toBe(2);
  });

  it('rounds a size up to 8 bytes, so a Float64Array may start every slot', () => {
    const slots = new ArrayBufferSlots();
    const a = slots.allocate(13);
    const b = slots.allocate(16);
    expect(b.byteOffset - a.byteOffset).toBe(16);
    expect(() => new Float64Array(b.buffer, b.byteOffset, 2)).not.toThrow();
  });

  it('takes a freed slot again before making a page, and keeps sizes apart', () => {
    const slots = new ArrayBufferSlots();
    const perPage = Math.floor(PAGE_BYTES / 1008);
    const taken = Array.from({ length: perPage }, () => slots.allocate(1008));
    expect(slots.pages).toBe(1);
    slots.release(taken[7].buffer, taken[7].byteOffset, 1008);
    const again = slots.allocate(1008);
    expect([again.buffer, again.byteOffset]).toEqual([taken[7].buffer, taken[7].byteOffset]);
    expect(slots.pages).toBe(1);
    // another size has pages of its own
    expect(slots.allocate(112).buffer).not.toBe(taken[0].buffer);
    expect(slots.pages).toBe(2);
    // the first page is full: the next slot of its size needs a second
    expect(slots.allocate(1008).buffer).not.toBe(taken[0].buffer);
    expect(slots.pages).toBe(3);
  });

  it('lets a page go once none of its slots is in use, and hands out none of its slots again', () => {
    const slots = new ArrayBufferSlots();
    const perPage = Math.floor(PAGE_BYTES / 448);
    // windows of 16 rows, grown to 32: the 16-row slots are freed, page after page
    const small = Array.from({ length: perPage * 2 }, () => slots.allocate(448));
    expect(slots.pages).toBe(2);
    const grown = small.map(() => slots.allocate(896));
    expect(slots.pages).toBe(2 + Math.ceil((perPage * 2) / Math.floor(PAGE_BYTES / 896)));
    for (const slot of small.slice(0, perPage)) slots.release(slot.buffer, slot.byteOffset, 448);
    expect(slots.pages).toBe(1 + Math.ceil((perPage * 2) / Math.floor(PAGE_BYTES / 896)));
    for (const slot of small.slice(perPage, -1)) slots.release(slot.buffer, slot.byteOffset, 448);
    // one slot of the second page still in use: the page stays, its free slots are handed out again
    const again = slots.allocate(448);
    expect(again.buffer).toBe(small[perPage].buffer);
    slots.release(again.buffer, again.byteOffset, 448);
    slots.release(small[small.length - 1].buffer, small[small.length - 1].byteOffset, 448);
    expect(slots.inUse).toBe(grown.length);
    expect(slots.pages).toBe(Math.ceil((perPage * 2) / Math.floor(PAGE_BYTES / 896)));
    // the next 448-byte slot is on a new page, not on one let go
    const next = slots.allocate(448);
    expect(small.some((slot) => slot.buffer === next.buffer)).toBe(false);
    expect(() => slots.release(small[0].buffer, small[0].byteOffset, 448)).toThrow('no slot of 448 bytes');
  });

  it('gives a slot larger than a page a page of its own', () => {
    const slots = new ArrayBufferSlots();
    const big = slots.allocate(PAGE_BYTES + 1);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(PAGE_BYTES + 8);
  });

  it('refuses a size that is not a positive whole number, and a release of a size never handed out', () => {
    const slots = new ArrayBufferSlots();
    for (const bad of [0, -8, 1.5, Number.NaN])
      expect(() => slots.allocate(bad)).toThrow('positive whole size');
    expect(() => slots.release(new ArrayBuffer(8), 0, 8)).toThrow('no slot of 8 bytes');
  });

  it('never hands out one slot twice, whatever the order of allocations and releases', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ free: fc.boolean(), size: fc.constantFrom(24, 112, 448, 1008), pick: fc.nat() }),
          {
            maxLength: 400,
          },
        ),
        (steps) => {
          const slots = new ArrayBufferSlots();
          const held: { buffer: ArrayBuffer; byteOffset: number; size: number; mark: number }[] = [];
          let mark = 0;
          for (const step of steps) {
            if (step.free && held.length > 0) {
              const [slot] = held.splice(step.pick % held.length, 1);
              slots.release(slot.buffer, slot.byteOffset, slot.size);
            } else {
              const slot = { ...slots.allocate(step.size), size: step.size, mark: ++mark };
              // each holder writes its mark over its whole slot: an overlap would show
              new Uint8Array(slot.buffer, slot.byteOffset, slot.size).fill(slot.mark % 251);
              held.push(slot);
            }
          }
          for (const slot of held) {
            expect(
              new Uint8Array(slot.buffer, slot.byteOffset, slot.size).every((b) => b === slot.mark % 251),
            ).toBe(true);
          }
          expect(slots.inUse).toBe(held.length);
          // a page is held while a slot of it is: no more, no fewer
          expect(slots.pages).toBe(new Set(held.map((slot) => slot.buffer)).size);
        },
      ),
      { numRuns: 300 },
    );
  });
});
