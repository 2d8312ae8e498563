/**
 * Medium test. Real: the firmware simulator's physics and fault injector (in memory, every
 * device at its profile's report interval), the online detector and the platform's warning rule
 * (AnomalyAlarmRule). Frozen fleet: seed 3001 (not a fleet-model training seed), 6 devices per
 * appliance type, 4 days, half of them with an injected fault that starts after day 1. About 2 s
 * compiled, 30-50 s under jest.
 */
import { type ApplianceType } from '../../../contracts/src';
import { measureFleetFalseAlarms, type TypeFalseAlarms } from './fleet-false-alarms';

/**
 * Highest false `anomaly` warnings per healthy device-day (after the first day) a support
 * engineer gets today. Appliances without programmes stay near zero; those with programmes
 * (washer, water heater, dishwasher) are far above the 0.2 the platform aims for: these floors
 * stop it getting worse, they do not say it is good (docs/models.md).
 */
const MAX_FALSE_WARNINGS_PER_DEVICE_DAY: Record<ApplianceType, number> = {
  refrigerator: 0.5,
  air_conditioner: 0.2,
  washer: 2,
  water_heater: 2.5,
  dishwasher: 2.5,
};

describe('online detector warnings on a simulated fleet', () => {
  const result = measureFleetFalseAlarms({ seed: 3001, devicesPerType: 6, days: 4, faultRate: 0.5 });
  const byType = new Map<ApplianceType, TypeFalseAlarms>(result.perType.map((t) => [t.type, t]));

  it.each(Object.entries(MAX_FALSE_WARNINGS_PER_DEVICE_DAY) as [ApplianceType, number][])(
    '%s: false warnings per healthy device-day stay at or below %d',
    (type, floor) => {
      const t = byType.get(type);
      expect(t?.healthyDeviceDays).toBeGreaterThan(8);
      expect(t?.falseWarningsPerDeviceDay).toBeLessThanOrEqual(floor);
    },
  );

  // On these types the detection rate is close to what the false warnings alone would give
  // (chanceDetectionRate): it guards the rule against going silent, not the detector's skill.
  it('warns on faulty washers, water heaters and dishwashers before they fail, hours ahead', () => {
    for (const type of ['washer', 'water_heater', 'dishwasher'] as const) {
      const t = byType.get(type);
      expect(t?.faultyDevices).toBe(3);
      expect(t?.detectionRate).toBeGreaterThanOrEqual(2 / 3);
      expect(t?.meanLeadTimeHours).toBeGreaterThan(4);
    }
  });
});
