import { z } from 'zod';

export const applianceTypeSchema = z.enum([
  'washer',
  'refrigerator',
  'air_conditioner',
  'water_heater',
  'dishwasher',
]);
export type ApplianceType = z.infer<typeof applianceTypeSchema>;
export const APPLIANCE_TYPES = applianceTypeSchema.options;

export const severitySchema = z.enum(['critical', 'major', 'minor', 'warning']);
export type Severity = z.infer<typeof severitySchema>;

/** Range bounds; either side may be open. */
export interface Band {
  low?: number;
  high?: number;
}

export interface MetricProfile {
  name: string;
  unit: string;
  /** Sensor range: a reading outside it is physically impossible and is dead-lettered. */
  min: number;
  max: number;
  /** Normal operating band: outside it raises a minor alarm. */
  normal: Band;
  /** Outside this band the appliance is failing: a major alarm, which opens a ticket. */
  critical: Band;
  description: string;
}

export interface ErrorCodeProfile {
  code: string;
  meaning: string;
  severity: Severity;
}

export interface FaultModeProfile {
  mode: string;
  description: string;
  /** Error code the appliance reports once the fault becomes a failure. */
  errorCode: string;
  /** Part most likely needed to repair it. */
  part: string;
  /** Metrics the fault moves, the first one most. */
  affects: string[];
}

export interface ApplianceProfile {
  type: ApplianceType;
  label: string;
  reportIntervalMs: number;
  metrics: MetricProfile[];
  errorCodes: ErrorCodeProfile[];
  faultModes: FaultModeProfile[];
}

const m = (
  name: string,
  unit: string,
  min: number,
  max: number,
  normal: Band,
  critical: Band,
  description: string,
): MetricProfile => ({ name, unit, min, max, normal, critical, description });

export const APPLIANCE_PROFILES: Record<ApplianceType, ApplianceProfile> = {
  washer: {
    type: 'washer',
    label: 'Washing machine',
    reportIntervalMs: 10_000,
    metrics: [
      m('drumVibrationMmS', 'mm/s', 0, 100, { high: 12 }, { high: 25 }, 'RMS drum vibration velocity'),
      m('motorCurrentA', 'A', 0, 20, { high: 4.5 }, { high: 7 }, 'drive motor current'),
      m('waterTempC', '°C', 0, 100, { high: 92 }, { high: 97 }, 'wash water temperature'),
      m('drainTimeS', 's', 0, 1200, { high: 150 }, { high: 400 }, 'duration of the last drain phase'),
      m('drumRpm', 'rpm', 0, 2000, {}, {}, 'drum speed'),
    ],
    errorCodes: [
      { code: 'E21', meaning: 'Drain pump blocked: water not drained in time', severity: 'major' },
      {
        code: 'E31',
        meaning: 'Unbalanced load or drum bearing failure: excessive vibration',
        severity: 'major',
      },
      { code: 'E41', meaning: 'Door lock fault', severity: 'major' },
      { code: 'E51', meaning: 'Motor overcurrent', severity: 'critical' },
      { code: 'E61', meaning: 'Heater fault: water does not heat', severity: 'major' },
      { code: 'W01', meaning: 'Detergent low', severity: 'warning' },
    ],
    faultModes: [
      {
        mode: 'bearing_wear',
        description: 'Drum bearing wear raises vibration',
        errorCode: 'E31',
        part: 'drum-bearing-kit',
        affects: ['drumVibrationMmS'],
      },
      {
        mode: 'drain_pump_clog',
        description: 'Clogging drain pump lengthens drain time',
        errorCode: 'E21',
        part: 'drain-pump',
        affects: ['drainTimeS'],
      },
      {
        mode: 'motor_brush_wear',
        description: 'Worn motor brushes raise motor current',
        errorCode: 'E51',
        part: 'motor-brush-set',
        affects: ['motorCurrentA'],
      },
    ],
  },
  refrigerator: {
    type: 'refrigerator',
    label: 'Refrigerator',
    reportIntervalMs: 30_000,
    metrics: [
      m('cabinetTempC', '°C', -10, 40, { low: 0, high: 7 }, { high: 10 }, 'fresh-food cabinet temperature'),
      m('freezerTempC', '°C', -40, 30, { high: -14 }, { high: -8 }, 'freezer compartment temperature'),
      m('compressorCurrentA', 'A', 0, 10, { high: 1.8 }, { high: 3 }, 'compressor current'),
      m('compressorDutyPct', '%', 0, 100, { high: 85 }, { high: 98 }, 'compressor duty over the last 30 min'),
      m('condenserTempC', '°C', -10, 90, { high: 55 }, { high: 70 }, 'condenser temperature'),
    ],
    errorCodes: [
      { code: 'R10', meaning: 'Cabinet too warm: cooling lost', severity: 'major' },
      { code: 'R20', meaning: 'Freezer too warm', severity: 'major' },
      { code: 'R30', meaning: 'Compressor fails to start', severity: 'critical' },
      { code: 'R40', meaning: 'Door left open', severity: 'minor' },
      { code: 'R50', meaning: 'Defrost heater fault', severity: 'major' },
    ],
    faultModes: [
      {
        mode: 'refrigerant_leak',
        description: 'Slow refrigerant leak: duty climbs, then cabinet warms',
        errorCode: 'R10',
        part: 'sealed-system-repair-kit',
        affects: ['compressorDutyPct', 'cabinetTempC'],
      },
      {
        mode: 'door_gasket_failure',
        description: 'Failing door gasket lets warm air in',
        errorCode: 'R40',
        part: 'door-gasket',
        affects: ['cabinetTempC', 'compressorDutyPct'],
      },
      {
        mode: 'condenser_fan_failure',
        description: 'Condenser fan degrading: condenser overheats',
        errorCode: 'R30',
        part: 'condenser-fan-motor',
        affects: ['condenserTempC', 'compressorCurrentA'],
      },
    ],
  },
  air_conditioner: {
    type: 'air_conditioner',
    label: 'Air conditioner',
    reportIntervalMs: 15_000,
    metrics: [
      m('supplyAirTempC', '°C', -10, 60, { high: 18 }, { high: 24 }, 'supply air temperature while cooling'),
      m('returnAirTempC', '°C', -10, 60, {}, {}, 'return (room) air temperature'),
      m('compressorCurrentA', 'A', 0, 30, { high: 9 }, { high: 14 }, 'compressor current'),
      m(
        'suctionPressureKpa',
        'kPa',
        0,
        2000,
        { low: 650 },
        { low: 450 },
        'suction-side refrigerant pressure',
      ),
      m('filterDpPa', 'Pa', 0, 500, { high: 120 }, { high: 220 }, 'pressure drop across the air filter'),
      m('outdoorTempC', '°C', -30, 55, {}, {}, 'outdoor air temperature'),
    ],
    errorCodes: [
      { code: 'A11', meaning: 'Low refrigerant pressure', severity: 'major' },
      { code: 'A22', meaning: 'Airflow restricted: filter clogged', severity: 'minor' },
      { code: 'A33', meaning: 'Compressor overcurrent', severity: 'critical' },
      { code: 'A44', meaning: 'Outdoor unit communication lost', severity: 'major' },
    ],
    faultModes: [
      {
        mode: 'refrigerant_leak',
        description: 'Refrigerant leak: suction pressure falls, supply air warms',
        errorCode: 'A11',
        part: 'refrigerant-recharge-kit',
        affects: ['suctionPressureKpa', 'supplyAirTempC'],
      },
      {
        mode: 'filter_clog',
        description: 'Air filter clogging raises pressure drop',
        errorCode: 'A22',
        part: 'air-filter',
        affects: ['filterDpPa'],
      },
      {
        mode: 'capacitor_degradation',
        description: 'Run capacitor degrading raises compressor current',
        errorCode: 'A33',
        part: 'run-capacitor',
        affects: ['compressorCurrentA'],
      },
    ],
  },
  water_heater: {
    type: 'water_heater',
    label: 'Water heater',
    reportIntervalMs: 30_000,
    metrics: [
      m('tankTempC', '°C', 0, 110, { low: 35, high: 75 }, { low: 25, high: 90 }, 'tank water temperature'),
      m('inletTempC', '°C', 0, 40, {}, {}, 'cold water inlet temperature'),
      m('heaterPowerW', 'W', 0, 6000, { high: 3300 }, { high: 4000 }, 'heating element power'),
      m('heatRateCPerMin', '°C/min', -5, 10, {}, {}, 'tank heating rate while the element is on'),
      m('flowLpm', 'L/min', 0, 40, {}, {}, 'hot water draw'),
    ],
    errorCodes: [
      { code: 'H01', meaning: 'Heating element failed: no temperature rise', severity: 'major' },
      { code: 'H02', meaning: 'Over-temperature: thermostat fault', severity: 'critical' },
      { code: 'H03', meaning: 'Heavy scale: heating very slow', severity: 'minor' },
      { code: 'H04', meaning: 'Temperature sensor fault', severity: 'major' },
    ],
    faultModes: [
      {
        mode: 'scale_buildup',
        description: 'Scale on the element slows heating',
        errorCode: 'H03',
        part: 'heating-element',
        affects: ['heatRateCPerMin'],
      },
      {
        mode: 'element_failure',
        description: 'Element degrading: power falls, tank cools',
        errorCode: 'H01',
        part: 'heating-element',
        affects: ['heaterPowerW', 'tankTempC'],
      },
      {
        mode: 'thermostat_drift',
        description: 'Thermostat drifting: tank overheats',
        errorCode: 'H02',
        part: 'thermostat',
        affects: ['tankTempC'],
      },
    ],
  },
  dishwasher: {
    type: 'dishwasher',
    label: 'Dishwasher',
    reportIntervalMs: 10_000,
    metrics: [
      m('waterTempC', '°C', 0, 100, { high: 75 }, { high: 85 }, 'wash water temperature'),
      m('pumpPressureKpa', 'kPa', 0, 400, {}, {}, 'circulation pump pressure'),
      m('heaterPowerW', 'W', 0, 3000, { high: 2300 }, { high: 2700 }, 'heater power'),
      m('drainTimeS', 's', 0, 900, { high: 120 }, { high: 300 }, 'duration of the last drain phase'),
      m('turbidityNtu', 'NTU', 0, 4000, { high: 1500 }, { high: 2500 }, 'wash water turbidity'),
    ],
    errorCodes: [
      { code: 'D10', meaning: 'Water does not heat', severity: 'major' },
      { code: 'D20', meaning: 'Drain blocked', severity: 'major' },
      { code: 'D30', meaning: 'Circulation pump fault: low pressure', severity: 'major' },
      { code: 'D40', meaning: 'Leak detected in base', severity: 'critical' },
    ],
    faultModes: [
      {
        mode: 'drain_clog',
        description: 'Clogging drain lengthens drain time',
        errorCode: 'D20',
        part: 'drain-pump',
        affects: ['drainTimeS'],
      },
      {
        mode: 'heater_failure',
        description: 'Heater degrading: water heats slowly',
        errorCode: 'D10',
        part: 'heater-element',
        affects: ['heaterPowerW', 'waterTempC'],
      },
      {
        mode: 'spray_arm_clog',
        description: 'Clogged filter / spray arm: pump pressure falls',
        errorCode: 'D30',
        part: 'filter-assembly',
        affects: ['pumpPressureKpa'],
      },
    ],
  },
};

export function profileOf(type: ApplianceType): ApplianceProfile {
  return APPLIANCE_PROFILES[type];
}

/** Public shape of a profile on `GET /api/profiles`. */
export function publicProfile(profile: ApplianceProfile) {
  return {
    type: profile.type,
    label: profile.label,
    reportIntervalMs: profile.reportIntervalMs,
    metrics: profile.metrics.map(({ name, unit, min, max, normal, critical, description }) => ({
      name,
      unit,
      min,
      max,
      normal,
      critical,
      description,
    })),
    errorCodes: profile.errorCodes,
    faultModes: profile.faultModes,
  };
}
