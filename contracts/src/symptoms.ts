/**
 * What a customer can say is wrong, per appliance type: the list the portal, partners and the
 * request classification share. Plain data without zod, so that the browser app may import it.
 * Labels live in the message catalogues (`symptom.<id>`), never here.
 */

export type ApplianceTypeName = 'washer' | 'refrigerator' | 'air_conditioner' | 'water_heater' | 'dishwasher';

/** The documents' request types. */
export const REQUEST_TYPES = [
  'quality',
  'installation',
  'logistics',
  'service_attitude',
  'payment',
  'account',
  'other',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** Safety hazard first, then a core function lost, then a minor issue. */
export const REQUEST_URGENCIES = ['safety', 'core_function', 'minor'] as const;
export type RequestUrgency = (typeof REQUEST_URGENCIES)[number];

/** Who answers a request. */
export const DEPARTMENTS = [
  'technical_service',
  'installation',
  'logistics',
  'customer_service',
  'finance',
  'quality',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export interface Symptom {
  /** Stable id, e.g. `not_draining`. */
  id: string;
  type: RequestType;
  urgency: RequestUrgency;
  /** Fault modes of the appliance type this symptom points to (for self-triage and the ticket). */
  faultModes: readonly string[];
}

const s = (
  id: string,
  urgency: RequestUrgency,
  faultModes: readonly string[] = [],
  type: RequestType = 'quality',
): Symptom => ({ id, type, urgency, faultModes });

/** Symptoms that apply to every appliance type. */
const COMMON: readonly Symptom[] = [
  s('burning_smell', 'safety'),
  s('electric_shock', 'safety'),
  s('error_code_shown', 'core_function'),
  s('installation_needed', 'minor', [], 'installation'),
  s('delivery_problem', 'minor', [], 'logistics'),
  s('technician_conduct', 'minor', [], 'service_attitude'),
  s('billing_question', 'minor', [], 'payment'),
  s('account_help', 'minor', [], 'account'),
  s('other_problem', 'minor', [], 'other'),
];

export const SYMPTOMS: Readonly<Record<ApplianceTypeName, readonly Symptom[]>> = {
  washer: [
    s('not_draining', 'core_function', ['drain_pump_clog']),
    s('noisy_spin', 'minor', ['bearing_wear']),
    s('not_spinning', 'core_function', ['motor_brush_wear', 'bearing_wear']),
    s('leaking_water', 'core_function', ['drain_pump_clog']),
    ...COMMON,
  ],
  refrigerator: [
    s('not_cooling', 'core_function', ['refrigerant_leak', 'condenser_fan_failure', 'door_gasket_failure']),
    s('freezer_warm', 'core_function', ['refrigerant_leak', 'condenser_fan_failure']),
    s('door_not_sealing', 'minor', ['door_gasket_failure']),
    s('noisy_running', 'minor', ['condenser_fan_failure']),
    s('leaking_water', 'minor', []),
    ...COMMON,
  ],
  air_conditioner: [
    s('weak_airflow', 'minor', ['filter_clog']),
    s('not_cooling', 'core_function', ['refrigerant_leak', 'filter_clog', 'capacitor_degradation']),
    s('wont_start', 'core_function', ['capacitor_degradation']),
    s('water_dripping', 'minor', []),
    s('noisy_running', 'minor', ['capacitor_degradation']),
    ...COMMON,
  ],
  water_heater: [
    s('no_hot_water', 'core_function', ['element_failure', 'thermostat_drift']),
    s('water_too_hot', 'safety', ['thermostat_drift']),
    s('slow_heating', 'minor', ['scale_buildup', 'element_failure']),
    s('leaking_water', 'core_function', []),
    ...COMMON,
  ],
  dishwasher: [
    s('not_draining', 'core_function', ['drain_clog']),
    s('dishes_not_clean', 'minor', ['spray_arm_clog']),
    s('not_heating', 'core_function', ['heater_failure']),
    s('leaking_water', 'core_function', ['drain_clog']),
    ...COMMON,
  ],
};

export function symptomsFor(type: ApplianceTypeName): readonly Symptom[] {
  return SYMPTOMS[type];
}

export function findSymptom(type: ApplianceTypeName, id: string): Symptom | undefined {
  return SYMPTOMS[type].find((symptom) => symptom.id === id);
}
