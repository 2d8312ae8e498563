import { APPLIANCE_PROFILES, APPLIANCE_TYPES, type ApplianceType } from '../../../contracts/src';
import { DEFAULT_DEVELOP_HOURS } from '../../../firmware-sim/src/fault-injector';
import { planFleet } from '../../../firmware-sim/src/fleet-plan';
import { FeatureWindow } from '../fleet/feature-window';
import { figures } from '../generated/generated-eval';
import type { FleetModels } from '../fleet/fleet-models';
import { AnomalyAlarmRule } from './anomaly-alarm-rule';
import { OnlineDetector } from './online-detector';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Fixed simulated start (a Monday, 00:00 UTC) so two runs with the same seed give the same readings. */
export const FALSE_ALARM_SIM_START_TS = Date.UTC(2026, 0, 5);
/** Seeds the fleet models were trained and calibrated on (models/src/fleet); never measured here. */
const TRAINING_SEEDS = new Set([1001, 1002]);

export interface FleetFalseAlarmOptions {
  seed: number;
  devicesPerType: number;
  days: number;
  /** Share of devices that get an injected fault (it starts after the learning days). */
  faultRate: number;
  types?: readonly ApplianceType[];
  /** Days a new device is given to learn; its warnings then are reported apart (default 1). */
  learningDays?: number;
  /**
   * The fleet models, as the platform loads them: their normal-behaviour score of each device's
   * window corroborates the detector's detections (AnomalyAlarmRule). Without them the detector
   * decides alone.
   */
  models?: FleetModels;
  /** Each device's regime model feeds the warning rule, as on the platform (default true). */
  regime?: boolean;
}

export interface TypeFalseAlarms {
  type: ApplianceType;
  devices: number;
  faultyDevices: number;
  readings: number;
  /** New warnings per device in its first (learning) day. */
  day1WarningsPerDevice: number;
  /** Healthy device-days after the learning days: healthy devices, and faulty ones before their fault started. */
  healthyDeviceDays: number;
  falseWarnings: number;
  falseWarningsPerDeviceDay: number;
  /** Faulty devices whose first warning after the fault started came before the failure. */
  detected: number;
  detectionRate: number;
  /**
   * Share expected from false warnings alone (no signal): mean over the faulty devices of
   * 1 − exp(−false rate × fault duration). A detection rate near it is luck, not detection.
   */
  chanceDetectionRate: number;
  /** Mean hours from the first warning after the fault started to the failure. */
  meanLeadTimeHours: number;
  /**
   * The warning as a state, row by row after the learning days, against the fault's own state (a
   * row is faulty from the fault's start to the failure): what `anomaly_active` would score.
   */
  stateRows: StateRowScore;
  /** The rows behind stateRows: active and faulty, active and healthy, quiet and faulty, quiet and healthy. */
  stateRowCounts: { tp: number; fp: number; fn: number; tn: number };
}

export interface StateRowScore {
  precision: number;
  recall: number;
  f1: number;
  /** Active rows among the healthy rows. */
  falseActiveRate: number;
}

/** Precision, recall and F1 of active rows against faulty rows; the false-active rate on healthy ones. */
export function stateRowScore(c: { tp: number; fp: number; fn: number; tn: number }): StateRowScore {
  const f = figures({ ...c, healthyRows: c.fp + c.tn, falseWarnings: 0, healthyDeviceDays: 0 });
  return { precision: f.precision, recall: f.recall, f1: f.f1, falseActiveRate: f.falseActiveRate };
}

export interface FleetFalseAlarmResult {
  seed: number;
  devicesPerType: number;
  days: number;
  learningDays: number;
  faultRate: number;
  corroborated: boolean;
  perType: TypeFalseAlarms[];
  elapsedMs: number;
}

/**
 * Runs the online detector and the platform's warning rule (AnomalyAlarmRule, the one
 * AnomalyWatchService applies) over simulated fleets, reading by reading at each profile's report
 * interval, and counts the `anomaly` warnings: on healthy time they are false, on a faulty device
 * the first one after the fault started and before the failure is a detection.
 */
export function measureFleetFalseAlarms(options: FleetFalseAlarmOptions): FleetFalseAlarmResult {
  if (TRAINING_SEEDS.has(options.seed)) throw new Error(`seed ${options.seed} trained the fleet models`);
  const started = Date.now();
  const learningDays = options.learningDays ?? 1;
  const perType = (options.types ?? APPLIANCE_TYPES).map((type) => measureType(type, options, learningDays));
  return {
    seed: options.seed,
    devicesPerType: options.devicesPerType,
    days: options.days,
    learningDays,
    faultRate: options.faultRate,
    corroborated: options.models !== undefined,
    perType,
    elapsedMs: Date.now() - started,
  };
}

function measureType(
  type: ApplianceType,
  options: FleetFalseAlarmOptions,
  learningDays: number,
): TypeFalseAlarms {
  const start = FALSE_ALARM_SIM_START_TS;
  const end = start + options.days * DAY_MS;
  const learnedTs = start + learningDays * DAY_MS;
  const devices = Array.from({ length: options.devicesPerType }, (_, i) => ({
    id: `${type}-fa${options.seed}-${String(i).padStart(3, '0')}`,
    type,
  }));
  // Faults start once the learning days are over and fail within the simulated period.
  const { appliances } = planFleet(devices, {
    seed: options.seed,
    simStartTs: learnedTs,
    faultRate: options.faultRate,
    faultStartWithinHours: Math.max(1, (end - learnedTs) / HOUR_MS - DEFAULT_DEVELOP_HOURS.max),
    telemetryTsOf: (simTs) => simTs,
  });
  const stepMs = APPLIANCE_PROFILES[type].reportIntervalMs;
  let readings = 0;
  let day1Warnings = 0;
  let healthyMs = 0;
  let falseWarnings = 0;
  const faults: { durationMs: number; leadMs: number | null }[] = [];
  const rows = { tp: 0, fp: 0, fn: 0, tn: 0 };
  // All devices of the type advance together, so the models assess one batch per window step,
  // as FaultPredictionService does.
  const rule = new AnomalyAlarmRule({ regime: options.regime });
  const window = options.models ? new FeatureWindow() : undefined;
  const tracks = appliances.map((appliance) => {
    const fault = appliance.fault;
    const stopTs = fault ? Math.min(end, fault.failureSimTs) : end;
    const healthyUntil = fault ? Math.min(fault.startSimTs, stopTs) : stopTs;
    healthyMs += Math.max(0, healthyUntil - learnedTs);
    return {
      appliance,
      stopTs,
      healthyUntil,
      detector: new OnlineDetector(),
      open: false,
      leadMs: null as number | null,
    };
  });
  const trackOf = new Map(tracks.map((t) => [t.appliance.deviceId, t]));
  const countWarning = (track: (typeof tracks)[number], ts: number) => {
    track.open = true;
    const fault = track.appliance.fault;
    if (ts < learnedTs) day1Warnings++;
    else if (ts < track.healthyUntil) falseWarnings++;
    else if (fault && track.leadMs === null) track.leadMs = fault.failureSimTs - ts;
  };
  for (let ts = start; ts < end; ts += stepMs) {
    const moved: string[] = [];
    for (const track of tracks) {
      if (ts >= track.stopTs) continue;
      const id = track.appliance.deviceId;
      const { metrics } = track.appliance.sample(ts);
      const output = track.detector.update(ts, metrics);
      readings++;
      if (window?.push(id, ts, metrics) && window.isFull(id)) moved.push(id);
      const action = rule.observe(id, ts, output, metrics);
      if (action === 'resolve') track.open = false;
      if (action === 'raise' && !track.open) countWarning(track, ts);
    }
    if (options.models && window && moved.length > 0) {
      const assessments = options.models.assess(
        moved.map((deviceId) => ({ deviceId, type, window: window.window(deviceId) })),
      );
      for (const a of assessments) {
        if (rule.noteNormalModelScore(a.deviceId, ts, a.anomalyScore)) {
          const track = trackOf.get(a.deviceId)!;
          if (!track.open) countWarning(track, ts);
        }
      }
    }
    if (ts < learnedTs) continue;
    for (const track of tracks) {
      if (ts >= track.stopTs) continue;
      const faulty = ts >= track.healthyUntil;
      if (track.open && faulty) rows.tp++;
      else if (track.open) rows.fp++;
      else if (faulty) rows.fn++;
      else rows.tn++;
    }
  }
  for (const track of tracks) {
    const fault = track.appliance.fault;
    if (fault) faults.push({ durationMs: fault.failureSimTs - fault.startSimTs, leadMs: track.leadMs });
  }
  const healthyDeviceDays = healthyMs / DAY_MS;
  const falseRate = healthyDeviceDays > 0 ? falseWarnings / healthyDeviceDays : 0;
  const detectedLeads = faults.flatMap((f) => (f.leadMs === null ? [] : [f.leadMs]));
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return {
    type,
    devices: appliances.length,
    faultyDevices: faults.length,
    readings,
    day1WarningsPerDevice: round(day1Warnings / Math.max(1, appliances.length)),
    healthyDeviceDays: round(healthyDeviceDays),
    falseWarnings,
    falseWarningsPerDeviceDay: round(falseRate),
    detected: detectedLeads.length,
    detectionRate: round(faults.length ? detectedLeads.length / faults.length : 0),
    chanceDetectionRate: round(mean(faults.map((f) => 1 - Math.exp((-falseRate * f.durationMs) / DAY_MS)))),
    meanLeadTimeHours: round(mean(detectedLeads) / HOUR_MS),
    stateRows: stateRowScore(rows),
    stateRowCounts: rows,
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * `node dist/models/src/detector/fleet-false-alarms.js [seed] [devicesPerType] [days] [faultRate]
 * [--detector-alone] [--plot file.png]`: prints the result as JSON; `--plot` measures both the
 * detector alone and the platform's rule and draws them side by side.
 */
if (require.main === module) {
  const args = process.argv.slice(2);
  const alone = args.includes('--detector-alone');
  const plotAt = args.indexOf('--plot');
  const plotFile = plotAt >= 0 ? args[plotAt + 1] : undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--plot') i++;
    else if (!args[i].startsWith('--')) positional.push(args[i]);
  }
  const [seed = 2001, devices = 10, days = 7, faultRate = 0.3] = positional.map(Number);
  void (async () => {
    const { FleetModels } = await import('../fleet/fleet-models');
    const { FLEET_ARTIFACTS_DIR } = await import('../model-paths');
    const models = alone ? undefined : await FleetModels.load(FLEET_ARTIFACTS_DIR);
    const fleet = { seed, devicesPerType: devices, days, faultRate };
    const result = measureFleetFalseAlarms({ ...fleet, models });
    console.log(JSON.stringify(result));
    if (plotFile && models) {
      const { fleetWarningsPng } = await import('./fleet-false-alarms-plot');
      const { writePng } = await import('../learned/plots');
      const baseline = measureFleetFalseAlarms(fleet);
      await writePng(plotFile, await fleetWarningsPng(baseline, result));
      process.stderr.write(`plot written to ${plotFile}\n`);
    }
  })();
}
