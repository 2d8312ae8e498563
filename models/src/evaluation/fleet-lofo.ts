import type { ApplianceType } from '../../../contracts/src';
import { simulateFleet } from '../fleet/fleet-dataset';
import { summariseDetections, type DetectionSummary } from '../fleet/fleet-detection';
import { FleetModels } from '../fleet/fleet-models';
import { scoreStreams, underDecision, type StreamOutputs } from '../fleet/fleet-stream-scoring';
import type { FleetDecision } from '../fleet/fleet-type-model';
import { leaveOneFamilyOut, spreadOf, type Spread } from './lofo-selection';

/**
 * The decision-rule grid train-fleet.ts searches per type (fault-probability threshold × anomaly
 * threshold, 6 windows in a row); here one rule is chosen for a held-out type on the other types.
 */
const FAULT_THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999];
const ANOMALY_THRESHOLDS = [null, 0.5, 0.6, 0.7, 0.8, 0.9];
const DEBOUNCE_WINDOWS = 6;
/** train-fleet.ts's criterion: best recall (then lead time) among rules with this precision, else best F1. */
const MIN_PRECISION = 0.9;

export function fleetDecisionCandidates(): FleetDecision[] {
  return FAULT_THRESHOLDS.flatMap((faultThreshold) =>
    ANOMALY_THRESHOLDS.map((anomalyThreshold) => ({
      faultThreshold,
      anomalyThreshold,
      debounce: DEBOUNCE_WINDOWS,
    })),
  );
}

/**
 * chooseDecision's order as one number: any rule reaching MIN_PRECISION (with some recall) beats
 * every rule that does not; among those, recall, then lead time; the others by F1.
 */
export function decisionObjective(s: DetectionSummary): number {
  if (s.precision >= MIN_PRECISION && s.recall > 0)
    return 2 + s.recall + Math.min(s.leadTimeHours, 1e5) * 1e-6;
  return s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
}

export interface FleetLofoFold {
  heldOut: ApplianceType;
  /** The rule chosen on the other types' fleets. */
  chosen: FleetDecision;
  heldOutFigures: FleetFigures;
  /** The type's own rule (chosen on its own validation fleet at training), on the same fleet. */
  ownRule: FleetDecision;
  own: FleetFigures;
}

export interface FleetFigures {
  precision: number;
  recall: number;
  falseAlarmsPerDeviceDay: number;
  leadTimeHours: number;
}

export interface FleetLofoReport {
  dataset: 'simulator';
  evaluation: 'leave-one-type-out';
  seed: number;
  devicesPerType: number;
  days: number;
  folds: FleetLofoFold[];
  /** Across held-out types: recall and false alarms of the rule chosen on the others. */
  heldOutRecall: Spread;
  heldOutFalseAlarmsPerDeviceDay: Spread;
  /** Same, with each type's own rule. */
  ownRecall: Spread;
  ownFalseAlarmsPerDeviceDay: Spread;
  /** One rule chosen on every type together, and its pooled figures. */
  wholeSet: { chosen: FleetDecision } & FleetFigures;
  elapsedMs: number;
}

export interface FleetLofoOptions {
  artifactsDir: string;
  /** Seed of the fleets; must not be a training or validation seed of the models. */
  seed: number;
  devicesPerType?: number;
  days?: number;
  faultRate?: number;
  onProgress?: (line: string) => void;
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

function figures(s: DetectionSummary): FleetFigures {
  return {
    precision: r3(s.precision),
    recall: r3(s.recall),
    falseAlarmsPerDeviceDay: r3(s.falseAlarmsPerDeviceDay),
    leadTimeHours: Math.round(s.leadTimeHours * 10) / 10,
  };
}

/**
 * Leave-one-type-out for the fleet decision rule: each type's committed models score a fresh
 * simulated fleet once; then, per held-out type, the rule best on the other types' fleets (pooled)
 * is applied to the held-out type's fleet and compared with the type's own rule.
 */
export async function evaluateFleetLofo(options: FleetLofoOptions): Promise<FleetLofoReport> {
  const started = Date.now();
  const devicesPerType = options.devicesPerType ?? 40;
  const days = options.days ?? 20;
  const models = await FleetModels.load(options.artifactsDir);
  const outputs = new Map<ApplianceType, StreamOutputs[]>();
  const ownRules = new Map<ApplianceType, FleetDecision>();
  try {
    for (const type of models.types) {
      const model = models.model(type);
      const rule = models.decisionRule(type);
      if (!model || !rule) continue;
      const { train, validation } = model.fault.dataSeeds;
      if (options.seed === train || options.seed === validation) {
        throw new Error(`seed ${options.seed} was used to train or calibrate the ${type} models`);
      }
      const t0 = Date.now();
      const streams = simulateFleet({
        type,
        devices: devicesPerType,
        days,
        seed: options.seed,
        faultRate: options.faultRate ?? 0.5,
      });
      outputs.set(type, scoreStreams(model, streams));
      ownRules.set(type, rule);
      options.onProgress?.(
        `  simulator ${type}: ${streams.length} devices scored (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    models.dispose();
  }
  const types = [...outputs.keys()];
  const candidates = fleetDecisionCandidates();
  const summaryOn = (decision: FleetDecision, fams: readonly string[]): DetectionSummary =>
    summariseDetections(
      fams.flatMap((t) => underDecision(outputs.get(t as ApplianceType)!, decision)),
      { threshold: 1, debounce: decision.debounce },
    );
  const lofo = leaveOneFamilyOut(types, candidates, (d, fams) => decisionObjective(summaryOn(d, fams)));
  const folds: FleetLofoFold[] = lofo.map((f) => {
    const type = f.heldOut as ApplianceType;
    const own = ownRules.get(type)!;
    return {
      heldOut: type,
      chosen: f.chosen,
      heldOutFigures: figures(summaryOn(f.chosen, [type])),
      ownRule: own,
      own: figures(summaryOn(own, [type])),
    };
  });
  let whole = candidates[0];
  let wholeObjective = decisionObjective(summaryOn(whole, types));
  for (const c of candidates.slice(1)) {
    const o = decisionObjective(summaryOn(c, types));
    if (o > wholeObjective) [whole, wholeObjective] = [c, o];
  }
  const round = (s: Spread): Spread => ({ mean: r3(s.mean), min: r3(s.min), max: r3(s.max), std: r3(s.std) });
  return {
    dataset: 'simulator',
    evaluation: 'leave-one-type-out',
    seed: options.seed,
    devicesPerType,
    days,
    folds,
    heldOutRecall: round(spreadOf(folds.map((f) => f.heldOutFigures.recall))),
    heldOutFalseAlarmsPerDeviceDay: round(
      spreadOf(folds.map((f) => f.heldOutFigures.falseAlarmsPerDeviceDay)),
    ),
    ownRecall: round(spreadOf(folds.map((f) => f.own.recall))),
    ownFalseAlarmsPerDeviceDay: round(spreadOf(folds.map((f) => f.own.falseAlarmsPerDeviceDay))),
    wholeSet: { chosen: whole, ...figures(summaryOn(whole, types)) },
    elapsedMs: Date.now() - started,
  };
}
