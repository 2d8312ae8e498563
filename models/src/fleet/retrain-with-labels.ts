import * as fs from 'node:fs';
import * as path from 'node:path';
import { type ApplianceType } from '../../../contracts/src';
import { mulberry32, seededShuffle } from '../../../contracts/src/seeded-random';
import { loadModelFromDir, saveModelToDir, type ModelMetadata } from '../tf/file-io';
import { initTf } from '../tf/tf-backend';
import { FeatureWindow } from './feature-window';
import { type DeviceStream, simulateFleet } from './fleet-dataset';
import { alarmsOf, summariseDetections } from './fleet-detection';
import {
  featureCount,
  FLEET_STEP_MS,
  type MetricStats,
  type Reading,
  windowMatrix,
  writeWindowFeatures,
} from './fleet-features';
import { scoreStreams, type StreamOutputs, underDecision } from './fleet-stream-scoring';
import { FLEET_MODEL_VERSION, FleetTypeModel } from './fleet-type-model';
import {
  FLEET_TRAIN_SIZES,
  type FleetTrainSize,
  fitFaultModel,
  hashType,
  labelledWindows,
  TTF_CAP_HOURS,
} from './train-fleet';

const HOUR_MS = 3_600_000;
/** Share of the fine-tuning rows that are field-labelled windows (replicated up to it). */
const FIELD_SHARE = 0.2;
/**
 * Half the rate the models were trained with, every layer free: on the quick fleets this learned
 * 3 field labels without adding false alarms on the evaluation fleet, where a frozen first layer
 * at 0.001 (or 0.0005) added 0.011 per device-day (see docs/models.md).
 */
const FINE_TUNE_LEARNING_RATE = 0.0005;
const FREEZE_TRUNK = false;

/** A repair's label with the telemetry before it, as the platform read it from its store. */
export interface FieldLabelWindow {
  labelId: string;
  deviceId: string;
  /** The fault mode the repair confirmed. */
  mode: string;
  /** Readings before the repair, oldest first, in the models' time (ms); any spacing. */
  readings: readonly Reading[];
  /** When the repair was done, in the models' time. */
  repairTsMs: number;
}

export interface RetrainOptions {
  type: ApplianceType;
  /** Directory of the active version: `autoencoder/` and `fault/`. The candidate starts from it. */
  activeDir: string;
  /** Where the candidate is written: `autoencoder/` (the active's, unchanged) and `fault/`. */
  outDir: string;
  /** Seed of the simulated training fleet; validation uses seed + 1, the evaluation fleet seed + 2. */
  seed: number;
  size: FleetTrainSize;
  trainLabels: readonly FieldLabelWindow[];
  /** Kept out of training: candidate and active are compared on them. */
  heldBackLabels: readonly FieldLabelWindow[];
  /** Fine-tuning settings (defaults: FIELD_SHARE, FINE_TUNE_LEARNING_RATE, FREEZE_TRUNK, the size's epochs). */
  fineTune?: { fieldShare?: number; learningRate?: number; freezeTrunk?: boolean; epochs?: number };
  log?: (line: string) => void;
  /** Phase and its completed share (0..1). */
  progress?: (phase: RetrainPhase, fraction: number) => void;
}

export type RetrainPhase = 'simulating' | 'training' | 'evaluating';

/** How one model did on the held-back labels and the simulated evaluation fleet. */
export interface ModelEvaluation {
  heldBackLabels: number;
  /** Held-back labels the decision rule alarmed on before the repair, naming the labelled fault mode. */
  heldBackCaught: number;
  /** heldBackCaught / heldBackLabels; null without held-back labels. */
  heldBackRecall: number | null;
  simRecall: number;
  simPrecision: number;
  simFalseAlarmsPerDeviceDay: number;
  simLeadTimeHours: number;
  simDevices: number;
}

export interface RetrainReport {
  type: ApplianceType;
  size: FleetTrainSize;
  fieldLabelsUsed: number;
  fieldWindowsUsed: number;
  /** Each field window was repeated this many times among the simulator's windows. */
  fieldWindowRepeat: number;
  simulatorWindows: number;
  seeds: { train: number; evaluation: number };
  candidate: ModelEvaluation;
  active: ModelEvaluation;
  trainMs: number;
}

/**
 * Builds a candidate fault model for one appliance type: the active version's fault model
 * fine-tuned on a simulated fleet plus the field-labelled windows (each labelled with the repair's
 * fault mode and the hours to the repair), keeping the active's normal-behaviour model, feature
 * scaling and decision rule. Then scores candidate and active on the held-back labels and on a
 * simulated evaluation fleet neither has seen, and saves the candidate under `outDir`.
 */
export async function retrainWithFieldLabels(options: RetrainOptions): Promise<RetrainReport> {
  const log = options.log ?? (() => undefined);
  const progress = options.progress ?? (() => undefined);
  const { tf } = await initTf({ log });
  const started = Date.now();
  const sizes = FLEET_TRAIN_SIZES[options.size];
  const type = options.type;

  progress('simulating', 0);
  const train = simulateFleet({ type, seed: options.seed, ...sizes.train });
  progress('simulating', 0.5);
  const evaluationSeed = options.seed + 2;
  const evaluation = simulateFleet({ type, seed: evaluationSeed, ...sizes.evaluation });
  progress('simulating', 1);

  const active = await FleetTypeModel.load(tf, options.activeDir);
  const tuned = await FleetTypeModel.load(tf, options.activeDir);
  try {
    const classes = tuned.fault.classes;
    const metricStats = tuned.fault.metricStats;
    const featureStats = tuned.fault.featureStats;
    const size = tuned.windowSize;
    const width = tuned.metrics.length;
    const fw = featureCount(width);
    const random = mulberry32(options.seed ^ hashType(type));

    const simulated = labelledWindows(train, classes, sizes, random).windows.map((w) => ({
      values: w.stream.values,
      start: w.start,
      label: w.label,
      hoursToFailure: w.hoursToFailure,
    }));
    const fieldStreams = options.trainLabels.map((l) => fieldStream(l, type, metricStats));
    let fieldLabelsUsed = 0;
    const field = fieldStreams.flatMap((s, i) => {
      const label = classes.indexOf(options.trainLabels[i].mode);
      if (label < 0 || s.tsMs.length < size) return [];
      fieldLabelsUsed++;
      return Array.from({ length: Math.max(0, s.tsMs.length - size + 1) }, (_, start) => ({
        values: s.values,
        start,
        label,
        hoursToFailure: Math.min(
          TTF_CAP_HOURS,
          Math.max(0, (options.trainLabels[i].repairTsMs - s.tsMs[start + size - 1]) / HOUR_MS),
        ),
      }));
    });
    const fieldShare = options.fineTune?.fieldShare ?? FIELD_SHARE;
    const learningRate = options.fineTune?.learningRate ?? FINE_TUNE_LEARNING_RATE;
    const freezeTrunk = options.fineTune?.freezeTrunk ?? FREEZE_TRUNK;
    const epochs = options.fineTune?.epochs ?? sizes.faultEpochs;
    const repeat =
      field.length === 0
        ? 0
        : Math.max(1, Math.round((fieldShare / (1 - fieldShare)) * (simulated.length / field.length)));
    const rows = seededShuffle([...simulated, ...Array.from({ length: repeat }, () => field).flat()], random);
    log(
      `[retrain:${type}] ${simulated.length} simulated windows, ${field.length} field windows from ${options.trainLabels.length} labels (×${repeat})`,
    );

    const bands = tuned.bands;
    const features = new Float32Array(rows.length * fw);
    rows.forEach((w, i) =>
      writeWindowFeatures(w.values, w.start * width, size, metricStats, bands, features, i * fw),
    );
    for (let i = 0; i < features.length; i++) {
      features[i] = (features[i] - featureStats.mean[i % fw]) / featureStats.std[i % fw];
    }
    const yClass = new Float32Array(rows.length * classes.length);
    const yTtf = new Float32Array(rows.length);
    rows.forEach((w, i) => {
      yClass[i * classes.length + w.label] = 1;
      yTtf[i] = w.hoursToFailure / TTF_CAP_HOURS;
    });
    // Optionally the first layer keeps what the large training fleet taught.
    const trunk = tuned.faultModel.layers.find((l) => l.getWeights().length > 0);
    if (trunk && freezeTrunk) trunk.trainable = false;
    tuned.faultModel.compile({
      optimizer: tf.train.adam(learningRate),
      loss: ['categoricalCrossentropy', 'meanSquaredError'],
    });
    progress('training', 0);
    let epochsDone = 0;
    await fitFaultModel(
      tf,
      tuned.faultModel,
      features,
      fw,
      yClass,
      classes.length,
      yTtf,
      epochs,
      type,
      (line) => {
        log(line);
        if (line.includes(' epoch ')) progress('training', ++epochsDone / epochs);
      },
    );

    progress('evaluating', 0);
    const heldBack = options.heldBackLabels.map((l) => fieldStream(l, type, metricStats));
    const evaluate = (model: FleetTypeModel): ModelEvaluation => {
      const sim = summariseDetections(underDecision(scoreStreams(model, evaluation), model.fault.decision), {
        threshold: 1,
        debounce: model.fault.decision.debounce,
      });
      const fieldOutputs: StreamOutputs[] = scoreStreams(model, heldBack).map((o, i) => ({
        ...o,
        fault: {
          mode: options.heldBackLabels[i].mode,
          startTs: heldBack[i].tsMs[0] ?? 0,
          failureTs: options.heldBackLabels[i].repairTsMs,
        },
      }));
      let caught = 0;
      for (const scored of underDecision(fieldOutputs, model.fault.decision)) {
        const first = alarmsOf(scored, { threshold: 1, debounce: model.fault.decision.debounce })[0];
        if (first && scored.fault && first.tsMs < scored.fault.failureTs && first.mode === scored.fault.mode)
          caught++;
      }
      return {
        heldBackLabels: heldBack.length,
        heldBackCaught: caught,
        heldBackRecall: heldBack.length === 0 ? null : caught / heldBack.length,
        simRecall: sim.recall,
        simPrecision: sim.precision,
        simFalseAlarmsPerDeviceDay: sim.falseAlarmsPerDeviceDay,
        simLeadTimeHours: sim.leadTimeHours,
        simDevices: sim.devices,
      };
    };
    const activeFigures = evaluate(active);
    progress('evaluating', 0.5);
    const candidateFigures = evaluate(tuned);
    progress('evaluating', 1);

    fs.mkdirSync(options.outDir, { recursive: true });
    fs.cpSync(path.join(options.activeDir, 'autoencoder'), path.join(options.outDir, 'autoencoder'), {
      recursive: true,
    });
    const activeMeta = (await loadModelFromDir(tf, path.join(options.activeDir, 'fault'))).metadata;
    const meta: ModelMetadata = {
      version: FLEET_MODEL_VERSION,
      data: `${activeMeta.data}; fine-tuned on firmware-sim fleet seed ${options.seed} (${sizes.train.devices} devices × ${sizes.train.days} days) and ${options.trainLabels.length} field labels (${field.length} windows)`,
      trainingParams: {
        ...activeMeta.trainingParams,
        fineTune: {
          seed: options.seed,
          size: options.size,
          epochs,
          learningRate,
          freezeTrunk,
          fieldShare,
          fieldLabels: options.trainLabels.map((l) => l.labelId),
          fieldWindows: field.length,
          fieldWindowRepeat: repeat,
        },
      },
      metrics: {
        evaluationRecall: candidateFigures.simRecall,
        evaluationPrecision: candidateFigures.simPrecision,
        evaluationFalseAlarmsPerDeviceDay: candidateFigures.simFalseAlarmsPerDeviceDay,
        ...(candidateFigures.heldBackRecall === null
          ? {}
          : { heldBackRecall: candidateFigures.heldBackRecall }),
      },
      date: new Date().toISOString(),
      preprocessing: { ...tuned.fault },
    };
    await saveModelToDir(tuned.faultModel, path.join(options.outDir, 'fault'), meta);
    const trainMs = Date.now() - started;
    log(`[retrain:${type}] candidate saved in ${(trainMs / 1000).toFixed(1)}s`);
    return {
      type,
      size: options.size,
      fieldLabelsUsed,
      fieldWindowsUsed: field.length,
      fieldWindowRepeat: repeat,
      simulatorWindows: simulated.length,
      seeds: { train: options.seed, evaluation: evaluationSeed },
      candidate: candidateFigures,
      active: activeFigures,
      trainMs,
    };
  } finally {
    active.dispose();
    tuned.dispose();
  }
}

/**
 * A label's readings as the platform's models would have seen them online: one reading per model
 * step (FeatureWindow's rule), metrics in the model's order, a missing value carried forward.
 */
export function fieldStream(label: FieldLabelWindow, type: ApplianceType, stats: MetricStats): DeviceStream {
  const window = new FeatureWindow({ size: label.readings.length + 1, stepMs: FLEET_STEP_MS, maxDevices: 1 });
  for (const r of label.readings) {
    if (r.tsMs < label.repairTsMs) window.push(label.deviceId, r.tsMs, r.metrics);
  }
  const kept = window.window(label.deviceId);
  return {
    deviceId: label.deviceId,
    type,
    metrics: [...stats.metrics],
    tsMs: Float64Array.from(kept.map((r) => r.tsMs)),
    values: windowMatrix(kept, stats, kept.length),
    fault: undefined,
  };
}
