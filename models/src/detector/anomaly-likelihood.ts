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

export class AnomalyLikelihood {
  private n = 0;
  /** The short window's values: `ring[ringAt]` to `ring[ringAt + shortWindow - 1]`. */
  private readonly ring: Float64Array;
  private readonly ringAt: number;
  private pos = 0;
  private sum = 0;
  private mean = 0;
  private variance = 0;

  /**
   * ring: storage for the short window (zeroed), from `ringAt` on, e.g. an array its owner shares
   * between several likelihoods (a typed array view costs ~100 bytes, and there are 16 a device).
   */
  constructor(
    private readonly options: AnomalyLikelihoodOptions,
    ring?: Float64Array,
    ringAt = 0,
  ) {
    if (ring && (ringAt < 0 || ring.length - ringAt < options.shortWindow)) {
      throw new Error(
        `likelihood ring holds ${ring.length - ringAt} values from ${ringAt}, shortWindow is ${options.shortWindow}`,
      );
    }
    this.ring = ring ?? new Float64Array(options.shortWindow);
    this.ringAt = ring ? ringAt : 0;
  }

  /** Adds a raw value and returns the log-scaled likelihood in [0, 1] (0.5 ≈ 1e-5 tail). */
  update(raw: number): number {
    const { shortWindow, longWindow, minStd } = this.options;
    const at = this.ringAt + this.pos;
    this.sum += raw - this.ring[at];
    this.ring[at] = raw;
    this.pos = (this.pos + 1) % shortWindow;
    this.n++;
    const filled = min(this.n, shortWindow);
    const shortMean = this.sum / filled;
    let score = 0;
    if (this.n > max(shortWindow, this.options.minHistory)) {
      const std = max(sqrt(this.variance), minStd);
      const tail = gaussianTail((shortMean - this.mean) / std);
      score = log(max(tail, TAIL_FLOOR)) / log(TAIL_FLOOR);
    }
    // Learn after scoring: the reading is judged only by what came before it.
    const alpha = max(1 / this.n, 1 / longWindow);
    const delta = shortMean - this.mean;
    this.mean += alpha * delta;
    this.variance = (1 - alpha) * (this.variance + alpha * delta * delta);
    return score;
  }

  toJSON(): AnomalyLikelihoodState {
    return { ...this.scalarState(), ring: Array.from(this.ownRing()) };
  }

  /** The state but its ring (which an owner that holds the ring's storage saves itself). */
  scalarState(): Omit<AnomalyLikelihoodState, 'ring'> {
    return { n: this.n, pos: this.pos, sum: this.sum, mean: this.mean, variance: this.variance };
  }

  static fromJSON(options: AnomalyLikelihoodOptions, state: AnomalyLikelihoodState): AnomalyLikelihood {
    const model = new AnomalyLikelihood(options);
    model.restore(state);
    return model;
  }

  /** Takes up a saved state in place (its ring storage stays where it is). */
  restore(state: AnomalyLikelihoodState): void {
    const ring = this.ownRing();
    ring.fill(0);
    ring.set(state.ring.slice(0, this.options.shortWindow));
    this.restoreScalars(state);
  }

  private ownRing(): Float64Array {
    return this.ring.subarray(this.ringAt, this.ringAt + this.options.shortWindow);
  }

  /** Takes up a saved state but its ring, which the owner restored in its storage. */
  restoreScalars(state: Omit<AnomalyLikelihoodState, 'ring'>): void {
    this.n = state.n;
    this.pos = state.pos % this.options.shortWindow;
    this.sum = state.sum;
    this.mean = state.mean;
    this.variance = state.variance;
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
