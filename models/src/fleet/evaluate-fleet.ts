import { type ApplianceType } from '../../../contracts/src';
import { type DeviceStream, simulateFleet } from './fleet-dataset';
import { type DetectionSummary, type ScoredStream, summariseDetections } from './fleet-detection';
import { type Reading } from './fleet-features';
import { FleetModels } from './fleet-models';
import { scoreStreams, underDecision } from './fleet-stream-scoring';
import { type FaultModelPreprocessing, type FleetDecision } from './fleet-type-model';

export interface EvaluateFleetOptions {
  artifactsDir: string;
  /** Seed of the evaluation fleets; must differ from the training and validation seeds. */
  seed: number;
  devicesPerType?: number;
  days?: number;
  faultRate?: number;
  /** Windows per assess() call when measuring inference throughput. */
  throughputBatch?: number;
}

export interface FleetTypeEvaluation extends DetectionSummary {
  decision: FleetDecision;
  /** The fault-model part of the rule alone, for comparison. */
  faultModelOnly: DetectionSummary;
  /** The autoencoder's anomaly score alone (threshold 0.5 = healthy 99.5th percentile), for comparison. */
  anomalyOnly: DetectionSummary;
}

export interface FleetEvaluation {
  dataset: 'simulator';
  seed: number;
  devicesPerType: number;
  days: number;
  precision: number;
  recall: number;
  leadTimeHours: number;
  faultModeAccuracy: number;
  falseAlarmsPerDeviceDay: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  perType: Partial<Record<ApplianceType, FleetTypeEvaluation>>;
  /** Windows per second through FleetModels.assess (features, both models, attribution), batched. */
  inferenceWindowsPerSecond: number;
}

const ANOMALY_THRESHOLD = 0.5;

/**
 * Runs the saved models over fresh simulated fleets in time order (online, no look-ahead) and
 * scores detections at device-fault level against the injected faults' ground truth.
 */
export async function evaluateFleetModels(options: EvaluateFleetOptions): Promise<FleetEvaluation> {
  const models = await FleetModels.load(options.artifactsDir);
  const devicesPerType = options.devicesPerType ?? 40;
  const days = options.days ?? 20;
  const perType: Partial<Record<ApplianceType, FleetTypeEvaluation>> = {};
  const pooled: ScoredStream[] = [];
  let throughputSample: { type: ApplianceType; stream: DeviceStream } | undefined;
  for (const type of models.types) {
    const model = models.model(type);
    const rule = models.decisionRule(type);
    if (!model || !rule) continue;
    assertUnseenSeed(model.fault, options.seed, type);
    const streams = simulateFleet({
      type,
      devices: devicesPerType,
      days,
      seed: options.seed,
      faultRate: options.faultRate ?? 0.5,
    });
    throughputSample ??= { type, stream: streams[0] };
    const outputs = scoreStreams(model, streams);
    const decided = underDecision(outputs, rule);
    pooled.push(...decided);
    const only = (decision: FleetDecision) =>
      summariseDetections(underDecision(outputs, decision), { threshold: 1, debounce: rule.debounce });
    perType[type] = {
      ...summariseDetections(decided, { threshold: 1, debounce: rule.debounce }),
      decision: rule,
      faultModelOnly: only({ ...rule, anomalyThreshold: null }),
      anomalyOnly: only({
        faultThreshold: Infinity,
        anomalyThreshold: ANOMALY_THRESHOLD,
        debounce: rule.debounce,
      }),
    };
  }
  // Each type has its own rule; its decision score is ≥ 1 past its thresholds, so streams pool.
  const overall = summariseDetections(pooled, {
    threshold: 1,
    debounce: Object.values(perType)[0]?.decision.debounce ?? 1,
  });
  return {
    dataset: 'simulator',
    seed: options.seed,
    devicesPerType,
    days,
    precision: overall.precision,
    recall: overall.recall,
    leadTimeHours: overall.leadTimeHours,
    faultModeAccuracy: overall.faultModeAccuracy,
    falseAlarmsPerDeviceDay: overall.falseAlarmsPerDeviceDay,
    truePositives: overall.truePositives,
    falsePositives: overall.falsePositives,
    falseNegatives: overall.falseNegatives,
    perType,
    inferenceWindowsPerSecond: throughputSample
      ? measureThroughput(
          models,
          throughputSample.type,
          throughputSample.stream,
          options.throughputBatch ?? 2000,
        )
      : 0,
  };
}

function assertUnseenSeed(preprocessing: FaultModelPreprocessing, seed: number, type: ApplianceType): void {
  const { train, validation } = preprocessing.dataSeeds;
  if (seed === train || seed === validation) {
    throw new Error(`seed ${seed} was used to train or calibrate the ${type} models`);
  }
}

/** Times assess() on batches of real windows from one stream, after a warm-up call. */
function measureThroughput(
  models: FleetModels,
  type: ApplianceType,
  stream: DeviceStream,
  batch: number,
): number {
  const model = models.model(type);
  if (!model) return 0;
  const size = model.windowSize;
  const width = stream.metrics.length;
  const readings: Reading[] = Array.from({ length: stream.tsMs.length }, (_, i) => ({
    tsMs: stream.tsMs[i],
    metrics: Object.fromEntries(stream.metrics.map((m, c) => [m, stream.values[i * width + c]])),
  }));
  const windows = Math.max(1, readings.length - size + 1);
  const requests = Array.from({ length: batch }, (_, i) => {
    const start = i % windows;
    return { deviceId: `${stream.deviceId}#${i}`, type, window: readings.slice(start, start + size) };
  });
  models.assess(requests.slice(0, 64));
  const started = process.hrtime.bigint();
  let assessed = 0;
  for (let round = 0; round < 3; round++) assessed += models.assess(requests).length;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return assessed / seconds;
}
