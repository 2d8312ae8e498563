import { type ApplianceType } from '../../contracts/src';
import { deriveSeed, mulberry32 } from '../../contracts/src/seeded-random';
import { chooseFaultyIndices, DEFAULT_DEVELOP_HOURS, planFault } from './fault-injector';
import { type GroundTruthRecord } from './ground-truth';
import { SimulatedAppliance } from './simulated-appliance';

export interface FleetDevice {
  id: string;
  secret: string;
  type: ApplianceType;
  /** A client certificate from the platform CA and its key (PEM), for MQTTS without a password. */
  certificate?: string;
  privateKey?: string;
}

export interface FleetPlanOptions {
  seed: number;
  simStartTs: number;
  faultRate: number;
  faultStartWithinHours: number;
  faultDevelopHours?: { min: number; max: number };
  /** Maps a simulated timestamp to the telemetry timeline (identity offline). */
  telemetryTsOf(simTs: number): number;
}

/**
 * Builds the appliances of a fleet with their injected faults, reproducibly from the seed, and
 * the ground truth of those faults.
 */
export function planFleet(
  devices: ReadonlyArray<Pick<FleetDevice, 'id' | 'type'>>,
  options: FleetPlanOptions,
): { appliances: SimulatedAppliance[]; groundTruth: GroundTruthRecord[] } {
  const faulty = chooseFaultyIndices(
    devices.length,
    options.faultRate,
    mulberry32(deriveSeed(options.seed, 'faulty')),
  );
  const groundTruth: GroundTruthRecord[] = [];
  const appliances = devices.map((device, index) => {
    const plan = faulty.has(index)
      ? planFault(device.type, mulberry32(deriveSeed(options.seed, device.id, 'fault')), {
          simStartTs: options.simStartTs,
          startWithinHours: options.faultStartWithinHours,
          developHours: options.faultDevelopHours ?? DEFAULT_DEVELOP_HOURS,
        })
      : undefined;
    if (plan) {
      groundTruth.push({
        deviceId: device.id,
        type: device.type,
        mode: plan.mode,
        startTs: Math.round(options.telemetryTsOf(plan.startSimTs)),
        failureTs: Math.round(options.telemetryTsOf(plan.failureSimTs)),
        errorCode: plan.errorCode,
      });
    }
    return new SimulatedAppliance(device.id, device.type, options.seed, plan);
  });
  return { appliances, groundTruth };
}
