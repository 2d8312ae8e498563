import { APPLIANCE_PROFILES, APPLIANCE_TYPES, type ApplianceType, type Band } from '../../contracts/src';
import { type FaultPlan } from './fault-injector';
import { SimulatedAppliance } from './simulated-appliance';

const HOUR_MS = 3_600_000;
const START_TS = Date.UTC(2026, 0, 5);

function outside(band: Band, value: number): boolean {
  return (band.low !== undefined && value < band.low) || (band.high !== undefined && value > band.high);
}

/** Samples an appliance every stepMs over [START_TS, START_TS + hours). */
function run(appliance: SimulatedAppliance, hours: number, stepMs = 60_000) {
  const samples = [];
  for (let ts = START_TS; ts < START_TS + hours * HOUR_MS; ts += stepMs)
    samples.push({ ts, ...appliance.sample(ts) });
  return samples;
}

function plan(type: ApplianceType, mode: string, startHours: number, failHours: number): FaultPlan {
  const profile = APPLIANCE_PROFILES[type].faultModes.find((m) => m.mode === mode);
  if (!profile) throw new Error(`no mode ${mode}`);
  return {
    mode,
    errorCode: profile.errorCode,
    part: profile.part,
    startSimTs: START_TS + startHours * HOUR_MS,
    failureSimTs: START_TS + failHours * HOUR_MS,
    exponent: 2,
  };
}

/** Metrics each fault mode must push out of its normal band before the failure. */
const FAULT_METRICS: Record<string, string[]> = {
  'washer/bearing_wear': ['drumVibrationMmS'],
  'washer/drain_pump_clog': ['drainTimeS'],
  'washer/motor_brush_wear': ['motorCurrentA'],
  'refrigerator/refrigerant_leak': ['compressorDutyPct', 'cabinetTempC'],
  'refrigerator/door_gasket_failure': ['cabinetTempC'],
  'refrigerator/condenser_fan_failure': ['condenserTempC'],
  'air_conditioner/refrigerant_leak': ['suctionPressureKpa', 'supplyAirTempC'],
  'air_conditioner/filter_clog': ['filterDpPa'],
  'air_conditioner/capacitor_degradation': ['compressorCurrentA'],
  'water_heater/scale_buildup': ['tankTempC'],
  'water_heater/element_failure': ['tankTempC'],
  'water_heater/thermostat_drift': ['tankTempC'],
  'dishwasher/drain_clog': ['drainTimeS'],
  'dishwasher/heater_failure': ['turbidityNtu'],
  'dishwasher/spray_arm_clog': ['turbidityNtu'],
};

describe('appliance physics', () => {
  it.each(APPLIANCE_TYPES)(
    '%s: healthy units stay in sensor range and mostly in the normal band for a week',
    (type) => {
      const profile = APPLIANCE_PROFILES[type];
      for (let unit = 0; unit < 5; unit++) {
        const samples = run(new SimulatedAppliance(`${type}-${unit}`, type, 7, undefined), 24 * 7);
        for (const metric of profile.metrics) {
          const values = samples.map((s) => s.metrics[metric.name]);
          expect(values.every((v) => v >= metric.min && v <= metric.max)).toBe(true);
          const outOfBand = values.filter((v) => outside(metric.normal, v)).length;
          expect({ metric: metric.name, unit, outOfBandShare: outOfBand / values.length < 0.01 }).toEqual({
            metric: metric.name,
            unit,
            outOfBandShare: true,
          });
        }
        expect(samples.some((s) => s.failure)).toBe(false);
      }
    },
  );

  it('varies between units and repeats exactly for the same seed', () => {
    const a = run(new SimulatedAppliance('fridge-1', 'refrigerator', 42, undefined), 24);
    const b = run(new SimulatedAppliance('fridge-1', 'refrigerator', 42, undefined), 24);
    const otherUnit = run(new SimulatedAppliance('fridge-2', 'refrigerator', 42, undefined), 24);
    const otherSeed = run(new SimulatedAppliance('fridge-1', 'refrigerator', 43, undefined), 24);
    expect(b).toEqual(a);
    expect(otherUnit).not.toEqual(a);
    expect(otherSeed).not.toEqual(a);
  });

  it('shows daily usage: a washer runs more in the morning and evening than at night', () => {
    let busy = 0;
    let night = 0;
    for (let unit = 0; unit < 20; unit++) {
      for (const s of run(new SimulatedAppliance(`w-${unit}`, 'washer', 1, undefined), 24 * 14, 300_000)) {
        const hour = new Date(s.ts).getUTCHours();
        if (s.metrics.drumRpm > 0 && hour >= 6 && hour < 9) busy++;
        if (s.metrics.drumRpm > 0 && hour >= 0 && hour < 3) night++;
      }
    }
    expect(busy).toBeGreaterThan(3 * night);
  });

  describe.each(Object.entries(FAULT_METRICS))('fault %s', (key, metricNames) => {
    const [type, mode] = key.split('/') as [ApplianceType, string];
    const profile = APPLIANCE_PROFILES[type];

    it('drives its metrics out of the normal band before failure, then reports the error code', () => {
      const faultPlan = plan(type, mode, 12, 12 + 72);
      const appliance = new SimulatedAppliance(`${type}-faulty`, type, 3, faultPlan);
      const samples = run(appliance, 12 + 72 + 6);
      const beforeStart = samples.filter((s) => s.ts < faultPlan.startSimTs);
      const developing = samples.filter((s) => s.ts >= faultPlan.startSimTs && s.ts < faultPlan.failureSimTs);
      for (const name of metricNames) {
        const metric = profile.metrics.find((m) => m.name === name);
        if (!metric) throw new Error(`no metric ${name}`);
        expect(beforeStart.filter((s) => outside(metric.normal, s.metrics[name])).length).toBeLessThan(
          beforeStart.length * 0.01,
        );
        expect({
          name,
          leavesNormalBand: developing.some((s) => outside(metric.normal, s.metrics[name])),
        }).toEqual({
          name,
          leavesNormalBand: true,
        });
      }
      const failures = samples.filter((s) => s.failure);
      expect(failures).toHaveLength(1);
      expect(failures[0].ts).toBeGreaterThanOrEqual(faultPlan.failureSimTs);
      expect(failures[0].ts).toBeLessThan(faultPlan.failureSimTs + 60_000);
      expect(failures[0].failure?.code).toBe(faultPlan.errorCode);
      expect(appliance.selfTest().find((c) => c.part === faultPlan.part)?.status).toBe('fail');
    });

    it('reaches the critical band for its first metric once failing', () => {
      const faultPlan = plan(type, mode, 1, 48);
      const samples = run(new SimulatedAppliance(`${type}-crit`, type, 5, faultPlan), 48 + 96);
      const metric = profile.metrics.find((m) => m.name === metricNames[0]);
      if (!metric) throw new Error('metric');
      const critical = samples.filter(
        (s) => s.ts >= faultPlan.startSimTs && outside(metric.critical, s.metrics[metric.name]),
      );
      expect(critical.length).toBeGreaterThan(0);
    });
  });
});
