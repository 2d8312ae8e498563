import {
  type AnomalyLikelihoodState,
  LIKELIHOOD_SCALARS,
  likelihoodState,
  restoreLikelihood,
  updateLikelihood,
} from './anomaly-likelihood';
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
  private invAge = Infinity;
  /**
   * Every array in one: the mean (k), the covariance and its inverse (k² each), the centred and
   * projected reading (k each), the shares (k), the likelihood's ring and scalars, at the offsets
   * below; one view on it besides `shares` (which `update` returns), since a typed array view
   * costs ~100 bytes and there is one model per device.
   */
  private readonly a: Float64Array;
  private readonly covAt: number;
  private readonly invAt: number;
  private readonly centredAt: number;
  private readonly projectedAt: number;
  private readonly ringAt: number;
  private readonly likelihoodAt: number;
  private readonly shares: Float64Array;

  constructor(
    private readonly k: number,
    private readonly cfg: DetectorConfig = DETECTOR_CONFIG,
  ) {
    const ring = cfg.likelihood.shortWindow;
    const a = new Float64Array(2 * k * k + 4 * k + ring + LIKELIHOOD_SCALARS);
    this.a = a;
    this.covAt = k;
    this.invAt = k + k * k;
    this.centredAt = k + 2 * k * k;
    this.projectedAt = 2 * k + 2 * k * k;
    this.shares = a.subarray(3 * k + 2 * k * k, 4 * k + 2 * k * k);
    this.ringAt = 4 * k + 2 * k * k;
    this.likelihoodAt = this.ringAt + ring;
  }

  /** `u` holds the normalised value of every metric (all finite). */
  update(u: Float64Array): JointScore {
    const k = this.k;
    const cfg = this.cfg;
    const a = this.a;
    const centred = this.centredAt;
    const inv = this.invAt;
    const projected = this.projectedAt;
    for (let i = 0; i < k; i++) a[centred + i] = u[i] - a[i];
    let d2 = 0;
    if (this.n >= cfg.jointWarmupReadings) {
      if (this.invAge >= cfg.jointRefreshEvery) this.refreshInverse();
      this.invAge++;
      for (let i = 0; i < k; i++) {
        let s = 0;
        for (let j = 0; j < k; j++) s += a[inv + i * k + j] * a[centred + j];
        a[projected + i] = s;
        d2 += s * a[centred + i];
      }
    }
    // Raw surprise grows with the distance per dimension; chi-square mean is k.
    const raw = 1 - exp(-max(0, d2) / (4 * k));
    // Before warm-up the distance is meaningless: keep it out of the likelihood's baseline.
    const score =
      this.n >= cfg.jointWarmupReadings
        ? updateLikelihood(cfg.likelihood, a, this.ringAt, a, this.likelihoodAt, raw)
        : 0;
    let total = 0;
    for (let i = 0; i < k; i++) {
      const c = max(0, a[projected + i] * a[centred + i]);
      this.shares[i] = c;
      total += c;
    }
    for (let i = 0; i < k; i++) this.shares[i] = total > 0 ? this.shares[i] / total : 0;
    this.learn(u);
    return { score, shares: this.shares };
  }

  private learn(u: Float64Array): void {
    const k = this.k;
    const v = this.a;
    const centred = this.centredAt;
    const cov = this.covAt;
    this.n++;
    const a = max(1 / this.n, 1 / this.cfg.jointWindow);
    for (let i = 0; i < k; i++) {
      v[centred + i] = u[i] - v[i];
      v[i] += a * v[centred + i];
    }
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const idx = cov + i * k + j;
        v[idx] = (1 - a) * (v[idx] + a * v[centred + i] * v[centred + j]);
      }
    }
  }

  /** Gauss-Jordan inverse of cov + ridge·I (k is small). */
  private refreshInverse(): void {
    const k = this.k;
    const m = new Float64Array(k * 2 * k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) m[i * 2 * k + j] = this.a[this.covAt + i * k + j];
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
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) this.a[this.invAt + i * k + j] = m[i * 2 * k + k + j];
    this.invAge = 0;
  }

  toJSON(): JointModelState {
    const { a, k } = this;
    return {
      n: this.n,
      mean: Array.from(a.subarray(0, k)),
      cov: Array.from(a.subarray(this.covAt, this.invAt)),
      inv: Array.from(a.subarray(this.invAt, this.centredAt)),
      invAge: isFinite(this.invAge) ? this.invAge : null,
      likelihood: likelihoodState(this.cfg.likelihood, a, this.ringAt, a, this.likelihoodAt),
    };
  }

  static fromJSON(k: number, state: JointModelState, cfg: DetectorConfig = DETECTOR_CONFIG): JointModel {
    const m = new JointModel(k, cfg);
    m.n = state.n;
    m.a.set(state.mean.slice(0, k), 0);
    m.a.set(state.cov.slice(0, k * k), m.covAt);
    m.a.set(state.inv.slice(0, k * k), m.invAt);
    m.invAge = state.invAge ?? Infinity;
    restoreLikelihood(cfg.likelihood, m.a, m.ringAt, m.a, m.likelihoodAt, state.likelihood);
    return m;
  }
}
