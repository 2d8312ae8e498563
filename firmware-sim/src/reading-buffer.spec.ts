import { ReadingBuffer } from './reading-buffer';

function drain<T>(buffer: ReadingBuffer<T>): T[] {
  const out: T[] = [];
  for (let item = buffer.shift(); item !== undefined; item = buffer.shift()) out.push(item);
  return out;
}

describe('ReadingBuffer', () => {
  it('keeps order and releases items first in, first out', () => {
    const buffer = new ReadingBuffer<number>(100);
    for (let i = 0; i < 37; i++) buffer.push(i);
    expect(buffer.shift()).toBe(0);
    for (let i = 37; i < 50; i++) buffer.push(i);
    expect(drain(buffer)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(buffer.length).toBe(0);
  });

  it('stays bounded, dropping and counting the oldest', () => {
    const buffer = new ReadingBuffer<number>(10);
    for (let i = 0; i < 25; i++) buffer.push(i);
    expect(buffer.length).toBe(10);
    expect(buffer.dropped).toBe(15);
    expect(drain(buffer)).toEqual([15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });

  it('puts an unsent item back at the front', () => {
    const buffer = new ReadingBuffer<string>(5);
    buffer.push('a');
    buffer.push('b');
    const first = buffer.shift();
    if (first) buffer.unshift(first);
    buffer.push('c');
    expect(drain(buffer)).toEqual(['a', 'b', 'c']);
  });
});
