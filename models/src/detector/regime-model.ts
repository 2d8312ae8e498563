// Module-level references to Math: the loops run under jest's vm context too, where every global
// lookup goes through an interceptor.
const { abs, cos, max, min, sin, PI } = Math;
const { isFinite } = Number;

const DAY_MS = 24 * 3_600_000;

export interface RegimeConfig {
  /**
   * Readings of the device's own early data its healthy model is learned from: the first two
   * thirds fit it, the last third calibrates its statistics (their healthy mean is 1).
   */
  learnReadings: number;
  /** Readings the statistics are smoothed over (EWMA time constant); exits use exitSmoothingReadings. */
  smoothingReadings: number;
  /** Readings the exit statistics are smoothed over (short: an episode's end is seen quickly). */
  exitSmoothingReadings: number;
  /** Smoothed residual's distance (MEWMA, a sustained shift) that enters "unhealthy", in healthy means. */
  enterShift: number;
  /** Smoothed per-reading distance (EWMA of d²/k: spread, broken relations) that enters "unhealthy". */
  enterSpread: number;
  /**
   * Exit bars: this share of the way from the healthy mean (1) to the entry bar; both fast statistics
   * must stay under theirs to leave.
   */
  exitRatio: number;
  /** Readings in a row under the exit bars to be healthy again. */
  exitReadings: number;
  /** Readings in a row a metric must repeat its value exactly to be read as stuck. */
  stuckReadings: number;
  /**
   * Time constant (readings) of the slow learning while healthy; 0 never adapts. Only readings
   * under the exit bars teach it, so a fault is never absorbed.
   */
  adaptReadings: number;
}

/**
 * The entry bars (and the detector hold, REGIME_QUIET_READINGS) are the choice picked on all the
 * generated fault families (models/src/generated; leave-one-family-out figures in docs/models.md,
 * "Anomaly state on fault shapes"); the rest is set by design.
 */
export const REGIME_CONFIG: Readonly<RegimeConfig> = Object.freeze({
  learnReadings: 2880,
  smoothingReadings: 30,
  exitSmoothingReadings: 6,
  enterShift: 10,
  enterSpread: 2,
  exitRatio: 0.5,
  exitReadings: 5,
  stuckReadings: 60,
  adaptReadings: 20_000,
});

/** Metrics beyond this many (per device) are left out of the regime model, keeping memory O(k²) small. */
export const MAX_REGIME_METRICS = 16;
/** Largest distance (squared, per metric; healthy readings are about 1) one reading contributes. */
const MAX_READING_DISTANCE = 20;
/** Daily-cycle features: constant, then sin/cos of the first two harmonics of the time of day. */
const FEATURES = 5;
/** Ridge added to the residual covariance, relative to its mean diagonal. */
const RIDGE = 1e-3;
/** A metric that repeats its value exactly this often while healthy cannot be read as stuck. */
const MAX_HEALTHY_REPEAT_SHARE = 0.01;

/** What the regime model says about a reading. */
export interface RegimeEvidence {
  /** The healthy model is learned (before that the regime says nothing). */
  ready: boolean;
  /** The device is in an unhealthy regime now (entered past a bar, not yet back under the exit bars long enough). */
  unhealthy: boolean;
}

export interface RegimeStep extends RegimeEvidence {
  /** How far past its entry bar the stronger statistic is (≥ 1 enters); NaN before the model is ready. */
  statistic: number;
  /** A metric reads the same value for stuckReadings readings in a row. */
  stuck: boolean;
}

/** Slow (entry) and fast (exit) statistics: MEWMA shift and EWMA spread. */
const SHIFT = 0;
const SPREAD = 1;
const SHIFT_FAST = 2;
const SPREAD_FAST = 3;

/**
 * A device's own healthy joint behaviour and whether it is in it now. From its first readings it
 * learns, per metric, a daily cycle (two harmonics of the time of day, when those readings span at
 * least a day) and the covariance of what is left (pooled, so the metrics' correlation is kept).
 * Every later reading's residual is judged two ways, each smoothed over `smoothingReadings`:
 * shift, the Mahalanobis distance of the smoothed residual (MEWMA: several metrics moved a little
 * each, together, and stay there), and spread, the smoothed distance of each reading (noise grew,
 * relations broke). Both are divided by their healthy mean, measured on the last third of the
 * learning readings. The device enters the unhealthy regime when either passes its bar, or a metric
 * that never repeats exactly reads the same value for `stuckReadings` in a row; it leaves after
 * `exitReadings` readings with faster versions of both under `exitRatio` of their bars and nothing
 * stuck. While healthy and under those bars it keeps learning slowly (the mean level and the
 * covariance), so a device that ages gracefully stays healthy; an unhealthy regime never teaches
 * it. Works for one metric too (its level and variance). Memory: O(k²) typed arrays.
 */
/**
 * Shared by every model, so that a device's model does not carry arrays it uses only within one
 * update (a typed array costs ≈ 200 bytes of headers however short): updates are synchronous, and
 * each thread has its own.
 */
const SCRATCH_X = new Float64Array(MAX_REGIME_METRICS);
const SCRATCH_R = new Float64Array(MAX_REGIME_METRICS);
const SCRATCH_F = new Float64Array(FEATURES);
/** The empty placeholder of every array not sized yet (nothing is ever written to it). */
const NONE = new Float64Array(0);

/**
 * The objects every model with the default configuration refers to but does not own (its
 * configuration, the scratch arrays, the empty placeholder): a parked model (ParkedDetectors)
 * refers to them again when it comes back.
 */
export const REGIME_SHARED: readonly object[] = [REGIME_CONFIG, SCRATCH_X, SCRATCH_R, SCRATCH_F, NONE];

export class RegimeModel {
  private readonly cfg: Readonly<RegimeConfig>;
  private readonly fitAt: number;
  private metrics: string[] = [];
  private k = 0;
  private n = 0;
  private firstTs = NaN;
  private lastTs = NaN;
  /**
   * Every array of the model in one buffer, each at its offset below (a typed array view costs
   * ≈ 100 bytes besides its values, and ten of them a device were views on one buffer): while
   * learning, the learning sums, the first reading and the running state; from the fit on, what
   * the fitted model keeps.
   */
  private m = NONE;
  // learning sums: features×features, features×k, k×k; repeats of the same value per metric
  private sff = 0;
  private sfx = 0;
  private sxx = 0;
  private repeats = 0;
  /** The first reading: learning sums are of values relative to it (no cancellation on large levels). */
  private ref = 0;
  // learned model
  private fitted = false;
  private ready = false;
  private features = 1;
  private coef = 0;
  private offset = 0;
  private cov = 0;
  private inv = 0;
  /** Per metric, 1 when a run of the same value may be judged stuck. */
  private stuckEligible = 0;
  /** Healthy means of the four statistics (sums while calibrating); from the fit on. */
  private healthyMean = 0;
  private calibrated = 0;
  // running state
  private last = 0;
  private runs = 0;
  private zSlow = 0;
  private zFast = 0;
  /** The four statistics, from the fit on. */
  private stat = 0;
  private unhealthy = false;
  private calm = 0;
  private sinceInverse = 0;
  /** Scratch of one update (the reading, its residual, the time features), shared by every model. */
  private readonly x = SCRATCH_X;
  private readonly r = SCRATCH_R;
  private readonly f = SCRATCH_F;

  constructor(config: Partial<RegimeConfig> = {}) {
    // the default one shared by every device's model (a copy each was ≈ 120 bytes a device)
    this.cfg = Object.keys(config).length === 0 ? REGIME_CONFIG : { ...REGIME_CONFIG, ...config };
    this.fitAt = Math.ceil((this.cfg.learnReadings * 2) / 3);
  }

  get isReady(): boolean {
    return this.ready;
  }

  update(tsMs: number, values: Record<string, number | undefined>): RegimeStep {
    if (!this.fitted) this.adopt(values);
    const k = this.k;
    if (k === 0) return this.step(false);
    for (let i = 0; i < k; i++) {
      const v = values[this.metrics[i]];
      const value = typeof v === 'number' && isFinite(v) ? v : this.m[this.last + i];
      if (!isFinite(value)) return this.step(false); // a metric not seen yet
      this.x[i] = value;
    }
    let stuck = false;
    for (let i = 0; i < k; i++) {
      const same = this.x[i] === this.m[this.last + i];
      this.m[this.runs + i] = same ? this.m[this.runs + i] + 1 : 0;
      if (!this.fitted && same) this.m[this.repeats + i]++;
      if (this.ready && this.m[this.stuckEligible + i] && this.m[this.runs + i] >= this.cfg.stuckReadings)
        stuck = true;
      this.m[this.last + i] = this.x[i];
    }
    if (!this.fitted) {
      this.learn(tsMs);
      return this.step(false);
    }
    this.score(tsMs);
    if (!this.ready) {
      this.calibrate();
      return this.step(false);
    }
    const m = this.m;
    const h = this.healthyMean;
    const { enterShift, enterSpread, exitRatio } = this.cfg;
    const shift = m[this.stat + SHIFT] / m[h + SHIFT] / enterShift;
    const spread = m[this.stat + SPREAD] / m[h + SPREAD] / enterSpread;
    const statistic = max(shift, spread);
    // Exit bars sit between the healthy mean (1) and the entry bar.
    const calmShift = m[this.stat + SHIFT_FAST] / m[h + SHIFT_FAST] < 1 + exitRatio * (enterShift - 1);
    const calmSpread = m[this.stat + SPREAD_FAST] / m[h + SPREAD_FAST] < 1 + exitRatio * (enterSpread - 1);
    const calmNow = calmShift && calmSpread && !stuck;
    if (!this.unhealthy) {
      if (statistic >= 1 || stuck) {
        this.unhealthy = true;
        this.calm = 0;
      }
    } else if (calmNow) {
      if (++this.calm >= this.cfg.exitReadings) {
        this.unhealthy = false;
        // The episode is over: the slow statistics forget it at once instead of decaying for long.
        m.copyWithin(this.zSlow, this.zFast, this.zFast + this.k);
        this.m[this.stat + SHIFT] = this.m[this.stat + SHIFT_FAST];
        this.m[this.stat + SPREAD] = this.m[this.stat + SPREAD_FAST];
      }
    } else this.calm = 0;
    if (!this.unhealthy && calmNow && statistic < 1) this.adapt();
    return { ready: true, unhealthy: this.unhealthy, statistic, stuck };
  }

  private step(ready: boolean): RegimeStep {
    return { ready, unhealthy: false, statistic: NaN, stuck: false };
  }

  /** Residual of the reading from the healthy model, and the four statistics. */
  private score(tsMs: number): void {
    const k = this.k;
    this.featuresAt(tsMs);
    for (let i = 0; i < k; i++) {
      let p = this.m[this.offset + i];
      for (let j = 0; j < this.features; j++) p += this.m[this.coef + j * k + i] * this.f[j];
      this.r[i] = this.x[i] - p;
    }
    // One wild reading (a glitch, a door opened once) counts at most MAX_READING_DISTANCE: only a
    // sustained departure can pass the bars.
    let d2 = max(0, this.distance(this.r, 0)) / k;
    if (d2 > MAX_READING_DISTANCE) {
      const scale = Math.sqrt(MAX_READING_DISTANCE / d2);
      for (let i = 0; i < k; i++) this.r[i] *= scale;
      d2 = MAX_READING_DISTANCE;
    }
    const slow = 1 / this.cfg.smoothingReadings;
    const fast = min(1, 1 / this.cfg.exitSmoothingReadings);
    for (let i = 0; i < k; i++) {
      this.m[this.zSlow + i] += slow * (this.r[i] - this.m[this.zSlow + i]);
      this.m[this.zFast + i] += fast * (this.r[i] - this.m[this.zFast + i]);
    }
    this.m[this.stat + SHIFT] = this.distance(this.m, this.zSlow) / k;
    this.m[this.stat + SHIFT_FAST] = this.distance(this.m, this.zFast) / k;
    this.m[this.stat + SPREAD] += slow * (d2 - this.m[this.stat + SPREAD]);
    this.m[this.stat + SPREAD_FAST] += fast * (d2 - this.m[this.stat + SPREAD_FAST]);
  }

  /** Squared Mahalanobis distance, under the healthy covariance, of the k values of `v` from `at`. */
  private distance(v: Float64Array, at: number): number {
    const k = this.k;
    let d2 = 0;
    for (let i = 0; i < k; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += this.m[this.inv + i * k + j] * v[at + j];
      d2 += s * v[at + i];
    }
    return d2;
  }

  /** The last third of the learning readings: the statistics' healthy means (after they settle). */
  private calibrate(): void {
    this.n++;
    if (this.n > this.fitAt + this.cfg.smoothingReadings) {
      for (let s = 0; s < 4; s++) this.m[this.healthyMean + s] += this.m[this.stat + s];
      this.calibrated++;
    }
    if (this.n < this.cfg.learnReadings) return;
    for (let s = 0; s < 4; s++)
      this.m[this.healthyMean + s] = max(1e-9, this.m[this.healthyMean + s] / max(1, this.calibrated));
    this.ready = true;
  }

  /** Before the model is fitted, metrics are adopted as they appear; a new one restarts learning. */
  private adopt(values: Record<string, number | undefined>): void {
    let added = false;
    for (const name of Object.keys(values)) {
      const v = values[name];
      if (this.metrics.length >= MAX_REGIME_METRICS) break;
      if (typeof v !== 'number' || !isFinite(v) || this.metrics.includes(name)) continue;
      this.metrics.push(name);
      added = true;
    }
    if (!added) return;
    this.metrics = this.metrics.slice(); // at its length: one grown by push keeps room for 17
    const before = this.m.subarray(this.last, this.last + this.k); // the last values so far
    const k = (this.k = this.metrics.length);
    this.n = 0;
    this.firstTs = NaN;
    // the learning sums, the first reading and the running state in one buffer (see fit)
    const learning = new Float64Array(FEATURES * FEATURES + FEATURES * k + k * k + 4 * k);
    let at = 0;
    const take = (n: number) => ((at += n), at - n);
    this.sff = take(FEATURES * FEATURES);
    this.sfx = take(FEATURES * k);
    this.sxx = take(k * k);
    this.repeats = take(k);
    this.runs = take(k);
    this.ref = take(k);
    this.last = take(k);
    learning.fill(NaN, this.last, this.last + k);
    learning.set(before, this.last);
    this.m = learning;
  }

  private featuresAt(tsMs: number): void {
    const a = (2 * PI * (((tsMs % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
    this.f[0] = 1;
    this.f[1] = sin(a);
    this.f[2] = cos(a);
    this.f[3] = sin(2 * a);
    this.f[4] = cos(2 * a);
  }

  private learn(tsMs: number): void {
    const k = this.k;
    if (!isFinite(this.firstTs)) {
      this.firstTs = tsMs;
      this.m.set(this.x.subarray(0, k), this.ref);
    }
    this.lastTs = tsMs;
    this.featuresAt(tsMs);
    const x = this.r;
    for (let i = 0; i < k; i++) x[i] = this.x[i] - this.m[this.ref + i];
    for (let a = 0; a < FEATURES; a++) {
      for (let b = 0; b < FEATURES; b++) this.m[this.sff + a * FEATURES + b] += this.f[a] * this.f[b];
      for (let i = 0; i < k; i++) this.m[this.sfx + a * k + i] += this.f[a] * x[i];
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) this.m[this.sxx + i * k + j] += x[i] * x[j];
    if (++this.n >= this.fitAt) this.fit();
  }

  /** Least squares of every metric on the daily-cycle features; the residual covariance from the same sums. */
  private fit(): void {
    const k = this.k;
    // A daily cycle can be learned only from readings that span a day.
    const p = this.lastTs - this.firstTs >= DAY_MS ? FEATURES : 1;
    const sff = new Float64Array(p * p);
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) sff[a * p + b] = this.m[this.sff + a * FEATURES + b];
    for (let a = 0; a < p; a++) sff[a * p + a] += 1e-9 * this.n;
    const sffInv = invert(sff, p);
    // coef (p×k) = sff⁻¹ sfx
    const coef = new Float64Array(FEATURES * k);
    for (let a = 0; a < p; a++) {
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let b = 0; b < p; b++) s += sffInv[a * p + b] * this.m[this.sfx + b * k + i];
        coef[a * k + i] = s;
      }
    }
    // residual scatter = sxx − sxfᵀ coef
    const cov = new Float64Array(k * k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = this.m[this.sxx + i * k + j];
        for (let a = 0; a < p; a++) s -= this.m[this.sfx + a * k + i] * coef[a * k + j];
        cov[i * k + j] = s / max(1, this.n - p);
      }
    }
    this.features = p;
    // Everything the fitted model keeps, in one buffer (the learning sums are no longer needed): a
    // small typed array with a buffer of its own costs ~200 bytes besides its values, a view on a
    // shared one ~100; so one buffer and one view, with offsets. What it computes is the same to
    // the bit.
    const learning = this.m;
    const kept = new Float64Array(FEATURES * k + 2 * k * k + 6 * k + 8);
    let at = 0;
    const take = (n: number) => ((at += n), at - n);
    // the four statistics and their healthy means: scored and calibrated only once fitted
    this.stat = take(4);
    this.healthyMean = take(4);
    this.coef = take(FEATURES * k);
    kept.set(coef, this.coef);
    this.cov = take(k * k);
    kept.set(cov, this.cov);
    this.inv = take(k * k);
    const offset = take(k);
    kept.set(learning.subarray(this.ref, this.ref + k), offset);
    this.offset = this.ref = offset;
    const last = take(k);
    kept.set(learning.subarray(this.last, this.last + k), last);
    this.last = last;
    const runs = take(k);
    kept.set(learning.subarray(this.runs, this.runs + k), runs);
    this.runs = runs;
    this.zSlow = take(k);
    this.zFast = take(k);
    this.stuckEligible = take(k);
    for (let i = 0; i < k; i++)
      kept[this.stuckEligible + i] = learning[this.repeats + i] / this.n < MAX_HEALTHY_REPEAT_SHARE ? 1 : 0;
    this.m = kept;
    this.sff = this.sfx = this.sxx = this.repeats = 0;
    this.refreshInverse();
    this.fitted = true;
  }

  /** Slow learning while healthy: the level follows the residual's mean, the covariance its spread. */
  private adapt(): void {
    if (this.cfg.adaptReadings <= 0) return;
    const k = this.k;
    const a = 1 / this.cfg.adaptReadings;
    for (let i = 0; i < k; i++) this.m[this.offset + i] += a * this.r[i];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++)
        this.m[this.cov + i * k + j] += a * (this.r[i] * this.r[j] - this.m[this.cov + i * k + j]);
    }
    if (++this.sinceInverse >= 64) this.refreshInverse();
  }

  private refreshInverse(): void {
    const k = this.k;
    let trace = 0;
    for (let i = 0; i < k; i++) trace += this.m[this.cov + i * k + i];
    const ridge = max(1e-12, (RIDGE * trace) / k);
    const m = this.m.slice(this.cov, this.cov + k * k);
    for (let i = 0; i < k; i++) m[i * k + i] += ridge;
    this.m.set(invert(m, k), this.inv);
    this.sinceInverse = 0;
  }
}

/** Gauss-Jordan inverse of a small n×n matrix (row-major). */
function invert(a: Float64Array, n: number): Float64Array {
  const w = 2 * n;
  const m = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * w + j] = a[i * n + j];
    m[i * w + n + i] = 1;
  }
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (abs(m[r * w + c]) > abs(m[pivot * w + c])) pivot = r;
    if (pivot !== c) {
      for (let j = 0; j < w; j++) {
        const t = m[c * w + j];
        m[c * w + j] = m[pivot * w + j];
        m[pivot * w + j] = t;
      }
    }
    const p = m[c * w + c] || 1e-12;
    for (let j = 0; j < w; j++) m[c * w + j] /= p;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * w + c];
      if (f === 0) continue;
      for (let j = 0; j < w; j++) m[r * w + j] -= f * m[c * w + j];
    }
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[i * w + n + j];
  return out;
}
