import { LRUCache } from 'lru-cache';
import { lruBound } from './lru-bound';

describe('lruBound', () => {
  it('holds at most the bound, forgetting the least recently used first', () => {
    const cache = new LRUCache<string, number>(lruBound(2));
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect([...cache.keys()].sort()).toEqual(['a', 'c']);
    expect(cache.size).toBe(2);
  });

  it('keeps the bound beside a time to live', () => {
    let now = 1_000;
    const cache = new LRUCache<string, number>({
      ...lruBound(3),
      ttl: 1_000,
      ttlResolution: 0,
      perf: { now: () => now },
    });
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(3);
    now = 3_000;
    expect(cache.get('k9')).toBeUndefined();
  });
});
