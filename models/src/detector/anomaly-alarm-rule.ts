import { LRUCache } from 'lru-cache';
import { LRU_READ_OPTIONS } from '../lru-read-options';
import type { DetectorOutput } from './online-detector';

/**
 * Score a detection needs to raise an `anomaly` warning in the platform: stricter than the
 * detector's own decision (0.5, a 1e-5 tail, tuned for NAB), because a warning reaches a person.
 */
export const ANOMALY_ALARM_SCORE = 0.7;
/** Quiet time (no detection) after which the warning clears. */
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

export type AnomalyAlarmAction = 'raise' | 'resolve' | 'none';

export interface AnomalyAlarmRuleOptions {
  /**
   * How long (readings' time) a normal-behaviour score stays the device's current one; older, the
   * detector decides alone. The models score a window every 10 min of the appliance's time.
   */
  corroborationMaxAgeMs?: number;
  /** Devices remembered at most; beyond it the one seen longest ago is forgotten. */
  maxDevices?: number;
}

interface DeviceState {
  lastDetectionTs?: number;
  modelTs?: number;
  modelScore?: number;
  /** Windows in a row the normal-behaviour model scored at or above CORROBORATION_SCORE. */
  modelRun: number;
}

/**
 * The platform's rule from detector outputs to `anomaly` warnings, per device. A strong detection
 * raises (or refreshes) the warning; two quiet hours clear it.
 *
 * Where the appliance type has a learned model of normal behaviour, a detection must also be
 * corroborated by it: the device's latest window must look unlike healthy windows of that type.
 * The online detector knows only the device's own past, so a washer's first hot wash of the week
 * or a water heater's reheat after a shower is news to it; the fleet model has seen thousands of
 * those and calls them normal. Together they keep what each sees (this device unlike its past, and
 * unlike a healthy appliance of its kind). Without a current model score (a new device's first
 * hours, a type without a model) the detector decides alone. The model alone raises the warning
 * too when its score stays high for SUSTAINED_WINDOWS windows: a slow drift the detector absorbed.
 *
 * Kept beside the detector so the platform and the offline fleet measurement
 * (fleet-false-alarms.ts) apply the very same rule.
 */
export class AnomalyAlarmRule {
  private readonly devices: LRUCache<string, DeviceState>;
  private readonly corroborationMaxAgeMs: number;

  constructor(options: AnomalyAlarmRuleOptions = {}) {
    this.corroborationMaxAgeMs = options.corroborationMaxAgeMs ?? 20 * 60_000;
    this.devices = new LRUCache({ max: options.maxDevices ?? 100_000 });
  }

  /**
   * The type's normal-behaviour model scored the device's window ending at `tsMs`. Returns true
   * when that score, sustained, raises (or keeps up) the warning by itself.
   */
  noteNormalModelScore(deviceId: string, tsMs: number, anomalyScore: number): boolean {
    const state = this.state(deviceId);
    state.modelTs = tsMs;
    state.modelScore = anomalyScore;
    state.modelRun = anomalyScore >= CORROBORATION_SCORE ? state.modelRun + 1 : 0;
    if (state.modelRun < SUSTAINED_WINDOWS) return false;
    state.lastDetectionTs = tsMs;
    return true;
  }

  /** The current normal-behaviour score of the device, or null when there is none. */
  normalModelScore(deviceId: string, tsMs: number): number | null {
    const state = this.devices.get(deviceId, LRU_READ_OPTIONS);
    if (state?.modelTs === undefined || state.modelScore === undefined) return null;
    return tsMs - state.modelTs <= this.corroborationMaxAgeMs ? state.modelScore : null;
  }

  observe(deviceId: string, tsMs: number, output: DetectorOutput): AnomalyAlarmAction {
    if (output.isAnomaly && output.score >= ANOMALY_ALARM_SCORE) {
      const modelScore = this.normalModelScore(deviceId, tsMs);
      if (modelScore === null || modelScore >= CORROBORATION_SCORE) {
        this.state(deviceId).lastDetectionTs = tsMs;
        return 'raise';
      }
    }
    const state = this.devices.get(deviceId, LRU_READ_OPTIONS);
    const last = state?.lastDetectionTs;
    if (state && last !== undefined && tsMs - last >= ANOMALY_CLEAR_AFTER_MS) {
      state.lastDetectionTs = undefined;
      return 'resolve';
    }
    return 'none';
  }

  private state(deviceId: string): DeviceState {
    let state = this.devices.get(deviceId, LRU_READ_OPTIONS);
    if (!state) this.devices.set(deviceId, (state = { modelRun: 0 }));
    return state;
  }
}
