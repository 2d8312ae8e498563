import type { DetectorOutput } from './online-detector';
import type { RegimeEvidence } from './regime-model';

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
/**
 * Once the device's regime model is learned, it says whether the device is still abnormal: a
 * detection of the online detector then holds the warning for this many readings (or the quiet
 * time, whichever ends first) beyond which the regime decides. The choice picked on all the
 * generated fault families (leave-one-family-out figures in docs/models.md, "Anomaly state on fault
 * shapes").
 */
export const REGIME_QUIET_READINGS = 30;
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
  /** Readings a detection holds the warning once the regime model is ready (default REGIME_QUIET_READINGS). */
  regimeQuietReadings?: number;
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
 * - Regime: the device's own regime model (RegimeModel: its learned healthy joint behaviour) says
 *   whether it is in an unhealthy regime now. Entering one raises the warning, unless the type's
 *   normal-behaviour model has a current score below CORROBORATION_SCORE (a washer's programme the
 *   device model never learned): then it only holds a warning already raised.
 * - Hold: every further raising detection refreshes the warning; weaker rows neither raise nor
 *   clear it, so short dips inside an episode keep it active; an unhealthy regime holds it.
 * - Clear: when the regime is healthy (or there is no regime model) and the detector is quiet: at
 *   least ANOMALY_CLEAR_AFTER_MS (readings' time) after the last raising detection, or, once the
 *   regime model is ready, regimeQuietReadings readings after the online detector's last one (the
 *   regime knows better than a fixed hold whether the fault is still there). A device that stops
 *   reporting is not cleared (the `no_data` alarm covers it).
 */
export class AnomalyState {
  private readonly corroborationMaxAgeMs: number;
  private readonly regimeQuietReadings: number;
  private isActive = false;
  private lastDetectionTs: number | undefined;
  /** Readings since the online detector's last raising detection (model windows do not count). */
  private readingsSinceDetector = Infinity;
  /** The last raising detection came from the online detector (not the normal-behaviour model). */
  private lastFromDetector = false;
  private modelTs: number | undefined;
  private modelScore: number | undefined;
  /** Windows in a row the normal-behaviour model scored at or above CORROBORATION_SCORE. */
  private modelRun = 0;

  constructor(options: AnomalyStateOptions = {}) {
    this.corroborationMaxAgeMs = options.corroborationMaxAgeMs ?? DEFAULT_CORROBORATION_MAX_AGE_MS;
    this.regimeQuietReadings = options.regimeQuietReadings ?? REGIME_QUIET_READINGS;
  }

  /** Whether the warning is active (raised and not yet cleared). */
  get active(): boolean {
    return this.isActive;
  }

  /**
   * One reading's detector output at the reading's timestamp, and what the device's regime model
   * says of the same reading (omitted: no regime model, the detector and the normal-behaviour model
   * decide alone).
   */
  observe(tsMs: number, output: AnomalyEvidence, regime?: RegimeEvidence): AnomalyStep {
    const wasActive = this.isActive;
    this.readingsSinceDetector++;
    const modelScore = this.normalModelScore(tsMs);
    const corroborated = modelScore === null || modelScore >= CORROBORATION_SCORE;
    if (output.isAnomaly && output.score >= ANOMALY_ALARM_SCORE && corroborated) {
      this.readingsSinceDetector = 0;
      this.lastFromDetector = true;
      return this.detect(tsMs, wasActive);
    }
    if (regime?.unhealthy) {
      if (wasActive) return { detected: false, raised: false, cleared: false, active: true };
      if (corroborated) {
        this.isActive = true;
        return { detected: true, raised: true, cleared: false, active: true };
      }
      return { detected: false, raised: false, cleared: false, active: false };
    }
    if (wasActive && this.quiet(tsMs, regime)) {
      this.isActive = false;
      this.lastDetectionTs = undefined;
      return { detected: false, raised: false, cleared: true, active: false };
    }
    return { detected: false, raised: false, cleared: false, active: wasActive };
  }

  /** No raising detection holds the warning any more. */
  private quiet(tsMs: number, regime: RegimeEvidence | undefined): boolean {
    if (this.lastDetectionTs === undefined) return true; // raised by the regime alone
    if (tsMs - this.lastDetectionTs >= ANOMALY_CLEAR_AFTER_MS) return true;
    // The detector's own detections give way to a ready regime model; the normal-behaviour model's
    // (every 10 min, sustained over an hour) keep the quiet time.
    return (
      regime?.ready === true &&
      this.readingsSinceDetector >= this.regimeQuietReadings &&
      this.lastFromDetector
    );
  }

  /** The type's normal-behaviour model scored the device's window ending at `tsMs`. */
  noteNormalModelScore(tsMs: number, anomalyScore: number): AnomalyStep {
    this.modelTs = tsMs;
    this.modelScore = anomalyScore;
    this.modelRun = anomalyScore >= CORROBORATION_SCORE ? this.modelRun + 1 : 0;
    const wasActive = this.isActive;
    if (this.modelRun < SUSTAINED_WINDOWS) {
      return { detected: false, raised: false, cleared: false, active: wasActive };
    }
    this.lastFromDetector = false;
    return this.detect(tsMs, wasActive);
  }

  /** The current normal-behaviour score at `tsMs`, or null when there is none. */
  normalModelScore(tsMs: number): number | null {
    if (this.modelTs === undefined || this.modelScore === undefined) return null;
    return tsMs - this.modelTs <= this.corroborationMaxAgeMs ? this.modelScore : null;
  }

  private detect(tsMs: number, wasActive: boolean): AnomalyStep {
    this.isActive = true;
    this.lastDetectionTs = tsMs;
    return { detected: true, raised: !wasActive, cleared: false, active: true };
  }
}
