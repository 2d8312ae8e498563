import type { DetectorOutput } from './online-detector';

/**
 * Score a detection needs to raise an `anomaly` warning: stricter than the detector's own
 * decision (0.5, a 1e-5 tail, tuned for NAB), because a warning reaches a person.
 */
export const ANOMALY_ALARM_SCORE = 0.7;
/** Quiet time (no raising detection), in the readings' own time, after which the warning clears. */
export const ANOMALY_CLEAR_AFTER_MS = 2 * 3_600_000;
/**
 * Score of the appliance type's normal-behaviour model (the fleet autoencoder) that confirms a
 * detection: 0.5 is the reconstruction error of the 99.5th percentile of healthy windows.
 */
export const CORROBORATION_SCORE = 0.5;
/**
 * Windows in a row (10 min apart in the appliance's time) the normal-behaviour model alone must
 * score at or above CORROBORATION_SCORE to raise the warning by itself: a slow drift that the
 * online detector, which follows the device, has absorbed.
 */
export const SUSTAINED_WINDOWS = 6;
/** Default age (readings' time) up to which a normal-behaviour score is the device's current one. */
export const DEFAULT_CORROBORATION_MAX_AGE_MS = 20 * 60_000;

/** What one reading (or one model window) did to the device's anomaly warning. */
export interface AnomalyStep {
  /** A raising detection: the warning is raised now, or refreshed when it was already active. */
  detected: boolean;
  /** The warning was not active before and is now: the row where it is raised. */
  raised: boolean;
  /** The warning was active before and clears on this reading. */
  cleared: boolean;
  /** The warning is active after this reading (raised and not yet cleared). */
  active: boolean;
}

export interface AnomalyStateOptions {
  /**
   * How long (readings' time) a normal-behaviour score stays the device's current one; older, the
   * detector decides alone. The models score a window every 10 min of the appliance's time.
   */
  corroborationMaxAgeMs?: number;
}

/** The part of a detector's answer the rule reads. */
export type AnomalyEvidence = Pick<DetectorOutput, 'score' | 'isAnomaly'>;

/**
 * The one definition of a device's `anomaly` warning: when it is raised, held and cleared. Both the
 * platform (AnomalyWatchService, through AnomalyAlarmRule) and `npm run detect` (its `is_anomaly`
 * and `anomaly_active` columns) feed every reading's detector output to it, so they cannot drift.
 * Pure and clock-free: time is the readings' own timestamps, so a CSV of last year's telemetry
 * holds and clears the warning exactly as the platform held it live.
 *
 * - Raise: the detector decides an anomaly (`isAnomaly`) with score ≥ ANOMALY_ALARM_SCORE and, where
 *   the appliance type's normal-behaviour model has a current score, that score is ≥
 *   CORROBORATION_SCORE (without one, e.g. a CSV or a new device, the detector decides alone). The
 *   model alone also raises when it scores ≥ CORROBORATION_SCORE for SUSTAINED_WINDOWS windows.
 * - Hold: every further raising detection refreshes the warning; weaker rows neither raise nor
 *   clear it, so short dips inside an episode keep it active.
 * - Clear: on the first reading at least ANOMALY_CLEAR_AFTER_MS (readings' time) after the last
 *   raising detection. A device that stops reporting is not cleared (the `no_data` alarm covers it).
 */
export class AnomalyState {
  private readonly corroborationMaxAgeMs: number;
  private lastDetectionTs: number | undefined;
  private modelTs: number | undefined;
  private modelScore: number | undefined;
  /** Windows in a row the normal-behaviour model scored at or above CORROBORATION_SCORE. */
  private modelRun = 0;

  constructor(options: AnomalyStateOptions = {}) {
    this.corroborationMaxAgeMs = options.corroborationMaxAgeMs ?? DEFAULT_CORROBORATION_MAX_AGE_MS;
  }

  /** Whether the warning is active (raised and not yet cleared). */
  get active(): boolean {
    return this.lastDetectionTs !== undefined;
  }

  /** One reading's detector output at the reading's timestamp. */
  observe(tsMs: number, output: AnomalyEvidence): AnomalyStep {
    const wasActive = this.active;
    if (output.isAnomaly && output.score >= ANOMALY_ALARM_SCORE) {
      const modelScore = this.normalModelScore(tsMs);
      if (modelScore === null || modelScore >= CORROBORATION_SCORE) return this.detect(tsMs, wasActive);
    }
    if (wasActive && tsMs - this.lastDetectionTs! >= ANOMALY_CLEAR_AFTER_MS) {
      this.lastDetectionTs = undefined;
      return { detected: false, raised: false, cleared: true, active: false };
    }
    return { detected: false, raised: false, cleared: false, active: wasActive };
  }

  /** The type's normal-behaviour model scored the device's window ending at `tsMs`. */
  noteNormalModelScore(tsMs: number, anomalyScore: number): AnomalyStep {
    this.modelTs = tsMs;
    this.modelScore = anomalyScore;
    this.modelRun = anomalyScore >= CORROBORATION_SCORE ? this.modelRun + 1 : 0;
    const wasActive = this.active;
    if (this.modelRun < SUSTAINED_WINDOWS) {
      return { detected: false, raised: false, cleared: false, active: wasActive };
    }
    return this.detect(tsMs, wasActive);
  }

  /** The current normal-behaviour score at `tsMs`, or null when there is none. */
  normalModelScore(tsMs: number): number | null {
    if (this.modelTs === undefined || this.modelScore === undefined) return null;
    return tsMs - this.modelTs <= this.corroborationMaxAgeMs ? this.modelScore : null;
  }

  private detect(tsMs: number, wasActive: boolean): AnomalyStep {
    this.lastDetectionTs = tsMs;
    return { detected: true, raised: !wasActive, cleared: false, active: true };
  }
}
