const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Relative usage by hour of day: busy mornings and evenings, quiet nights. */
const HOURLY_WEIGHTS = [
  0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 2.2, 2.2, 2.2, 0.9, 0.9, 0.9, 1, 1, 0.7, 0.7, 0.7, 2, 2, 2, 2, 2, 0.5,
  0.5,
];
const MEAN_WEIGHT = HOURLY_WEIGHTS.reduce((a, b) => a + b, 0) / HOURLY_WEIGHTS.length;

/** Hour of day in [0, 24), UTC plus the unit's offset. */
export function hourOfDay(simTs: number, offsetHours = 0): number {
  const hour = ((simTs % DAY_MS) / HOUR_MS + offsetHours) % 24;
  return hour < 0 ? hour + 24 : hour;
}

/** Usage intensity at this time, normalised so its daily mean is 1. */
export function usageFactor(simTs: number, offsetHours = 0): number {
  return HOURLY_WEIGHTS[Math.floor(hourOfDay(simTs, offsetHours))] / MEAN_WEIGHT;
}

/** Daily sine in [-1, 1] peaking at peakHour. */
export function dailyWave(simTs: number, peakHour: number, offsetHours = 0): number {
  return Math.cos((2 * Math.PI * (hourOfDay(simTs, offsetHours) - peakHour)) / 24);
}

export const TIME = { HOUR_MS, DAY_MS } as const;
