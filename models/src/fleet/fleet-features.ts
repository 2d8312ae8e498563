import { APPLIANCE_PROFILES, type ApplianceType, type Band } from '../../../contracts/src';

/** Readings per window the fleet models look at (36 × 10 min = the last 6 hours). */
export const FLEET_WINDOW_SIZE = 36;
/** Spacing of the readings in a window: models learned from readings this far apart. */
export const FLEET_STEP_MS = 10 * 60_000;
/** Statistics computed per metric by `windowFeatures`, in this order. */
export const PER_METRIC_FEATURES = ['mean', 'std', 'slope', 'last', 'min', 'max', 'outsideNormal'] as const;

/** z-scores beyond this are sensor garbage or failure; clipping keeps one reading from dominating a batch. */
const Z_CLIP = 8;

export interface Reading {
  tsMs: number;
  metrics: Record<string, number>;
}

/** Mean and spread of every metric of one appliance type over healthy training readings. */
export interface MetricStats {
  metrics: string[];
  mean: number[];
  std: number[];
}

/** Mean and spread of every window feature over training windows. */
export interface FeatureStats {
  mean: number[];
  std: number[];
}

export function metricNamesOf(type: ApplianceType): string[] {
  return APPLIANCE_PROFILES[type].metrics.map((m) => m.name);
}

export function normalBandsOf(type: ApplianceType): Band[] {
  return APPLIANCE_PROFILES[type].metrics.map((m) => m.normal);
}

export function featureCount(metricCount: number): number {
  return metricCount * PER_METRIC_FEATURES.length;
}

export function featureNames(metrics: readonly string[]): string[] {
  return metrics.flatMap((m) => PER_METRIC_FEATURES.map((f) => `${m}.${f}`));
}

/** Fits per-metric mean/std over rows of raw values (row-major, `metrics.length` per row). */
export function fitMetricStats(metrics: readonly string[], values: Float32Array | number[]): MetricStats {
  const width = metrics.length;
  const rows = values.length / width;
  const mean = new Array<number>(width).fill(0);
  const sq = new Array<number>(width).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) mean[c] += values[r * width + c];
  }
  for (let c = 0; c < width; c++) mean[c] /= Math.max(rows, 1);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) sq[c] += (values[r * width + c] - mean[c]) ** 2;
  }
  // A metric that never moves in healthy data (e.g. rpm while idle) still needs a usable scale.
  const std = sq.map((s, c) =>
    Math.max(Math.sqrt(s / Math.max(rows - 1, 1)), 1e-3 * Math.max(1, Math.abs(mean[c]))),
  );
  return { metrics: [...metrics], mean, std };
}

/** Fits per-column mean/std of feature rows (row-major, `width` per row). */
export function fitFeatureStats(values: Float32Array, width: number): FeatureStats {
  const s = fitMetricStats(
    Array.from({ length: width }, (_, i) => String(i)),
    values,
  );
  return { mean: s.mean, std: s.std.map((v) => Math.max(v, 1e-6)) };
}

export function zOf(value: number, mean: number, std: number): number {
  const z = (value - mean) / std;
  return z > Z_CLIP ? Z_CLIP : z < -Z_CLIP ? -Z_CLIP : z;
}

/**
 * Turns the last `size` readings of a window into the metric matrix (time-major, raw units),
 * carrying a missing or non-finite value forward from the previous reading (or the healthy
 * mean at the start), because devices may omit a metric in one message.
 */
export function windowMatrix(window: readonly Reading[], stats: MetricStats, size: number): Float32Array {
  const width = stats.metrics.length;
  const out = new Float32Array(size * width);
  const start = window.length - size;
  for (let c = 0; c < width; c++) {
    let previous = stats.mean[c];
    const name = stats.metrics[c];
    for (let t = 0; t < size; t++) {
      const v = window[start + t]?.metrics[name];
      const value = typeof v === 'number' && Number.isFinite(v) ? v : previous;
      out[t * width + c] = value;
      previous = value;
    }
  }
  return out;
}

/** Autoencoder input: the window's z-scored values, time-major, written into `out` at `offset`. */
export function writeNormalisedWindow(
  matrix: Float32Array,
  matrixOffset: number,
  size: number,
  stats: MetricStats,
  out: Float32Array,
  offset: number,
): void {
  const width = stats.metrics.length;
  for (let t = 0; t < size; t++) {
    for (let c = 0; c < width; c++) {
      const i = t * width + c;
      out[offset + i] = zOf(matrix[matrixOffset + i], stats.mean[c], stats.std[c]);
    }
  }
}

/**
 * Classifier input: per metric the mean, spread, trend (z units over the whole window), last
 * value, extremes and the fraction of readings outside the profile's normal band, written into
 * `out` at `offset` (not yet feature-normalised).
 */
export function writeWindowFeatures(
  matrix: Float32Array,
  matrixOffset: number,
  size: number,
  stats: MetricStats,
  bands: readonly Band[],
  out: Float32Array,
  offset: number,
): void {
  const width = stats.metrics.length;
  const tMean = (size - 1) / 2;
  let tVar = 0;
  for (let t = 0; t < size; t++) tVar += (t - tMean) ** 2;
  for (let c = 0; c < width; c++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let outside = 0;
    const band = bands[c];
    for (let t = 0; t < size; t++) {
      const raw = matrix[matrixOffset + t * width + c];
      const z = zOf(raw, stats.mean[c], stats.std[c]);
      sum += z;
      if (z < min) min = z;
      if (z > max) max = z;
      if ((band.low !== undefined && raw < band.low) || (band.high !== undefined && raw > band.high))
        outside++;
    }
    const mean = sum / size;
    let sq = 0;
    let cov = 0;
    for (let t = 0; t < size; t++) {
      const z = zOf(matrix[matrixOffset + t * width + c], stats.mean[c], stats.std[c]);
      sq += (z - mean) ** 2;
      cov += (t - tMean) * (z - mean);
    }
    const last = zOf(matrix[matrixOffset + (size - 1) * width + c], stats.mean[c], stats.std[c]);
    const o = offset + c * PER_METRIC_FEATURES.length;
    out[o] = mean;
    out[o + 1] = Math.sqrt(sq / size);
    out[o + 2] = tVar > 0 ? (cov / tVar) * (size - 1) : 0;
    out[o + 3] = last;
    out[o + 4] = min;
    out[o + 5] = max;
    out[o + 6] = outside / size;
  }
}

/** Standardises feature rows in place with training statistics. */
export function normaliseFeatures(features: Float32Array, stats: FeatureStats): void {
  const width = stats.mean.length;
  for (let i = 0; i < features.length; i++) {
    const c = i % width;
    const z = (features[i] - stats.mean[c]) / stats.std[c];
    features[i] = z > Z_CLIP ? Z_CLIP : z < -Z_CLIP ? -Z_CLIP : z;
  }
}
