import {
  APPLIANCE_PROFILES,
  type ApplianceType,
  type PredictionOutcome,
  type PredictionOutcomeRow,
} from '../../../../contracts/src';
import { partSkuFor } from '../parts/inventory';

const HOUR_MS = 3_600_000;

/** One prediction: a `prediction:<mode>` alarm, from its first raise to its latest estimate. */
export interface PredictionRecord {
  deviceId: string;
  type: ApplianceType;
  faultMode: string;
  raisedAt: number;
  /** The latest bound of the latest estimate: the end of the prediction's horizon before the grace. */
  latestAt: number;
  model: string;
  modelVersion: number | null;
}

/** A resolved ticket on a device: what the technician recorded. */
export interface RepairRecord {
  deviceId: string;
  resolvedAt: number;
  rootCause: string;
  partSkus: readonly string[];
}

export interface ClassifiedPrediction {
  outcome: PredictionOutcome;
  /** Hours from the first raise to the repair, when it came true. */
  leadTimeHours: number | null;
}

/**
 * The fault modes of the appliance type a repair resolved: a part used that is the mode's part
 * (its SKU or its profile name), or a root cause that names the mode (`bearing_wear` or
 * "bearing wear") or its part. Empty when it names none.
 */
export function repairedModes(
  type: ApplianceType,
  repair: Pick<RepairRecord, 'rootCause' | 'partSkus'>,
): Set<string> {
  const cause = repair.rootCause.toLowerCase();
  const skus = new Set(repair.partSkus.map((s) => s.toUpperCase()));
  const modes = new Set<string>();
  for (const fault of APPLIANCE_PROFILES[type].faultModes) {
    const byPart = skus.has(partSkuFor(type, fault.part)) || skus.has(fault.part.toUpperCase());
    const byCause =
      cause.includes(fault.mode) ||
      cause.includes(fault.mode.replace(/_/g, ' ')) ||
      cause.includes(fault.part.replace(/-/g, ' ')) ||
      cause.includes(fault.part);
    if (byPart || byCause) modes.add(fault.mode);
  }
  return modes;
}

/**
 * Came true when the first repair of the device after the prediction that names a fault mode,
 * within the horizon (latest bound + grace), names the predicted one; did not when it names
 * another, or when the horizon passed without one; pending otherwise. Repairs that name no
 * mode decide nothing.
 */
export function classifyPrediction(
  prediction: PredictionRecord,
  repairs: readonly RepairRecord[],
  nowMs: number,
  graceMs: number,
): ClassifiedPrediction {
  const horizonEnd = prediction.latestAt + graceMs;
  const candidates = repairs
    .filter(
      (r) =>
        r.deviceId === prediction.deviceId &&
        r.resolvedAt >= prediction.raisedAt &&
        r.resolvedAt <= horizonEnd,
    )
    .sort((a, b) => a.resolvedAt - b.resolvedAt);
  for (const repair of candidates) {
    const modes = repairedModes(prediction.type, repair);
    if (modes.size === 0) continue;
    if (modes.has(prediction.faultMode))
      return { outcome: 'came_true', leadTimeHours: (repair.resolvedAt - prediction.raisedAt) / HOUR_MS };
    return { outcome: 'did_not', leadTimeHours: null };
  }
  return { outcome: nowMs > horizonEnd ? 'did_not' : 'pending', leadTimeHours: null };
}

/** Counts per model and model version, sorted by model then version. */
export function countOutcomes(
  predictions: readonly PredictionRecord[],
  repairs: readonly RepairRecord[],
  nowMs: number,
  graceMs: number,
): PredictionOutcomeRow[] {
  const groups = new Map<string, { row: PredictionOutcomeRow; leads: number[] }>();
  for (const prediction of predictions) {
    const groupKey = `${prediction.model}|${prediction.modelVersion ?? ''}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = {
        row: {
          model: prediction.model,
          modelVersion: prediction.modelVersion,
          type: prediction.type,
          predictions: 0,
          cameTrue: 0,
          didNot: 0,
          pending: 0,
          precision: null,
          medianLeadTimeHours: null,
        },
        leads: [],
      };
      groups.set(groupKey, group);
    }
    const { outcome, leadTimeHours } = classifyPrediction(prediction, repairs, nowMs, graceMs);
    group.row.predictions += 1;
    switch (outcome) {
      case 'came_true':
        group.row.cameTrue += 1;
        if (leadTimeHours !== null) group.leads.push(leadTimeHours);
        break;
      case 'did_not':
        group.row.didNot += 1;
        break;
      case 'pending':
        group.row.pending += 1;
        break;
    }
  }
  return [...groups.values()]
    .map(({ row, leads }) => {
      const decided = row.cameTrue + row.didNot;
      return {
        ...row,
        precision: decided > 0 ? row.cameTrue / decided : null,
        medianLeadTimeHours: leads.length > 0 ? Math.round(median(leads) * 100) / 100 : null,
      };
    })
    .sort((a, b) => a.model.localeCompare(b.model) || (a.modelVersion ?? 0) - (b.modelVersion ?? 0));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
