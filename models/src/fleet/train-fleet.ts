import * as path from 'node:path';
import type { LayersModel, SymbolicTensor, Tensor } from '@tensorflow/tfjs';
import { APPLIANCE_PROFILES, APPLIANCE_TYPES, type ApplianceType } from '../../../contracts/src';
import { mulberry32, seededShuffle } from '../../../contracts/src/seeded-random';
import { modelDirBytes, saveModelToDir, type ModelMetadata } from '../tf/file-io';
import { initTf, type Tf, type TfBackendName } from '../tf/tf-backend';
import {
  type DeviceStream,
  type FleetSpec,
  hoursToFailureOf,
  severityOfStream,
  simulateFleet,
} from './fleet-dataset';
import { chooseDecision, type DetectionSummary, summariseDetections } from './fleet-detection';
import {
  featureCount,
  featureNames,
  fitFeatureStats,
  fitMetricStats,
  FLEET_STEP_MS,
  FLEET_WINDOW_SIZE,
  type MetricStats,
  normalBandsOf,
  writeNormalisedWindow,
  writeWindowFeatures,
} from './fleet-features';
import { scoreStreams, underDecision } from './fleet-stream-scoring';
import {
  type AutoencoderPreprocessing,
  type FaultModelPreprocessing,
  type FleetDecision,
  FLEET_MODEL_VERSION,
  FleetTypeModel,
  NO_FAULT,
} from './fleet-type-model';

export interface TrainFleetOptions {
  artifactsDir: string;
  seed: number;
  /** Tiny fleets and 2 epochs: for tests. */
  quick?: boolean;
  /** Overrides `quick`: 'tiny' is smaller still (retraining tests on the platform). */
  size?: FleetTrainSize;
  types?: readonly ApplianceType[];
  log?: (line: string) => void;
}

export interface FleetTypeTrainReport {
  type: ApplianceType;
  trainWindows: { healthy: number; faulty: number };
  validation: DetectionSummary;
  decision: FleetDecision;
  validationModeAccuracy: number;
  validationTtfMaeHours: number;
  artifactBytes: number;
  trainMs: number;
}

export interface TrainFleetReport {
  backend: TfBackendName;
  seeds: { train: number; validation: number };
  types: FleetTypeTrainReport[];
  trainMs: number;
}

/** Windows labelled as a fault once its severity reaches this; earlier fault windows are not labelled. */
export const LABEL_MIN_SEVERITY = 0.08;
export const TTF_CAP_HOURS = 168;
const DEBOUNCE_WINDOWS = 6;
const ERROR_PERCENTILE = 99.5;
const FAULT_THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999];
/** 0.5 is the healthy 99.5th percentile; null leaves the anomaly score out of the rule. */
const ANOMALY_THRESHOLDS = [null, 0.5, 0.6, 0.7, 0.8, 0.9];
const MIN_VALIDATION_PRECISION = 0.9;

export type FleetTrainSize = 'full' | 'quick' | 'tiny';

export interface Sizes {
  train: Omit<FleetSpec, 'type' | 'seed'>;
  validation: Omit<FleetSpec, 'type' | 'seed'>;
  /** The fleet a retrained candidate and the active version are compared on (retrain-with-labels). */
  evaluation: Omit<FleetSpec, 'type' | 'seed'>;
  aeEpochs: number;
  faultEpochs: number;
  healthyStride: number;
  faultStride: number;
}

const FULL: Sizes = {
  train: { devices: 120, days: 24, faultRate: 0.5 },
  validation: { devices: 40, days: 20, faultRate: 0.5 },
  evaluation: { devices: 60, days: 20, faultRate: 0.5 },
  aeEpochs: 10,
  faultEpochs: 20,
  healthyStride: 8,
  faultStride: 2,
};

const QUICK: Sizes = {
  train: { devices: 16, days: 8, faultRate: 0.5 },
  validation: { devices: 8, days: 8, faultRate: 0.5 },
  evaluation: { devices: 24, days: 8, faultRate: 0.5 },
  aeEpochs: 2,
  faultEpochs: 4,
  healthyStride: 3,
  faultStride: 1,
};

/** A few devices and epochs: enough to exercise retraining end to end in a test. */
const TINY: Sizes = {
  train: { devices: 6, days: 6, faultRate: 0.5 },
  validation: { devices: 4, days: 6, faultRate: 0.5 },
  evaluation: { devices: 8, days: 6, faultRate: 0.5 },
  aeEpochs: 1,
  faultEpochs: 2,
  healthyStride: 4,
  faultStride: 2,
};

export const FLEET_TRAIN_SIZES: Readonly<Record<FleetTrainSize, Sizes>> = {
  full: FULL,
  quick: QUICK,
  tiny: TINY,
};

const stderrLog = (line: string) => process.stderr.write(`${line}\n`);

/** Seeds of the validation fleet follow the training seed; evaluation must use neither. */
export function validationSeedOf(seed: number): number {
  return seed + 1;
}

/**
 * Trains the anomaly autoencoder and the fault model of every appliance type on simulated fleets
 * with injected faults, calibrates them on a separate validation fleet and saves them under
 * `<artifactsDir>/<type>/{autoencoder,fault}/`.
 */
export async function trainFleetModels(options: TrainFleetOptions): Promise<TrainFleetReport> {
  const log = options.log ?? stderrLog;
  const { tf, backend } = await initTf({ log });
  const sizes = FLEET_TRAIN_SIZES[options.size ?? (options.quick ? 'quick' : 'full')];
  const started = Date.now();
  const reports: FleetTypeTrainReport[] = [];
  for (const type of options.types ?? APPLIANCE_TYPES) {
    reports.push(await trainType(tf, type, options, sizes, log));
  }
  const trainMs = Date.now() - started;
  log(`[fleet] trained ${reports.length} types in ${(trainMs / 1000).toFixed(1)}s on ${backend}`);
  return {
    backend,
    seeds: { train: options.seed, validation: validationSeedOf(options.seed) },
    types: reports,
    trainMs,
  };
}

async function trainType(
  tf: Tf,
  type: ApplianceType,
  options: TrainFleetOptions,
  sizes: Sizes,
  log: (line: string) => void,
): Promise<FleetTypeTrainReport> {
  const started = Date.now();
  const trainSpec: FleetSpec = { type, seed: options.seed, ...sizes.train };
  const validationSpec: FleetSpec = { type, seed: validationSeedOf(options.seed), ...sizes.validation };
  const train = simulateFleet(trainSpec);
  const validation = simulateFleet(validationSpec);
  const metrics = train[0].metrics;
  const metricStats = fitMetricStats(metrics, healthyReadings(train));
  const classes = [NO_FAULT, ...APPLIANCE_PROFILES[type].faultModes.map((m) => m.mode)];
  const random = mulberry32(options.seed ^ hashType(type));
  const trainSet = labelledWindows(train, classes, sizes, random);
  log(
    `[fleet:${type}] simulated ${train.length}+${validation.length} devices in ${((Date.now() - started) / 1000).toFixed(1)}s; windows healthy ${trainSet.healthy} faulty ${trainSet.faulty}`,
  );

  const size = FLEET_WINDOW_SIZE;
  const width = metrics.length;
  const cell = size * width;
  const healthyIdx = trainSet.windows.filter((w) => w.label === 0);
  const aeX = new Float32Array(healthyIdx.length * cell);
  healthyIdx.forEach((w, i) =>
    writeNormalisedWindow(w.stream.values, w.start * width, size, metricStats, aeX, i * cell),
  );
  const autoencoder = buildAutoencoder(tf, cell, options.seed);
  await fitLogged(
    tf,
    autoencoder,
    [aeX, cell],
    [aeX, cell],
    sizes.aeEpochs,
    256,
    `[fleet:${type}] autoencoder`,
    log,
  );

  const bands = normalBandsOf(type);
  const fw = featureCount(width);
  const rawFeatures = new Float32Array(trainSet.windows.length * fw);
  trainSet.windows.forEach((w, i) =>
    writeWindowFeatures(w.stream.values, w.start * width, size, metricStats, bands, rawFeatures, i * fw),
  );
  const featureStats = fitFeatureStats(rawFeatures, fw);
  const features = rawFeatures.map((v, i) => (v - featureStats.mean[i % fw]) / featureStats.std[i % fw]);
  const yClass = new Float32Array(trainSet.windows.length * classes.length);
  const yTtf = new Float32Array(trainSet.windows.length);
  trainSet.windows.forEach((w, i) => {
    yClass[i * classes.length + w.label] = 1;
    yTtf[i] = w.hoursToFailure / TTF_CAP_HOURS;
  });
  const faultModel = buildFaultModel(tf, fw, classes.length, options.seed);
  await fitFaultModel(
    tf,
    faultModel,
    features,
    fw,
    yClass,
    classes.length,
    yTtf,
    sizes.faultEpochs,
    type,
    log,
  );

  const aePre: AutoencoderPreprocessing = {
    type,
    windowSize: size,
    stepMs: FLEET_STEP_MS,
    metricStats,
    calibration: calibrateAutoencoder(tf, autoencoder, validation, metricStats),
  };
  const faultPre: FaultModelPreprocessing = {
    type,
    windowSize: size,
    stepMs: FLEET_STEP_MS,
    metricStats,
    featureStats,
    classes,
    ttfCapHours: TTF_CAP_HOURS,
    decision: { faultThreshold: 0.5, anomalyThreshold: null, debounce: DEBOUNCE_WINDOWS },
    dataSeeds: { train: trainSpec.seed, validation: validationSpec.seed },
  };
  const typeModel = new FleetTypeModel(tf, autoencoder, faultModel, aePre, faultPre);
  const outputs = scoreStreams(typeModel, validation);
  const candidates = FAULT_THRESHOLDS.flatMap((faultThreshold) =>
    ANOMALY_THRESHOLDS.map((anomalyThreshold) => ({
      faultThreshold,
      anomalyThreshold,
      debounce: DEBOUNCE_WINDOWS,
    })),
  );
  const chosen = chooseDecision(
    candidates,
    (decision) =>
      summariseDetections(underDecision(outputs, decision), { threshold: 1, debounce: decision.debounce }),
    MIN_VALIDATION_PRECISION,
  );
  faultPre.decision = chosen.candidate;
  const windowQuality = validationWindowQuality(typeModel, validation, classes);
  const v = chosen.summary;
  log(
    `[fleet:${type}] validation: rule ${JSON.stringify(chosen.candidate)} precision ${v.precision.toFixed(3)} recall ${v.recall.toFixed(3)} lead ${v.leadTimeHours.toFixed(1)}h mode-acc ${v.faultModeAccuracy.toFixed(3)} false-alarms/device-day ${v.falseAlarmsPerDeviceDay.toFixed(4)}; window mode-acc ${windowQuality.modeAccuracy.toFixed(3)} ttf MAE ${windowQuality.ttfMaeHours.toFixed(1)}h`,
  );

  const typeDir = path.join(options.artifactsDir, type);
  const common = {
    version: FLEET_MODEL_VERSION,
    data: `firmware-sim fleets of ${type}: train seed ${trainSpec.seed} (${trainSpec.devices} devices × ${trainSpec.days} days), validation seed ${validationSpec.seed} (${validationSpec.devices} × ${validationSpec.days}), fault rate ${trainSpec.faultRate}, one reading per ${FLEET_STEP_MS / 60_000} min`,
    date: new Date().toISOString(),
  };
  const trainingParams = {
    seed: options.seed,
    quick: options.quick ?? false,
    trainFleet: trainSpec,
    validationFleet: validationSpec,
    windowSize: size,
    labelMinSeverity: LABEL_MIN_SEVERITY,
    healthyStride: sizes.healthyStride,
  };
  const aeMeta: ModelMetadata = {
    ...common,
    trainingParams: { ...trainingParams, epochs: sizes.aeEpochs, healthyWindows: healthyIdx.length },
    metrics: { errorThreshold: aePre.calibration.errorThreshold },
    preprocessing: { ...aePre },
  };
  const faultMeta: ModelMetadata = {
    ...common,
    trainingParams: {
      ...trainingParams,
      epochs: sizes.faultEpochs,
      windows: trainSet.windows.length,
      features: featureNames(metrics),
    },
    metrics: {
      validationPrecision: v.precision,
      validationRecall: v.recall,
      validationLeadTimeHours: v.leadTimeHours,
      validationFaultModeAccuracy: v.faultModeAccuracy,
      validationFalseAlarmsPerDeviceDay: v.falseAlarmsPerDeviceDay,
      validationWindowModeAccuracy: windowQuality.modeAccuracy,
      validationTtfMaeHours: windowQuality.ttfMaeHours,
    },
    preprocessing: { ...faultPre },
  };
  await saveModelToDir(autoencoder, path.join(typeDir, 'autoencoder'), aeMeta);
  await saveModelToDir(faultModel, path.join(typeDir, 'fault'), faultMeta);
  const artifactBytes =
    modelDirBytes(path.join(typeDir, 'autoencoder')) + modelDirBytes(path.join(typeDir, 'fault'));
  autoencoder.dispose();
  faultModel.dispose();
  const trainMs = Date.now() - started;
  log(`[fleet:${type}] saved ${(artifactBytes / 1024).toFixed(0)} KiB in ${(trainMs / 1000).toFixed(1)}s`);
  return {
    type,
    trainWindows: { healthy: trainSet.healthy, faulty: trainSet.faulty },
    validation: v,
    decision: chosen.candidate,
    validationModeAccuracy: windowQuality.modeAccuracy,
    validationTtfMaeHours: windowQuality.ttfMaeHours,
    artifactBytes,
    trainMs,
  };
}

/** Readings before any fault started: what "normal" looks like for the type. */
function healthyReadings(streams: readonly DeviceStream[]): Float32Array {
  const parts: Float32Array[] = [];
  for (const s of streams) {
    const width = s.metrics.length;
    let n = s.tsMs.length;
    if (s.fault) n = s.tsMs.findIndex((ts) => ts >= (s.fault?.startSimTs ?? Infinity));
    parts.push(s.values.subarray(0, Math.max(0, n) * width));
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export interface LabelledWindow {
  stream: DeviceStream;
  /** Index of the window's first reading. */
  start: number;
  label: number;
  hoursToFailure: number;
}

/**
 * Healthy windows (subsampled: neighbours overlap almost entirely) and every window where the
 * fault is past LABEL_MIN_SEVERITY; windows of a barely started fault carry no signal yet and are
 * left out rather than taught as either class. Shuffled with the seed.
 */
export function labelledWindows(
  streams: readonly DeviceStream[],
  classes: readonly string[],
  sizes: Sizes,
  random: () => number,
): { windows: LabelledWindow[]; healthy: number; faulty: number } {
  const windows: LabelledWindow[] = [];
  let healthy = 0;
  let faulty = 0;
  for (const stream of streams) {
    for (let start = 0; start + FLEET_WINDOW_SIZE <= stream.tsMs.length; start++) {
      const ts = stream.tsMs[start + FLEET_WINDOW_SIZE - 1];
      const severity = severityOfStream(stream, ts);
      const hoursToFailure = hoursToFailureOf(stream, ts, TTF_CAP_HOURS);
      if (severity === 0 && (!stream.fault || ts < stream.fault.startSimTs)) {
        if (start % sizes.healthyStride !== 0) continue;
        windows.push({ stream, start, label: 0, hoursToFailure });
        healthy++;
      } else if (severity >= LABEL_MIN_SEVERITY && stream.fault && start % sizes.faultStride === 0) {
        windows.push({ stream, start, label: classes.indexOf(stream.fault.mode), hoursToFailure });
        faulty++;
      }
    }
  }
  return { windows: seededShuffle(windows, random), healthy, faulty };
}

function buildAutoencoder(tf: Tf, inputSize: number, seed: number): LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + offset });
  const model = tf.sequential();
  model.add(
    tf.layers.dense({ inputShape: [inputSize], units: 48, activation: 'relu', kernelInitializer: init(1) }),
  );
  model.add(tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: init(2) }));
  model.add(tf.layers.dense({ units: 48, activation: 'relu', kernelInitializer: init(3) }));
  model.add(tf.layers.dense({ units: inputSize, kernelInitializer: init(4) }));
  model.compile({ optimizer: tf.train.adam(0.002), loss: 'meanSquaredError' });
  return model;
}

/** One trunk, two heads: which fault (softmax) and how many hours until it fails (sigmoid × cap). */
function buildFaultModel(tf: Tf, featureSize: number, classCount: number, seed: number): LayersModel {
  const init = (offset: number) => tf.initializers.glorotUniform({ seed: seed + 10 + offset });
  const input = tf.input({ shape: [featureSize] });
  const h1 = tf.layers
    // L2 keeps the trunk from memorising individual training devices' quirks (false alarms on new ones).
    .dense({
      units: 48,
      activation: 'relu',
      kernelInitializer: init(1),
      kernelRegularizer: tf.regularizers.l2({ l2: 1e-3 }),
    })
    .apply(input) as SymbolicTensor;
  const h2 = tf.layers
    .dense({ units: 24, activation: 'relu', kernelInitializer: init(2) })
    .apply(h1) as SymbolicTensor;
  const mode = tf.layers
    .dense({ units: classCount, activation: 'softmax', name: 'mode', kernelInitializer: init(3) })
    .apply(h2) as SymbolicTensor;
  const ttf = tf.layers
    .dense({ units: 1, activation: 'sigmoid', name: 'ttf', kernelInitializer: init(4) })
    .apply(h2) as SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [mode, ttf] });
  model.compile({
    optimizer: tf.train.adam(0.002),
    loss: ['categoricalCrossentropy', 'meanSquaredError'],
  });
  return model;
}

async function fitLogged(
  tf: Tf,
  model: LayersModel,
  [x, xWidth]: [Float32Array, number],
  [y, yWidth]: [Float32Array, number],
  epochs: number,
  batchSize: number,
  label: string,
  log: (line: string) => void,
): Promise<void> {
  const rows = x.length / xWidth;
  const xs = tf.tensor2d(x, [rows, xWidth]);
  const ys = tf.tensor2d(y, [rows, yWidth]);
  const started = Date.now();
  await model.fit(xs, ys, {
    epochs,
    batchSize,
    // tfjs shuffles with Math.random; the rows were shuffled with the seed instead.
    shuffle: false,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        log(
          `${label} epoch ${epoch + 1}/${epochs} loss=${(logs?.loss ?? NaN).toFixed(5)} ${((Date.now() - started) / 1000).toFixed(1)}s`,
        ),
    },
  });
  tf.dispose([xs, ys]);
}

export async function fitFaultModel(
  tf: Tf,
  model: LayersModel,
  features: Float32Array,
  featureWidth: number,
  yClass: Float32Array,
  classCount: number,
  yTtf: Float32Array,
  epochs: number,
  type: ApplianceType,
  log: (line: string) => void,
): Promise<void> {
  const rows = features.length / featureWidth;
  const xs = tf.tensor2d(features, [rows, featureWidth]);
  const yc = tf.tensor2d(yClass, [rows, classCount]);
  const yt = tf.tensor2d(yTtf, [rows, 1]);
  const started = Date.now();
  await model.fit(xs, [yc, yt], {
    epochs,
    batchSize: 128,
    shuffle: false,
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) =>
        log(
          `[fleet:${type}] fault model epoch ${epoch + 1}/${epochs} loss=${(logs?.loss ?? NaN).toFixed(4)} mode=${(logs?.mode_loss ?? NaN).toFixed(4)} ttf=${(logs?.ttf_loss ?? NaN).toFixed(4)} ${((Date.now() - started) / 1000).toFixed(1)}s`,
        ),
    },
  });
  tf.dispose([xs, yc, yt]);
}

/**
 * Reconstruction error of healthy validation windows (healthy devices, and faulty ones before the
 * fault started): its percentile becomes the anomaly threshold, its per-metric means and residual
 * spread the attribution baseline and the expected band.
 */
function calibrateAutoencoder(
  tf: Tf,
  autoencoder: LayersModel,
  validation: readonly DeviceStream[],
  stats: MetricStats,
): AutoencoderPreprocessing['calibration'] {
  const size = FLEET_WINDOW_SIZE;
  const width = stats.metrics.length;
  const cell = size * width;
  const starts: Array<{ stream: DeviceStream; start: number }> = [];
  for (const stream of validation) {
    for (let start = 0; start + size <= stream.tsMs.length; start += 2) {
      const ts = stream.tsMs[start + size - 1];
      if (stream.fault && ts >= stream.fault.startSimTs) break;
      starts.push({ stream, start });
    }
  }
  const x = new Float32Array(starts.length * cell);
  starts.forEach((w, i) => writeNormalisedWindow(w.stream.values, w.start * width, size, stats, x, i * cell));
  const reconTensor = tf.tidy(() => autoencoder.predict(tf.tensor2d(x, [starts.length, cell])) as Tensor);
  const recon = reconTensor.dataSync() as Float32Array;
  reconTensor.dispose();
  const errors: number[] = [];
  const metricError = new Array<number>(width).fill(0);
  const lastResidualSq = new Array<number>(width).fill(0);
  for (let i = 0; i < starts.length; i++) {
    let total = 0;
    for (let t = 0; t < size; t++) {
      for (let c = 0; c < width; c++) {
        const j = i * cell + t * width + c;
        const sq = (x[j] - recon[j]) ** 2;
        total += sq;
        metricError[c] += sq / size;
        if (t === size - 1) lastResidualSq[c] += sq;
      }
    }
    errors.push(total / cell);
  }
  errors.sort((a, b) => a - b);
  const q = (p: number) => errors[Math.min(errors.length - 1, Math.floor((p / 100) * errors.length))];
  return {
    errorThreshold: q(ERROR_PERCENTILE),
    errorPercentile: ERROR_PERCENTILE,
    errorQuantiles: { p50: q(50), p90: q(90), p99: q(99), p99_9: q(99.9) },
    metricErrorMean: metricError.map((e) => e / Math.max(starts.length, 1)),
    residualStd: lastResidualSq.map((e) => Math.sqrt(e / Math.max(starts.length, 1))),
  };
}

/** Window-level quality on validation: fault-mode accuracy on labelled fault windows, time-to-failure MAE. */
function validationWindowQuality(
  model: FleetTypeModel,
  validation: readonly DeviceStream[],
  classes: readonly string[],
): { modeAccuracy: number; ttfMaeHours: number } {
  const size = FLEET_WINDOW_SIZE;
  const width = model.metrics.length;
  const cell = size * width;
  const picks: Array<{ stream: DeviceStream; start: number; label: number; hours: number }> = [];
  for (const stream of validation) {
    if (!stream.fault) continue;
    for (let start = 0; start + size <= stream.tsMs.length; start++) {
      const ts = stream.tsMs[start + size - 1];
      if (severityOfStream(stream, ts) < LABEL_MIN_SEVERITY) continue;
      picks.push({
        stream,
        start,
        label: classes.indexOf(stream.fault.mode),
        hours: hoursToFailureOf(stream, ts, TTF_CAP_HOURS),
      });
    }
  }
  if (picks.length === 0) return { modeAccuracy: 0, ttfMaeHours: 0 };
  const matrices = new Float32Array(picks.length * cell);
  picks.forEach((p, i) =>
    matrices.set(p.stream.values.subarray(p.start * width, p.start * width + cell), i * cell),
  );
  const scores = model.scoreMatrices(matrices, picks.length);
  let hits = 0;
  let absErr = 0;
  picks.forEach((p, i) => {
    let best = 0;
    for (let k = 1; k < classes.length; k++) {
      if (
        scores.classProbabilities[i * classes.length + k] >
        scores.classProbabilities[i * classes.length + best]
      )
        best = k;
    }
    if (best === p.label) hits++;
    absErr += Math.abs(scores.hoursToFailure[i] - p.hours);
  });
  return { modeAccuracy: hits / picks.length, ttfMaeHours: absErr / picks.length };
}

export function hashType(type: string): number {
  let h = 0;
  for (let i = 0; i < type.length; i++) h = (Math.imul(h, 31) + type.charCodeAt(i)) >>> 0;
  return h;
}
