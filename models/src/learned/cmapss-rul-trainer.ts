import * as path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { initTf, type Tf, type TfBackendName } from '../tf/tf-backend';
import { loadModelFromDir, saveModelToDir, type ModelMetadata } from '../tf/file-io';
import { createSeededRandom, seededShuffle } from '../tf/seeded-random';
import {
  CMAPSS_FEATURES,
  fitMinMax,
  lastWindow,
  normaliseEngine,
  readCmapss,
  rulLabels,
  smoothSeries,
  slidingWindows,
  type CmapssEngine,
  type MinMaxStats,
} from './cmapss-data';
import { phm08Score, rmse } from './rul-metrics';

export const CMAPSS_MODEL_VERSION = 1;

export interface CmapssTrainOptions {
  /** Folder holding train_FD001.txt, test_FD001.txt, RUL_FD001.txt (and FD003 test files). */
  datasetDir: string;
  /** Where to save the model; not saved when omitted. */
  artifactDir?: string;
  seed?: number;
  epochs?: number;
  windowCycles?: number;
  rulCapCycles?: number;
  /** Engines held out (by unit, never by row) to pick the best epoch. */
  validationEngines?: number;
  log?: (line: string) => void;
}

export interface CmapssMetrics {
  rmse: number;
  phm08: number;
  rmseFd003: number;
  phm08Fd003: number;
}

export interface CmapssEvaluation extends CmapssMetrics {
  /** One prediction per FD001 test engine at its last cycle, in engine order. */
  predictedRul: number[];
  trueRul: number[];
}

export interface CmapssTrainResult {
  model: LayersModel;
  metrics: CmapssMetrics;
  backend: TfBackendName;
  trainMs: number;
  bestEpoch: number;
}

interface CmapssPreprocessing {
  features: string[];
  min: number[];
  max: number[];
  windowCycles: number;
  rulCapCycles: number;
  smoothingAlpha: number;
}

const defaults = {
  seed: 42,
  epochs: 70,
  windowCycles: 30,
  rulCapCycles: 125,
  validationEngines: 15,
  batchSize: 256,
  smoothingAlpha: 0.3,
};

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

export async function trainCmapss(options: CmapssTrainOptions): Promise<CmapssTrainResult> {
  const opts = { ...defaults, ...options };
  const log = options.log ?? stderrLog;
  const { tf, backend } = await initTf({ log });
  const started = Date.now();

  const fd001 = readCmapss(opts.datasetDir, 'FD001');
  if (!fd001.train) throw new Error(`train_FD001.txt missing in ${opts.datasetDir}`);
  const random = createSeededRandom(opts.seed);
  const units = seededShuffle(
    fd001.train.map((e) => e.unit),
    random,
  );
  const valUnits = new Set(units.slice(0, opts.validationEngines));
  const trainEngines = fd001.train.filter((e) => !valUnits.has(e.unit));
  const valEngines = fd001.train.filter((e) => valUnits.has(e.unit));
  // Scale from the training engines only, so validation and test stay unseen.
  const stats = fitMinMax(trainEngines, CMAPSS_FEATURES);

  const train = windowsOf(trainEngines, stats, opts.windowCycles, opts.rulCapCycles, opts.smoothingAlpha);
  const val = windowsOf(valEngines, stats, opts.windowCycles, opts.rulCapCycles, opts.smoothingAlpha);
  const order = seededShuffle(
    train.x.map((_, i) => i),
    random,
  );
  const xTrain = tf.tensor3d(order.map((i) => train.x[i]));
  const yTrain = tf.tensor2d(order.map((i) => [train.y[i] / opts.rulCapCycles]));
  const xVal = tf.tensor3d(val.x);
  const yVal = tf.tensor2d(val.y.map((v) => [v / opts.rulCapCycles]));
  log(
    `[cmapss] ${trainEngines.length} train engines (${train.x.length} windows), ${valEngines.length} validation engines (${val.x.length} windows), window ${opts.windowCycles}, cap ${opts.rulCapCycles}`,
  );

  const model = buildCmapssModel(tf, opts.windowCycles, CMAPSS_FEATURES.length, opts.seed);
  let best = { valRmse: Infinity, epoch: 0, weights: [] as Tensor[] };
  await model.fit(xTrain, yTrain, {
    epochs: opts.epochs,
    batchSize: opts.batchSize,
    // Our own seeded shuffle above; tfjs' shuffle uses Math.random and would break reproducibility.
    shuffle: false,
    validationData: [xVal, yVal],
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        const valRmse = Math.sqrt(logs?.val_loss ?? NaN) * opts.rulCapCycles;
        const trainRmse = Math.sqrt(logs?.loss ?? NaN) * opts.rulCapCycles;
        if (valRmse < best.valRmse) {
          best.weights.forEach((w) => w.dispose());
          best = { valRmse, epoch: epoch + 1, weights: model.getWeights().map((w) => w.clone()) };
        }
        log(
          `[cmapss] epoch ${epoch + 1}/${opts.epochs} loss=${(logs?.loss ?? NaN).toFixed(5)} train_rmse=${trainRmse.toFixed(2)} val_rmse=${valRmse.toFixed(2)} ${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
      },
    },
  });
  model.setWeights(best.weights);
  best.weights.forEach((w) => w.dispose());
  tf.dispose([xTrain, yTrain, xVal, yVal]);
  const trainMs = Date.now() - started;
  log(
    `[cmapss] best epoch ${best.epoch} (val_rmse ${best.valRmse.toFixed(2)}), trained in ${(trainMs / 1000).toFixed(1)}s`,
  );

  const preprocessing: CmapssPreprocessing = {
    ...stats,
    windowCycles: opts.windowCycles,
    rulCapCycles: opts.rulCapCycles,
    smoothingAlpha: opts.smoothingAlpha,
  };
  const evaluation = evaluateWithModel(tf, model, preprocessing, opts.datasetDir);
  const metrics = pickMetrics(evaluation);
  log(
    `[cmapss] FD001 test: rmse=${metrics.rmse.toFixed(2)} phm08=${metrics.phm08.toFixed(1)}; FD003 test (out of distribution): rmse=${metrics.rmseFd003.toFixed(2)} phm08=${metrics.phm08Fd003.toFixed(1)}`,
  );

  if (opts.artifactDir) {
    const metadata: ModelMetadata = {
      version: CMAPSS_MODEL_VERSION,
      data: 'NASA C-MAPSS FD001 train (run-to-failure); evaluated on FD001 test + RUL_FD001, FD003 test + RUL_FD003',
      trainingParams: {
        seed: opts.seed,
        epochs: opts.epochs,
        bestEpoch: best.epoch,
        batchSize: opts.batchSize,
        validationEngines: [...valUnits].sort((a, b) => a - b),
        optimizer: 'adam(1e-3)',
        loss: 'mse on RUL / cap',
        backend,
        trainMs,
      },
      metrics: { ...metrics, valRmse: best.valRmse },
      date: new Date().toISOString(),
      preprocessing: { ...preprocessing },
    };
    await saveModelToDir(model, opts.artifactDir, metadata);
    log(`[cmapss] saved to ${path.resolve(opts.artifactDir)}`);
  }
  return { model, metrics, backend, trainMs, bestEpoch: best.epoch };
}

/** Loads a saved model and scores it on the FD001 and FD003 test engines. */
export async function evaluateCmapss(modelDir: string, datasetDir: string): Promise<CmapssEvaluation> {
  const { tf } = await initTf();
  const { model, metadata } = await loadModelFromDir(tf, modelDir);
  const evaluation = evaluateWithModel(tf, model, parsePreprocessing(metadata), datasetDir);
  model.dispose();
  return evaluation;
}

/**
 * Dense network over the window. A 1D-CNN is the textbook choice, but the wasm backend has
 * no Conv2DBackpropFilter kernel (training a conv layer fails there), and the cpu backend is
 * several times slower.
 */
export function buildCmapssModel(
  tf: Tf,
  windowCycles: number,
  featureCount: number,
  seed: number,
): LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential();
  // One small dense layer shared by every cycle (a kernel-1 convolution), so the weights do not
  // grow with the window and cannot memorise individual training engines.
  model.add(
    tf.layers.timeDistributed({
      inputShape: [windowCycles, featureCount],
      layer: tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: init(1) }),
    }),
  );
  model.add(tf.layers.flatten());
  model.add(tf.layers.dropout({ rate: 0.3, seed: seed + 2 }));
  model.add(
    tf.layers.dense({
      units: 32,
      activation: 'relu',
      kernelInitializer: init(3),
      kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }),
    }),
  );
  model.add(tf.layers.dense({ units: 1, kernelInitializer: init(4) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
  return model;
}

function windowsOf(
  engines: CmapssEngine[],
  stats: MinMaxStats,
  windowCycles: number,
  capCycles: number,
  smoothingAlpha: number,
) {
  const x: number[][][] = [];
  const y: number[] = [];
  for (const e of engines) {
    const w = slidingWindows(
      smoothSeries(normaliseEngine(e, stats), smoothingAlpha),
      rulLabels(e, capCycles),
      windowCycles,
    );
    x.push(...w.x);
    y.push(...w.y);
  }
  return { x, y };
}

function predictLastWindows(
  tf: Tf,
  model: LayersModel,
  engines: CmapssEngine[],
  pre: CmapssPreprocessing,
): number[] {
  const x = tf.tensor3d(
    engines.map((e) =>
      lastWindow(smoothSeries(normaliseEngine(e, pre), pre.smoothingAlpha), pre.windowCycles),
    ),
  );
  const out = model.predict(x) as Tensor;
  const scaled = Array.from(out.dataSync());
  tf.dispose([x, out]);
  // RUL cannot be negative; the cap is the most the model was ever taught to say.
  return scaled.map((v) => Math.min(pre.rulCapCycles, Math.max(0, v * pre.rulCapCycles)));
}

function evaluateWithModel(
  tf: Tf,
  model: LayersModel,
  pre: CmapssPreprocessing,
  datasetDir: string,
): CmapssEvaluation {
  const fd001 = readCmapss(datasetDir, 'FD001');
  const fd003 = readCmapss(datasetDir, 'FD003');
  const predictedRul = predictLastWindows(tf, model, fd001.test, pre);
  const predicted003 = predictLastWindows(tf, model, fd003.test, pre);
  return {
    rmse: rmse(predictedRul, fd001.testRul),
    phm08: phm08Score(predictedRul, fd001.testRul),
    rmseFd003: rmse(predicted003, fd003.testRul),
    phm08Fd003: phm08Score(predicted003, fd003.testRul),
    predictedRul,
    trueRul: fd001.testRul,
  };
}

function pickMetrics(e: CmapssEvaluation): CmapssMetrics {
  return { rmse: e.rmse, phm08: e.phm08, rmseFd003: e.rmseFd003, phm08Fd003: e.phm08Fd003 };
}

function parsePreprocessing(metadata: ModelMetadata): CmapssPreprocessing {
  const p = metadata.preprocessing as Partial<CmapssPreprocessing> | undefined;
  const isNumbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((n) => typeof n === 'number');
  if (
    !p ||
    !Array.isArray(p.features) ||
    !isNumbers(p.min) ||
    !isNumbers(p.max) ||
    typeof p.windowCycles !== 'number' ||
    typeof p.rulCapCycles !== 'number' ||
    typeof p.smoothingAlpha !== 'number'
  ) {
    throw new Error(
      'C-MAPSS model metadata lacks preprocessing (features, min, max, windowCycles, rulCapCycles)',
    );
  }
  return {
    features: p.features,
    min: p.min,
    max: p.max,
    windowCycles: p.windowCycles,
    rulCapCycles: p.rulCapCycles,
    smoothingAlpha: p.smoothingAlpha,
  };
}
