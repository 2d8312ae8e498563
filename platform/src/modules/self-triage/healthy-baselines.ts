import type { ApplianceType } from '../../../../contracts/src';

/**
 * What a healthy appliance reads, per metric: the "normal" a customer's reading is compared with
 * ("filter pressure drop 2.1x normal").
 *
 * Why a fixed typical value and not the device's own early readings: a customer asks for help
 * when the fault is already there, often for longer than the day of telemetry the triage reads,
 * so the device's early readings would call the fault normal. The profile's bands
 * (appliance-profiles.ts) say where an alarm starts, not what healthy looks like (a filter's
 * 120 Pa alarm threshold is twice a clean filter's drop), so they cannot serve as "normal" either.
 * The values are the middle of the healthy ranges the firmware simulator draws its units from
 * (firmware-sim/src/appliance-models.ts), which follow the makers' datasheets.
 *
 * `whileRunning`: the metric reads 0 while that part is idle (a dishwasher's pump between cycles),
 * so only non-zero readings say how it performs.
 */
export interface HealthyBaseline {
  typical: number;
  whileRunning?: boolean;
}

export const HEALTHY_BASELINES: Readonly<Record<ApplianceType, Readonly<Record<string, HealthyBaseline>>>> = {
  washer: {
    // 55-90 s for a free-flowing drain pump
    drainTimeS: { typical: 72 },
    motorCurrentA: { typical: 2.1, whileRunning: true },
    drumVibrationMmS: { typical: 5, whileRunning: true },
  },
  refrigerator: {
    // set point 3.3-4.5 °C with a ±0.8 °C thermostat swing
    cabinetTempC: { typical: 4 },
    freezerTempC: { typical: -18.5 },
    // base heat load 30-40 % of the compressor's capacity
    compressorDutyPct: { typical: 40 },
    compressorCurrentA: { typical: 1.15, whileRunning: true },
    condenserTempC: { typical: 30 },
  },
  air_conditioner: {
    // a clean filter: 40-65 Pa, rising about 0.7 Pa a day of running
    filterDpPa: { typical: 55 },
    suctionPressureKpa: { typical: 830 },
    compressorCurrentA: { typical: 4.5 },
  },
  water_heater: {
    heaterPowerW: { typical: 2950, whileRunning: true },
    tankTempC: { typical: 60 },
    heatRateCPerMin: { typical: 0.25, whileRunning: true },
    // a tap or shower with a clean aerator
    flowLpm: { typical: 4.5, whileRunning: true },
  },
  dishwasher: {
    // 50-80 s for a clean filter and drain
    drainTimeS: { typical: 65 },
    // 140-175 kPa with clean spray arms and filter
    pumpPressureKpa: { typical: 157, whileRunning: true },
    heaterPowerW: { typical: 2000, whileRunning: true },
  },
};

export function baselineOf(type: ApplianceType, metric: string): HealthyBaseline | undefined {
  return HEALTHY_BASELINES[type][metric];
}
