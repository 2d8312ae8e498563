import { APPLIANCE_PROFILES, APPLIANCE_TYPES, type ApplianceType } from '../../../contracts/src';
import { DEFAULT_DEVELOP_HOURS } from '../../../firmware-sim/src/fault-injector';
import { planFleet } from '../../../firmware-sim/src/fleet-plan';
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
}

export interface FleetFalseAlarmResult {
  seed: number;
  devicesPerType: number;
  days: number;
  learningDays: number;
  faultRate: number;
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
  for (const appliance of appliances) {
    const fault = appliance.fault;
    const stopTs = fault ? Math.min(end, fault.failureSimTs) : end;
    const healthyUntil = fault ? Math.min(fault.startSimTs, stopTs) : stopTs;
    healthyMs += Math.max(0, healthyUntil - learnedTs);
    const detector = new OnlineDetector();
    const rule = new AnomalyAlarmRule();
    let open = false;
    let leadMs: number | null = null;
    for (let ts = start; ts < stopTs; ts += stepMs) {
      const output = detector.update(ts, appliance.sample(ts).metrics);
      readings++;
      const action = rule.observe(appliance.deviceId, ts, output);
      if (action === 'resolve') open = false;
      if (action !== 'raise' || open) continue;
      open = true;
      if (ts < learnedTs) day1Warnings++;
      else if (ts < healthyUntil) falseWarnings++;
      else if (fault && leadMs === null) leadMs = fault.failureSimTs - ts;
    }
    if (fault) faults.push({ durationMs: fault.failureSimTs - fault.startSimTs, leadMs });
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
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** `npx ts-node models/src/detector/fleet-false-alarms.ts [seed] [devicesPerType] [days] [faultRate]` */
if (require.main === module) {
  const [seed = 2001, devices = 10, days = 7, faultRate = 0.3] = process.argv.slice(2).map(Number);
  const result = measureFleetFalseAlarms({ seed, devicesPerType: devices, days, faultRate });
  console.log(JSON.stringify(result));
}
