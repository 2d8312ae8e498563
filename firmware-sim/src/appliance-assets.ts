import { deriveSeed, mulberry32, type ApplianceType } from '../../contracts/src';

const DAY_MS = 86_400_000;
/** The demo's appliances were installed within the last three years, none in the last month. */
const MIN_AGE_DAYS = 30;
const MAX_AGE_DAYS = 3 * 365;
const WARRANTY_YEARS = 2;

/** A few model designations per type, in the style of the demo's parts catalogue (`WM-5300`). */
export const SIMULATED_MODELS: Readonly<Record<ApplianceType, readonly string[]>> = {
  washer: ['WM-5300', 'WM-7100', 'WM-8500'],
  refrigerator: ['RF-4200', 'RF-6300', 'RF-9100'],
  air_conditioner: ['AC-3500', 'AC-5200', 'AC-7800'],
  water_heater: ['WH-3300', 'WH-5500', 'WH-8000'],
  dishwasher: ['DW-4400', 'DW-6100', 'DW-7700'],
};

export interface ApplianceAsset {
  model: string;
  /** Epoch ms, midnight UTC. */
  installedAt: number;
  /** Epoch ms: two years after installation. */
  warrantyUntil: number;
}

/**
 * The asset record a simulated appliance is registered with: its model, installed 1 to 36
 * months before `nowMs` (at midnight UTC), with a two-year warranty. The same device id gives
 * the same model and age.
 */
export function simulatedAsset(type: ApplianceType, deviceId: string, nowMs: number): ApplianceAsset {
  const rng = mulberry32(deriveSeed(0, 'asset', deviceId));
  const models = SIMULATED_MODELS[type];
  const model = models[Math.floor(rng() * models.length)];
  const ageDays = MIN_AGE_DAYS + Math.floor(rng() * (MAX_AGE_DAYS - MIN_AGE_DAYS + 1));
  const installedAt = Math.floor(nowMs / DAY_MS) * DAY_MS - ageDays * DAY_MS;
  const warranty = new Date(installedAt);
  warranty.setUTCFullYear(warranty.getUTCFullYear() + WARRANTY_YEARS);
  return { model, installedAt, warrantyUntil: warranty.getTime() };
}
