import {
  type AnomalyLikelihoodState,
  LIKELIHOOD_SCALARS,
  likelihoodScalars,
  likelihoodState,
  restoreLikelihood,
  restoreLikelihoodScalars,
  updateRingLikelihood,
} from './anomaly-likelihood';
import { DETECTOR_CONFIG, type DetectorConfig } from './detector-config';
import { HALF, toHalf } from './half-float';
import { ProfilePages } from './profile-pages';

// Module-level references to Math: the hot loops run under jest's vm context too, where every
// global lookup goes through an interceptor and made them ~20x slower.
const { abs, exp, floor: roundDown, log, max, min } = Math;
const { isFinite } = Number;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
const WEEK_BUCKET_MS = WEEK_MS / DETECTOR_CONFIG.weekBuckets;
const FEATURES = 3;
const FEATURE_INDICES: readonly number[] = Array.from({ length: FEATURES }, (_, i) => i);
/**
 * Visit and week counts saturate here: they are compared with thresholds of a few and weigh a
 * visit by max(1 / count, alpha), so past 255 nothing they decide changes (the constructor checks
 * the configuration's thresholds and alphas). One byte a bucket (two in state version 3).
 */
const MAX_COUNT = 0xff;
// The scalars' places in a metric's buffer (as doubles, from its `sAt`), then its likelihoods'.
const S_N = 0;
const S_LAST_TS = 1;
const S_DT = 2;
const S_MEAN = 3;
const S_ABS_DEV = 4;
const S_LEVEL = 5;
const S_RESIDUAL_SCALE = 6;
const S_MIN = 7;
const S_MAX = 8;
const S_LEVEL_ERROR = 9;
const S_DAY_ERROR = 10;
const S_VISIT_BUCKET = 11;
const S_VISIT_TS = 12;
const S_VISIT_READINGS = 13;
const S_VISIT_SUM = 14;
const S_VISIT_ABS = 15;
const S_LAST_BIN = 16;
const S_REF = 17;
const S_SCALE = 18;
const S_LIKELIHOODS = 19;
const SCALARS = S_LIKELIHOODS + FEATURES * LIKELIHOOD_SCALARS;

export interface MetricScore {
  /** Calibrated score in [0, 1] (max over this metric's detectors). */
  score: number;
  /** What the metric was expected to read. */
  expected: number;
  /** Robustly normalised value (for the joint model); NaN while warming up. */
  normalised: number;
}

export interface MetricModelState {
  n: number;
  lastTsMs: number | null;
  dtMs: number | null;
  mean: number;
  absDev: number;
  level: number;
  residualScale: number;
  levelError: number;
  dayError: number | null;
  min: number | null;
  max: number | null;
  dayMean: number[];
  dayDev: number[];
  dayVisits: number[];
  weekMean: number[];
  weekDev: number[];
  weekWeeks: number[];
  /** The weekly bucket being visited (−1 before the first), its last reading, and the visit's sums so far. */
  visitBucket: number;
  visitTsMs: number | null;
  visitReadings: number;
  visitSum: number;
  visitAbs: number;
  lastBin: number;
  /**
   * What the profiles' means are stored relative to, and the power of two both means and
   * deviations are stored in units of (half floats: 11 significant bits of the offset from the
   * reference). Absent from state saved before version 5: taken from the level then.
   */
  profileRef?: number;
  profileScale?: number;
  /** Transition counts as stored: a row's counts are these times its scale (1 when absent). */
  transitions: number[];
  /** Each transition row's scale, which takes its decay (absent before version 5: all 1). */
  transitionScales?: number[];
  likelihoods: AnomalyLikelihoodState[];
}

/**
 * The same state packed (detector state version 5): the scalars as they are, and the metric's
 * buffer (likelihood rings, profiles and transitions as half floats, counts as uint8, in the
 * machine's byte order, little-endian on x86 and ARM) in base64: ≈ 2.3 KB instead of ≈ 15 KB.
 * Version 4 (rings as float64, profiles and transitions as float32) and 3 (counts in two bytes as
 * well) still load.
 */
export interface PackedMetricModelState extends Omit<
  MetricModelState,
  'dayMean' | 'dayDev' | 'dayVisits' | 'weekMean' | 'weekDev' | 'weekWeeks' | 'transitions' | 'likelihoods'
> {
  likelihoods: Omit<AnomalyLikelihoodState, 'ring'>[];
  buffer: string;
}

/** State written before the weekly profile existed (detector state version 1). */
export type MetricModelStateV1 = Omit<
  MetricModelState,
  | 'weekMean'
  | 'weekDev'
  | 'weekWeeks'
  | 'visitBucket'
  | 'visitTsMs'
  | 'visitReadings'
  | 'visitSum'
  | 'visitAbs'
>;

/**
 * Everything the detector knows about one metric of one device, in constant memory. Three cheap
 * detectors each give a raw surprise in [0, 1] that its own anomaly likelihood calibrates:
 * the residual of a local-level forecaster (spikes, shifts), the residual against a daily
 * profile (a cycle that breaks), and the surprise of the value's bin given the previous bin (a
 * sequence never seen in this context, e.g. an appliance program that runs differently). A weekly
 * profile (per hour of the week) joins in once it has seen a few weeks: what it expects, such as
 * a wash every Saturday morning or an office idle on Sundays, is news to neither of the first two.
 */
export class MetricModel {
  /**
   * The metric's scalars (count, timing, location and scale, forecaster, range, errors, the
   * weekly visit in progress, last bin) and its likelihoods' scalars live in its buffer too, read
   * through `f` at `sAt`: no boxed number per field, and no object per likelihood.
   */
  private get n(): number {
    return this.f[this.sAt + S_N];
  }
  private set n(v: number) {
    this.f[this.sAt + S_N] = v;
  }
  private get lastTsMs(): number {
    return this.f[this.sAt + S_LAST_TS];
  }
  private set lastTsMs(v: number) {
    this.f[this.sAt + S_LAST_TS] = v;
  }
  private get dtMs(): number {
    return this.f[this.sAt + S_DT];
  }
  private set dtMs(v: number) {
    this.f[this.sAt + S_DT] = v;
  }
  private get mean(): number {
    return this.f[this.sAt + S_MEAN];
  }
  private set mean(v: number) {
    this.f[this.sAt + S_MEAN] = v;
  }
  private get absDev(): number {
    return this.f[this.sAt + S_ABS_DEV];
  }
  private set absDev(v: number) {
    this.f[this.sAt + S_ABS_DEV] = v;
  }
  private get level(): number {
    return this.f[this.sAt + S_LEVEL];
  }
  private set level(v: number) {
    this.f[this.sAt + S_LEVEL] = v;
  }
  private get residualScale(): number {
    return this.f[this.sAt + S_RESIDUAL_SCALE];
  }
  private set residualScale(v: number) {
    this.f[this.sAt + S_RESIDUAL_SCALE] = v;
  }
  private get min(): number {
    return this.f[this.sAt + S_MIN];
  }
  private set min(v: number) {
    this.f[this.sAt + S_MIN] = v;
  }
  private get max(): number {
    return this.f[this.sAt + S_MAX];
  }
  private set max(v: number) {
    this.f[this.sAt + S_MAX] = v;
  }
  /** Recent mean absolute error of each forecaster (level, daily profile), in value units. */
  private get levelError(): number {
    return this.f[this.sAt + S_LEVEL_ERROR];
  }
  private set levelError(v: number) {
    this.f[this.sAt + S_LEVEL_ERROR] = v;
  }
  private get dayError(): number {
    return this.f[this.sAt + S_DAY_ERROR];
  }
  private set dayError(v: number) {
    this.f[this.sAt + S_DAY_ERROR] = v;
  }
  /** The visit in progress: bucket, last reading, readings, sum of values, sum of abs deviations. */
  private get visitBucket(): number {
    return this.f[this.sAt + S_VISIT_BUCKET];
  }
  private set visitBucket(v: number) {
    this.f[this.sAt + S_VISIT_BUCKET] = v;
  }
  private get visitTsMs(): number {
    return this.f[this.sAt + S_VISIT_TS];
  }
  private set visitTsMs(v: number) {
    this.f[this.sAt + S_VISIT_TS] = v;
  }
  private get visitReadings(): number {
    return this.f[this.sAt + S_VISIT_READINGS];
  }
  private set visitReadings(v: number) {
    this.f[this.sAt + S_VISIT_READINGS] = v;
  }
  private get visitSum(): number {
    return this.f[this.sAt + S_VISIT_SUM];
  }
  private set visitSum(v: number) {
    this.f[this.sAt + S_VISIT_SUM] = v;
  }
  private get visitAbs(): number {
    return this.f[this.sAt + S_VISIT_ABS];
  }
  private set visitAbs(v: number) {
    this.f[this.sAt + S_VISIT_ABS] = v;
  }
  private get lastBin(): number {
    return this.f[this.sAt + S_LAST_BIN];
  }
  private set lastBin(v: number) {
    this.f[this.sAt + S_LAST_BIN] = v;
  }
  /** The profiles' reference (means are stored as offsets from it) and unit (a power of two). */
  private get ref(): number {
    return this.f[this.sAt + S_REF];
  }
  private set ref(v: number) {
    this.f[this.sAt + S_REF] = v;
  }
  private get scale(): number {
    return this.f[this.sAt + S_SCALE];
  }
  private set scale(v: number) {
    this.f[this.sAt + S_SCALE] = v;
  }
  /**
   * Everything per bucket, bin and ring slot, as half floats (ADR 0017) in one Uint16Array: the
   * likelihoods' short windows (raw surprises in [0, 1]); the daily profile (mean and mean abs
   * deviation per bucket); the weekly profile (per hour of the week: the same, learnt once per
   * visit, i.e. once a week; a visit is learnt when it ends, so a bucket judges a reading by
   * earlier weeks only, never by the visit the reading belongs to); the transition table. A
   * profile's mean is stored as (value − ref) / scale and a deviation as value / scale, so a
   * metric that sits far from zero (a supply at 230 V) keeps fine steps around where it sits.
   * Offsets below; the rings start at 0.
   */
  private readonly h: Uint16Array;
  private readonly dayMeanAt: number;
  private readonly dayDevAt: number;
  private readonly weekMeanAt: number;
  private readonly weekDevAt: number;
  private readonly transAt: number;
  /**
   * Where in `f` each transition row's scale is: a row's counts are its halves times its scale,
   * so a row decays by one multiplication, not by rewriting its twelve halves per reading.
   */
  private readonly rowAt: number;
  /** Visits per daily bucket, then weeks learnt per weekly bucket (from `cAt`); saturating at 255. */
  private readonly counts: Uint8Array;
  /** Where the weekly buckets' counts start in `counts`. */
  private readonly weekCountAt: number;
  /**
   * Paged (ADR 0019): the profiles are in `pages` (slot `slot`) but for the daily bucket
   * `dayPage` and the weekly bucket `weekPage`, which `h` and `counts` hold in place of all of
   * them (one bucket each). Unpaged: undefined, and every bucket is in `h` and `counts`.
   */
  private readonly pages: ProfilePages | undefined;
  private slot = -1;
  private dayPage = -1;
  private weekPage = -1;
  /** Where the model is in `h` (its likelihoods' rings first), `counts` and `f`. */
  private readonly hAt: number;
  private readonly cAt: number;
  private readonly fAt: number;
  /** The first `packedBytes` of the model's storage are what `toPacked` saves. */
  private readonly packedBytes: number;
  /**
   * The model's storage as doubles (the scalars from `sAt`): views of a buffer of its own, or of
   * one its detector shares between its metrics and their views (the model is at `fAt`).
   */
  private readonly f: Float64Array;
  private readonly sAt: number;
  private readonly cfg: DetectorConfig;

  /**
   * cfg: the detector's configuration (evaluation tries others; the weekly bucket width stays
   * DETECTOR_CONFIG's). storage: where to keep the model, MetricModel.bytes(cfg) zeroed bytes from
   * byteOffset (a multiple of 8) in a buffer its detector shares between metrics (one buffer's
   * headers and backing store instead of five); without it, a buffer of its own.
   */
  constructor(cfg: DetectorConfig = DETECTOR_CONFIG, storage?: ModelStorage, pages?: ProfilePages) {
    if (
      cfg.bucketMinVisits > MAX_COUNT ||
      cfg.weekMinWeeks > MAX_COUNT ||
      cfg.bucketAlpha < 1 / (MAX_COUNT + 1) ||
      cfg.weekAlpha < 1 / (MAX_COUNT + 1)
    ) {
      throw new Error(`detector configuration needs counts past ${MAX_COUNT} (visit thresholds or alphas)`);
    }
    this.cfg = cfg;
    if (pages && pages.buckets !== cfg.dayBuckets + cfg.weekBuckets) {
      throw new Error(
        `profile pages of ${pages.buckets} buckets for a model of ${cfg.dayBuckets + cfg.weekBuckets}`,
      );
    }
    // paged, one bucket of each profile in memory
    const day = pages ? 1 : cfg.dayBuckets;
    const week = pages ? 1 : cfg.weekBuckets;
    const { halves, rowAt, sAt, bytes } = storageLayout(cfg, pages !== undefined);
    const at = storage?.byteOffset ?? 0;
    const views = storage
      ? (storage.views ?? MetricModel.views(storage.buffer))
      : MetricModel.views(new ArrayBuffer(bytes));
    this.f = views.f;
    this.h = views.h;
    this.counts = views.counts;
    this.hAt = at / 2;
    this.cAt = at + halves * 2;
    this.fAt = at / 8;
    this.dayMeanAt = this.hAt + FEATURES * cfg.likelihood.shortWindow;
    this.dayDevAt = this.dayMeanAt + day;
    this.weekMeanAt = this.dayDevAt + day;
    this.weekDevAt = this.weekMeanAt + week;
    this.transAt = this.weekDevAt + week;
    this.weekCountAt = this.cAt + day;
    this.rowAt = this.fAt + rowAt;
    this.sAt = this.fAt + sAt;
    this.packedBytes = sAt * 8;
    this.f.fill(1, this.rowAt, this.sAt);
    this.lastTsMs = NaN;
    this.dtMs = NaN;
    this.min = Infinity;
    this.max = -Infinity;
    this.dayError = Infinity;
    this.visitBucket = -1;
    this.visitTsMs = NaN;
    this.lastBin = -1;
    this.scale = 1;
    this.pages = pages;
    if (pages) this.slot = pages.allocate();
  }

  /** The bytes a model takes in a shared buffer (see the constructor); paged: with its profiles paged. */
  static bytes(cfg: DetectorConfig = DETECTOR_CONFIG, paged = false): number {
    return storageLayout(cfg, paged).bytes;
  }

  /** Paged: the model is gone, its slot in the pages is handed out again. */
  release(): void {
    if (this.pages && this.slot >= 0) this.pages.release(this.slot);
    this.slot = -1;
  }

  /** Where daily bucket b is from the daily sections' start (paged: brought into memory first). */
  private day(b: number): number {
    if (this.pages === undefined) return b;
    if (this.dayPage !== b) this.swapDay(b);
    return 0;
  }

  /** Where weekly bucket b is from the weekly sections' start (paged: brought into memory first). */
  private week(b: number): number {
    if (this.pages === undefined) return b;
    if (this.weekPage !== b) this.swapWeek(b);
    return 0;
  }

  private swapDay(b: number): void {
    this.flushDay();
    this.bringIn(b, this.dayMeanAt, this.dayDevAt, this.cAt);
    this.dayPage = b;
  }

  private swapWeek(b: number): void {
    this.flushWeek();
    this.bringIn(this.cfg.dayBuckets + b, this.weekMeanAt, this.weekDevAt, this.weekCountAt);
    this.weekPage = b;
  }

  /** Paged: the daily bucket in memory written back; none in memory after. */
  private flushDay(): void {
    if (this.dayPage < 0) return;
    this.writeBack(this.dayPage, this.dayMeanAt, this.dayDevAt, this.cAt);
    this.dayPage = -1;
  }

  private flushWeek(): void {
    if (this.weekPage < 0) return;
    this.writeBack(this.cfg.dayBuckets + this.weekPage, this.weekMeanAt, this.weekDevAt, this.weekCountAt);
    this.weekPage = -1;
  }

  /** Bucket record i of the pages into memory, at meanAt and devAt in `h` and countAt in `counts`. */
  private bringIn(i: number, meanAt: number, devAt: number, countAt: number): void {
    const record = (this.pages as ProfilePages).read(this.slot, i);
    this.h[meanAt] = record.readUInt16LE(0);
    this.h[devAt] = record.readUInt16LE(2);
    this.counts[countAt] = record[4];
  }

  private writeBack(i: number, meanAt: number, devAt: number, countAt: number): void {
    (this.pages as ProfilePages).write(this.slot, i, this.h[meanAt], this.h[devAt], this.counts[countAt]);
  }

  /** The views a buffer's models share (≈ 100 bytes each: three a buffer instead of three a model). */
  static views(buffer: ArrayBuffer): ModelViews {
    return {
      f: new Float64Array(buffer, 0, buffer.byteLength >> 3),
      h: new Uint16Array(buffer, 0, buffer.byteLength >> 1),
      counts: new Uint8Array(buffer),
    };
  }

  /** A profile's mean at i, and storing one. */
  private meanAt(i: number): number {
    return this.ref + HALF[this.h[i]] * this.scale;
  }
  private setMeanAt(i: number, v: number): void {
    this.h[i] = toHalf((v - this.ref) / this.scale);
  }
  /** A profile's deviation at i, and storing one. */
  private devAt(i: number): number {
    return HALF[this.h[i]] * this.scale;
  }
  private setDevAt(i: number, v: number): void {
    this.h[i] = toHalf(v / this.scale);
  }

  /**
   * Stores the profiles relative to `ref` from now on, in units of scaleOf(ref): what is stored
   * so far is taken over. A metric takes its first reading as the reference, and while it warms
   * up any reading of a far smaller magnitude, so a first reading far off does not cost the
   * profiles their precision.
   */
  private setReference(ref: number): void {
    const scale = scaleOf(ref);
    if (!isFinite(ref) || !isFinite(scale)) return;
    const h = this.h;
    const from = this.ref;
    const ratio = this.scale / scale;
    this.ref = ref;
    this.scale = scale;
    if (this.n === 0) return; // nothing stored yet
    const pages = this.pages;
    if (pages) {
      // every bucket, as below, in the pages
      this.flushDay();
      this.flushWeek();
      const all = pages.readAll(this.slot);
      for (let at = 0; at < all.length; at += ProfilePages.RECORD_BYTES) {
        all.writeUInt16LE(toHalf((from + HALF[all.readUInt16LE(at)] * (ratio * scale) - ref) / scale), at);
        all.writeUInt16LE(toHalf(HALF[all.readUInt16LE(at + 2)] * ratio), at + 2);
      }
      pages.writeAll(this.slot, all);
      return;
    }
    const means = (start: number, end: number) => {
      for (let i = start; i < end; i++) h[i] = toHalf((from + HALF[h[i]] * (ratio * scale) - ref) / scale);
    };
    const devs = (start: number, end: number) => {
      for (let i = start; i < end; i++) h[i] = toHalf(HALF[h[i]] * ratio);
    };
    means(this.dayMeanAt, this.dayDevAt);
    devs(this.dayDevAt, this.weekMeanAt);
    means(this.weekMeanAt, this.weekDevAt);
    devs(this.weekDevAt, this.transAt);
  }

  /** Values from..to of a profile section (means or deviations), as numbers. */
  private sectionValues(from: number, to: number, means: boolean): number[] {
    const out: number[] = [];
    for (let i = from; i < to; i++) out.push(means ? this.meanAt(i) : this.devAt(i));
    return out;
  }

  private storeValues(at: number, values: readonly number[], means: boolean): void {
    values.forEach((v, k) => (means ? this.setMeanAt(at + k, v) : this.setDevAt(at + k, v)));
  }

  update(tsMs: number, x: number): MetricScore {
    const cfg = this.cfg;
    const first = this.n === 0;
    if (first) {
      this.mean = x;
      this.level = x;
      this.setReference(x);
    }
    const gap = this.isGap(tsMs);
    // Scale floors keep a flat line from turning rounding noise into infinite z-scores.
    const floor = 1e-6 * max(1, abs(this.mean));
    const scale = max(this.absDev, floor);
    const normalised = (x - this.mean) / scale;

    // 1. local-level forecaster residual
    let residual = abs(x - this.level) / max(this.residualScale, scale * 0.05, floor);
    // 2. daily profile residual
    const bucket = roundDown(((((tsMs % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS) * cfg.dayBuckets);
    // The profiles' halves read in place (what meanAt and devAt do, without the calls).
    const h = this.h;
    const ref = this.ref;
    const unit = this.scale;
    const counts = this.counts;
    const d = this.day(bucket);
    const dayReady = counts[this.cAt + d] >= cfg.bucketMinVisits;
    const dayMean = ref + HALF[h[this.dayMeanAt + d]] * unit;
    const dayDev = HALF[h[this.dayDevAt + d]] * unit;
    let dayResidual = dayReady ? abs(x - dayMean) / max(dayDev, scale * 0.05, floor) : 0;
    let expected = dayReady ? dayMean : this.level;
    // 2b. ... or the weekly profile, once this hour of the week was seen in enough earlier weeks:
    // a reading that either profile expects is not news to the cycle detector, and a reading the
    // weekly profile expects (a Saturday wash) is not news to the forecaster either.
    const weekBucket = roundDown((((tsMs % WEEK_MS) + WEEK_MS) % WEEK_MS) / WEEK_BUCKET_MS);
    const w = dayReady ? this.week(weekBucket) : 0;
    if (dayReady && counts[this.weekCountAt + w] >= cfg.weekMinWeeks) {
      const weekMean = ref + HALF[h[this.weekMeanAt + w]] * unit;
      const weekResidual = abs(x - weekMean) / max(HALF[h[this.weekDevAt + w]] * unit, scale * 0.05, floor);
      if (weekResidual < dayResidual) {
        dayResidual = weekResidual;
        expected = weekMean;
      }
      if (weekResidual < residual) residual = weekResidual;
    }
    // 3. transition surprise
    const bin = this.binOf(normalised);
    let surprise = 0;
    if (this.lastBin >= 0) {
      const row = this.transAt + this.lastBin * cfg.bins;
      const g = this.f[this.rowAt + this.lastBin];
      let total = 0;
      for (let b = 0; b < cfg.bins; b++) total += HALF[h[row + b]];
      const p = (g * HALF[h[row + bin]] + 0.05) / (g * total + 0.05 * cfg.bins);
      surprise = min(1, -log(p) / log(20 * cfg.bins));
    }

    // Each raw surprise calibrated by its own likelihood, in this order (no array per reading).
    const f = this.f;
    const lk = cfg.likelihood;
    const ring = lk.shortWindow;
    const at = this.sAt + S_LIKELIHOODS;
    const rings = this.hAt;
    const levelScore = updateRingLikelihood(lk, h, rings, f, at, gap ? 0 : 1 - exp(-residual / 4));
    const dayScore = updateRingLikelihood(
      lk,
      h,
      rings + ring,
      f,
      at + LIKELIHOOD_SCALARS,
      gap ? 0 : 1 - exp(-dayResidual / 4),
    );
    const transitionScore = updateRingLikelihood(
      lk,
      h,
      rings + 2 * ring,
      f,
      at + 2 * LIKELIHOOD_SCALARS,
      gap ? 0 : surprise,
    );
    let score = 0;
    if (levelScore > score) score = levelScore;
    if (dayScore > score) score = dayScore;
    if (transitionScore > score) score = transitionScore;
    // A value beyond everything seen so far (by a margin of the range) is news by itself.
    const range = this.max - this.min;
    if (this.n >= cfg.spatialWarmupReadings && range > 0) {
      const exceed = max(x - this.max, this.min - x) / range;
      if (exceed > cfg.spatialTolerance)
        score = max(score, cfg.spatialScore + (1 - cfg.spatialScore) * min(1, exceed));
    }
    const warm = this.n >= cfg.warmupReadings && !gap;
    // While warming up, a reading of a far smaller magnitude than the reference becomes it: a
    // first reading that was a sensor's power-on value (65,535) or a washer's power while it
    // heats does not leave the readings near zero stored in coarse steps. At most a few times
    // (the scale shrinks 16-fold or more each time). Warmed up, a metric whose spread is small
    // beside its magnitude (230 V ± 0.2) takes its level as the reference, whatever its first
    // reading was (0, before the supply was up); then the reference stays.
    if (this.n < cfg.warmupReadings) {
      if (scaleOf(x) <= this.scale / 16) this.setReference(x);
    } else if (this.n === cfg.warmupReadings && this.absDev < abs(this.mean) / 8) {
      this.setReference(this.level);
    }

    const ae = max(1 / (this.n + 1), 1 / cfg.residualWindow);
    if (!first) this.levelError += ae * (abs(x - this.level) - this.levelError);
    if (dayReady) {
      const e = abs(x - dayMean);
      this.dayError = isFinite(this.dayError) ? this.dayError + ae * (e - this.dayError) : e;
      // The weekly profile learns where the daily one is ready (its deviation is the prior).
      this.learnWeek(tsMs, weekBucket, x, dayDev);
    }
    this.learn(tsMs, x, bucket, bin, first);
    return { score: warm ? score : 0, expected, normalised: warm ? normalised : NaN };
  }

  /**
   * Adds value x to the visit of weekly bucket wb, first ending (and learning) the previous visit
   * if this reading starts a new one: another bucket, or the same one at least a bucket later
   * (the next week's). The abs deviation is taken from what the bucket expected before the
   * visit; on a bucket's first visit, from the visit's running mean, with the daily bucket's
   * deviation as a prior for its first reading.
   */
  private learnWeek(tsMs: number, wb: number, x: number, dayDev: number): void {
    if (wb !== this.visitBucket || !(tsMs - this.visitTsMs < WEEK_BUCKET_MS)) {
      this.endVisit();
      this.visitBucket = wb;
      this.visitReadings = 0;
      this.visitSum = 0;
      this.visitAbs = 0;
    }
    this.visitTsMs = tsMs;
    const w = this.week(wb);
    if (this.counts[this.weekCountAt + w] > 0) this.visitAbs += abs(x - this.meanAt(this.weekMeanAt + w));
    else this.visitAbs += this.visitReadings === 0 ? dayDev : abs(x - this.visitSum / this.visitReadings);
    this.visitSum += x;
    this.visitReadings++;
  }

  /** Learns the visit in progress into its bucket: one week weighs max(1 / weeks, weekAlpha). */
  private endVisit(): void {
    const wb = this.visitBucket;
    if (wb < 0 || this.visitReadings === 0) return;
    const w = this.week(wb);
    const at = this.weekCountAt + w;
    const weeks = this.counts[at] + 1;
    const a = max(1 / weeks, this.cfg.weekAlpha);
    const mean = this.meanAt(this.weekMeanAt + w);
    const dev = this.devAt(this.weekDevAt + w);
    this.setMeanAt(this.weekMeanAt + w, mean + a * (this.visitSum / this.visitReadings - mean));
    this.setDevAt(this.weekDevAt + w, dev + a * (this.visitAbs / this.visitReadings - dev));
    this.counts[at] = min(weeks, MAX_COUNT);
  }

  private isGap(tsMs: number): boolean {
    if (!isFinite(this.lastTsMs) || !isFinite(this.dtMs)) return false;
    return tsMs - this.lastTsMs > 20 * this.dtMs;
  }

  private binOf(normalised: number): number {
    const bins = this.cfg.bins;
    const b = roundDown(((normalised + 3) / 6) * bins);
    return b < 0 ? 0 : b >= bins ? bins - 1 : b;
  }

  private learn(tsMs: number, x: number, bucket: number, bin: number, first: boolean): void {
    const cfg = this.cfg;
    this.n++;
    if (isFinite(this.lastTsMs) && tsMs > this.lastTsMs) {
      const dt = tsMs - this.lastTsMs;
      this.dtMs = isFinite(this.dtMs) ? this.dtMs + 0.05 * (min(dt, 10 * this.dtMs) - this.dtMs) : dt;
    }
    this.lastTsMs = tsMs;
    const a = max(1 / this.n, 1 / cfg.longWindow);
    const dev = x - this.mean;
    this.mean += a * dev;
    this.absDev += a * (abs(dev) - this.absDev);
    if (!first) {
      const ar = max(1 / this.n, 1 / cfg.residualWindow);
      this.residualScale += ar * (abs(x - this.level) - this.residualScale);
    }
    this.level += cfg.levelAlpha * (x - this.level);
    const d = this.day(bucket);
    const visits = this.counts[this.cAt + d];
    const h = this.h;
    const ref = this.ref;
    const unit = this.scale;
    const meanAt = this.dayMeanAt + d;
    const devAt = this.dayDevAt + d;
    if (visits === 0) {
      h[meanAt] = toHalf((x - ref) / unit);
    } else {
      const ab = max(1 / (visits + 1), cfg.bucketAlpha);
      const mean = ref + HALF[h[meanAt]] * unit;
      const d = x - mean;
      const dev = HALF[h[devAt]] * unit;
      h[devAt] = toHalf((dev + ab * (abs(d) - dev)) / unit);
      h[meanAt] = toHalf((mean + ab * d - ref) / unit);
    }
    this.counts[this.cAt + d] = min(visits + 1, MAX_COUNT);
    if (this.lastBin >= 0) {
      // The row decays (its scale does), then counts one more: 1 / scale in stored units. A
      // scale that has shrunk a lot is folded back into the halves before they grow too large.
      const row = this.transAt + this.lastBin * cfg.bins;
      const at = this.rowAt + this.lastBin;
      let g = this.f[at] * cfg.transitionDecay;
      if (g < 1 / 64 || HALF[h[row + bin]] + 1 / g > 8192) {
        for (let b = 0; b < cfg.bins; b++) h[row + b] = toHalf(HALF[h[row + b]] * g);
        g = 1;
      }
      this.f[at] = g;
      h[row + bin] = toHalf(HALF[h[row + bin]] + 1 / g);
    }
    this.lastBin = bin;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
  }

  toJSON(): MetricModelState {
    if (this.pages) return this.unpaged().toJSON();
    return {
      ...this.scalarState(),
      dayMean: this.sectionValues(this.dayMeanAt, this.dayDevAt, true),
      dayDev: this.sectionValues(this.dayDevAt, this.weekMeanAt, false),
      dayVisits: Array.from(this.counts.subarray(this.cAt, this.cAt + this.cfg.dayBuckets)),
      weekMean: this.sectionValues(this.weekMeanAt, this.weekDevAt, true),
      weekDev: this.sectionValues(this.weekDevAt, this.transAt, false),
      weekWeeks: Array.from(
        this.counts.subarray(
          this.cAt + this.cfg.dayBuckets,
          this.cAt + this.cfg.dayBuckets + this.cfg.weekBuckets,
        ),
      ),
      transitions: Array.from(
        this.h.subarray(this.transAt, this.transAt + this.cfg.bins * this.cfg.bins),
        (bits) => HALF[bits],
      ),
      transitionScales: Array.from(this.f.subarray(this.rowAt, this.sAt)),
      likelihoods: FEATURE_INDICES.map((i) =>
        likelihoodState(
          this.cfg.likelihood,
          this.h,
          this.hAt + i * this.cfg.likelihood.shortWindow,
          this.f,
          this.likelihoodAt(i),
        ),
      ),
    };
  }

  toPacked(): PackedMetricModelState {
    if (this.pages) return this.unpaged().toPacked();
    return {
      ...this.scalarState(),
      likelihoods: FEATURE_INDICES.map((i) => likelihoodScalars(this.f, this.likelihoodAt(i))),
      buffer: Buffer.from(this.f.buffer, this.f.byteOffset + this.fAt * 8, this.packedBytes).toString(
        'base64',
      ),
    };
  }

  private scalarState(): Omit<PackedMetricModelState, 'likelihoods' | 'buffer'> {
    return {
      n: this.n,
      lastTsMs: isFinite(this.lastTsMs) ? this.lastTsMs : null,
      dtMs: isFinite(this.dtMs) ? this.dtMs : null,
      mean: this.mean,
      absDev: this.absDev,
      level: this.level,
      residualScale: this.residualScale,
      levelError: this.levelError,
      dayError: isFinite(this.dayError) ? this.dayError : null,
      min: isFinite(this.min) ? this.min : null,
      max: isFinite(this.max) ? this.max : null,
      visitBucket: this.visitBucket,
      visitTsMs: isFinite(this.visitTsMs) ? this.visitTsMs : null,
      visitReadings: this.visitReadings,
      visitSum: this.visitSum,
      visitAbs: this.visitAbs,
      lastBin: this.lastBin,
      profileRef: this.ref,
      profileScale: this.scale,
    };
  }

  /**
   * Restores a model from toPacked() (state version 5), or from version 4's or 3's (rings as
   * doubles, profiles and transitions as floats; 3's counts in two bytes): those are read as they
   * were saved and stored as halves. The configuration must be the one it was packed with;
   * storage: as the constructor's.
   */
  static fromPacked(
    state: PackedMetricModelState,
    cfg: DetectorConfig = DETECTOR_CONFIG,
    version: 3 | 4 | 5 = 5,
    storage?: ModelStorage,
    pages?: ProfilePages,
  ): MetricModel {
    if (pages) return MetricModel.paged(MetricModel.fromPacked(state, cfg, version), storage, pages);
    const bytes = Buffer.from(state.buffer, 'base64');
    if (version !== 5) return MetricModel.fromJSON(unpackLegacy(state, bytes, cfg, version), cfg, storage);
    const m = new MetricModel(cfg, storage);
    if (bytes.length !== m.packedBytes) {
      throw new Error(
        `packed detector state of ${bytes.length} bytes, this configuration holds ${m.packedBytes}`,
      );
    }
    new Uint8Array(m.f.buffer, m.f.byteOffset + m.fAt * 8, m.packedBytes).set(bytes);
    m.restoreScalars(state);
    if (state.profileRef !== undefined && state.profileScale !== undefined) {
      m.ref = state.profileRef;
      m.scale = state.profileScale;
    }
    state.likelihoods.forEach((l, i) => {
      if (i < FEATURES) restoreLikelihoodScalars(cfg.likelihood, m.f, m.likelihoodAt(i), l);
    });
    return m;
  }

  private restoreScalars(state: Omit<PackedMetricModelState, 'likelihoods' | 'buffer'>): void {
    this.n = state.n;
    this.lastTsMs = state.lastTsMs ?? NaN;
    this.dtMs = state.dtMs ?? NaN;
    this.mean = state.mean;
    this.absDev = state.absDev;
    this.level = state.level;
    this.residualScale = state.residualScale;
    this.levelError = state.levelError;
    this.dayError = state.dayError ?? Infinity;
    this.min = state.min ?? Infinity;
    this.max = state.max ?? -Infinity;
    this.visitBucket = state.visitBucket;
    this.visitTsMs = state.visitTsMs ?? NaN;
    this.visitReadings = state.visitReadings;
    this.visitSum = state.visitSum;
    this.visitAbs = state.visitAbs;
    this.lastBin = state.lastBin;
  }

  /**
   * Restores a model (storage: as the constructor's); state of version 1 (no weekly profile)
   * starts the weekly profile empty.
   */
  static fromJSON(
    state: MetricModelState | MetricModelStateV1,
    cfg: DetectorConfig = DETECTOR_CONFIG,
    storage?: ModelStorage,
    pages?: ProfilePages,
  ): MetricModel {
    if (pages) return MetricModel.paged(MetricModel.fromJSON(state, cfg), storage, pages);
    const m = new MetricModel(cfg, storage);
    m.n = state.n;
    m.lastTsMs = state.lastTsMs ?? NaN;
    m.dtMs = state.dtMs ?? NaN;
    m.mean = state.mean;
    m.absDev = state.absDev;
    m.level = state.level;
    m.residualScale = state.residualScale;
    m.levelError = state.levelError;
    m.dayError = state.dayError ?? Infinity;
    m.min = state.min ?? Infinity;
    m.max = state.max ?? -Infinity;
    // The reference the state was saved with, or (saved before version 5) the level's.
    if ('profileRef' in state && state.profileRef !== undefined && state.profileScale !== undefined) {
      m.ref = state.profileRef;
      m.scale = state.profileScale;
    } else if (state.n > 0) {
      m.setReference(state.level);
    }
    const day = cfg.dayBuckets;
    m.storeValues(m.dayMeanAt, state.dayMean.slice(0, day), true);
    m.storeValues(m.dayDevAt, state.dayDev.slice(0, day), false);
    m.counts.set(state.dayVisits.slice(0, day).map(toCount), m.cAt);
    if ('weekMean' in state) {
      const week = cfg.weekBuckets;
      m.storeValues(m.weekMeanAt, state.weekMean.slice(0, week), true);
      m.storeValues(m.weekDevAt, state.weekDev.slice(0, week), false);
      m.counts.set(state.weekWeeks.slice(0, week).map(toCount), m.cAt + day);
      m.visitBucket = state.visitBucket;
      m.visitTsMs = state.visitTsMs ?? NaN;
      m.visitReadings = state.visitReadings;
      m.visitSum = state.visitSum;
      m.visitAbs = state.visitAbs;
    }
    m.lastBin = state.lastBin;
    m.h.set(state.transitions.slice(0, cfg.bins * cfg.bins).map(toHalf), m.transAt);
    if ('transitionScales' in state && state.transitionScales)
      m.f.set(state.transitionScales.slice(0, cfg.bins), m.rowAt);
    state.likelihoods.forEach((l, i) => {
      if (i < FEATURES)
        restoreLikelihood(
          cfg.likelihood,
          m.h,
          m.hAt + i * cfg.likelihood.shortWindow,
          m.f,
          m.likelihoodAt(i),
          l,
        );
    });
    return m;
  }

  /**
   * The same model unpaged, in a buffer of its own (what it saves, and how: state is saved and
   * restored in the unpaged layout, paged or not).
   */
  private unpaged(): MetricModel {
    const u = new MetricModel(this.cfg);
    MetricModel.copyResident(this, u);
    this.flushDay();
    this.flushWeek();
    const all = (this.pages as ProfilePages).readAll(this.slot);
    u.forEachBucket((b, meanAt, devAt, countAt) => {
      const at = b * ProfilePages.RECORD_BYTES;
      u.h[meanAt] = all.readUInt16LE(at);
      u.h[devAt] = all.readUInt16LE(at + 2);
      u.counts[countAt] = all[at + 4];
    });
    return u;
  }

  /** Model u (unpaged) paged in `pages`, kept in `storage` (as the constructor's). */
  private static paged(u: MetricModel, storage: ModelStorage | undefined, pages: ProfilePages): MetricModel {
    const m = new MetricModel(u.cfg, storage, pages);
    MetricModel.copyResident(u, m);
    const all = Buffer.alloc(pages.slotBytes);
    u.forEachBucket((b, meanAt, devAt, countAt) => {
      const at = b * ProfilePages.RECORD_BYTES;
      all.writeUInt16LE(u.h[meanAt], at);
      all.writeUInt16LE(u.h[devAt], at + 2);
      all[at + 4] = u.counts[countAt];
    });
    pages.writeAll(m.slot, all);
    return m;
  }

  /**
   * Unpaged: each bucket's record index in the pages (daily buckets, then weekly) and where its
   * mean and deviation are in `h` and its count in `counts`.
   */
  private forEachBucket(visit: (b: number, meanAt: number, devAt: number, countAt: number) => void): void {
    const day = this.cfg.dayBuckets;
    for (let b = 0; b < day; b++) visit(b, this.dayMeanAt + b, this.dayDevAt + b, this.cAt + b);
    for (let b = 0; b < this.cfg.weekBuckets; b++)
      visit(day + b, this.weekMeanAt + b, this.weekDevAt + b, this.weekCountAt + b);
  }

  /** Copies what a model keeps in memory paged or not (rings, transitions, row scales, scalars) from one to another. */
  private static copyResident(from: MetricModel, to: MetricModel): void {
    const cfg = from.cfg;
    const rings = FEATURES * cfg.likelihood.shortWindow;
    to.h.set(from.h.subarray(from.hAt, from.hAt + rings), to.hAt);
    to.h.set(from.h.subarray(from.transAt, from.transAt + cfg.bins * cfg.bins), to.transAt);
    to.f.set(from.f.subarray(from.rowAt, from.sAt + SCALARS), to.rowAt);
  }

  /** Where likelihood i's scalars are in `f` (its ring is at hAt + i · shortWindow in `h`). */
  private likelihoodAt(i: number): number {
    return this.sAt + S_LIKELIHOODS + i * LIKELIHOOD_SCALARS;
  }
}

/** The views of a buffer that holds models: as doubles, halves (uint16) and counts (uint8). */
export interface ModelViews {
  f: Float64Array;
  h: Uint16Array;
  counts: Uint8Array;
}

/**
 * Where a model is kept: MetricModel.bytes(cfg) zeroed bytes from byteOffset (a multiple of 8) in
 * a buffer, and the buffer's views (MetricModel.views) when its models share them.
 */
export interface ModelStorage {
  buffer: ArrayBuffer;
  byteOffset: number;
  views?: ModelViews;
}

/**
 * A model's storage: the halves (rings, profiles, transitions), the counts, the transition rows'
 * scales (doubles), then (not saved with the buffer: they are saved by name) the scalars as
 * doubles; `bytes` in all, a multiple of 8.
 */
function storageLayout(
  cfg: DetectorConfig,
  paged: boolean,
): { halves: number; rowAt: number; sAt: number; bytes: number } {
  // paged: the profiles' buckets in use, one of each (ProfilePages holds them all)
  const buckets = paged ? 2 : cfg.dayBuckets + cfg.weekBuckets;
  const halves = FEATURES * cfg.likelihood.shortWindow + 2 * buckets + cfg.bins * cfg.bins;
  const rowAt = Math.ceil((halves * 2 + buckets) / 8);
  const sAt = rowAt + cfg.bins;
  return { halves, rowAt, sAt, bytes: (sAt + SCALARS) * 8 };
}

/** The unit a profile is stored in around ref: the power of two at or above |ref|, 1 at least. */
function scaleOf(ref: number): number {
  return 2 ** Math.ceil(Math.log2(max(abs(ref), 1)));
}

function toCount(n: number): number {
  return n > MAX_COUNT ? MAX_COUNT : n < 0 ? 0 : n;
}

/**
 * A metric packed by state version 3 or 4 (the likelihoods' rings as doubles, then the profiles
 * and transitions as floats, then the counts: one byte each in 4, two in 3; machine byte order),
 * as the state fromJSON takes.
 */
function unpackLegacy(
  state: PackedMetricModelState,
  bytes: Buffer,
  cfg: DetectorConfig,
  version: 3 | 4,
): MetricModelState {
  const day = cfg.dayBuckets;
  const week = cfg.weekBuckets;
  const ring = cfg.likelihood.shortWindow;
  const floats = 2 * day + 2 * week + cfg.bins * cfg.bins;
  const buckets = day + week;
  const ringBytes = FEATURES * ring * 8;
  const countsAt = ringBytes + floats * 4;
  const expected = countsAt + (version === 3 ? 2 : 1) * buckets;
  if (bytes.length !== expected) {
    throw new Error(`packed detector state of ${bytes.length} bytes, this configuration holds ${expected}`);
  }
  // copied first: the decoded bytes may be unaligned
  const copy = Uint8Array.from(bytes).buffer;
  const rings = new Float64Array(copy, 0, FEATURES * ring);
  const prof = Array.from(new Float32Array(copy, ringBytes, floats));
  const counts = Array.from(
    version === 3 ? new Uint16Array(copy, countsAt, buckets) : new Uint8Array(copy, countsAt, buckets),
  );
  const { buffer: _packed, ...scalars } = state;
  return {
    ...scalars,
    dayMean: prof.slice(0, day),
    dayDev: prof.slice(day, 2 * day),
    weekMean: prof.slice(2 * day, 2 * day + week),
    weekDev: prof.slice(2 * day + week, 2 * day + 2 * week),
    transitions: prof.slice(2 * day + 2 * week),
    dayVisits: counts.slice(0, day),
    weekWeeks: counts.slice(day),
    likelihoods: FEATURE_INDICES.map((i) => ({
      ...state.likelihoods[i],
      ring: Array.from(rings.subarray(i * ring, (i + 1) * ring)),
    })),
  };
}
