// The value axis of a device's chart: round ticks that hold the readings and the normal band.
import type { Band } from '../../../contracts/src';

/**
 * The value axis: the readings and the normal band's edges, on round ticks (1, 2, 2.5 or 5 times a
 * power of ten) so the band shows where normal is even when every reading sits on one side of it.
 */
export function axisExtent(
  values: readonly number[],
  normal: Band,
): { min: number; max: number; interval: number } {
  const edges = [normal.low, normal.high].filter((v): v is number => v !== undefined);
  const all = [...values, ...edges];
  if (all.length === 0) return { min: 0, max: 1, interval: 0.2 };
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const raw = (hi - lo) / 5;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const scaled = raw / power;
  const interval = (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 2.5 ? 2.5 : scaled <= 5 ? 5 : 10) * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(interval)) + 1);
  const round = (value: number): number => Number(value.toFixed(decimals));
  return {
    min: round(Math.floor(lo / interval) * interval),
    max: round(Math.ceil(hi / interval) * interval),
    interval,
  };
}
