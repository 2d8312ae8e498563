import { APPLIANCE_PROFILES, APPLIANCE_TYPES, type ApplianceType } from '../../contracts/src';
import { SimulatedAppliance } from '../../firmware-sim/src/simulated-appliance';
import { DetectorPool } from '../../models/src/detector/detector-pool';
import { FeatureWindow } from '../../models/src/fleet/feature-window';
import { FleetModels } from '../../models/src/fleet/fleet-models';
import { FLEET_ARTIFACTS_DIR } from '../../models/src/model-paths';

const STEP_MS = 600_000;

export interface DiagnosticsBenchResult {
  name: string;
  devices: number;
  readings: number;
  /** Share of readings that moved a device's model window on (and so were assessed). */
  assessedShare: number;
  readingsPerS: number;
  windowsPerS: number;
  backend: string;
}

/**
 * The platform's diagnostics path without the network: every reading goes through the online
 * detector and the model window; windows that moved on are assessed by the fleet models in
 * batches, as FaultPredictionService does. `assessEvery` readings of a device move its window
 * (1 = the worst case, every reading assessed; devices reporting every 10 s with windows 10 min
 * apart assess one reading in 60).
 */
export async function benchDiagnostics(options: {
  devices: number;
  readingsPerDevice: number;
  assessEvery: number;
}): Promise<DiagnosticsBenchResult> {
  const models = await FleetModels.load(FLEET_ARTIFACTS_DIR);
  const fleet = Array.from({ length: options.devices }, (_, i) => {
    const type: ApplianceType = APPLIANCE_TYPES[i % APPLIANCE_TYPES.length];
    return {
      id: `bench-${i}`,
      type,
      appliance: new SimulatedAppliance(`bench-${i}`, type, 7_000 + i, undefined),
    };
  });
  // Readings are generated first so that only the diagnostics are timed.
  const t0 = Date.UTC(2026, 0, 10);
  const stepMs = STEP_MS / options.assessEvery;
  const readings = fleet.map((d) =>
    Array.from({ length: options.readingsPerDevice }, (_, k) => d.appliance.sample(t0 + k * stepMs).metrics),
  );
  const pool = new DetectorPool({ maxDevices: options.devices });
  const window = new FeatureWindow({ maxDevices: options.devices });
  const pending = new Map<string, ApplianceType>();
  let windows = 0;
  const assess = () => {
    const batch = [...pending].map(([deviceId, type]) => ({
      deviceId,
      type,
      window: window.window(deviceId),
    }));
    pending.clear();
    windows += models.assess(batch).length;
  };
  // Fill every device's model window first, so the timed part assesses from its first reading.
  const windowSize = models.windowSpec(APPLIANCE_TYPES[0])?.size ?? 36;
  for (const device of fleet) {
    for (let k = windowSize; k > 0; k--) {
      const ts = t0 - k * STEP_MS;
      window.push(device.id, ts, device.appliance.sample(ts).metrics);
    }
  }
  const started = performance.now();
  for (let k = 0; k < options.readingsPerDevice; k++) {
    const ts = t0 + k * stepMs;
    for (let i = 0; i < fleet.length; i++) {
      const device = fleet[i];
      const metrics = readings[i][k];
      pool.update(device.id, ts, metrics);
      if (window.push(device.id, ts, metrics) && window.isFull(device.id))
        pending.set(device.id, device.type);
    }
    // One batch per round of the fleet, like the platform's once-a-second batches.
    if (pending.size > 0) assess();
  }
  assess();
  const seconds = (performance.now() - started) / 1000;
  models.dispose();
  const total = options.devices * options.readingsPerDevice;
  return {
    name: options.assessEvery === 1 ? 'diagnostics-throughput-worst-case' : 'diagnostics-throughput',
    devices: options.devices,
    readings: total,
    assessedShare: Math.round((windows / total) * 1000) / 1000,
    readingsPerS: Math.round(total / seconds),
    windowsPerS: Math.round(windows / seconds),
    backend: `${Object.keys(APPLIANCE_PROFILES).length} types, window ${windowSize}`,
  };
}
