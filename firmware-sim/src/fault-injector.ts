import { APPLIANCE_PROFILES, type ApplianceType } from '../../contracts/src';
import { type Rng, uniform } from '../../contracts/src/seeded-random';

const HOUR_MS = 3_600_000;

/** One injected fault, in simulated time. */
export interface FaultPlan {
  mode: string;
  errorCode: string;
  part: string;
  startSimTs: number;
  failureSimTs: number;
  /** Severity grows as progress^exponent: slow at first, then accelerating toward failure. */
  exponent: number;
}

export interface FaultPlanOptions {
  simStartTs: number;
  /** The fault starts uniformly within this many simulated hours of simStartTs. */
  startWithinHours: number;
  /** Simulated hours from start to failure, drawn uniformly from [min, max]. */
  developHours: { min: number; max: number };
}

export const DEFAULT_DEVELOP_HOURS = { min: 12, max: 96 } as const;

/** Picks one of the type's fault modes and when it starts and fails. */
export function planFault(type: ApplianceType, rng: Rng, options: FaultPlanOptions): FaultPlan {
  const modes = APPLIANCE_PROFILES[type].faultModes;
  const mode = modes[Math.min(modes.length - 1, Math.floor(rng() * modes.length))];
  const startSimTs = options.simStartTs + Math.round(rng() * options.startWithinHours * HOUR_MS);
  const developMs = uniform(rng, options.developHours.min, options.developHours.max) * HOUR_MS;
  return {
    mode: mode.mode,
    errorCode: mode.errorCode,
    part: mode.part,
    startSimTs,
    failureSimTs: startSimTs + Math.round(developMs),
    exponent: uniform(rng, 1.5, 2.5),
  };
}

/** Fault severity in [0, 1] at simTs; 1 from the planned failure time on. */
export function severityAt(plan: FaultPlan, simTs: number): number {
  if (simTs <= plan.startSimTs) return 0;
  if (simTs >= plan.failureSimTs) return 1;
  const progress = (simTs - plan.startSimTs) / (plan.failureSimTs - plan.startSimTs);
  return Math.pow(progress, plan.exponent);
}

/** Chooses exactly round(count × rate) device indices, reproducibly (seeded Fisher-Yates). */
export function chooseFaultyIndices(count: number, rate: number, rng: Rng): Set<number> {
  const indices = Array.from({ length: count }, (_, i) => i);
  for (let i = indices.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return new Set(indices.slice(0, Math.round(count * rate)));
}
