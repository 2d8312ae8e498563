import type { Band, MetricProfile, Severity } from '../../../../contracts/src';

/** Readings in a row that must agree before a threshold alarm is raised. */
export const RAISE_AFTER_READINGS = 3;
/** Normal readings in a row needed, on top of the hold time, before an alarm clears itself. */
export const CLEAR_AFTER_READINGS = 3;

export type Level = 'normal' | 'degraded' | 'failing';

const outside = (band: Band, value: number) =>
  (band.low !== undefined && value < band.low) || (band.high !== undefined && value > band.high);

export function levelOf(metric: MetricProfile, value: number): Level {
  if (outside(metric.critical, value)) return 'failing';
  if (outside(metric.normal, value)) return 'degraded';
  return 'normal';
}

export const severityOfLevel = (level: Exclude<Level, 'normal'>): Severity =>
  level === 'failing' ? 'major' : 'minor';

export type ThresholdDecision =
  { action: 'none' } | { action: 'raise'; level: Exclude<Level, 'normal'> } | { action: 'clear' };

// Shared, frozen decisions: every reading of every metric is observed, and "nothing changed"
// must not allocate.
const NONE: ThresholdDecision = Object.freeze({ action: 'none' });
const CLEAR: ThresholdDecision = Object.freeze({ action: 'clear' });
const RAISE: Record<Exclude<Level, 'normal'>, ThresholdDecision> = {
  degraded: Object.freeze({ action: 'raise', level: 'degraded' }),
  failing: Object.freeze({ action: 'raise', level: 'failing' }),
};

/** Numbers one metric's debounce takes in a state array: its runs and levels, and since when it is normal. */
export const THRESHOLD_STATE_SLOTS = 2;

const LEVEL_CODE: Record<Level, number> = { normal: 0, degraded: 1, failing: 2 };
const LEVEL_OF: readonly Level[] = ['normal', 'degraded', 'failing'];
/** Runs are counted up to here: only whether they reached 1 and the thresholds above matters. */
const RUN_CAP = 1023;

// The first number of a metric's state: the level raised (bits 0–1), the level of the current
// abnormal run (2–3), the abnormal run's length (4–13) and the normal run's (14–23). The second:
// when the normal run began (ms). Two numbers in a device's array instead of an object a metric
// (≈ 100 bytes with its boxed timestamp): a device of five metrics keeps ≈ 120 bytes, not 500.

/**
 * Debounces one metric of one device, whose state is at `at` in `state` (THRESHOLD_STATE_SLOTS
 * numbers, all 0 at first): a single noisy reading neither raises nor clears.
 * RAISE_AFTER_READINGS abnormal readings in a row raise (or escalate); the alarm clears once the
 * readings have stayed normal for the hold time (by their own timestamps) and for at least
 * CLEAR_AFTER_READINGS readings.
 */
export function observeThreshold(
  state: number[],
  at: number,
  level: Level,
  tsMs: number,
  clearHoldMs: number,
): ThresholdDecision {
  const flags = state[at];
  let raised = LEVEL_OF[flags & 3];
  let worstInRun = LEVEL_OF[(flags >> 2) & 3];
  let abnormalRun = (flags >> 4) & RUN_CAP;
  let normalRun = (flags >> 14) & RUN_CAP;
  let decision = NONE;
  if (level === 'normal') {
    abnormalRun = 0;
    worstInRun = 'normal';
    if (normalRun === 0) state[at + 1] = tsMs;
    normalRun = Math.min(RUN_CAP, normalRun + 1);
    if (raised !== 'normal' && normalRun >= CLEAR_AFTER_READINGS && tsMs - state[at + 1] >= clearHoldMs) {
      raised = 'normal';
      decision = CLEAR;
    }
  } else {
    normalRun = 0;
    abnormalRun = Math.min(RUN_CAP, abnormalRun + 1);
    // The run's level is its mildest reading: escalate only when the whole run is failing.
    worstInRun =
      abnormalRun === 1 ? level : worstInRun === 'failing' && level === 'failing' ? 'failing' : 'degraded';
    if (abnormalRun >= RAISE_AFTER_READINGS) {
      const runLevel = worstInRun;
      if (raised === 'normal' || (raised === 'degraded' && runLevel === 'failing')) {
        raised = runLevel;
        decision = RAISE[runLevel];
      }
    }
  }
  state[at] = pack(raised, worstInRun, abnormalRun, normalRun);
  return decision;
}

/**
 * Takes up an alarm of this level that is already open (raised on another instance): the next
 * readings clear it once normal for the hold time, or escalate it, as if raised here.
 */
export function adoptThreshold(state: number[], at: number, level: Exclude<Level, 'normal'>): void {
  state[at] = pack(level, 'normal', 0, 0);
}

/** Re-arms after an alarm was cleared by hand while readings were still abnormal. */
export function resetThreshold(state: number[], at: number): void {
  state[at] = pack('normal', LEVEL_OF[(state[at] >> 2) & 3], 0, 0);
}

function pack(raised: Level, worstInRun: Level, abnormalRun: number, normalRun: number): number {
  return LEVEL_CODE[raised] | (LEVEL_CODE[worstInRun] << 2) | (abnormalRun << 4) | (normalRun << 14);
}

/** One metric's debounce in an object of its own (observeThreshold on a state of its own). */
export class ThresholdTracker {
  private readonly state = [0, 0];

  constructor(private readonly clearHoldMs: number) {}

  observe(level: Level, tsMs: number): ThresholdDecision {
    return observeThreshold(this.state, 0, level, tsMs, this.clearHoldMs);
  }

  adopt(level: Exclude<Level, 'normal'>): void {
    adoptThreshold(this.state, 0, level);
  }

  reset(): void {
    resetThreshold(this.state, 0);
  }
}
