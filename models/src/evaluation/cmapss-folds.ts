import { mulberry32, seededShuffle } from '../../../contracts/src/seeded-random';
import { evaluateCmapss } from '../learned/cmapss-rul-trainer';
import { phm08Score, rmse } from '../learned/rul-metrics';
import { spreadOf, type Spread } from './lofo-selection';

export interface CmapssFold {
  fold: number;
  /** FD001 test units in this fold. */
  units: number[];
  rmse: number;
  phm08: number;
}

export interface CmapssFoldsReport {
  dataset: 'cmapss-fd001';
  evaluation: 'unit-folds';
  /** The committed model's error per group of FD001 test units (no unit in two groups). */
  folds: CmapssFold[];
  rmse: Spread;
  /** Whole FD001 test set, and FD003 test (a fault mode the model never saw). */
  wholeRmse: number;
  fd003Rmse: number;
}

export interface CmapssFoldsOptions {
  modelDir: string;
  /** Folder holding the C-MAPSS text files. */
  datasetDir: string;
  folds?: number;
  seed?: number;
}

const r2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * The committed RUL model's error across folds of C-MAPSS units: its test engines shuffled
 * (seeded) into k groups, each scored alone, so the spread says how much the reported RMSE
 * depends on which engines happen to be tested.
 */
export async function evaluateCmapssFolds(options: CmapssFoldsOptions): Promise<CmapssFoldsReport> {
  const k = options.folds ?? 5;
  const e = await evaluateCmapss(options.modelDir, options.datasetDir);
  const engines = e.trueRul.map((_, i) => i);
  const order = seededShuffle(engines, mulberry32(options.seed ?? 14));
  const folds: CmapssFold[] = Array.from({ length: k }, (_, f) => {
    const members = order.filter((_, j) => j % k === f).sort((a, b) => a - b);
    const predicted = members.map((i) => e.predictedRul[i]);
    const actual = members.map((i) => e.trueRul[i]);
    return {
      fold: f + 1,
      units: members.map((i) => i + 1),
      rmse: r2(rmse(predicted, actual)),
      phm08: r2(phm08Score(predicted, actual)),
    };
  });
  const s = spreadOf(folds.map((f) => f.rmse));
  return {
    dataset: 'cmapss-fd001',
    evaluation: 'unit-folds',
    folds,
    rmse: { mean: r2(s.mean), min: r2(s.min), max: r2(s.max), std: r2(s.std) },
    wholeRmse: r2(e.rmse),
    fd003Rmse: r2(e.rmseFd003),
  };
}
