/**
 * Medium test. Real: the firmware simulator's physics and fault injector (in memory, every
 * device at its profile's report interval), the online detector, the committed fleet models
 * (normal-behaviour autoencoders, TensorFlow.js on wasm) and the platform's warning rule
 * (AnomalyAlarmRule, the one AnomalyWatchService applies). Frozen fleet: seed 3001 (not a
 * fleet-model training seed), 6 devices per appliance type, 4 days, half of them with an injected
 * fault that starts after day 1.
 */
import { APPLIANCE_TYPES, type ApplianceType } from '../../../contracts/src';
import { FleetModels } from '../fleet/fleet-models';
import { FLEET_ARTIFACTS_DIR } from '../model-paths';
import {
  measureFleetFalseAlarms,
  type FleetFalseAlarmResult,
  type TypeFalseAlarms,
} from './fleet-false-alarms';

const FLEET = { seed: 3001, devicesPerType: 6, days: 4, faultRate: 0.5 } as const;
/** Goal: at most 0.2 false warnings per healthy device-day; ~9 device-days per type here, so ≤ 2. */
const MAX_FALSE_WARNINGS_PER_DEVICE_DAY = 0.25;

describe('anomaly warnings on a simulated fleet', () => {
  let models: FleetModels;
  let result: FleetFalseAlarmResult;
  const byType = (type: ApplianceType): TypeFalseAlarms => result.perType.find((t) => t.type === type)!;

  beforeAll(async () => {
    models = await FleetModels.load(FLEET_ARTIFACTS_DIR);
    result = measureFleetFalseAlarms({ ...FLEET, models });
  });

  afterAll(() => models?.dispose());

  it.each(APPLIANCE_TYPES)(
    '%s: a support engineer gets at most 0.25 false warnings per healthy device-day',
    (type) => {
      const t = byType(type);
      expect(t.healthyDeviceDays).toBeGreaterThan(8);
      expect(t.falseWarningsPerDeviceDay).toBeLessThanOrEqual(MAX_FALSE_WARNINGS_PER_DEVICE_DAY);
    },
  );

  it('stays quiet across the fleet: under 0.1 false warnings per healthy device-day in all', () => {
    const falseWarnings = result.perType.reduce((sum, t) => sum + t.falseWarnings, 0);
    const days = result.perType.reduce((sum, t) => sum + t.healthyDeviceDays, 0);
    expect(falseWarnings / days).toBeLessThan(0.1);
  });

  it('warns on every drifting refrigerator and air conditioner at least half a day before it fails', () => {
    for (const type of ['refrigerator', 'air_conditioner'] as const) {
      const t = byType(type);
      expect(t.faultyDevices).toBe(3);
      expect(t.detected).toBe(3);
      expect(t.meanLeadTimeHours).toBeGreaterThan(12);
    }
  });

  it('is what corroboration buys: the detector alone warns healthy programme appliances many times more', () => {
    // the online detector alone: no normal-behaviour model to corroborate, no regime model
    const alone = measureFleetFalseAlarms({
      ...FLEET,
      types: ['washer', 'water_heater', 'dishwasher'],
      regime: false,
    });
    const rate = (r: FleetFalseAlarmResult) =>
      r.perType
        .filter((t) => ['washer', 'water_heater', 'dishwasher'].includes(t.type))
        .reduce((sum, t) => sum + t.falseWarnings, 0);
    expect(rate(alone)).toBeGreaterThanOrEqual(5 * Math.max(1, rate(result)));
  });
});
