import { LRUCache } from 'lru-cache';
import { lruBound } from '../lru-bound';
import { LRU_READ_OPTIONS } from '../lru-read-options';
import { AnomalyState } from './anomaly-state';
import type { DetectorOutput } from './online-detector';
import { RegimeModel } from './regime-model';

export {
  ANOMALY_ALARM_SCORE,
  ANOMALY_CLEAR_AFTER_MS,
  CORROBORATION_SCORE,
  REGIME_QUIET_READINGS,
  SUSTAINED_WINDOWS,
} from './anomaly-state';

export type AnomalyAlarmAction = 'raise' | 'resolve' | 'none';

export interface AnomalyAlarmRuleOptions {
  /**
   * How long (readings' time) a normal-behaviour score stays the device's current one; older, the
   * detector decides alone. The models score a window every 10 min of the appliance's time.
   */
  corroborationMaxAgeMs?: number;
  /** Devices remembered at most; beyond it the one seen longest ago is forgotten. */
  maxDevices?: number;
  /** Each device's regime model feeds the state (default true; false only to measure without it). */
  regime?: boolean;
}

/**
 * What the rule keeps per device: its warning state and its own regime model. The rule keeps one
 * per device in its own map, or its owner keeps it (the detection thread keeps it with the device's
 * detector, so that it is parked with it: ≈ 2 KB of a quiet device that stayed in memory).
 */
export class AnomalyRuleEntry {
  constructor(
    readonly state: AnomalyState,
    readonly regime: RegimeModel | null,
  ) {}
}

/**
 * The platform's rule from detector outputs to `anomaly` warnings, for a whole fleet: one
 * AnomalyState (the single definition of raise, hold and clear, shared with `npm run detect`) per
 * device. A strong detection raises (or refreshes) the warning; two quiet hours clear it.
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
 * Each device also has its own RegimeModel (its healthy joint behaviour, learned from its early
 * readings): an unhealthy regime raises the warning (unless the type's model has a current score
 * below the bar: then it only holds one already raised) and holds it while it lasts, so the warning
 * says "abnormal now", not only "something happened". Per device state is bounded: an LRU of
 * `maxDevices`, like the detector pool.
 *
 * Kept beside the detector so the platform and the offline fleet measurement
 * (fleet-false-alarms.ts) apply the very same rule.
 */
export class AnomalyAlarmRule {
  private readonly devices: LRUCache<string, AnomalyRuleEntry>;
  private readonly corroborationMaxAgeMs: number | undefined;
  private readonly withRegime: boolean;

  constructor(options: AnomalyAlarmRuleOptions = {}) {
    this.corroborationMaxAgeMs = options.corroborationMaxAgeMs;
    this.withRegime = options.regime ?? true;
    this.devices = new LRUCache(lruBound(options.maxDevices ?? 100_000));
  }

  /**
   * The type's normal-behaviour model scored the device's window ending at `tsMs`. Returns true
   * when that score, sustained, raises (or keeps up) the warning by itself.
   */
  noteNormalModelScore(deviceId: string, tsMs: number, anomalyScore: number): boolean {
    return this.noteNormalModelScoreOf(this.entry(deviceId), tsMs, anomalyScore);
  }

  /** The current normal-behaviour score of the device, or null when there is none. */
  normalModelScore(deviceId: string, tsMs: number): number | null {
    const entry = this.devices.get(deviceId, LRU_READ_OPTIONS);
    return entry ? this.normalModelScoreOf(entry, tsMs) : null;
  }

  /** Whether the device's warning is active (raised and not yet cleared). */
  isActive(deviceId: string): boolean {
    return this.devices.get(deviceId, LRU_READ_OPTIONS)?.state.active ?? false;
  }

  /**
   * One reading of the device: its detector output and the reading's metric values (they teach and
   * are judged by the device's regime model).
   */
  observe(
    deviceId: string,
    tsMs: number,
    output: DetectorOutput,
    values: Record<string, number | undefined>,
  ): AnomalyAlarmAction {
    return this.observeOf(this.entry(deviceId), tsMs, output, values);
  }

  /** A device's state for an owner that keeps it (the methods below take it instead of a device id). */
  newEntry(): AnomalyRuleEntry {
    return new AnomalyRuleEntry(
      new AnomalyState({ corroborationMaxAgeMs: this.corroborationMaxAgeMs }),
      this.withRegime ? new RegimeModel() : null,
    );
  }

  /** observe, on a device's state its owner keeps. */
  observeOf(
    entry: AnomalyRuleEntry,
    tsMs: number,
    output: DetectorOutput,
    values: Record<string, number | undefined>,
  ): AnomalyAlarmAction {
    const step = entry.state.observe(tsMs, output, entry.regime?.update(tsMs, values));
    if (step.detected) return 'raise';
    return step.cleared ? 'resolve' : 'none';
  }

  /** noteNormalModelScore, on a device's state its owner keeps. */
  noteNormalModelScoreOf(entry: AnomalyRuleEntry, tsMs: number, anomalyScore: number): boolean {
    return entry.state.noteNormalModelScore(tsMs, anomalyScore).detected;
  }

  /** normalModelScore, on a device's state its owner keeps. */
  normalModelScoreOf(entry: AnomalyRuleEntry, tsMs: number): number | null {
    return entry.state.normalModelScore(tsMs);
  }

  private entry(deviceId: string): AnomalyRuleEntry {
    let entry = this.devices.get(deviceId, LRU_READ_OPTIONS);
    if (!entry) {
      entry = this.newEntry();
      this.devices.set(deviceId, entry);
    }
    return entry;
  }
}
