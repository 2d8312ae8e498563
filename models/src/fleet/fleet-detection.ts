const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One device's model outputs in time order, as the platform would have seen them online. */
export interface ScoredStream {
  deviceId: string;
  /** Time of the last reading of each scored window. */
  tsMs: ArrayLike<number>;
  /** The score the decision rule watches (fault probability or anomaly score), per window. */
  score: ArrayLike<number>;
  /** Fault mode the model named at each window (null: none). */
  predictedMode: ReadonlyArray<string | null>;
  /** Span the device was watched, for false alarms per device-day. */
  observedMs: number;
  fault?: { mode: string; startTs: number; failureTs: number };
}

export interface DecisionRule {
  threshold: number;
  /** Consecutive windows at or above the threshold before an alarm is raised. */
  debounce: number;
}

export interface DetectionSummary {
  precision: number;
  recall: number;
  /** Mean hours from the first detection to the failure, over true positives. */
  leadTimeHours: number;
  /** Share of true positives whose fault mode was named correctly at detection. */
  faultModeAccuracy: number;
  /** Alarm episodes on healthy devices per healthy device-day. */
  falseAlarmsPerDeviceDay: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  devices: number;
  faultyDevices: number;
}

interface Alarm {
  tsMs: number;
  mode: string | null;
}

/** Alarm episodes in time order: each starts once `debounce` windows in a row reach the threshold. */
export function alarmsOf(stream: ScoredStream, rule: DecisionRule): Alarm[] {
  const alarms: Alarm[] = [];
  let run = 0;
  for (let i = 0; i < stream.score.length; i++) {
    if (stream.score[i] >= rule.threshold) {
      run++;
      if (run === rule.debounce) alarms.push({ tsMs: stream.tsMs[i], mode: stream.predictedMode[i] });
    } else {
      run = 0;
    }
  }
  return alarms;
}

/**
 * Device-fault level scoring with no look-ahead: a device's first alarm counts. On a faulty device
 * it is a true positive when raised after the fault started and before the failure, a false
 * positive when raised before the fault started; on a healthy device any alarm is a false positive.
 */
export function summariseDetections(streams: readonly ScoredStream[], rule: DecisionRule): DetectionSummary {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let leadSumH = 0;
  let modeHits = 0;
  let healthyAlarms = 0;
  let healthyMs = 0;
  let faulty = 0;
  for (const stream of streams) {
    const alarms = alarmsOf(stream, rule);
    const first = alarms[0];
    if (!stream.fault) {
      healthyAlarms += alarms.length;
      healthyMs += stream.observedMs;
      if (first) fp++;
      continue;
    }
    faulty++;
    if (!first || first.tsMs >= stream.fault.failureTs) {
      fn++;
    } else if (first.tsMs < stream.fault.startTs) {
      fp++;
      fn++;
    } else {
      tp++;
      leadSumH += (stream.fault.failureTs - first.tsMs) / HOUR_MS;
      if (first.mode === stream.fault.mode) modeHits++;
    }
  }
  return {
    precision: tp + fp === 0 ? 0 : tp / (tp + fp),
    recall: faulty === 0 ? 0 : tp / faulty,
    leadTimeHours: tp === 0 ? 0 : leadSumH / tp,
    faultModeAccuracy: tp === 0 ? 0 : modeHits / tp,
    falseAlarmsPerDeviceDay: healthyMs === 0 ? 0 : healthyAlarms / (healthyMs / DAY_MS),
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    devices: streams.length,
    faultyDevices: faulty,
  };
}

/**
 * Picks the decision rule on a validation fleet: among the candidates whose precision reaches
 * `minPrecision`, the best recall, then the longest lead time; failing that, the best F1.
 */
export function chooseDecision<T>(
  candidates: readonly T[],
  summarise: (candidate: T) => DetectionSummary,
  minPrecision: number,
): { candidate: T; summary: DetectionSummary } {
  const scored = candidates.map((candidate) => ({ candidate, summary: summarise(candidate) }));
  const better = (a: DetectionSummary, b: DetectionSummary) =>
    a.recall > b.recall || (a.recall === b.recall && a.leadTimeHours > b.leadTimeHours);
  const good = scored.filter((s) => s.summary.precision >= minPrecision && s.summary.recall > 0);
  if (good.length > 0) return good.reduce((best, s) => (better(s.summary, best.summary) ? s : best));
  const f1 = (s: DetectionSummary) =>
    s.precision + s.recall === 0 ? 0 : (2 * s.precision * s.recall) / (s.precision + s.recall);
  return scored.reduce((best, s) => (f1(s.summary) > f1(best.summary) ? s : best));
}
