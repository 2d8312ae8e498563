import * as fs from 'node:fs';
import * as path from 'node:path';

/** Column names of the 26 space-separated fields of a C-MAPSS row (see datasets/cmapss/README.md). */
export const CMAPSS_COLUMNS = [
  'unit',
  'cycle',
  'op_setting_1',
  'op_setting_2',
  'op_setting_3',
  ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`),
] as const;

/**
 * Sensors that carry degradation signal in FD001. The others (s1, s5, s6, s10, s16, s18,
 * s19) are constant or near-constant there and only add noise; the operating settings are
 * a single condition in FD001/FD003.
 */
export const CMAPSS_FEATURES = [
  's2',
  's3',
  's4',
  's7',
  's8',
  's9',
  's11',
  's12',
  's13',
  's14',
  's15',
  's17',
  's20',
  's21',
];

export interface CmapssRow {
  unit: number;
  cycle: number;
  /** All 24 non-id columns by name (op settings and sensors). */
  values: Record<string, number>;
}

export interface CmapssEngine {
  unit: number;
  rows: CmapssRow[];
}

/**
 * The NASA files separate fields by runs of spaces and end rows with trailing blanks: a split on
 * whitespace reads them exactly, where a CSV parser's single-character delimiter would make empty
 * fields of every extra blank.
 */
export function parseCmapssRow(line: string): CmapssRow {
  const fields = line.trim().split(/\s+/).map(Number);
  if (fields.length !== CMAPSS_COLUMNS.length || fields.some((v) => !Number.isFinite(v))) {
    throw new Error(`C-MAPSS row must have ${CMAPSS_COLUMNS.length} numeric fields: "${line.slice(0, 80)}"`);
  }
  const values: Record<string, number> = {};
  for (let i = 2; i < CMAPSS_COLUMNS.length; i++) values[CMAPSS_COLUMNS[i]] = fields[i];
  return { unit: fields[0], cycle: fields[1], values };
}

/** Groups rows per engine in file order; cycles must be 1..N without gaps, as the README says. */
export function parseCmapssFile(text: string): CmapssEngine[] {
  const byUnit = new Map<number, CmapssRow[]>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const row = parseCmapssRow(line);
    const rows = byUnit.get(row.unit) ?? [];
    if (row.cycle !== rows.length + 1) throw new Error(`unit ${row.unit}: cycle ${row.cycle} out of order`);
    rows.push(row);
    byUnit.set(row.unit, rows);
  }
  return [...byUnit.entries()].map(([unit, rows]) => ({ unit, rows }));
}

export function parseRulFile(text: string): number[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const v = Number(l.trim());
      if (!Number.isInteger(v) || v < 0) throw new Error(`bad RUL value "${l}"`);
      return v;
    });
}

/**
 * Piecewise-linear RUL labels of a run-to-failure engine: true RUL = last cycle - cycle,
 * capped because early-life degradation is not observable in the sensors.
 */
export function rulLabels(engine: CmapssEngine, capCycles: number): number[] {
  const last = engine.rows.length;
  return engine.rows.map((r) => Math.min(capCycles, last - r.cycle));
}

export interface MinMaxStats {
  features: string[];
  min: number[];
  max: number[];
}

export function fitMinMax(engines: CmapssEngine[], features: string[]): MinMaxStats {
  const min = features.map(() => Infinity);
  const max = features.map(() => -Infinity);
  for (const e of engines) {
    for (const r of e.rows) {
      features.forEach((f, j) => {
        min[j] = Math.min(min[j], r.values[f]);
        max[j] = Math.max(max[j], r.values[f]);
      });
    }
  }
  return { features, min, max };
}

/** Scales each feature to [-1, 1] with train statistics (test values may fall slightly outside). */
export function normaliseEngine(engine: CmapssEngine, stats: MinMaxStats): number[][] {
  return engine.rows.map((r) =>
    stats.features.map((f, j) => {
      const span = stats.max[j] - stats.min[j];
      return span === 0 ? 0 : (2 * (r.values[f] - stats.min[j])) / span - 1;
    }),
  );
}

/**
 * Every full window of `windowCycles` consecutive cycles; window i ends at cycle
 * i + windowCycles (1-based) and takes that cycle's label.
 */
export function slidingWindows(
  series: number[][],
  labels: number[],
  windowCycles: number,
): { x: number[][][]; y: number[] } {
  const x: number[][][] = [];
  const y: number[] = [];
  for (let end = windowCycles; end <= series.length; end++) {
    x.push(series.slice(end - windowCycles, end));
    y.push(labels[end - 1]);
  }
  return { x, y };
}

/**
 * The window ending at the last cycle. Engines shorter than the window are padded at the
 * front with their first cycle, the usual choice when test runs are cut off early.
 */
export function lastWindow(series: number[][], windowCycles: number): number[][] {
  if (series.length === 0) throw new Error('empty series');
  const pad = Math.max(0, windowCycles - series.length);
  return [...Array.from({ length: pad }, () => series[0]), ...series.slice(-windowCycles)];
}

/**
 * Causal exponential smoothing per feature: sensor noise dominates single cycles, and a
 * causal filter uses no future cycles, so the same step applies to cut-off test engines.
 */
export function smoothSeries(series: number[][], alpha: number): number[][] {
  const out: number[][] = [];
  series.forEach((row, t) =>
    out.push(t === 0 ? row.slice() : row.map((v, j) => alpha * v + (1 - alpha) * out[t - 1][j])),
  );
  return out;
}

export interface CmapssFiles {
  train: CmapssEngine[];
  test: CmapssEngine[];
  testRul: number[];
}

export function readCmapss(
  datasetDir: string,
  subset: 'FD001' | 'FD003',
): Partial<CmapssFiles> & Omit<CmapssFiles, 'train'> {
  const read = (name: string) => fs.readFileSync(path.join(datasetDir, name), 'utf8');
  const trainPath = path.join(datasetDir, `train_${subset}.txt`);
  const test = parseCmapssFile(read(`test_${subset}.txt`));
  const testRul = parseRulFile(read(`RUL_${subset}.txt`));
  if (testRul.length !== test.length)
    throw new Error(`${subset}: ${test.length} test units but ${testRul.length} RUL values`);
  return {
    train: fs.existsSync(trainPath) ? parseCmapssFile(read(`train_${subset}.txt`)) : undefined,
    test,
    testRul,
  };
}

/** How per-cycle features are summarised from an engine's history (saved with the model). */
export interface CmapssFeatureConfig {
  /** Means of the last N cycles per sensor. */
  meanCycles: number[];
  /** Least-squares slopes over the last N cycles per sensor, in units per N cycles. */
  slopeCycles: number[];
  /** Causal exponential smoothing constants over the whole history so far. */
  smoothingAlphas: number[];
  /** The cycle number is an input (engine age), divided by this. */
  cycleScale: number;
  /** Ages past this are fed as this (few training engines run longer). */
  maxCycle: number;
}

export const CMAPSS_FEATURE_CONFIG: CmapssFeatureConfig = {
  meanCycles: [5, 10, 30],
  slopeCycles: [10, 30],
  smoothingAlphas: [0.03, 0.1],
  cycleScale: 200,
  maxCycle: 300,
};

export function cmapssFeatureCount(sensors: number, config: CmapssFeatureConfig): number {
  return sensors * (config.meanCycles.length + config.slopeCycles.length + config.smoothingAlphas.length) + 1;
}

/**
 * Returns the feature vector of an engine at any cycle (0-based index `end`), computed from
 * cycles up to `end` only, so it applies unchanged to test engines cut off before failure.
 * Short histories use what there is (means and slopes over fewer cycles).
 */
export function cmapssFeatureExtractor(
  normalised: number[][],
  config: CmapssFeatureConfig,
): (end: number) => number[] {
  const smoothed = config.smoothingAlphas.map((alpha) => smoothSeries(normalised, alpha));
  const sensors = normalised[0]?.length ?? 0;
  return (end: number) => {
    if (end < 0 || end >= normalised.length) throw new Error(`cycle index ${end} out of range`);
    const out: number[] = [];
    for (let j = 0; j < sensors; j++) {
      for (const n of config.meanCycles) out.push(mean(column(normalised, j, end, n)));
      for (const n of config.slopeCycles) out.push(slope(column(normalised, j, end, n)) * n);
      for (const s of smoothed) out.push(s[end][j]);
    }
    out.push(Math.min(end + 1, config.maxCycle) / config.cycleScale);
    return out;
  };
}

function column(series: number[][], j: number, end: number, cycles: number): number[] {
  const out: number[] = [];
  for (let t = Math.max(0, end - cycles + 1); t <= end; t++) out.push(series[t][j]);
  return out;
}

function mean(xs: number[]): number {
  return xs.reduce((s, v) => s + v, 0) / xs.length;
}

/** Least-squares slope per step; 0 for a single point. */
export function slope(xs: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mid = (n - 1) / 2;
  let num = 0;
  let den = 0;
  xs.forEach((v, i) => {
    num += (i - mid) * v;
    den += (i - mid) ** 2;
  });
  return num / den;
}
