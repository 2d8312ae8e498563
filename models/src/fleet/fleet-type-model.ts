import * as path from 'node:path';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { z } from 'zod';
import { applianceTypeSchema, type Band } from '../../../contracts/src';
import { loadModelFromDir, type ModelMetadata } from '../tf/file-io';
import type { Tf } from '../tf/tf-backend';
import {
  featureCount,
  normaliseFeatures,
  normalBandsOf,
  writeNormalisedWindow,
  writeWindowFeatures,
} from './fleet-features';

export const FLEET_MODEL_VERSION = 1;
export const NO_FAULT = 'none';

const metricStatsSchema = z.object({
  metrics: z.array(z.string()),
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
});

/** Everything the autoencoder needs besides its weights; stored in its metadata.json. */
export const autoencoderPreprocessingSchema = z.object({
  type: applianceTypeSchema,
  windowSize: z.number().int().positive(),
  stepMs: z.number().positive(),
  metricStats: metricStatsSchema,
  calibration: z.object({
    /** Healthy validation window error at this percentile scores 0.5. */
    errorThreshold: z.number().positive(),
    errorPercentile: z.number(),
    errorQuantiles: z.record(z.string(), z.number()),
    /** Mean per-metric error on healthy windows: attribution compares against it. */
    metricErrorMean: z.array(z.number()),
    /** Std of the last reading's reconstruction residual per metric (z units): the expected band. */
    residualStd: z.array(z.number()),
  }),
});
export type AutoencoderPreprocessing = z.infer<typeof autoencoderPreprocessingSchema>;

/**
 * When a window counts toward an alarm: the fault probability reaches `faultThreshold`, or the
 * anomaly score reaches `anomalyThreshold` (null: the anomaly score is not used), for `debounce`
 * windows in a row. Chosen per type on the validation fleet.
 */
export const fleetDecisionSchema = z.object({
  faultThreshold: z.number().positive(),
  anomalyThreshold: z.number().positive().nullable(),
  debounce: z.number().int().positive(),
});
export type FleetDecision = z.infer<typeof fleetDecisionSchema>;

/** Everything the fault model needs besides its weights; stored in its metadata.json. */
export const faultModelPreprocessingSchema = z.object({
  type: applianceTypeSchema,
  windowSize: z.number().int().positive(),
  stepMs: z.number().positive(),
  metricStats: metricStatsSchema,
  featureStats: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) }),
  /** Softmax output order; the first is NO_FAULT. */
  classes: z.array(z.string()).min(2),
  ttfCapHours: z.number().positive(),
  decision: fleetDecisionSchema,
  /** Seeds of the fleets the model saw; evaluation refuses them. */
  dataSeeds: z.object({ train: z.number(), validation: z.number() }),
});
export type FaultModelPreprocessing = z.infer<typeof faultModelPreprocessingSchema>;

/** ≥ 1 when the window is past the decision rule's thresholds. */
export function decisionScoreOf(
  faultProbability: number,
  anomalyScore: number,
  decision: FleetDecision,
): number {
  const fault = faultProbability / decision.faultThreshold;
  return decision.anomalyThreshold === null
    ? fault
    : Math.max(fault, anomalyScore / decision.anomalyThreshold);
}

/** Raw outputs of one type's models over a batch of windows. */
export interface TypeScores {
  count: number;
  anomalyScore: Float32Array;
  /** count × metrics: mean squared residual per metric, relative to its healthy mean. */
  metricErrorRatio: Float32Array;
  /** count × metrics: reconstruction of the last reading, raw units. */
  expectedLast: Float32Array;
  /** count × metrics: half-width of the expected band around it, raw units. */
  expectedHalfWidth: Float32Array;
  /** count × classes. */
  classProbabilities: Float32Array;
  hoursToFailure: Float32Array;
}

/** Maps a reconstruction error to [0, 1]: 0.5 at the healthy calibration threshold, toward 1 above. */
export function anomalyScoreOf(error: number, threshold: number): number {
  return 1 - Math.pow(0.5, error / threshold);
}

/** Anomaly and fault models of one appliance type, batched. */
export class FleetTypeModel {
  readonly bands: Band[];

  constructor(
    private readonly tf: Tf,
    readonly autoencoder: LayersModel,
    readonly faultModel: LayersModel,
    readonly ae: AutoencoderPreprocessing,
    readonly fault: FaultModelPreprocessing,
  ) {
    this.bands = normalBandsOf(ae.type);
  }

  static async load(tf: Tf, typeDir: string): Promise<FleetTypeModel> {
    const ae = await loadModelFromDir(tf, path.join(typeDir, 'autoencoder'));
    const fault = await loadModelFromDir(tf, path.join(typeDir, 'fault'));
    return new FleetTypeModel(
      tf,
      ae.model,
      fault.model,
      autoencoderPreprocessingSchema.parse(checkedPreprocessing(ae.metadata)),
      faultModelPreprocessingSchema.parse(checkedPreprocessing(fault.metadata)),
    );
  }

  dispose(): void {
    this.autoencoder.dispose();
    this.faultModel.dispose();
  }

  get metrics(): string[] {
    return this.ae.metricStats.metrics;
  }

  get windowSize(): number {
    return this.ae.windowSize;
  }

  /** Scores `count` windows given as raw matrices (windowSize × metrics each, time-major, concatenated). */
  scoreMatrices(matrices: Float32Array, count: number): TypeScores {
    const size = this.ae.windowSize;
    const width = this.metrics.length;
    const cell = size * width;
    const aeInput = new Float32Array(count * cell);
    const features = new Float32Array(count * featureCount(width));
    for (let i = 0; i < count; i++) {
      writeNormalisedWindow(matrices, i * cell, size, this.ae.metricStats, aeInput, i * cell);
      writeWindowFeatures(
        matrices,
        i * cell,
        size,
        this.fault.metricStats,
        this.bands,
        features,
        i * featureCount(width),
      );
    }
    normaliseFeatures(features, this.fault.featureStats);
    // Tensors out of tidy, arrays after: tidy walks its result, element by element for typed arrays.
    const [recon, probs, ttfOut] = this.tf.tidy(() => {
      const r = this.autoencoder.predict(this.tf.tensor2d(aeInput, [count, cell])) as Tensor;
      const outputs = this.faultModel.predict(
        this.tf.tensor2d(features, [count, featureCount(width)]),
      ) as Tensor[];
      return [r, outputs[0], outputs[1]];
    });
    const reconstruction = recon.dataSync() as Float32Array;
    const probabilities = probs.dataSync() as Float32Array;
    const ttf = ttfOut.dataSync() as Float32Array;
    this.tf.dispose([recon, probs, ttfOut]);
    const cal = this.ae.calibration;
    const stats = this.ae.metricStats;
    const anomalyScore = new Float32Array(count);
    const metricErrorRatio = new Float32Array(count * width);
    const expectedLast = new Float32Array(count * width);
    const expectedHalfWidth = new Float32Array(count * width);
    const hoursToFailure = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      let total = 0;
      for (let c = 0; c < width; c++) {
        let sq = 0;
        for (let t = 0; t < size; t++) {
          const j = i * cell + t * width + c;
          sq += (aeInput[j] - reconstruction[j]) ** 2;
        }
        total += sq;
        metricErrorRatio[i * width + c] = sq / size / Math.max(cal.metricErrorMean[c], 1e-6);
        const lastJ = i * cell + (size - 1) * width + c;
        expectedLast[i * width + c] = stats.mean[c] + reconstruction[lastJ] * stats.std[c];
        expectedHalfWidth[i * width + c] = 3 * cal.residualStd[c] * stats.std[c];
      }
      anomalyScore[i] = anomalyScoreOf(total / cell, cal.errorThreshold);
      hoursToFailure[i] = ttf[i] * this.fault.ttfCapHours;
    }
    return {
      count,
      anomalyScore,
      metricErrorRatio,
      expectedLast,
      expectedHalfWidth,
      classProbabilities: probabilities,
      hoursToFailure,
    };
  }
}

function checkedPreprocessing(metadata: ModelMetadata): unknown {
  if (metadata.version !== FLEET_MODEL_VERSION) {
    throw new Error(`fleet model version ${metadata.version} unsupported (expected ${FLEET_MODEL_VERSION})`);
  }
  return metadata.preprocessing;
}
