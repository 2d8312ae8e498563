import * as fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { mulberry32, seededShuffle } from '../../../contracts/src/seeded-random';

export const AI4I_FILE = 'ai4i2020.csv';

/** Failure-cause flags: they describe the label, so feeding them to a model as inputs would leak it. */
export const AI4I_FAILURE_MODE_COLUMNS = ['TWF', 'HDF', 'PWF', 'OSF', 'RNF'] as const;

/**
 * Modes used as extra training *targets* (never inputs): each follows a simple rule, so one
 * output per mode is easier to learn than their union. RNF is random by construction.
 */
export const AI4I_TARGET_MODES = ['TWF', 'HDF', 'PWF', 'OSF'] as const;
export type Ai4iTargetMode = (typeof AI4I_TARGET_MODES)[number];

/**
 * Model inputs, in order. The last three are engineered from the physics the data was
 * generated from (heat dissipation, power, overstrain), which the README lists as fair.
 */
export const AI4I_FEATURES = [
  'type_L',
  'type_M',
  'type_H',
  'air_temp_k',
  'process_temp_k',
  'rotational_speed_rpm',
  'torque_nm',
  'tool_wear_min',
  'temp_diff_k',
  'power_w',
  'torque_x_wear_nm_min',
  'heat_dissipation_margin',
  'power_margin',
  'overstrain_margin',
  'tool_wear_margin',
  'heat_dissipation_limit_crossed',
  'power_limit_crossed',
  'overstrain_limit_crossed',
] as const;

/**
 * Failure mechanisms documented with the dataset (physics of the generator, not labels):
 * heat dissipation fails below an 8.6 K process-air difference at under 1380 rpm; power fails
 * outside 3500-9000 W; overstrain when tool wear x torque exceeds a per-type limit; tools fail
 * between 200 and 240 min of wear. Margins to these limits are inputs the network can split
 * on directly instead of rediscovering the thresholds from 8000 rows.
 */
export const AI4I_LIMITS = {
  heatDissipationTempDiffK: 8.6,
  heatDissipationSpeedRpm: 1380,
  powerLowW: 3500,
  powerHighW: 9000,
  overstrainNmMin: { L: 11000, M: 12000, H: 13000 } as const,
  toolWearFailureMin: 200,
};

export interface Ai4iRow {
  udi: number;
  type: 'L' | 'M' | 'H';
  airTempK: number;
  processTempK: number;
  rotationalSpeedRpm: number;
  torqueNm: number;
  toolWearMin: number;
  machineFailure: 0 | 1;
  /** Training targets only; ai4iFeatureVector never reads them. */
  failureModes: Record<Ai4iTargetMode, 0 | 1>;
}

const REQUIRED_HEADER = [
  'UDI',
  'Product ID',
  'Type',
  'Air temperature [K]',
  'Process temperature [K]',
  'Rotational speed [rpm]',
  'Torque [Nm]',
  'Tool wear [min]',
  'Machine failure',
];

/** Parses the CSV; the failure-mode flags are kept apart from the inputs, as training targets. */
export function parseAi4iCsv(text: string): Ai4iRow[] {
  const [header, ...records] = parse(text, { bom: true, trim: true, skip_empty_lines: true });
  if (!header) throw new Error('AI4I CSV is empty');
  const index = REQUIRED_HEADER.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`AI4I CSV lacks column "${name}"`);
    return i;
  });
  const modeIndex = AI4I_TARGET_MODES.map((name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`AI4I CSV lacks column "${name}"`);
    return i;
  });
  return records.map((cells, n) => {
    const num = (k: number) => {
      const v = Number(cells[index[k]]);
      if (!Number.isFinite(v)) throw new Error(`AI4I line ${n + 2}: "${REQUIRED_HEADER[k]}" is not a number`);
      return v;
    };
    const type = cells[index[2]];
    if (type !== 'L' && type !== 'M' && type !== 'H')
      throw new Error(`AI4I line ${n + 2}: bad Type "${type}"`);
    const failure = num(8);
    if (failure !== 0 && failure !== 1) throw new Error(`AI4I line ${n + 2}: Machine failure must be 0 or 1`);
    const failureModes = {} as Record<Ai4iTargetMode, 0 | 1>;
    AI4I_TARGET_MODES.forEach((mode, k) => {
      const flag = Number(cells[modeIndex[k]]);
      if (flag !== 0 && flag !== 1) throw new Error(`AI4I line ${n + 2}: ${mode} must be 0 or 1`);
      failureModes[mode] = flag;
    });
    return {
      udi: num(0),
      type,
      airTempK: num(3),
      processTempK: num(4),
      rotationalSpeedRpm: num(5),
      torqueNm: num(6),
      toolWearMin: num(7),
      machineFailure: failure,
      failureModes,
    };
  });
}

export function readAi4i(csvPath: string): Ai4iRow[] {
  return parseAi4iCsv(fs.readFileSync(csvPath, 'utf8'));
}

/** Raw (unscaled) feature vector in AI4I_FEATURES order. */
export function ai4iFeatureVector(row: Ai4iRow): number[] {
  const omegaRadS = (row.rotationalSpeedRpm * 2 * Math.PI) / 60;
  const margins = ai4iPhysicsMargins(row);
  return [
    row.type === 'L' ? 1 : 0,
    row.type === 'M' ? 1 : 0,
    row.type === 'H' ? 1 : 0,
    row.airTempK,
    row.processTempK,
    row.rotationalSpeedRpm,
    row.torqueNm,
    row.toolWearMin,
    row.processTempK - row.airTempK,
    row.torqueNm * omegaRadS,
    row.torqueNm * row.toolWearMin,
    ...margins,
    // The limits are sharp: a smooth function of the margins misclassifies rows a hair's
    // width from them, so the crossings are given as flags too.
    margins[0] < 0 ? 1 : 0,
    margins[1] < 0 ? 1 : 0,
    margins[2] > 0 ? 1 : 0,
  ];
}

/**
 * Relative distance of a row to each documented failure limit (dimensionless). Heat dissipation
 * needs both a small temperature difference and a low speed, so its margin is the larger of the
 * two relative margins (negative only when both are under their limit); power is out of band
 * when the smaller of the two margins is negative; overstrain and tool wear are positive past
 * their limit.
 */
export function ai4iPhysicsMargins(row: Ai4iRow): [number, number, number, number] {
  const L = AI4I_LIMITS;
  const powerW = (row.torqueNm * row.rotationalSpeedRpm * 2 * Math.PI) / 60;
  return [
    Math.max(
      (row.processTempK - row.airTempK) / L.heatDissipationTempDiffK - 1,
      row.rotationalSpeedRpm / L.heatDissipationSpeedRpm - 1,
    ),
    Math.min(powerW / L.powerLowW - 1, 1 - powerW / L.powerHighW),
    (row.torqueNm * row.toolWearMin) / L.overstrainNmMin[row.type] - 1,
    row.toolWearMin / L.toolWearFailureMin - 1,
  ];
}

export interface Ai4iSplit {
  train: Ai4iRow[];
  validation: Ai4iRow[];
  test: Ai4iRow[];
}

/**
 * Stratified split by label with a seeded shuffle, so the frozen test set can be recomputed
 * anywhere from the seed alone. Fractions are of each class.
 */
export function splitAi4i(
  rows: Ai4iRow[],
  seed: number,
  testFraction = 0.2,
  validationFraction = 0.2,
): Ai4iSplit {
  const random = mulberry32(seed);
  const out: Ai4iSplit = { train: [], validation: [], test: [] };
  for (const label of [0, 1] as const) {
    const cls = seededShuffle(
      rows.filter((r) => r.machineFailure === label),
      random,
    );
    const nTest = Math.round(cls.length * testFraction);
    const nVal = Math.round(cls.length * validationFraction);
    out.test.push(...cls.slice(0, nTest));
    out.validation.push(...cls.slice(nTest, nTest + nVal));
    out.train.push(...cls.slice(nTest + nVal));
  }
  const byUdi = (a: Ai4iRow, b: Ai4iRow) => a.udi - b.udi;
  out.train.sort(byUdi);
  out.validation.sort(byUdi);
  out.test.sort(byUdi);
  return out;
}

export interface ZScoreStats {
  mean: number[];
  std: number[];
}

export function fitZScore(vectors: number[][]): ZScoreStats {
  const n = vectors.length;
  const dims = vectors[0].length;
  const mean = Array.from({ length: dims }, (_, j) => vectors.reduce((s, v) => s + v[j], 0) / n);
  const std = mean.map((m, j) => Math.sqrt(vectors.reduce((s, v) => s + (v[j] - m) ** 2, 0) / n) || 1);
  return { mean, std };
}

export function applyZScore(vector: number[], stats: ZScoreStats): number[] {
  return vector.map((v, j) => (v - stats.mean[j]) / stats.std[j]);
}
