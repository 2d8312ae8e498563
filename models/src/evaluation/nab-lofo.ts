import fs from 'node:fs';
import path from 'node:path';
import { DETECTOR_CONFIG, type DetectorConfig } from '../detector/detector-config';
import { OnlineDetector } from '../detector/online-detector';
import { readTelemetryCsv, type TelemetryRow } from '../detector/telemetry-csv';
import { leaveOneFamilyOut, spreadOf, type Spread } from './lofo-selection';
import {
  NAB_PROFILES,
  nabFileLabels,
  normaliseNab,
  optimalThreshold,
  rawFileScore,
  scoreAtThreshold,
  scoreDecisions,
  type NabFileLabels,
  type NabFileResult,
  type NabThresholdScore,
} from './nab-scoring';

/**
 * nab-dev's families. The two artificial categories are one family: artificialNoAnomaly has no
 * windows, so NAB cannot normalise a score on it alone (its false positives still count with
 * artificialWithAnomaly's windows).
 */
export const NAB_FAMILIES: Readonly<Record<string, readonly string[]>> = {
  artificial: ['artificialNoAnomaly', 'artificialWithAnomaly'],
  realAdExchange: ['realAdExchange'],
  realTraffic: ['realTraffic'],
  realTweets: ['realTweets'],
};

/** One candidate choice of the detector's configuration. */
export interface DetectorCandidate {
  name: string;
  config: DetectorConfig;
}

type ConfigPatch = Partial<Omit<DetectorConfig, 'likelihood'>> & {
  likelihood?: Partial<DetectorConfig['likelihood']>;
};

/** DETECTOR_CONFIG with some choices changed. */
export function detectorConfigWith(patch: ConfigPatch): DetectorConfig {
  return { ...DETECTOR_CONFIG, ...patch, likelihood: { ...DETECTOR_CONFIG.likelihood, ...patch.likelihood } };
}

/**
 * The grid: today's configuration first (ties keep it), then one knob at a time moved down and up
 * from it, for the knobs that decide most what the detector reports: the decision threshold and
 * the rest after a detection, the anomaly likelihood's short window and floor, the forecaster's
 * smoothing and residual memory, and the range check's tolerance.
 */
export function detectorCandidates(): DetectorCandidate[] {
  const c = DETECTOR_CONFIG;
  const l = c.likelihood;
  const one = (name: string, patch: ConfigPatch): DetectorCandidate => ({
    name,
    config: detectorConfigWith(patch),
  });
  return [
    { name: 'default', config: DETECTOR_CONFIG },
    one('threshold=0.45', { threshold: 0.45 }),
    one('threshold=0.55', { threshold: 0.55 }),
    one('restReadings=5', { restReadings: 5 }),
    one('restReadings=40', { restReadings: 40 }),
    one('likelihood.shortWindow=10', { likelihood: { shortWindow: l.shortWindow / 2 } }),
    one('likelihood.shortWindow=15', { likelihood: { shortWindow: 15 } }),
    one('likelihood.shortWindow=30', { likelihood: { shortWindow: 30 } }),
    one('likelihood.shortWindow=40', { likelihood: { shortWindow: l.shortWindow * 2 } }),
    one('likelihood.minStd=0.01', { likelihood: { minStd: l.minStd / 2 } }),
    one('likelihood.minStd=0.04', { likelihood: { minStd: l.minStd * 2 } }),
    one('levelAlpha=0.2', { levelAlpha: c.levelAlpha / 2 }),
    one('levelAlpha=0.3', { levelAlpha: 0.3 }),
    one('levelAlpha=0.7', { levelAlpha: 0.7 }),
    one('residualWindow=100', { residualWindow: 100 }),
    one('residualWindow=1000', { residualWindow: 1000 }),
    one('spatialTolerance=0.02', { spatialTolerance: 0.02 }),
    one('spatialTolerance=0.08', { spatialTolerance: 0.08 }),
    one('spatialTolerance=0.15', { spatialTolerance: 0.15 }),
  ];
}

/** One nab-dev file in memory. */
export interface NabStream {
  family: string;
  labels: NabFileLabels;
  tsMs: Float64Array;
  /** NaN for a gap. */
  values: Float64Array;
}

/** Reads every file of the corpus (`<category>/<file>.csv`) with the detector's own CSV reader. */
export async function loadNabCorpus(dataDir: string, windowsPath: string): Promise<NabStream[]> {
  const windows = JSON.parse(fs.readFileSync(windowsPath, 'utf8')) as Record<string, [string, string][]>;
  const familyOf = new Map(Object.entries(NAB_FAMILIES).flatMap(([f, cats]) => cats.map((c) => [c, f])));
  const streams: NabStream[] = [];
  for (const category of fs.readdirSync(dataDir).sort()) {
    const dir = path.join(dataDir, category);
    if (!fs.statSync(dir).isDirectory()) continue;
    const family = familyOf.get(category) ?? category;
    for (const file of fs.readdirSync(dir).sort()) {
      if (!file.endsWith('.csv')) continue;
      const rel = `${category}/${file}`;
      const rows: TelemetryRow[] = [];
      let valueColumn: string | undefined;
      for await (const item of readTelemetryCsv(path.join(dir, file))) {
        if ('valueColumns' in item) valueColumn = item.valueColumns[0]?.name;
        else rows.push(item);
      }
      if (valueColumn === undefined) throw new Error(`${rel}: no value column`);
      const column = valueColumn;
      streams.push({
        family,
        labels: nabFileLabels(
          rel,
          rows.map((r) => r.timestampText),
          windows[rel] ?? [],
        ),
        tsMs: Float64Array.from(rows, (r) => r.tsMs),
        values: Float64Array.from(rows, (r) => r.values[column] ?? NaN),
      });
    }
  }
  return streams;
}

/** Runs a fresh detector with this configuration over every stream, no look-ahead, as `npm run detect` does. */
export function runDetectorOnCorpus(streams: readonly NabStream[], config: DetectorConfig): NabFileResult[] {
  return streams.map((s) => {
    const detector = new OnlineDetector({ metrics: ['value'], config });
    const n = s.labels.rows;
    const scores = new Float64Array(n);
    const decisions = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = s.values[i];
      const r = detector.update(s.tsMs[i], { value: Number.isNaN(v) ? undefined : v });
      // the results CSV holds the score with 6 decimals, and that is what NAB scores
      scores[i] = Number(r.score.toFixed(6));
      decisions[i] = r.isAnomaly ? 1 : 0;
    }
    return { labels: s.labels, scores, decisions };
  });
}

export interface CandidateFigures {
  name: string;
  /** Whole nab-dev, standard profile: at the corpus-optimal threshold, and the detector's own decisions. */
  wholeStandard: number;
  wholeStandardFixed: number;
  wholeThreshold: number;
  /** Per family, standard profile: own decisions, and at the family's own optimal threshold. */
  perFamily: Record<string, { standardFixed: number; standard: number }>;
}

export interface NabLofoFold {
  heldOut: string;
  files: number;
  windows: number;
  /** Chosen on the other families by the standard score of its own decisions. */
  chosen: string;
  othersStandardFixed: number;
  /** Held-out family, standard profile, the chosen candidate's own decisions. */
  heldOutStandardFixed: number;
  /** Today's default on the held-out family (own decisions), for comparison. */
  defaultStandardFixed: number;
  /** Chosen on the others by NAB's standard score; its threshold, set on the others, applied to the held-out family. */
  chosenByThreshold: string;
  othersThreshold: number;
  heldOutStandardAtOthersThreshold: number;
  /** The chosen candidate's whole-set scores. */
  chosenWholeStandard: number;
  chosenWholeStandardFixed: number;
}

export interface NabLofoReport {
  dataset: 'nab-dev';
  families: string[];
  candidates: CandidateFigures[];
  folds: NabLofoFold[];
  /**
   * nab-dev scored as one corpus with every family's files run under the choice made without that
   * family (standard profile): comparable with the whole-set scores of a single configuration.
   */
  pooledHeldOut: { standardFixed: number; standardAtOthersThreshold: number };
  /** Mean and spread across families of the held-out scores. */
  heldOutFixed: Spread;
  heldOutAtOthersThreshold: Spread;
  /** Today's default per family (own decisions), mean and spread across families. */
  defaultPerFamilyFixed: Spread;
  /** Whole-set figures of the default and of the candidate best on the whole set (what tuning on nab-dev would pick). */
  defaultWhole: { standard: number; standardFixed: number };
  bestWhole: { name: string; standard: number; standardFixed: number };
  /**
   * What LOFO proposes as the default: the candidate most folds chose, if at least half of them
   * chose it, its mean per-family score beats today's default and nab-dev stays >= 72.8 (standard);
   * otherwise today's default.
   */
  proposal: {
    name: string;
    folds: number;
    meanPerFamilyFixed: number;
    defaultMeanPerFamilyFixed: number;
    wholeStandard: number;
  };
  passMs: number;
  elapsedMs: number;
}

export interface NabLofoOptions {
  dataDir: string;
  windowsPath: string;
  candidates?: DetectorCandidate[];
  /** Called after each candidate's pass over the corpus. */
  onProgress?: (done: number, total: number, name: string, passMs: number) => void;
}

/** nab-dev's floor (Numenta HTM's published standard score): a proposed default must stay above it. */
export const NAB_FLOOR_STANDARD = 72.8;

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Runs every candidate once over nab-dev, then scores the leave-one-family-out choices. */
export async function evaluateNabLofo(options: NabLofoOptions): Promise<NabLofoReport> {
  const started = Date.now();
  const streams = await loadNabCorpus(options.dataDir, options.windowsPath);
  const candidates = options.candidates ?? detectorCandidates();
  const results = new Map<string, NabFileResult[]>();
  let passMs = 0;
  candidates.forEach((c, i) => {
    const t0 = Date.now();
    results.set(c.name, runDetectorOnCorpus(streams, c.config));
    const ms = Date.now() - t0;
    passMs += ms;
    options.onProgress?.(i + 1, candidates.length, c.name, ms);
  });
  return lofoFromResults(streams, candidates, results, { passMs: passMs / candidates.length, started });
}

/** The LOFO report from every candidate's results on every file. */
export function lofoFromResults(
  streams: readonly NabStream[],
  candidates: readonly DetectorCandidate[],
  results: ReadonlyMap<string, NabFileResult[]>,
  timing: { passMs: number; started: number },
): NabLofoReport {
  const p = NAB_PROFILES.standard;
  const families = [...new Set(streams.map((s) => s.family))];
  const subset = (name: string, fams: readonly string[]): NabFileResult[] =>
    results.get(name)!.filter((_, i) => fams.includes(streams[i].family));
  const names = candidates.map((c) => c.name);

  // every (candidate, families) pair is scored once: the threshold sweep sorts every row
  const memo = new Map<string, NabThresholdScore>();
  const optimalOn = (name: string, fams: readonly string[]): NabThresholdScore => {
    const key = `${name}|${[...fams].sort().join(',')}`;
    let r = memo.get(key);
    if (!r) memo.set(key, (r = optimalThreshold(subset(name, fams), p)));
    return r;
  };
  const fixedOn = (name: string, fams: readonly string[]): number => scoreDecisions(subset(name, fams), p);
  const fixedFolds = leaveOneFamilyOut(families, names, fixedOn);
  const thresholdFolds = leaveOneFamilyOut(families, names, (n, fams) => optimalOn(n, fams).score, {
    scoreHeldOut: (n, heldOut, others) =>
      scoreAtThreshold(subset(n, [heldOut]), p, optimalOn(n, others).threshold),
  });

  const figures: CandidateFigures[] = candidates.map((c) => {
    const whole = optimalOn(c.name, families);
    return {
      name: c.name,
      wholeStandard: round2(whole.score),
      wholeStandardFixed: round2(scoreDecisions(results.get(c.name)!, p)),
      wholeThreshold: whole.threshold,
      perFamily: Object.fromEntries(
        families.map((f) => [
          f,
          {
            standardFixed: round2(fixedOn(c.name, [f])),
            standard: round2(optimalOn(c.name, [f]).score),
          },
        ]),
      ),
    };
  });
  const figureOf = (name: string): CandidateFigures => figures.find((f) => f.name === name)!;

  const folds: NabLofoFold[] = families.map((family, i) => {
    const fx = fixedFolds[i];
    const th = thresholdFolds[i];
    const others = families.filter((f) => f !== family);
    return {
      heldOut: family,
      files: streams.filter((s) => s.family === family).length,
      windows: streams.filter((s) => s.family === family).reduce((s, x) => s + x.labels.windows.length, 0),
      chosen: fx.chosen,
      othersStandardFixed: round2(fx.othersScore),
      heldOutStandardFixed: round2(fx.heldOutScore),
      defaultStandardFixed: figureOf(names[0]).perFamily[family].standardFixed,
      chosenByThreshold: th.chosen,
      othersThreshold: optimalOn(th.chosen, others).threshold,
      heldOutStandardAtOthersThreshold: round2(th.heldOutScore),
      chosenWholeStandard: figureOf(fx.chosen).wholeStandard,
      chosenWholeStandardFixed: figureOf(fx.chosen).wholeStandardFixed,
    };
  });

  // every family's files under its own fold's choice, scored together
  const pooledFixed = scoreDecisions(
    folds.flatMap((f) => subset(f.chosen, [f.heldOut])),
    p,
  );
  const pooledRaw = folds.reduce(
    (sum, f) =>
      sum +
      subset(f.chosenByThreshold, [f.heldOut]).reduce(
        (s, r) => s + rawFileScore(r.labels, p, (i) => r.scores[i] >= f.othersThreshold),
        0,
      ),
    0,
  );
  const allWindows = streams.reduce((s, x) => s + x.labels.windows.length, 0);
  const defaultFig = figureOf(names[0]);
  const bestWhole = figures.reduce((a, b) => (b.wholeStandardFixed > a.wholeStandardFixed ? b : a));
  // The candidate most folds chose (ties: the better mean over families) is proposed only if it
  // generalises better than today's default and keeps nab-dev above the HTM floor.
  const votes = new Map<string, number>();
  for (const f of folds) votes.set(f.chosen, (votes.get(f.chosen) ?? 0) + 1);
  const meanFixed = (name: string): number =>
    spreadOf(families.map((f) => figureOf(name).perFamily[f].standardFixed)).mean;
  const [mostChosen, mostVotes] = [...votes.entries()].reduce((a, b) =>
    b[1] > a[1] || (b[1] === a[1] && meanFixed(b[0]) > meanFixed(a[0])) ? b : a,
  );
  const proposed =
    mostVotes * 2 >= folds.length &&
    meanFixed(mostChosen) > meanFixed(names[0]) &&
    figureOf(mostChosen).wholeStandard >= NAB_FLOOR_STANDARD
      ? mostChosen
      : names[0];
  const roundSpread = (s: Spread): Spread => ({
    mean: round2(s.mean),
    min: round2(s.min),
    max: round2(s.max),
    std: round2(s.std),
  });
  return {
    dataset: 'nab-dev',
    families,
    candidates: figures,
    folds,
    pooledHeldOut: {
      standardFixed: round2(pooledFixed),
      standardAtOthersThreshold: round2(normaliseNab(pooledRaw, allWindows, p)),
    },
    heldOutFixed: roundSpread(spreadOf(folds.map((f) => f.heldOutStandardFixed))),
    heldOutAtOthersThreshold: roundSpread(spreadOf(folds.map((f) => f.heldOutStandardAtOthersThreshold))),
    defaultPerFamilyFixed: roundSpread(spreadOf(families.map((f) => defaultFig.perFamily[f].standardFixed))),
    defaultWhole: { standard: defaultFig.wholeStandard, standardFixed: defaultFig.wholeStandardFixed },
    bestWhole: {
      name: bestWhole.name,
      standard: bestWhole.wholeStandard,
      standardFixed: bestWhole.wholeStandardFixed,
    },
    proposal: {
      name: proposed,
      folds: votes.get(proposed) ?? 0,
      meanPerFamilyFixed: round2(meanFixed(proposed)),
      defaultMeanPerFamilyFixed: round2(meanFixed(names[0])),
      wholeStandard: figureOf(proposed).wholeStandard,
    },
    passMs: Math.round(timing.passMs),
    elapsedMs: Date.now() - timing.started,
  };
}
