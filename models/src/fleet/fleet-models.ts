import * as fs from 'node:fs';
import * as path from 'node:path';
import { applianceTypeSchema, type ApplianceType } from '../../../contracts/src';
import { initTf } from '../tf/tf-backend';
import { type Reading, windowMatrix } from './fleet-features';
import { faultProbabilityOf, likeliestFaultOf } from './fleet-stream-scoring';
import { decisionScoreOf, type FleetDecision, FleetTypeModel, NO_FAULT } from './fleet-type-model';

export interface AssessRequest {
  deviceId: string;
  type: string;
  /** The device's recent readings, oldest first (see FeatureWindow); at least windowSize of them. */
  window: readonly Reading[];
}

export interface MetricAttribution {
  metric: string;
  /** Latest reading. */
  value: number;
  /** Band the normal-behaviour model expected the latest reading in. */
  expectedLow: number;
  expectedHigh: number;
}

export interface Assessment {
  deviceId: string;
  type: ApplianceType;
  /** [0, 1]; 0.5 = the reconstruction error of the 99.5th percentile of healthy windows. */
  anomalyScore: number;
  /** The metrics the normal-behaviour model explains worst, worst first. */
  topMetrics: MetricAttribution[];
  /** Likeliest developing fault when a fault is more likely than not, else null. */
  faultMode: string | null;
  /** Probability that some fault is developing (1 − P(none)). */
  faultProbability: number;
  /** Estimated hours until the failure, clipped to [0, 168]; about 168 on a healthy device. */
  hoursToFailure: number;
  /** Probability of the named outcome: of faultMode if set, else of no fault. */
  confidence: number;
  /** Past the type's decision rule (FleetDecision); raise an alarm after `debounce` such windows in a row. */
  aboveThreshold: boolean;
}

const TOP_METRICS = 3;

/**
 * The simulated-fleet models of every appliance type, loaded once at start, assessing batches of
 * device windows (one tf call per type per batch).
 */
export class FleetModels {
  constructor(private readonly models: ReadonlyMap<ApplianceType, FleetTypeModel>) {}

  /** Loads `<dir>/<type>/{autoencoder,fault}` for each type present. */
  static async load(dir: string): Promise<FleetModels> {
    const { tf } = await initTf();
    const models = new Map<ApplianceType, FleetTypeModel>();
    for (const type of applianceTypeSchema.options) {
      const typeDir = path.join(dir, type);
      if (!fs.existsSync(path.join(typeDir, 'fault'))) continue;
      models.set(type, await FleetTypeModel.load(tf, typeDir));
    }
    if (models.size === 0) throw new Error(`no fleet models under ${dir}`);
    return new FleetModels(models);
  }

  /** Frees the models' tensors. */
  dispose(): void {
    for (const model of this.models.values()) model.dispose();
  }

  get types(): ApplianceType[] {
    return [...this.models.keys()];
  }

  model(type: ApplianceType): FleetTypeModel | undefined {
    return this.models.get(type);
  }

  /** Readings a window needs and their spacing, for FeatureWindow. */
  windowSpec(type: ApplianceType): { size: number; stepMs: number } | undefined {
    const m = this.models.get(type);
    return m ? { size: m.windowSize, stepMs: m.ae.stepMs } : undefined;
  }

  decisionRule(type: ApplianceType): FleetDecision | undefined {
    return this.models.get(type)?.fault.decision;
  }

  /**
   * Assesses each request whose type has models and whose window is full; the others are left out
   * of the result (match results by deviceId).
   */
  assess(batch: readonly AssessRequest[]): Assessment[] {
    const byType = new Map<ApplianceType, AssessRequest[]>();
    for (const request of batch) {
      const parsed = applianceTypeSchema.safeParse(request.type);
      if (!parsed.success) continue;
      const model = this.models.get(parsed.data);
      if (!model || request.window.length < model.windowSize) continue;
      const list = byType.get(parsed.data) ?? [];
      list.push(request);
      byType.set(parsed.data, list);
    }
    const results = new Map<AssessRequest, Assessment>();
    for (const [type, requests] of byType) {
      const model = this.models.get(type);
      if (!model) continue;
      const size = model.windowSize;
      const width = model.metrics.length;
      const cell = size * width;
      const matrices = new Float32Array(requests.length * cell);
      requests.forEach((r, i) => matrices.set(windowMatrix(r.window, model.ae.metricStats, size), i * cell));
      const scores = model.scoreMatrices(matrices, requests.length);
      const classes = model.fault.classes;
      requests.forEach((request, i) => {
        const faultProbability = faultProbabilityOf(scores, classes, i);
        const likeliest = likeliestFaultOf(scores, classes, i);
        const faulty = faultProbability >= 0.5;
        const order = model.metrics
          .map((metric, c) => ({ metric, c, ratio: scores.metricErrorRatio[i * width + c] }))
          .sort((a, b) => b.ratio - a.ratio)
          .slice(0, TOP_METRICS);
        results.set(request, {
          deviceId: request.deviceId,
          type,
          anomalyScore: scores.anomalyScore[i],
          topMetrics: order.map(({ metric, c }) => {
            const expected = scores.expectedLast[i * width + c];
            const half = scores.expectedHalfWidth[i * width + c];
            return {
              metric,
              value: matrices[i * cell + (size - 1) * width + c],
              expectedLow: expected - half,
              expectedHigh: expected + half,
            };
          }),
          faultMode: faulty ? likeliest.mode : null,
          faultProbability,
          hoursToFailure: scores.hoursToFailure[i],
          confidence: faulty
            ? likeliest.probability
            : scores.classProbabilities[i * classes.length + classes.indexOf(NO_FAULT)],
          aboveThreshold:
            decisionScoreOf(faultProbability, scores.anomalyScore[i], model.fault.decision) >= 1,
        });
      });
    }
    return batch.flatMap((r) => {
      const a = results.get(r);
      return a ? [a] : [];
    });
  }
}
