/**
 * Fixed-width aggregates (count, sum, min, max per epoch-aligned bucket) of one series, in
 * typed arrays sorted by bucket start: 36 bytes a bucket. Readings arrive mostly in time order,
 * so adding is an update of the last bucket or an append; a late reading costs a binary search
 * and, for a new bucket in the middle, a shift.
 */
export class Rollup {
  starts = new Float64Array(4);
  counts = new Uint32Array(4);
  sums = new Float64Array(4);
  mins = new Float64Array(4);
  maxs = new Float64Array(4);
  length = 0;

  constructor(readonly widthMs: number) {}

  add(bucketStart: number, count: number, sum: number, min: number, max: number): void {
    let i = this.length;
    if (i === 0 || this.starts[i - 1] < bucketStart) {
      this.insertAt(i, bucketStart);
    } else if (this.starts[i - 1] === bucketStart) {
      i--;
    } else {
      i = this.lowerBound(bucketStart);
      if (this.starts[i] !== bucketStart) this.insertAt(i, bucketStart);
    }
    this.counts[i] += count;
    this.sums[i] += sum;
    if (min < this.mins[i]) this.mins[i] = min;
    if (max > this.maxs[i]) this.maxs[i] = max;
  }

  /** First bucket index whose start is >= ts. */
  lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the buckets starting before `ts`; returns how many. */
  dropBefore(ts: number): number {
    const n = this.lowerBound(ts);
    if (n === 0) return 0;
    const keep = this.length - n;
    this.starts.copyWithin(0, n, this.length);
    this.counts.copyWithin(0, n, this.length);
    this.sums.copyWithin(0, n, this.length);
    this.mins.copyWithin(0, n, this.length);
    this.maxs.copyWithin(0, n, this.length);
    this.length = keep;
    if (this.starts.length > 64 && keep < this.starts.length / 4) this.resize(Math.max(4, keep * 2));
    return n;
  }

  bytes(): number {
    return this.starts.byteLength * 4 + this.counts.byteLength;
  }

  private insertAt(i: number, bucketStart: number): void {
    if (this.length === this.starts.length) this.resize(Math.ceil(this.length * 1.5) + 1);
    if (i < this.length) {
      this.starts.copyWithin(i + 1, i, this.length);
      this.counts.copyWithin(i + 1, i, this.length);
      this.sums.copyWithin(i + 1, i, this.length);
      this.mins.copyWithin(i + 1, i, this.length);
      this.maxs.copyWithin(i + 1, i, this.length);
    }
    this.starts[i] = bucketStart;
    this.counts[i] = 0;
    this.sums[i] = 0;
    this.mins[i] = Infinity;
    this.maxs[i] = -Infinity;
    this.length++;
  }

  private resize(capacity: number): void {
    const grow = <T extends Float64Array | Uint32Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array.subarray(0, Math.min(this.length, capacity)));
      return next;
    };
    this.starts = grow(this.starts, (n) => new Float64Array(n));
    this.counts = grow(this.counts, (n) => new Uint32Array(n));
    this.sums = grow(this.sums, (n) => new Float64Array(n));
    this.mins = grow(this.mins, (n) => new Float64Array(n));
    this.maxs = grow(this.maxs, (n) => new Float64Array(n));
  }
}
