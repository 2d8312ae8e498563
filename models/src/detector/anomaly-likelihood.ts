// Module-level references to Math: the hot loops run under jest's vm context too, where every
// global lookup goes through an interceptor and made them ~20x slower.
const { abs, exp, log, max, min, sqrt } = Math;

/**
 * Turns a stream of raw surprise values in [0, 1] into a calibrated tail probability, the idea
 * behind HTM's "anomaly likelihood": the short-term mean of the raw values is compared with the
 * long-term distribution of that mean (exponentially weighted, so memory is constant), and the
 * Gaussian tail probability of the difference is reported on a log scale. A feature that is
 * always noisy therefore stops firing on its own, and a quiet one fires on a small change.
 */
export interface AnomalyLikelihoodState {
  n: number;

  ring: number[];
  pos: number;
  sum: number;
  mean: number;
  variance: number;
}

export interface AnomalyLikelihoodOptions {
  /** Readings averaged into the short-term mean. */
  shortWindow: number;
  /** Effective memory (readings) of the long-term distribution. */
  longWindow: number;
  /** Floor on the long-term standard deviation, in raw-score units. */
  minStd: number;
  /**
   * Raw values seen before any score is given: the long-term spread of a handful of values is
   * itself noise (HTM's likelihood has a probation period for the same reason).
   */
  minHistory: number;
}

/** 1 - likelihood below this is reported as 1 (the log scale saturates there). */
const TAIL_FLOOR = 1e-10;

/** Scalars of one likelihood, at its offset in a state array: readings, ring position, ring sum, long-term mean and variance. */
export const LIKELIHOOD_SCALARS = 5;
const N = 0;
const POS = 1;
const SUM = 2;
const MEAN = 3;
const VARIANCE = 4;

/**
 * Adds a raw value to the likelihood whose short window is `ring[ringAt ..]` and whose scalars
 * are `s[at ..]` (LIKELIHOOD_SCALARS of them), and returns the log-scaled likelihood in [0, 1]
 * (0.5 ≈ 1e-5 tail). A function over arrays, not an object per likelihood: a device's metrics
 * keep theirs in the metric's one buffer, with no object or boxed number of their own.
 */
export function updateLikelihood(
  options: AnomalyLikelihoodOptions,
  ring: Float64Array,
  ringAt: number,
  s: Float64Array,
  at: number,
  raw: number,
): number {
  const slot = ringAt + s[at + POS];
  s[at + SUM] += raw - ring[slot];
  ring[slot] = raw;
  return scoreAndLearn(options, s, at, 1);
}

/** What a slot of a Uint16 ring holds for a raw value of 1 (a value v is round(v × RING_ONE)). */
export const RING_ONE = 0xffff;

/**
 * updateLikelihood with the short window in two bytes a slot (a metric's rings): the raw value,
 * in [0, 1], is kept as round(raw × RING_ONE), a step of 1.5e-5, and the ring's sum in those
 * units, an integer, so it stays exact however long it runs.
 */
export function updateRingLikelihood(
  options: AnomalyLikelihoodOptions,
  ring: Uint16Array,
  ringAt: number,
  s: Float64Array,
  at: number,
  raw: number,
): number {
  const slot = ringAt + s[at + POS];
  const q = toRingUnits(raw);
  s[at + SUM] += q - ring[slot];
  ring[slot] = q;
  return scoreAndLearn(options, s, at, 1 / RING_ONE);
}

function toRingUnits(raw: number): number {
  return raw >= 1 ? RING_ONE : raw > 0 ? (raw * RING_ONE + 0.5) | 0 : 0;
}

/**
 * Once the ring holds the new value: the score, then the long-term distribution learns. unit:
 * what one unit of the ring's sum is worth.
 */
function scoreAndLearn(options: AnomalyLikelihoodOptions, s: Float64Array, at: number, unit: number): number {
  const { shortWindow, longWindow, minStd } = options;
  s[at + POS] = (s[at + POS] + 1) % shortWindow;
  const n = (s[at + N] += 1);
  const filled = min(n, shortWindow);
  const shortMean = (s[at + SUM] * unit) / filled;
  let score = 0;
  if (n > max(shortWindow, options.minHistory)) {
    const std = max(sqrt(s[at + VARIANCE]), minStd);
    const tail = gaussianTail((shortMean - s[at + MEAN]) / std);
    score = log(max(tail, TAIL_FLOOR)) / log(TAIL_FLOOR);
  }
  // Learn after scoring: the reading is judged only by what came before it.
  const alpha = max(1 / n, 1 / longWindow);
  const delta = shortMean - s[at + MEAN];
  s[at + MEAN] += alpha * delta;
  s[at + VARIANCE] = (1 - alpha) * (s[at + VARIANCE] + alpha * delta * delta);
  return score;
}

/** The scalars of the likelihood at `s[at ..]`, as saved (its ring is saved by whoever holds it). */
export function likelihoodScalars(s: Float64Array, at: number): Omit<AnomalyLikelihoodState, 'ring'> {
  return { n: s[at + N], pos: s[at + POS], sum: s[at + SUM], mean: s[at + MEAN], variance: s[at + VARIANCE] };
}

/** Takes up saved scalars into `s[at ..]`. */
export function restoreLikelihoodScalars(
  options: AnomalyLikelihoodOptions,
  s: Float64Array,
  at: number,
  state: Omit<AnomalyLikelihoodState, 'ring'>,
): void {
  s[at + N] = state.n;
  s[at + POS] = state.pos % options.shortWindow;
  s[at + SUM] = state.sum;
  s[at + MEAN] = state.mean;
  s[at + VARIANCE] = state.variance;
}

/**
 * Takes up a saved state (ring and scalars) in place; a Uint16 ring takes each value in its units
 * (updateRingLikelihood's), and its sum is taken again from what it then holds.
 */
export function restoreLikelihood(
  options: AnomalyLikelihoodOptions,
  ring: Float64Array | Uint16Array,
  ringAt: number,
  s: Float64Array,
  at: number,
  state: AnomalyLikelihoodState,
): void {
  const own = ring.subarray(ringAt, ringAt + options.shortWindow);
  own.fill(0);
  const values = state.ring.slice(0, options.shortWindow);
  restoreLikelihoodScalars(options, s, at, state);
  if (own instanceof Uint16Array) {
    own.set(values.map(toRingUnits));
    s[at + SUM] = own.reduce((sum, q) => sum + q, 0);
  } else {
    own.set(values);
  }
}

/**
 * The saved state of the likelihood whose ring is at `ring[ringAt ..]` (doubles, or a Uint16
 * ring's units) and scalars at `s[at ..]`.
 */
export function likelihoodState(
  options: AnomalyLikelihoodOptions,
  ring: Float64Array | Uint16Array,
  ringAt: number,
  s: Float64Array,
  at: number,
): AnomalyLikelihoodState {
  const own = ring.subarray(ringAt, ringAt + options.shortWindow);
  return {
    ...likelihoodScalars(s, at),
    ring: own instanceof Uint16Array ? Array.from(own, (q) => q / RING_ONE) : Array.from(own),
  };
}

/** One likelihood as an object (the joint model's; a metric keeps its three in its buffer). */
export class AnomalyLikelihood {
  /** The short window's values: `ring[ringAt]` to `ring[ringAt + shortWindow - 1]`. */
  private readonly ring: Float64Array;
  private readonly ringAt: number;
  /** The scalars: `s[at]` to `s[at + LIKELIHOOD_SCALARS - 1]`. */
  private readonly s: Float64Array;
  private readonly at: number;

  /**
   * ring: storage for the short window (zeroed), from `ringAt` on, and for the scalars from
   * `stateAt` on, e.g. an array its owner keeps everything in (a typed array view costs ~100
   * bytes). Without it the likelihood has an array of its own.
   */
  constructor(
    private readonly options: AnomalyLikelihoodOptions,
    ring?: Float64Array,
    ringAt = 0,
    stateAt = ringAt + options.shortWindow,
  ) {
    if (ring && (ringAt < 0 || ring.length - ringAt < options.shortWindow)) {
      throw new Error(
        `likelihood ring holds ${ring.length - ringAt} values from ${ringAt}, shortWindow is ${options.shortWindow}`,
      );
    }
    if (ring && (stateAt < 0 || ring.length - stateAt < LIKELIHOOD_SCALARS)) {
      throw new Error(`likelihood state holds ${ring.length - stateAt} values from ${stateAt}`);
    }
    this.ring = ring ?? new Float64Array(options.shortWindow + LIKELIHOOD_SCALARS);
    this.ringAt = ring ? ringAt : 0;
    this.s = this.ring;
    this.at = ring ? stateAt : options.shortWindow;
  }

  /** Adds a raw value and returns the log-scaled likelihood in [0, 1] (0.5 ≈ 1e-5 tail). */
  update(raw: number): number {
    return updateLikelihood(this.options, this.ring, this.ringAt, this.s, this.at, raw);
  }

  toJSON(): AnomalyLikelihoodState {
    return likelihoodState(this.options, this.ring, this.ringAt, this.s, this.at);
  }

  /** The state but its ring (which an owner that holds the ring's storage saves itself). */
  scalarState(): Omit<AnomalyLikelihoodState, 'ring'> {
    return likelihoodScalars(this.s, this.at);
  }

  static fromJSON(options: AnomalyLikelihoodOptions, state: AnomalyLikelihoodState): AnomalyLikelihood {
    const model = new AnomalyLikelihood(options);
    model.restore(state);
    return model;
  }

  /** Takes up a saved state in place (its ring storage stays where it is). */
  restore(state: AnomalyLikelihoodState): void {
    restoreLikelihood(this.options, this.ring, this.ringAt, this.s, this.at, state);
  }

  /** Takes up a saved state but its ring, which the owner restored in its storage. */
  restoreScalars(state: Omit<AnomalyLikelihoodState, 'ring'>): void {
    restoreLikelihoodScalars(this.options, this.s, this.at, state);
  }
}

/** P(Z > z) for a standard normal Z, accurate in relative terms far into the tail. */
export function gaussianTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function (Chebyshev fit, relative error < 1.2e-7 everywhere). */
export function erfc(x: number): number {
  const z = abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
