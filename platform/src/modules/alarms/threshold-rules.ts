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

/**
 * Debounces one metric of one device: a single noisy reading neither raises nor clears.
 * RAISE_AFTER_READINGS abnormal readings in a row raise (or escalate); the alarm clears once
 * the readings have stayed normal for the hold time (by their own timestamps) and for at
 * least CLEAR_AFTER_READINGS readings.
 */
export class ThresholdTracker {
  private abnormalRun = 0;
  private normalRun = 0;
  private normalSinceMs = 0;
  private worstInRun: Level = 'normal';
  private raised: Level = 'normal';

  constructor(private readonly clearHoldMs: number) {}

  observe(level: Level, tsMs: number): ThresholdDecision {
    if (level === 'normal') {
      this.abnormalRun = 0;
      this.worstInRun = 'normal';
      if (this.normalRun === 0) this.normalSinceMs = tsMs;
      this.normalRun += 1;
      if (
        this.raised !== 'normal' &&
        this.normalRun >= CLEAR_AFTER_READINGS &&
        tsMs - this.normalSinceMs >= this.clearHoldMs
      ) {
        this.raised = 'normal';
        return CLEAR;
      }
      return NONE;
    }
    this.normalRun = 0;
    this.abnormalRun += 1;
    // The run's level is its mildest reading: escalate only when the whole run is failing.
    this.worstInRun =
      this.abnormalRun === 1
        ? level
        : this.worstInRun === 'failing' && level === 'failing'
          ? 'failing'
          : 'degraded';
    if (this.abnormalRun < RAISE_AFTER_READINGS) return NONE;
    const runLevel = this.worstInRun;
    if (this.raised === 'normal' || (this.raised === 'degraded' && runLevel === 'failing')) {
      this.raised = runLevel;
      return RAISE[runLevel];
    }
    return NONE;
  }

  /**
   * Takes up an alarm of this level that is already open (raised on another instance): the next
   * readings clear it once normal for the hold time, or escalate it, as if raised here.
   */
  adopt(level: Exclude<Level, 'normal'>): void {
    this.raised = level;
    this.abnormalRun = 0;
    this.normalRun = 0;
    this.worstInRun = 'normal';
  }

  /** Re-arms after an alarm was cleared by hand while readings were still abnormal. */
  reset(): void {
    this.raised = 'normal';
    this.abnormalRun = 0;
    this.normalRun = 0;
  }
}
