import * as path from 'node:path';
import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { mulberry32, seededShuffle } from '../../../contracts/src/seeded-random';
import { initTf, type Tf, type TfBackendName } from '../tf/tf-backend';
import { loadModelFromDir, saveModelToDir, type ModelMetadata } from '../tf/file-io';
import {
  CMAPSS_FEATURE_CONFIG,
  CMAPSS_FEATURES,
  cmapssFeatureExtractor,
  fitMinMax,
  normaliseEngine,
  readCmapss,
  rulLabels,
  type CmapssEngine,
  type CmapssFeatureConfig,
  type MinMaxStats,
} from './cmapss-data';
import { phm08Score, rmse } from './rul-metrics';

export const CMAPSS_MODEL_VERSION = 2;

export interface CmapssTrainOptions {
  /** Folder holding train_FD001.txt, test_FD001.txt, RUL_FD001.txt (and FD003 test files). */
  datasetDir: string;
  /** Where to save the model; not saved when omitted. */
  artifactDir?: string;
  seed?: number;
  epochs?: number;
  /** Networks trained with different seeds whose predictions are averaged. */
  ensembleMembers?: number;
  rulCapCycles?: number;
  /** Engines held out (by unit, never by row) to validate on. */
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
  /** RMSE on the validation engines cut off like test engines (true, uncapped RUL). */
  validationRmse: number;
}

interface CmapssPreprocessing extends MinMaxStats {
  featureConfig: CmapssFeatureConfig;
  rulCapCycles: number;
}

const defaults = {
  seed: 42,
  epochs: 80,
  ensembleMembers: 5,
  rulCapCycles: 125,
  validationEngines: 15,
  batchSize: 256,
  /** Training rows start once an engine has this much history. */
  minHistoryCycles: 10,
  /** Cut-off points per validation engine, mimicking the test set's truncated runs. */
  cutsPerValidationEngine: 10,
  hiddenUnits: [64, 32],
};

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

export async function trainCmapss(options: CmapssTrainOptions): Promise<CmapssTrainResult> {
  const opts = { ...defaults, ...options };
  const log = options.log ?? stderrLog;
  const { tf, backend } = await initTf({ log });
  const started = Date.now();

  const fd001 = readCmapss(opts.datasetDir, 'FD001');
  if (!fd001.train) throw new Error(`train_FD001.txt missing in ${opts.datasetDir}`);
  const random = mulberry32(opts.seed);
  const units = seededShuffle(
    fd001.train.map((e) => e.unit),
    random,
  );
  const valUnits = new Set(units.slice(0, opts.validationEngines));
  const trainEngines = fd001.train.filter((e) => !valUnits.has(e.unit));
  const valEngines = fd001.train.filter((e) => valUnits.has(e.unit));
  // Scale from the training engines only, so validation and test stay unseen.
  const pre: CmapssPreprocessing = {
    ...fitMinMax(trainEngines, CMAPSS_FEATURES),
    featureConfig: CMAPSS_FEATURE_CONFIG,
    rulCapCycles: opts.rulCapCycles,
  };

  const train = trainingRows(trainEngines, pre, opts.minHistoryCycles);
  const val = validationCuts(valEngines, pre, opts.cutsPerValidationEngine, mulberry32(opts.seed + 1));
  const order = seededShuffle(
    train.x.map((_, i) => i),
    random,
  );
  const xTrain = tf.tensor2d(order.map((i) => train.x[i]));
  const yTrain = tf.tensor2d(order.map((i) => [train.y[i] / opts.rulCapCycles]));
  const featureCount = train.x[0].length;
  log(
    `[cmapss] ${trainEngines.length} train engines (${train.x.length} rows x ${featureCount} features), ${valEngines.length} validation engines (${val.x.length} cut-offs), cap ${opts.rulCapCycles}, ${opts.ensembleMembers} members x ${opts.epochs} epochs`,
  );

  const { ensemble, members } = buildCmapssEnsemble(
    tf,
    featureCount,
    opts.ensembleMembers,
    opts.hiddenUnits,
    opts.seed,
  );
  for (const [k, member] of members.entries()) {
    await member.fit(xTrain, yTrain, {
      epochs: opts.epochs,
      batchSize: opts.batchSize,
      // Our own seeded shuffle above; tfjs' shuffle uses Math.random and would break reproducibility.
      shuffle: false,
      verbose: 0,
      callbacks: {
        onEpochEnd: (epoch, logs) => {
          if ((epoch + 1) % 10 !== 0 && epoch !== 0) return;
          const trainRmse = Math.sqrt(logs?.loss ?? NaN) * opts.rulCapCycles;
          const valRmse = rmse(predictRul(tf, member, val.x, opts.rulCapCycles), val.y);
          log(
            `[cmapss] member ${k + 1}/${members.length} epoch ${epoch + 1}/${opts.epochs} train_rmse=${trainRmse.toFixed(2)} val_rmse=${valRmse.toFixed(2)} ${((Date.now() - started) / 1000).toFixed(1)}s`,
          );
        },
      },
    });
  }
  tf.dispose([xTrain, yTrain]);
  const trainMs = Date.now() - started;
  const validationRmse = rmse(predictRul(tf, ensemble, val.x, opts.rulCapCycles), val.y);
  log(`[cmapss] ensemble val_rmse ${validationRmse.toFixed(2)}, trained in ${(trainMs / 1000).toFixed(1)}s`);

  const evaluation = evaluateWithModel(tf, ensemble, pre, opts.datasetDir);
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
        ensembleMembers: opts.ensembleMembers,
        hiddenUnits: opts.hiddenUnits,
        batchSize: opts.batchSize,
        minHistoryCycles: opts.minHistoryCycles,
        validationEngines: [...valUnits].sort((a, b) => a - b),
        optimizer: 'adam(1e-3)',
        loss: 'mse on RUL / cap (+ L2 1e-4)',
        backend,
        trainMs,
      },
      metrics: { ...metrics, validationRmse },
      date: new Date().toISOString(),
      preprocessing: { ...pre },
    };
    await saveModelToDir(ensemble, opts.artifactDir, metadata);
    log(`[cmapss] saved to ${path.resolve(opts.artifactDir)}`);
  }
  // The members' layers belong to the ensemble (disposed with it); only their optimisers are theirs.
  members.forEach((m) => m.optimizer.dispose());
  return { model: ensemble, metrics, backend, trainMs, validationRmse };
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
 * An ensemble of small MLPs over per-cycle history features, saved as one model whose output
 * is the members' mean. Each member is also returned as its own model (sharing the layers) so
 * it can be trained alone: averaging independently trained networks cancels part of their
 * seed-dependent error, which jointly trained branches would not.
 */
export function buildCmapssEnsemble(
  tf: Tf,
  featureCount: number,
  memberCount: number,
  hiddenUnits: number[],
  seed: number,
): { ensemble: LayersModel; members: LayersModel[] } {
  if (memberCount < 1) throw new Error('an ensemble needs at least one member');
  const input = tf.input({ shape: [featureCount] });
  const members: LayersModel[] = [];
  const outputs: SymbolicTensor[] = [];
  for (let k = 0; k < memberCount; k++) {
    const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + 100 * (k + 1) + offset });
    let h: SymbolicTensor = input;
    hiddenUnits.forEach((units, i) => {
      h = tf.layers
        .dense({
          units,
          activation: 'relu',
          kernelInitializer: init(i),
          kernelRegularizer: tf.regularizers.l2({ l2: 1e-4 }),
        })
        .apply(h) as SymbolicTensor;
    });
    const out = tf.layers.dense({ units: 1, kernelInitializer: init(99) }).apply(h) as SymbolicTensor;
    const member = tf.model({ inputs: input, outputs: out });
    member.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
    members.push(member);
    outputs.push(out);
  }
  const mean = outputs.length === 1 ? outputs[0] : (tf.layers.average().apply(outputs) as SymbolicTensor);
  return { ensemble: tf.model({ inputs: input, outputs: mean }), members };
}

function engineFeatures(engine: CmapssEngine, pre: CmapssPreprocessing) {
  return cmapssFeatureExtractor(normaliseEngine(engine, pre), pre.featureConfig);
}

function trainingRows(engines: CmapssEngine[], pre: CmapssPreprocessing, minHistoryCycles: number) {
  const x: number[][] = [];
  const y: number[] = [];
  for (const e of engines) {
    const features = engineFeatures(e, pre);
    const labels = rulLabels(e, pre.rulCapCycles);
    for (let end = minHistoryCycles - 1; end < e.rows.length; end++) {
      x.push(features(end));
      y.push(labels[end]);
    }
  }
  return { x, y };
}

/**
 * Validation engines cut off at random points like the test engines: true RUL between 5 and
 * 150 cycles (the test set's range), at least 31 cycles of history, true RUL uncapped.
 */
function validationCuts(
  engines: CmapssEngine[],
  pre: CmapssPreprocessing,
  cuts: number,
  random: () => number,
) {
  const x: number[][] = [];
  const y: number[] = [];
  for (const e of engines) {
    const features = engineFeatures(e, pre);
    const n = e.rows.length;
    for (let k = 0; k < cuts; k++) {
      const rul = 5 + Math.floor(random() * (Math.min(150, n - 31) - 5));
      x.push(features(n - 1 - rul));
      y.push(rul);
    }
  }
  return { x, y };
}

function predictRul(tf: Tf, model: LayersModel, x: number[][], capCycles: number): number[] {
  const input = tf.tensor2d(x);
  const out = model.predict(input) as Tensor;
  const scaled = Array.from(out.dataSync());
  tf.dispose([input, out]);
  // RUL cannot be negative; the cap is the most the model was ever taught to say.
  return scaled.map((v) => Math.min(capCycles, Math.max(0, v * capCycles)));
}

function predictLastCycles(
  tf: Tf,
  model: LayersModel,
  engines: CmapssEngine[],
  pre: CmapssPreprocessing,
): number[] {
  const x = engines.map((e) => engineFeatures(e, pre)(e.rows.length - 1));
  return predictRul(tf, model, x, pre.rulCapCycles);
}

function evaluateWithModel(
  tf: Tf,
  model: LayersModel,
  pre: CmapssPreprocessing,
  datasetDir: string,
): CmapssEvaluation {
  const fd001 = readCmapss(datasetDir, 'FD001');
  const fd003 = readCmapss(datasetDir, 'FD003');
  const predictedRul = predictLastCycles(tf, model, fd001.test, pre);
  const predicted003 = predictLastCycles(tf, model, fd003.test, pre);
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
  const c = p?.featureConfig;
  if (
    metadata.version !== CMAPSS_MODEL_VERSION ||
    !p ||
    !Array.isArray(p.features) ||
    !isNumbers(p.min) ||
    !isNumbers(p.max) ||
    typeof p.rulCapCycles !== 'number' ||
    !c ||
    !isNumbers(c.meanCycles) ||
    !isNumbers(c.slopeCycles) ||
    !isNumbers(c.smoothingAlphas) ||
    typeof c.cycleScale !== 'number' ||
    typeof c.maxCycle !== 'number'
  ) {
    throw new Error(
      `C-MAPSS model metadata is not version ${CMAPSS_MODEL_VERSION} or lacks preprocessing (features, min, max, rulCapCycles, featureConfig)`,
    );
  }
  return { features: p.features, min: p.min, max: p.max, rulCapCycles: p.rulCapCycles, featureConfig: c };
}
