import { deriveSeed, gaussian, mulberry32, type Rng } from '../../../contracts/src/seeded-random';

/** Fault shapes the generated sets are made of; each is one family (evaluated as a group). */
export const FAULT_FAMILIES = [
  'level-shift',
  'joint-shift',
  'variance-change',
  'drift',
  'stuck-sensor',
  'periodic-break',
] as const;
export type FaultFamily = (typeof FAULT_FAMILIES)[number];

/** Seeds of each family in `npm run evaluate -- --only generated`. */
export const GENERATED_SEEDS = [11, 12, 13] as const;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Start of every generated set (a Monday, 00:00 UTC): the readings' own time, never the clock. */
export const GENERATED_START_TS = Date.UTC(2026, 0, 5);

/** What a sensor of the generated pump is; names only make the CSVs readable. */
const SENSOR_NAMES = [
  'vibrationMmS',
  'currentA',
  'flowLMin',
  'pressureBar',
  'temperatureC',
  'speedRpm',
  'powerKw',
  'noiseDb',
] as const;

export interface GeneratedSetOptions {
  family: FaultFamily;
  seed: number;
  /** Sensors (1..8); default: 4 to 8 from the seed. */
  sensors?: number;
  /** Days of readings (default 7). */
  days?: number;
  /** Healthy days at the start (the device's learning time, default 2); faults come after. */
  healthyDays?: number;
  /** Reading interval (default 1 min). */
  stepMs?: number;
  /** Fault episodes after the healthy days (default 4). */
  episodes?: number;
}

export interface FaultEpisode {
  /** Row where the fault starts (inclusive) and ends (exclusive). */
  start: number;
  end: number;
  /** Sensors it touches. */
  sensors: string[];
}

export interface GeneratedSet {
  family: FaultFamily;
  seed: number;
  metrics: string[];
  stepMs: number;
  timestamps: Float64Array;
  /** values[m][row] */
  values: Float64Array[];
  /** 1 on every row while a fault lasts (a state label), 0 on healthy rows. */
  labels: Uint8Array;
  episodes: FaultEpisode[];
  /** Rows at the start with no fault, by construction (the learning time). */
  healthyRows: number;
}

/**
 * A seeded multivariate healthy stream of a pump-like device and labelled fault episodes of one
 * known shape. The sensors share a slow load (AR(1)) and some follow a daily cycle, so they are
 * correlated as a real pump's vibration, current, flow and pressure are; each has its own noise.
 * Fault magnitudes are in units of the sensor's healthy standard deviation (σ, measured on the
 * healthy days):
 * - level-shift: one sensor moves by 2–3 σ for a long episode;
 * - joint-shift: 3–4 sensors move by 1–1.5 σ each, together, in a direction the load never takes
 *   (a pump fault: vibration and current up, flow down);
 * - variance-change: one or two sensors get extra noise of 1.5–2 σ;
 * - drift: one sensor drifts linearly to 3–4 σ, then is repaired (back to normal at once);
 * - stuck-sensor: one sensor reads its value at the fault's start, flat;
 * - periodic-break: the sensors that follow the daily cycle lose it (stay at their daily mean).
 */
export function generateFaultSet(options: GeneratedSetOptions): GeneratedSet {
  const { family, seed } = options;
  const rng = mulberry32(deriveSeed(seed, 'fault-shapes', family));
  const k = options.sensors ?? 4 + Math.floor(rng() * 5);
  if (k < 1 || k > SENSOR_NAMES.length) throw new Error(`sensors must be 1..${SENSOR_NAMES.length}`);
  const stepMs = options.stepMs ?? MINUTE_MS;
  const days = options.days ?? 7;
  const rows = Math.round((days * DAY_MS) / stepMs);
  const healthyRows = Math.round(((options.healthyDays ?? 2) * DAY_MS) / stepMs);
  const metrics = SENSOR_NAMES.slice(0, k) as string[];

  // Per sensor: load weight, second-factor weight, daily-cycle amplitude, noise, level and scale.
  const load = Float64Array.from({ length: k }, () => 0.5 + rng());
  const second = Float64Array.from({ length: k }, () => rng() * 2 - 1);
  const cycleSensors = Math.max(1, Math.floor(k / 2));
  const cycle = Float64Array.from({ length: k }, (_, i) => (i < cycleSensors ? 1 + 1.5 * rng() : 0));
  const noise = Float64Array.from({ length: k }, () => 0.4 + 0.6 * rng());
  const level = Float64Array.from({ length: k }, () => 10 + 90 * rng());
  const scale = Float64Array.from({ length: k }, () => 0.5 + 4 * rng());
  const phase = rng() * 2 * Math.PI;

  const timestamps = new Float64Array(rows);
  const cycleOf = new Float64Array(rows);
  const values = metrics.map(() => new Float64Array(rows));
  let a = 0;
  let b = 0;
  // Load changes over ~30 readings, the second factor over ~10.
  const phiA = Math.exp(-1 / 30);
  const phiB = Math.exp(-1 / 10);
  for (let r = 0; r < rows; r++) {
    const ts = GENERATED_START_TS + r * stepMs;
    timestamps[r] = ts;
    const dayPhase = (2 * Math.PI * (ts % DAY_MS)) / DAY_MS;
    cycleOf[r] = Math.sin(dayPhase + phase) + 0.3 * Math.sin(2 * dayPhase + 2 * phase);
    a = phiA * a + Math.sqrt(1 - phiA * phiA) * gaussian(rng);
    b = phiB * b + Math.sqrt(1 - phiB * phiB) * gaussian(rng);
    for (let i = 0; i < k; i++) {
      const x = load[i] * a + 0.6 * second[i] * b + cycle[i] * cycleOf[r] + noise[i] * gaussian(rng);
      values[i][r] = level[i] + scale[i] * x;
    }
  }
  const sigma = values.map((v) => std(v, healthyRows));

  const labels = new Uint8Array(rows);
  const episodes: FaultEpisode[] = [];
  const count = options.episodes ?? 4;
  const span = rows - healthyRows;
  // Episodes in equal slots after the healthy days, each with healthy time around it.
  const slot = Math.floor(span / count);
  const long = family === 'level-shift' || family === 'periodic-break';
  for (let e = 0; e < count; e++) {
    const length = Math.min(
      Math.floor(slot * 0.6),
      Math.round((long ? 600 + 400 * rng() : 300 + 200 * rng()) * (MINUTE_MS / stepMs)),
    );
    const start = healthyRows + e * slot + Math.floor((slot - length) * (0.3 + 0.4 * rng()));
    const end = start + length;
    const touched = inject(family, rng, values, sigma, { cycle, scale, cycleOf }, start, end);
    labels.fill(1, start, end);
    episodes.push({ start, end, sensors: touched.map((i) => metrics[i]) });
  }
  return { family, seed, metrics, stepMs, timestamps, values, labels, episodes, healthyRows };
}

interface Shape {
  cycle: Float64Array;
  scale: Float64Array;
  cycleOf: Float64Array;
}

/** Applies one episode of `family` to rows [start, end); returns the sensors it touched. */
function inject(
  family: FaultFamily,
  rng: Rng,
  values: Float64Array[],
  sigma: number[],
  shape: Shape,
  start: number,
  end: number,
): number[] {
  const k = values.length;
  const pick = (n: number): number[] => {
    const order = Array.from({ length: k }, (_, i) => i);
    for (let i = k - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order.slice(0, Math.min(k, n));
  };
  const sign = () => (rng() < 0.5 ? -1 : 1);
  switch (family) {
    case 'level-shift': {
      const [i] = pick(1);
      const shift = sign() * (2 + rng()) * sigma[i];
      for (let r = start; r < end; r++) values[i][r] += shift;
      return [i];
    }
    case 'joint-shift': {
      const touched = pick(3 + Math.floor(rng() * 2));
      for (const i of touched) {
        const shift = sign() * (1 + 0.5 * rng()) * sigma[i];
        for (let r = start; r < end; r++) values[i][r] += shift;
      }
      return touched;
    }
    case 'variance-change': {
      const touched = pick(1 + Math.floor(rng() * 2));
      for (const i of touched) {
        const extra = (1.5 + 0.5 * rng()) * sigma[i];
        for (let r = start; r < end; r++) values[i][r] += extra * gaussian(rng);
      }
      return touched;
    }
    case 'drift': {
      const [i] = pick(1);
      const to = sign() * (3 + rng()) * sigma[i];
      for (let r = start; r < end; r++) values[i][r] += (to * (r - start + 1)) / (end - start);
      return [i];
    }
    case 'stuck-sensor': {
      const [i] = pick(1);
      const stuck = values[i][start];
      for (let r = start; r < end; r++) values[i][r] = stuck;
      return [i];
    }
    case 'periodic-break': {
      const touched: number[] = [];
      for (let i = 0; i < k; i++) {
        if (shape.cycle[i] === 0) continue;
        touched.push(i);
        const amplitude = shape.scale[i] * shape.cycle[i];
        for (let r = start; r < end; r++) values[i][r] -= amplitude * shape.cycleOf[r];
      }
      return touched;
    }
  }
}

function std(v: Float64Array, n: number): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    s += v[i];
    s2 += v[i] * v[i];
  }
  const mean = s / n;
  return Math.sqrt(Math.max(1e-12, s2 / n - mean * mean));
}

/** The set as a telemetry CSV (`timestamp` in epoch seconds, one column per sensor), for `npm run detect`. */
export function generatedSetCsv(set: GeneratedSet): string {
  const lines = [['timestamp', ...set.metrics].join(',')];
  for (let r = 0; r < set.timestamps.length; r++) {
    const row = [String(Math.round(set.timestamps[r] / 1000))];
    for (const v of set.values) row.push(v[r].toFixed(4));
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}
