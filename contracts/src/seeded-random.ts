/**
 * The one seeded PRNG of the project, so a simulation, a training run or the demo data is the
 * same on every run from its seed; Math.random is never used for them. Simulator outputs, the
 * trained model artifacts and the demo data depend on these exact sequences:
 * seeded-random.spec.ts pins them.
 */
export type Rng = () => number;

/** mulberry32: 32-bit state, fast, good enough for simulation noise. Returns [0, 1). */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives an independent 32-bit seed from a base seed and labels (FNV-1a over the text). */
export function deriveSeed(seed: number, ...labels: string[]): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (const label of labels) {
    for (let i = 0; i < label.length; i++) {
      hash ^= label.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193);
    }
    hash ^= 0xff;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Uniform in [low, high). */
export function uniform(rng: Rng, low: number, high: number): number {
  return low + (high - low) * rng();
}

/** Standard normal sample (Box-Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher-Yates shuffle of a copy. */
export function seededShuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** mulberry32 with the helpers demo data and benchmarks use. */
export class SeededRandom {
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rng();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** Approximately normal (Irwin–Hall of 6), enough for demo spreads. */
  normal(mean: number, stdDev: number): number {
    let sum = 0;
    for (let i = 0; i < 6; i++) sum += this.next();
    return mean + (sum - 3) * stdDev * Math.SQRT2;
  }
}
