import { findNul } from './text-input.guard';

describe('findNul', () => {
  it('names the first field holding U+0000 the way the zod pipe names fields', () => {
    expect(findNul({ title: 'ok', steps: ['a', 'b\0', 'c\0'], notes: '\0' })).toBe('steps.1');
    expect(findNul({ address: { city: 'Köln', street: 'x\0' } })).toBe('address.street');
    expect(findNul('\0')).toBe('');
    expect(findNul({ ['a\0b']: 1 })).toBe('a\\u0000b');
  });

  it('finds nothing in clean text, numbers, null and empty bodies', () => {
    for (const value of [
      undefined,
      null,
      7,
      true,
      '',
      'Ünïcode \\u0000 as text',
      {},
      [],
      { a: [{ b: null }] },
    ])
      expect(findNul(value)).toBeUndefined();
  });
});
