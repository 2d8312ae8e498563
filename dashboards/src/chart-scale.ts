// Pure scale computations for the line chart. No DOM and no imports, so node tests can load this file.

export interface ChartPoint {
  ts: number;
  value: number;
}

export interface ChartBand {
  low?: number;
  high?: number;
}

export interface ValueScale {
  min: number;
  max: number;
  ticks: number[];
}

/** A "nice" step (1, 2, 2.5 or 5 times a power of ten) that splits `span` into about `targetCount` parts. */
export function niceStep(span: number, targetCount: number): number {
  if (!(span > 0) || targetCount < 1) return 1;
  const rough = span / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  const factor = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10;
  return factor * magnitude;
}

/**
 * The value axis: covers every point and the normal band's edges (so the reader sees how far a reading
 * is from normal), widened to nice tick boundaries.
 */
export function computeValueScale(
  points: readonly ChartPoint[],
  band: ChartBand = {},
  targetTicks = 5,
): ValueScale {
  let lo = Infinity;
  let hi = -Infinity;
  for (const point of points) {
    if (!Number.isFinite(point.value)) continue;
    lo = Math.min(lo, point.value);
    hi = Math.max(hi, point.value);
  }
  for (const edge of [band.low, band.high]) {
    if (edge === undefined) continue;
    lo = Math.min(lo, edge);
    hi = Math.max(hi, edge);
  }
  if (lo === Infinity) {
    lo = 0;
    hi = 1;
  }
  if (hi - lo < 1e-9) {
    // A flat line sits in the middle of the chart instead of on an edge.
    const pad = Math.abs(lo) > 1e-9 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, targetTicks);
  const min = Math.floor(lo / step) * step;
  const max = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let tick = min; tick <= max + step / 2; tick += step) ticks.push(roundTo(tick, step));
  return { min: roundTo(min, step), max: roundTo(max, step), ticks };
}

const TIME_STEPS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Time-axis ticks at round clock times (in UTC offsets of whole steps) inside [fromMs, toMs]. */
export function computeTimeTicks(fromMs: number, toMs: number, targetTicks = 6): number[] {
  const span = toMs - fromMs;
  if (!(span > 0)) return [];
  const step = TIME_STEPS_MS.find((candidate) => span / candidate <= targetTicks) ?? TIME_STEPS_MS.at(-1)!;
  const ticks: number[] = [];
  for (let tick = Math.ceil(fromMs / step) * step; tick <= toMs; tick += step) ticks.push(tick);
  return ticks;
}

/**
 * Splits points (sorted by time) into runs drawn as connected lines. A silence longer than `maxGapMs`
 * (the device was offline, or no data was stored) breaks the line instead of bridging it.
 */
export function splitAtGaps(points: readonly ChartPoint[], maxGapMs: number): ChartPoint[][] {
  const segments: ChartPoint[][] = [];
  let current: ChartPoint[] = [];
  let previousTs: number | undefined;
  for (const point of points) {
    if (!Number.isFinite(point.value)) {
      if (current.length > 0) segments.push(current);
      current = [];
      previousTs = undefined;
      continue;
    }
    if (previousTs !== undefined && point.ts - previousTs > maxGapMs && current.length > 0) {
      segments.push(current);
      current = [];
    }
    current.push(point);
    previousTs = point.ts;
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/** Gap threshold: a few typical sampling intervals (median, so one outage does not hide the next). */
export function inferMaxGapMs(points: readonly ChartPoint[], multiple = 3, floorMs = 1_000): number {
  if (points.length < 3) return Infinity;
  const intervals: number[] = [];
  for (let i = 1; i < points.length; i++) intervals.push(points[i].ts - points[i - 1].ts);
  intervals.sort((a, b) => a - b);
  const median = intervals[Math.floor(intervals.length / 2)];
  return Math.max(floorMs, median * multiple);
}

/** Linear map of a value in [domainMin, domainMax] onto [rangeMin, rangeMax]. */
export function scaleLinear(
  value: number,
  domainMin: number,
  domainMax: number,
  rangeMin: number,
  rangeMax: number,
): number {
  if (domainMax === domainMin) return (rangeMin + rangeMax) / 2;
  return rangeMin + ((value - domainMin) / (domainMax - domainMin)) * (rangeMax - rangeMin);
}

/** Inserts a point keeping time order (live points usually arrive last) and drops a duplicate timestamp. */
export function insertPoint(points: ChartPoint[], point: ChartPoint): void {
  let index = points.length;
  while (index > 0 && points[index - 1].ts > point.ts) index--;
  if (index > 0 && points[index - 1].ts === point.ts) {
    points[index - 1] = point;
    return;
  }
  points.splice(index, 0, point);
}

/** Removes points older than `fromMs`; returns how many were dropped. */
export function dropBefore(points: ChartPoint[], fromMs: number): number {
  let count = 0;
  while (count < points.length && points[count].ts < fromMs) count++;
  if (count > 0) points.splice(0, count);
  return count;
}

function roundTo(value: number, step: number): number {
  // Float steps (0.1 + 0.2) leave dust; keep as many decimals as the step has.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(value.toFixed(Math.min(decimals, 12)));
}
