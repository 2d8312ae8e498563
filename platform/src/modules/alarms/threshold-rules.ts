import type { Band, MetricProfile, Severity } from '../../../../contracts/src';

/** Readings in a row that must agree before a threshold alarm is raised or cleared. */
export const RAISE_AFTER_READINGS = 3;
export const CLEAR_AFTER_READINGS = 5;

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

/**
 * Debounces one metric of one device: a single noisy reading neither raises nor clears;
 * RAISE_AFTER_READINGS abnormal readings in a row raise (or escalate), CLEAR_AFTER_READINGS
 * normal readings in a row clear.
 */
export class ThresholdTracker {
  private abnormalRun = 0;
  private normalRun = 0;
  private worstInRun: Level = 'normal';
  private raised: Level = 'normal';

  observe(level: Level): ThresholdDecision {
    if (level === 'normal') {
      this.abnormalRun = 0;
      this.worstInRun = 'normal';
      this.normalRun += 1;
      if (this.raised !== 'normal' && this.normalRun >= CLEAR_AFTER_READINGS) {
        this.raised = 'normal';
        return { action: 'clear' };
      }
      return { action: 'none' };
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
    if (this.abnormalRun < RAISE_AFTER_READINGS) return { action: 'none' };
    const runLevel = this.worstInRun;
    if (this.raised === 'normal' || (this.raised === 'degraded' && runLevel === 'failing')) {
      this.raised = runLevel;
      return { action: 'raise', level: runLevel };
    }
    return { action: 'none' };
  }

  /** Re-arms after an alarm was cleared by hand while readings were still abnormal. */
  reset(): void {
    this.raised = 'normal';
    this.abnormalRun = 0;
    this.normalRun = 0;
  }
}
