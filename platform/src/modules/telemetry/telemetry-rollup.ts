/** Fields of a bucket, in order, in `Rollup.data`. */
const START = 0;
const COUNT = 1;
const SUM = 2;
const MIN = 3;
const MAX = 4;
const STRIDE = 5;

/**
 * Fixed-width aggregates (count, sum, min, max per epoch-aligned bucket) of one series, in one
 * Float64Array of 5 numbers a bucket (start, count, sum, min, max), sorted by bucket start: 40
 * bytes a bucket, and one allocation per rollup (every series of every device has two, so five
 * arrays each cost ≈ 1 KB per series in array headers alone). Readings arrive mostly in time
 * order, so adding is an update of the last bucket or an append; a late reading costs a binary
 * search and, for a new bucket in the middle, a shift.
 */
export class Rollup {
  private data = new Float64Array(4 * STRIDE);
  length = 0;

  constructor(readonly widthMs: number) {}

  start(i: number): number {
    return this.data[i * STRIDE + START];
  }

  count(i: number): number {
    return this.data[i * STRIDE + COUNT];
  }

  sum(i: number): number {
    return this.data[i * STRIDE + SUM];
  }

  min(i: number): number {
    return this.data[i * STRIDE + MIN];
  }

  max(i: number): number {
    return this.data[i * STRIDE + MAX];
  }

  add(bucketStart: number, count: number, sum: number, min: number, max: number): void {
    let i = this.length;
    if (i === 0 || this.start(i - 1) < bucketStart) {
      this.insertAt(i, bucketStart);
    } else if (this.start(i - 1) === bucketStart) {
      i--;
    } else {
      i = this.lowerBound(bucketStart);
      if (this.start(i) !== bucketStart) this.insertAt(i, bucketStart);
    }
    const at = i * STRIDE;
    const data = this.data;
    data[at + COUNT] += count;
    data[at + SUM] += sum;
    if (min < data[at + MIN]) data[at + MIN] = min;
    if (max > data[at + MAX]) data[at + MAX] = max;
  }

  /** First bucket index whose start is >= ts. */
  lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.start(mid) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops the buckets starting before `ts`; returns how many. */
  dropBefore(ts: number): number {
    const n = this.lowerBound(ts);
    if (n === 0) return 0;
    const keep = this.length - n;
    this.data.copyWithin(0, n * STRIDE, this.length * STRIDE);
    this.length = keep;
    const capacity = this.data.length / STRIDE;
    if (capacity > 64 && keep < capacity / 4) this.resize(Math.max(4, keep * 2));
    return n;
  }

  bytes(): number {
    return this.data.byteLength;
  }

  private insertAt(i: number, bucketStart: number): void {
    if (this.length * STRIDE === this.data.length) this.resize(Math.ceil(this.length * 1.5) + 1);
    const at = i * STRIDE;
    if (i < this.length) this.data.copyWithin(at + STRIDE, at, this.length * STRIDE);
    this.data[at + START] = bucketStart;
    this.data[at + COUNT] = 0;
    this.data[at + SUM] = 0;
    this.data[at + MIN] = Infinity;
    this.data[at + MAX] = -Infinity;
    this.length++;
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity * STRIDE);
    next.set(this.data.subarray(0, Math.min(this.length, capacity) * STRIDE));
    this.data = next;
  }
}
