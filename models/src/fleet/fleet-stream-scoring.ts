import { type DeviceStream } from './fleet-dataset';
import { type ScoredStream } from './fleet-detection';
import {
  decisionScoreOf,
  type FleetDecision,
  type FleetTypeModel,
  NO_FAULT,
  type TypeScores,
} from './fleet-type-model';

const BATCH_WINDOWS = 4096;

/** One device's model outputs per full window, in time order. */
export interface StreamOutputs {
  deviceId: string;
  tsMs: Float64Array;
  faultProbability: Float32Array;
  anomalyScore: Float32Array;
  predictedMode: Array<string | null>;
  observedMs: number;
  fault?: { mode: string; startTs: number; failureTs: number };
}

/** Probability that some fault is developing: everything the classifier does not call 'none'. */
export function faultProbabilityOf(scores: TypeScores, classes: readonly string[], i: number): number {
  const none = classes.indexOf(NO_FAULT);
  return 1 - scores.classProbabilities[i * classes.length + none];
}

/** The most likely fault mode other than 'none', with its share of the fault probability. */
export function likeliestFaultOf(
  scores: TypeScores,
  classes: readonly string[],
  i: number,
): { mode: string; probability: number } {
  let best = -1;
  let bestP = -1;
  for (let k = 0; k < classes.length; k++) {
    if (classes[k] === NO_FAULT) continue;
    const p = scores.classProbabilities[i * classes.length + k];
    if (p > bestP) {
      bestP = p;
      best = k;
    }
  }
  return { mode: classes[best], probability: bestP };
}

/**
 * Runs a type's models over every full window of each stream in time order, as the platform would
 * online (each window sees only readings up to its last one), and keeps what detection needs.
 */
export function scoreStreams(model: FleetTypeModel, streams: readonly DeviceStream[]): StreamOutputs[] {
  const out: StreamOutputs[] = [];
  const size = model.windowSize;
  const width = model.metrics.length;
  const cell = size * width;
  const classes = model.fault.classes;
  for (const stream of streams) {
    const windows = Math.max(0, stream.tsMs.length - size + 1);
    const tsMs = new Float64Array(windows);
    const faultP = new Float32Array(windows);
    const anomaly = new Float32Array(windows);
    const modes: Array<string | null> = new Array<string | null>(windows).fill(null);
    for (let from = 0; from < windows; from += BATCH_WINDOWS) {
      const count = Math.min(BATCH_WINDOWS, windows - from);
      const matrices = new Float32Array(count * cell);
      for (let i = 0; i < count; i++) {
        matrices.set(stream.values.subarray((from + i) * width, (from + i) * width + cell), i * cell);
      }
      const scores = model.scoreMatrices(matrices, count);
      for (let i = 0; i < count; i++) {
        const w = from + i;
        tsMs[w] = stream.tsMs[w + size - 1];
        faultP[w] = faultProbabilityOf(scores, classes, i);
        anomaly[w] = scores.anomalyScore[i];
        modes[w] = likeliestFaultOf(scores, classes, i).mode;
      }
    }
    out.push({
      deviceId: stream.deviceId,
      tsMs,
      faultProbability: faultP,
      anomalyScore: anomaly,
      predictedMode: modes,
      observedMs: windows === 0 ? 0 : tsMs[windows - 1] - tsMs[0],
      fault: stream.fault
        ? { mode: stream.fault.mode, startTs: stream.fault.startSimTs, failureTs: stream.fault.failureSimTs }
        : undefined,
    });
  }
  return out;
}

/** The streams as the decision rule sees them: score ≥ 1 means past its thresholds. */
export function underDecision(outputs: readonly StreamOutputs[], decision: FleetDecision): ScoredStream[] {
  return outputs.map((o) => ({
    deviceId: o.deviceId,
    tsMs: o.tsMs,
    score: o.faultProbability.map((p, i) => decisionScoreOf(p, o.anomalyScore[i], decision)),
    predictedMode: o.predictedMode,
    observedMs: o.observedMs,
    fault: o.fault,
  }));
}
