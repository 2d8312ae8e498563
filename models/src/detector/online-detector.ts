import { DETECTOR_CONFIG, type DetectorConfig } from './detector-config';
import { JointModel, JointModelState } from './joint-model';
import {
  MetricModel,
  type MetricModelState,
  type MetricModelStateV1,
  type PackedMetricModelState,
} from './metric-model';
import type { ProfilePages } from './profile-pages';
import type { AnomalyRuleEntry } from './anomaly-alarm-rule';

// Module-level references to Math: the hot loops run under jest's vm context too, where every
// global lookup goes through an interceptor and made them ~20x slower.
const { max, min } = Math;
const { isFinite } = Number;

export interface MetricContribution {
  metric: string;
  /** This metric's share of the evidence, in [0, 1]. */
  score: number;
  value: number;
  expected?: number;
}

export interface DetectorOutput {
  /** Anomaly score in [0, 1]. */
  score: number;
  isAnomaly: boolean;
  /** Threshold the decision was taken against. */
  threshold: number;
  /** Metrics that drove the score, top first. */
  contributions: MetricContribution[];
}

export interface OnlineDetectorOptions {
  /** Metrics to watch; when omitted, metrics are adopted as they first appear. */
  metrics?: string[];
  /** The detector's configuration; DETECTOR_CONFIG unless evaluation tries another choice. */
  config?: DetectorConfig;
  /**
   * Where to page its metrics' profiles out to (ADR 0019); in memory without. Paged or not, a
   * detector scores and saves the same; a paged one is to be `release`d when dropped.
   */
  pages?: ProfilePages;
}

export interface OnlineDetectorState {
  /** 2 since the weekly profile; version 1 state still loads (its weekly profile starts empty). */
  version: 2;
  metrics: string[];
  models: MetricModelState[];
  lastNormalised: (number | null)[];
  lastValues: (number | null)[];
  joint: JointModelState | null;
  restLeft: number;
  readings: number;
}

/**
 * The same state packed (toPackedJSON): each metric's profiles in one base64 buffer, ≈ a sixth of
 * the size. Version 5 keeps profiles, transitions and rings as half floats; version 4's (floats
 * and doubles) and version 3's (two-byte counts too) still load.
 */
export interface PackedOnlineDetectorState extends Omit<OnlineDetectorState, 'version' | 'models'> {
  version: 3 | 4 | 5;
  models: PackedMetricModelState[];
}

/** Any state fromJSON takes: what instances save (packed), toJSON's, and version 1's. */
export type SavedDetectorState = PackedOnlineDetectorState | OnlineDetectorState | OnlineDetectorStateV1;

/** Detector state written before the weekly profile (loads, with the weekly profile empty). */
export interface OnlineDetectorStateV1 extends Omit<OnlineDetectorState, 'version' | 'models'> {
  version: 1;
  models: MetricModelStateV1[];
}

/** Metrics beyond this many (per device) are ignored, keeping memory bounded. */
export const MAX_METRICS_PER_DEVICE = 64;

/**
 * Scratch of one update (each metric's score and expectation, the normalised values the joint
 * model takes), shared by every detector of a thread: updates are synchronous, and three arrays
 * allocated per reading were ≈ a tenth of the detection thread's garbage.
 */
const SCORES = new Float64Array(MAX_METRICS_PER_DEVICE);
const EXPECTED: (number | undefined)[] = new Array<number | undefined>(MAX_METRICS_PER_DEVICE).fill(
  undefined,
);
const NORMALISED = new Float64Array(MAX_METRICS_PER_DEVICE);

/**
 * Unsupervised online anomaly detector for the metrics of one device. Every reading is scored
 * against what came before it only (no look-ahead), in constant memory and constant work per
 * metric. Per metric, three detectors (local forecaster, daily profile, sequence context) are
 * calibrated by anomaly likelihood, and a weekly profile, once it has seen a few weeks, keeps what
 * happens every week at that hour from being news to the first two; the metrics are also judged
 * together (Mahalanobis distance of their normalised values). The score is the strongest
 * calibrated evidence; after a detection it is damped for a rest period, because one alarm per
 * episode is what an operator needs and repeated ones would only be noise.
 */
export class OnlineDetector {
  /**
   * The metrics, their models and last values, by position; each array exactly as long as the
   * metrics (see trim), found by a scan (a handful of names: cheaper than a Map's table per device).
   */
  private metrics: string[] = [];
  private models: MetricModel[] = [];
  private lastNormalised: number[] = [];
  private lastValues: number[] = [];
  private joint: JointModel | null = null;
  private restLeft = 0;
  private readings = 0;
  private readonly fixedMetrics: boolean;
  private readonly cfg: DetectorConfig;
  private readonly pages: ProfilePages | undefined;
  /**
   * The alarm rule's state of the device (AnomalyAlarmRule), where its owner keeps it with the
   * detector (the detection thread: parked with it). Not part of the detector's saved state.
   */
  ruleEntry: AnomalyRuleEntry | undefined = undefined;

  constructor(options: OnlineDetectorOptions = {}) {
    this.cfg = options.config ?? DETECTOR_CONFIG;
    this.pages = options.pages;
    this.fixedMetrics = options.metrics !== undefined;
    this.addMetrics(options.metrics ?? []);
  }

  get metricNames(): readonly string[] {
    return this.metrics;
  }

  /** Readings taken in so far. */
  get readingsLearnt(): number {
    return this.readings;
  }

  update(tsMs: number, values: Record<string, number | undefined>): DetectorOutput {
    const cfg = this.cfg;
    this.readings++;
    if (!this.fixedMetrics) {
      let added: string[] | undefined;
      for (const name of Object.keys(values)) {
        if (isNumber(values[name]) && !this.metrics.includes(name)) (added ??= []).push(name);
      }
      if (added) this.addMetrics(added);
    }
    const k = this.metrics.length;
    const scores = SCORES.fill(0, 0, k);
    const expected = EXPECTED.fill(undefined, 0, k);
    let best = 0;
    for (let i = 0; i < k; i++) {
      const v = values[this.metrics[i]];
      if (!isNumber(v)) continue;
      const r = this.models[i].update(tsMs, v);
      scores[i] = r.score;
      expected[i] = r.expected;
      this.lastValues[i] = v;
      if (isFinite(r.normalised)) this.lastNormalised[i] = r.normalised;
      if (r.score > best) best = r.score;
    }
    if (k >= 2) best = max(best, this.updateJoint(scores));

    let score = best;
    if (this.restLeft > 0) {
      this.restLeft--;
      score *= cfg.restFactor;
    }
    const isAnomaly = score >= cfg.threshold;
    if (isAnomaly) this.restLeft = cfg.restReadings;

    const contributions: MetricContribution[] = [];
    for (let i = 0; i < k; i++) {
      if (!isFinite(this.lastValues[i])) continue;
      const c: MetricContribution = {
        metric: this.metrics[i],
        score: min(1, scores[i]),
        value: this.lastValues[i],
      };
      if (expected[i] !== undefined) c.expected = expected[i];
      contributions.push(c);
    }
    contributions.sort((a, b) => b.score - a.score || a.metric.localeCompare(b.metric));
    return { score: clamp01(score), isAnomaly, threshold: cfg.threshold, contributions };
  }

  /** Joint score; also spreads it over the metrics by their share of the distance. */
  private updateJoint(scores: Float64Array): number {
    const k = min(this.metrics.length, this.cfg.maxJointMetrics);
    for (let i = 0; i < k; i++) if (!isFinite(this.lastNormalised[i])) return 0;
    if (!this.joint) this.joint = new JointModel(k, this.cfg);
    for (let i = 0; i < k; i++) NORMALISED[i] = this.lastNormalised[i];
    const r = this.joint.update(NORMALISED);
    for (let i = 0; i < k; i++) scores[i] = max(scores[i], r.score * r.shares[i]);
    return r.score;
  }

  /**
   * Metrics added together share one buffer and its views (a device's first reading brings all
   * of them).
   */
  private addMetrics(names: readonly string[]): void {
    const fresh = [...new Set(names)].filter((name) => !this.metrics.includes(name));
    const n = min(fresh.length, MAX_METRICS_PER_DEVICE - this.metrics.length);
    if (n <= 0) return;
    const bytes = MetricModel.bytes(this.cfg, this.pages !== undefined);
    const buffer = n > 1 ? new ArrayBuffer(n * bytes) : undefined;
    const views = buffer && MetricModel.views(buffer);
    for (let i = 0; i < n; i++) {
      this.metrics.push(fresh[i]);
      this.models.push(
        new MetricModel(this.cfg, buffer && { buffer, byteOffset: i * bytes, views }, this.pages),
      );
      this.lastNormalised.push(NaN);
      this.lastValues.push(NaN);
    }
    this.trim();
    // The joint model is dimensioned by the metric set; a new metric starts it afresh.
    this.joint = null;
  }

  /**
   * Copies the per-metric arrays at their length: an array grown by push keeps room for 17
   * elements or more (≈ 100 bytes spare for five metrics, five arrays a device).
   */
  private trim(): void {
    this.metrics = this.metrics.slice();
    this.models = this.models.slice();
    this.lastNormalised = this.lastNormalised.slice();
    this.lastValues = this.lastValues.slice();
  }

  /** Paged: the detector is dropped, its metrics' pages are handed out again. */
  release(): void {
    for (const model of this.models) model.release();
  }

  toJSON(): OnlineDetectorState {
    return { version: 2, ...this.sharedState(), models: this.models.map((m) => m.toJSON()) };
  }

  /** Everything but the version and the metric models. */
  private sharedState(): Omit<OnlineDetectorState, 'version' | 'models'> {
    return {
      metrics: [...this.metrics],
      lastNormalised: this.lastNormalised.map(finiteOrNull),
      lastValues: this.lastValues.map(finiteOrNull),
      joint: this.joint ? this.joint.toJSON() : null,
      restLeft: this.restLeft,
      readings: this.readings,
    };
  }

  /** toJSON() with each metric's profiles packed in one base64 buffer (what instances save). */
  toPackedJSON(): PackedOnlineDetectorState {
    return { version: 5, ...this.sharedState(), models: this.models.map((m) => m.toPacked()) };
  }

  static fromJSON(state: SavedDetectorState, options: OnlineDetectorOptions = {}): OnlineDetector {
    if (![1, 2, 3, 4, 5].includes(state.version)) {
      throw new Error(`unknown detector state version ${String((state as { version: unknown }).version)}`);
    }
    const { config, pages } = options;
    const d = new OnlineDetector(options.metrics ? { metrics: [], config, pages } : { config, pages });
    d.metrics = state.metrics.slice();
    // the metrics' models in one buffer, as a detector's first reading makes them
    const bytes = MetricModel.bytes(d.cfg, pages !== undefined);
    const shared = state.models.length > 1 ? new ArrayBuffer(state.models.length * bytes) : undefined;
    const views = shared && MetricModel.views(shared);
    const storage = (i: number) => shared && { buffer: shared, byteOffset: i * bytes, views };
    if (state.version === 3 || state.version === 4 || state.version === 5) {
      const version = state.version;
      d.models = state.models.map((m, i) => MetricModel.fromPacked(m, d.cfg, version, storage(i), pages));
    } else {
      const models = state.models as Array<MetricModelState | MetricModelStateV1>;
      d.models = models.map((m, i) => MetricModel.fromJSON(m, d.cfg, storage(i), pages));
    }
    d.lastNormalised = state.lastNormalised.map((v) => v ?? NaN);
    d.lastValues = state.lastValues.map((v) => v ?? NaN);
    const k = min(state.metrics.length, d.cfg.maxJointMetrics);
    d.joint = state.joint ? JointModel.fromJSON(k, state.joint, d.cfg) : null;
    d.restLeft = state.restLeft;
    d.readings = state.readings;
    return d;
  }
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && isFinite(v);
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function finiteOrNull(x: number): number | null {
  return isFinite(x) ? x : null;
}
