/**
 * NAB's scoring rules, in memory, for any subset of a corpus: the same rules as the shared
 * scorer (tools/nab-score.mjs, written from NAB's published rules), so that a family of files or
 * the files outside it can be scored without writing result CSVs or starting a process. The
 * LOFO harness checks it against the shared scorer on the whole corpus.
 */

// Module-level references to Math: these loops run under jest's vm context too.
const { exp, floor, min } = Math;

export interface NabProfile {
  tp: number;
  fp: number;
  fn: number;
}

export const NAB_PROFILES = {
  standard: { tp: 1.0, fp: 0.11, fn: 1.0 },
  rewardLowFp: { tp: 1.0, fp: 0.22, fn: 1.0 },
  rewardLowFn: { tp: 1.0, fp: 0.11, fn: 2.0 },
} as const satisfies Record<string, NabProfile>;

/** A file's labels as NAB scores them: probation, windows, and the value of a detection per row. */
export interface NabFileLabels {
  /** `<category>/<file>.csv`. */
  rel: string;
  rows: number;
  /** Rows of the probationary period (never scored). */
  probation: number;
  /** Anomaly windows as [first row, last row]. */
  windows: [number, number][];
  /** Window index of each row, −1 outside every window. */
  windowOf: Int32Array;
  /** Scaled-sigmoid value of a detection at each row (in a window: its reward; after one: its cost). */
  position: Float64Array;
}

/** A detector's output on one file: its score per row and its own decisions. */
export interface NabFileResult {
  labels: NabFileLabels;
  /** anomaly_score per row (as written to a results CSV, 6 decimals). */
  scores: Float64Array;
  /** is_anomaly per row (1 or 0). */
  decisions: Uint8Array;
}

export interface NabThresholdScore {
  /** Threshold on anomaly_score (1.1: nothing detected). */
  threshold: number;
  raw: number;
  /** Normalised score: 100 is perfect, 0 is detecting nothing. */
  score: number;
}

const sigmoid = (x: number): number => 1 / (1 + exp(-x));
const scaledSigmoid = (y: number): number => (y > 3 ? -1 : 2 * sigmoid(-5 * y) - 1);
const MAX_TP = scaledSigmoid(-1);
/** Timestamps are matched without fractional seconds (windows.json writes `.000000`). */
const stampKey = (s: string): string => s.trim().replace(/\.\d+$/, '');

/** Labels of a file from its timestamps (as written in the data) and its windows (from windows.json). */
export function nabFileLabels(
  rel: string,
  stamps: readonly string[],
  windowStamps: readonly (readonly [string, string])[],
): NabFileLabels {
  const index = new Map(stamps.map((t, i) => [stampKey(t), i]));
  const windows = windowStamps.map(([a, b]): [number, number] => {
    const l = index.get(stampKey(a));
    const r = index.get(stampKey(b));
    if (l === undefined || r === undefined) throw new Error(`window not on a row in ${rel}`);
    return [l, r];
  });
  const n = stamps.length;
  const windowOf = new Int32Array(n).fill(-1);
  const position = new Float64Array(n);
  windows.forEach(([l, r], w) => {
    for (let i = l; i <= r; i++) windowOf[i] = w;
  });
  let last = -1;
  for (let i = 0; i < n; i++) {
    if (windowOf[i] >= 0) {
      const [l, r] = windows[windowOf[i]];
      position[i] = scaledSigmoid(-(r - i + 1) / (r - l + 1)) / MAX_TP;
      last = windowOf[i];
    } else if (last >= 0) {
      const [l, r] = windows[last];
      position[i] = scaledSigmoid((i - r) / (r - l + 1 - 1));
    } else position[i] = -1;
  }
  return { rel, rows: n, probation: min(floor(0.15 * n), 750), windows, windowOf, position };
}

/** Raw score of one file: best reward per window (or −fn if missed) plus the cost of false positives. */
export function rawFileScore(
  labels: NabFileLabels,
  profile: NabProfile,
  detected: (row: number) => boolean,
): number {
  const best: (number | null)[] = new Array<number | null>(labels.windows.length).fill(null);
  let fpSum = 0;
  for (let i = labels.probation; i < labels.rows; i++) {
    if (!detected(i)) continue;
    const w = labels.windowOf[i];
    if (w >= 0) {
      const v = profile.tp * labels.position[i];
      const b = best[w];
      if (b === null || v > b) best[w] = v;
    } else fpSum += profile.fp * labels.position[i];
  }
  return best.reduce<number>((s, v) => s + (v === null ? -profile.fn : v), 0) + fpSum;
}

function windowCount(files: readonly NabFileResult[]): number {
  return files.reduce((s, f) => s + f.labels.windows.length, 0);
}

/** Normalises a raw corpus score: 100 perfect, 0 the null detector. NaN for a corpus with no windows. */
export function normaliseNab(raw: number, windows: number, profile: NabProfile): number {
  const perfect = profile.tp * windows;
  const none = -profile.fn * windows;
  return windows > 0 ? (100 * (raw - none)) / (perfect - none) : NaN;
}

/** Normalised score of the detector's own decisions (is_anomaly), no threshold sweep. */
export function scoreDecisions(files: readonly NabFileResult[], profile: NabProfile): number {
  const raw = files.reduce((s, f) => s + rawFileScore(f.labels, profile, (i) => f.decisions[i] === 1), 0);
  return normaliseNab(raw, windowCount(files), profile);
}

/** Normalised score when every row scoring at least `threshold` is a detection. */
export function scoreAtThreshold(
  files: readonly NabFileResult[],
  profile: NabProfile,
  threshold: number,
): number {
  const raw = files.reduce((s, f) => s + rawFileScore(f.labels, profile, (i) => f.scores[i] >= threshold), 0);
  return normaliseNab(raw, windowCount(files), profile);
}

/**
 * NAB's reported score: the threshold on anomaly_score that is best on these files, swept from high
 * to low (rows with equal scores enter together), and the normalised score there.
 */
export function optimalThreshold(files: readonly NabFileResult[], profile: NabProfile): NabThresholdScore {
  let total = files.reduce((s, f) => s + rawFileScore(f.labels, profile, () => false), 0);
  let bestRaw = total;
  let bestThreshold = 1.1;
  const order: { score: number; file: number; row: number }[] = [];
  files.forEach((f, k) => {
    for (let i = f.labels.probation; i < f.labels.rows; i++)
      order.push({ score: f.scores[i], file: k, row: i });
  });
  order.sort((a, b) => b.score - a.score);
  const best = files.map((f) => new Array<number | null>(f.labels.windows.length).fill(null));
  for (let j = 0; j < order.length; j++) {
    const { score, file, row } = order[j];
    const labels = files[file].labels;
    const w = labels.windowOf[row];
    if (w >= 0) {
      const v = profile.tp * labels.position[row];
      const old = best[file][w];
      if (old === null || v > old) {
        best[file][w] = v;
        total += v - (old === null ? -profile.fn : old);
      }
    } else total += profile.fp * labels.position[row];
    if (j + 1 < order.length && order[j + 1].score === score) continue;
    if (total > bestRaw) {
      bestRaw = total;
      bestThreshold = score;
    }
  }
  return {
    threshold: bestThreshold,
    raw: bestRaw,
    score: normaliseNab(bestRaw, windowCount(files), profile),
  };
}
