/**
 * `LRUCache` options that bound a cache to `limit` entries without allocating room for all of
 * them up front. Given `max`, lru-cache allocates its key, value and link arrays for `max`
 * entries when it is made: a 100,000-entry bound costs 2.8 MB before the first entry (measured in
 * a heap snapshot of the platform at start, where six such caches held 12 MB). Counted through
 * `maxSize` instead, with every entry of size 1, the same bound holds and the arrays grow with
 * the entries.
 */
export function lruBound(limit: number): { maxSize: number; sizeCalculation: () => number } {
  return { maxSize: limit, sizeCalculation: ONE };
}

const ONE = (): number => 1;
