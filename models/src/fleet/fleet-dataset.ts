import { type ApplianceType } from '../../../contracts/src';
import { type FaultPlan, severityAt } from '../../../firmware-sim/src/fault-injector';
import { planFleet } from '../../../firmware-sim/src/fleet-plan';
import { FLEET_STEP_MS, metricNamesOf } from './fleet-features';

const HOUR_MS = 3_600_000;
/** Longest a fault takes to develop in the simulator (DEFAULT_DEVELOP_HOURS.max) plus slack. */
const LATEST_FAILURE_MARGIN_HOURS = 100;
/** Fixed simulated start so two runs with the same seed give the same readings. */
export const FLEET_SIM_START_TS = Date.UTC(2026, 0, 5);

export interface FleetSpec {
  type: ApplianceType;
  devices: number;
  days: number;
  seed: number;
  faultRate: number;
  sampleEveryMs?: number;
}

/** One simulated device's readings, in time order, up to its failure if it had a fault. */
export interface DeviceStream {
  deviceId: string;
  type: ApplianceType;
  metrics: string[];
  tsMs: Float64Array;
  /** Row-major: `metrics.length` values per reading. */
  values: Float32Array;
  fault: FaultPlan | undefined;
}

/**
 * Simulates one appliance type's fleet in memory with the firmware simulator's physics and fault
 * injector (the same code the live fleet runs). Faults start early enough that every one fails
 * within the simulated period, so each faulty device has a known failure time to predict.
 */
export function simulateFleet(spec: FleetSpec): DeviceStream[] {
  const stepMs = spec.sampleEveryMs ?? FLEET_STEP_MS;
  const metrics = metricNamesOf(spec.type);
  const devices = Array.from({ length: spec.devices }, (_, i) => ({
    id: `${spec.type}-s${spec.seed}-${String(i).padStart(3, '0')}`,
    type: spec.type,
  }));
  const { appliances } = planFleet(devices, {
    seed: spec.seed,
    simStartTs: FLEET_SIM_START_TS,
    faultRate: spec.faultRate,
    faultStartWithinHours: Math.max(1, spec.days * 24 - LATEST_FAILURE_MARGIN_HOURS),
    telemetryTsOf: (simTs) => simTs,
  });
  const endTs = FLEET_SIM_START_TS + spec.days * 24 * HOUR_MS;
  return appliances.map((appliance) => {
    const stopTs = appliance.fault ? Math.min(endTs, appliance.fault.failureSimTs) : endTs;
    const count = Math.max(0, Math.ceil((stopTs - FLEET_SIM_START_TS) / stepMs));
    const tsMs = new Float64Array(count);
    const values = new Float32Array(count * metrics.length);
    for (let i = 0; i < count; i++) {
      const ts = FLEET_SIM_START_TS + i * stepMs;
      const sample = appliance.sample(ts).metrics;
      tsMs[i] = ts;
      for (let c = 0; c < metrics.length; c++) values[i * metrics.length + c] = sample[metrics[c]];
    }
    return { deviceId: appliance.deviceId, type: spec.type, metrics, tsMs, values, fault: appliance.fault };
  });
}

/** Fault severity of the stream's device at tsMs (0 for a healthy device). */
export function severityOfStream(stream: DeviceStream, tsMs: number): number {
  return stream.fault ? severityAt(stream.fault, tsMs) : 0;
}

/** Hours from tsMs to the device's failure, clipped to [0, capHours]; capHours when healthy. */
export function hoursToFailureOf(stream: DeviceStream, tsMs: number, capHours: number): number {
  if (!stream.fault) return capHours;
  return Math.min(capHours, Math.max(0, (stream.fault.failureSimTs - tsMs) / HOUR_MS));
}
