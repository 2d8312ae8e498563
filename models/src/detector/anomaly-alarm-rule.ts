import type { DetectorOutput } from './online-detector';

/**
 * Score a detection needs to raise an `anomaly` warning in the platform: stricter than the
 * detector's own decision (0.5, a 1e-5 tail, tuned for NAB), because a warning reaches a person.
 * Appliance programmes still trip it on healthy units: fleet-false-alarms.ts measures how often
 * (docs/models.md, "Online detector").
 */
export const ANOMALY_ALARM_SCORE = 0.7;
/** Quiet time (no detection) after which the warning clears. */
export const ANOMALY_CLEAR_AFTER_MS = 2 * 3_600_000;

export type AnomalyAlarmAction = 'raise' | 'resolve' | 'none';

/**
 * The platform's rule from detector outputs to `anomaly` warnings, per device: a strong detection
 * raises (or refreshes) the warning, two quiet hours clear it. Kept beside the detector so the
 * platform and the offline fleet measurement (fleet-false-alarms.ts) apply the very same rule.
 */
export class AnomalyAlarmRule {
  private readonly lastDetectionTs = new Map<string, number>();

  observe(deviceId: string, tsMs: number, output: DetectorOutput): AnomalyAlarmAction {
    if (output.isAnomaly && output.score >= ANOMALY_ALARM_SCORE) {
      this.lastDetectionTs.set(deviceId, tsMs);
      return 'raise';
    }
    const last = this.lastDetectionTs.get(deviceId);
    if (last !== undefined && tsMs - last >= ANOMALY_CLEAR_AFTER_MS) {
      this.lastDetectionTs.delete(deviceId);
      return 'resolve';
    }
    return 'none';
  }
}
