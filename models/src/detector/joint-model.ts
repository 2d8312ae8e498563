import { AnomalyLikelihood, AnomalyLikelihoodState } from './anomaly-likelihood';
import { DETECTOR_CONFIG, type DetectorConfig } from './detector-config';

// Module-level references to Math: the hot loops run under jest's vm context too, where every
// global lookup goes through an interceptor and made them ~20x slower.
const { abs, exp, max } = Math;
const { isFinite } = Number;

export interface JointScore {
  /** Calibrated score in [0, 1] of the metrics taken together. */
  score: number;
  /** Share of each metric in the joint distance (non-negative, sums to 1 when score > 0). */
  shares: Float64Array;
}

export interface JointModelState {
  n: number;
  mean: number[];
  cov: number[];
  inv: number[];
  invAge: number | null;
  likelihood: AnomalyLikelihoodState;
}

/**
 * The metrics of a device taken together: an exponentially weighted mean and covariance of the
 * normalised values, and the Mahalanobis distance of each reading from it. A reading where every
 * metric is in its own range but their relation is broken (power up while the motor current
 * stays flat) is far in this distance. The inverse covariance is refreshed every few readings,
 * so work per reading stays O(k²) for k metrics.
 */
export class JointModel {
  private n = 0;
  private readonly mean: Float64Array;
  private readonly cov: Float64Array;
  private readonly inv: Float64Array;
  private invAge = Infinity;
  private readonly likelihood: AnomalyLikelihood;
  private readonly centred: Float64Array;
  private readonly projected: Float64Array;
  private readonly shares: Float64Array;

  constructor(
    private readonly k: number,
    private readonly cfg: DetectorConfig = DETECTOR_CONFIG,
  ) {
    // One buffer for every array: a small typed array with a buffer of its own costs ~200 bytes
    // besides its values (its ArrayBuffer and backing store), and there is one model per device.
    const ring = cfg.likelihood.shortWindow;
    const all = new Float64Array(2 * k * k + 4 * k + ring);
    let at = 0;
    const take = (n: number) => all.subarray(at, (at += n));
    this.mean = take(k);
    this.cov = take(k * k);
    this.inv = take(k * k);
    this.centred = take(k);
    this.projected = take(k);
    this.shares = take(k);
    this.likelihood = new AnomalyLikelihood(cfg.likelihood, all, at);
  }

  /** `u` holds the normalised value of every metric (all finite). */
  update(u: Float64Array): JointScore {
    const k = this.k;
    const cfg = this.cfg;
    for (let i = 0; i < k; i++) this.centred[i] = u[i] - this.mean[i];
    let d2 = 0;
    if (this.n >= cfg.jointWarmupReadings) {
      if (this.invAge >= cfg.jointRefreshEvery) this.refreshInverse();
      this.invAge++;
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += this.inv[i * k + j] * this.centred[j];
        this.projected[i] = s;
        d2 += s * this.centred[i];
      }
    }
    // Raw surprise grows with the distance per dimension; chi-square mean is k.
    const raw = 1 - exp(-max(0, d2) / (4 * k));
    // Before warm-up the distance is meaningless: keep it out of the likelihood's baseline.
    const score = this.n >= cfg.jointWarmupReadings ? this.likelihood.update(raw) : 0;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const c = max(0, this.projected[i] * this.centred[i]);
      this.shares[i] = c;
      total += c;
    }
    for (let i = 0; i < k; i++) this.shares[i] = total > 0 ? this.shares[i] / total : 0;
    this.learn(u);
    return { score, shares: this.shares };
  }

  private learn(u: Float64Array): void {
    const k = this.k;
    this.n++;
    const a = max(1 / this.n, 1 / this.cfg.jointWindow);
    for (let i = 0; i < k; i++) {
      this.centred[i] = u[i] - this.mean[i];
      this.mean[i] += a * this.centred[i];
    }
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const idx = i * k + j;
        this.cov[idx] = (1 - a) * (this.cov[idx] + a * this.centred[i] * this.centred[j]);
      }
    }
  }

  /** Gauss-Jordan inverse of cov + ridge·I (k is small). */
  private refreshInverse(): void {
    const k = this.k;
    const m = new Float64Array(k * 2 * k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) m[i * 2 * k + j] = this.cov[i * k + j];
      m[i * 2 * k + i] += this.cfg.jointRidge;
      m[i * 2 * k + k + i] = 1;
    }
    for (let c = 0; c < k; c++) {
      let pivot = c;
      for (let r = c + 1; r < k; r++) if (abs(m[r * 2 * k + c]) > abs(m[pivot * 2 * k + c])) pivot = r;
      if (pivot !== c) {
        for (let j = 0; j < 2 * k; j++) {
          const t = m[c * 2 * k + j];
          m[c * 2 * k + j] = m[pivot * 2 * k + j];
          m[pivot * 2 * k + j] = t;
        }
      }
      const p = m[c * 2 * k + c];
      for (let j = 0; j < 2 * k; j++) m[c * 2 * k + j] /= p;
      for (let r = 0; r < k; r++) {
        if (r === c) continue;
        const f = m[r * 2 * k + c];
        if (f === 0) continue;
        for (let j = 0; j < 2 * k; j++) m[r * 2 * k + j] -= f * m[c * 2 * k + j];
      }
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) this.inv[i * k + j] = m[i * 2 * k + k + j];
    this.invAge = 0;
  }

  toJSON(): JointModelState {
    return {
      n: this.n,
      mean: Array.from(this.mean),
      cov: Array.from(this.cov),
      inv: Array.from(this.inv),
      invAge: isFinite(this.invAge) ? this.invAge : null,
      likelihood: this.likelihood.toJSON(),
    };
  }

  static fromJSON(k: number, state: JointModelState, cfg: DetectorConfig = DETECTOR_CONFIG): JointModel {
    const m = new JointModel(k, cfg);
    m.n = state.n;
    m.mean.set(state.mean);
    m.cov.set(state.cov);
    m.inv.set(state.inv);
    m.invAge = state.invAge ?? Infinity;
    m.likelihood.restore(state.likelihood);
    return m;
  }
}
