import fs from 'node:fs';
import { once } from 'node:events';
import { AnomalyState } from './anomaly-state';
import { OnlineDetector } from './online-detector';
import { RegimeModel } from './regime-model';
import { CsvLayout, readTelemetryCsv, TelemetryCsvError, TelemetryRow } from './telemetry-csv';

export interface ScoreCsvOptions {
  input: string;
  output: string;
  /** Adds a `top_metrics` column (metrics that drove the score, `;`-joined). */
  explain?: boolean;
  /** Called every `progressEvery` rows with the number of rows done. */
  onProgress?: (rows: number) => void;
  progressEvery?: number;
}

export interface ScoreCsvResult {
  rows: number;
  /** Rows where the detector decided an anomaly (is_anomaly). */
  anomalies: number;
  /** Anomaly warnings raised (rows where anomaly_active turns 1). */
  warnings: number;
  metrics: string[];
}

/** Rows read ahead to decide which columns are numeric. */
const SNIFF_ROWS = 500;

/**
 * Scores a telemetry CSV row by row with the same OnlineDetector the platform runs: each row is
 * scored before the next is read, so no row sees the future. Output rows are written as they
 * come, so memory does not grow with the file. `is_anomaly` is the detector's own decision (what
 * NAB scores); `anomaly_active` is the platform's anomaly warning for this input, held and cleared
 * by AnomalyState from the detector's output and the device's RegimeModel, the rule
 * AnomalyWatchService applies (AnomalyAlarmRule).
 */
export async function scoreCsv(options: ScoreCsvOptions): Promise<ScoreCsvResult> {
  if (!fs.existsSync(options.input)) throw new TelemetryCsvError(`input file not found: ${options.input}`);
  const iterator = readTelemetryCsv(options.input);
  let layout: CsvLayout | null = null;
  const pending: TelemetryRow[] = [];
  let detector: OnlineDetector | null = null;
  // A CSV is one device with no appliance type, so no normal-behaviour model corroborates: the
  // detector decides alone, as the platform does for a device whose type has no model.
  const warning = new AnomalyState();
  // The device's own regime model (its learned healthy joint behaviour) raises and holds the
  // warning while the device is in an unhealthy regime, as AnomalyAlarmRule does on the platform.
  const regime = new RegimeModel();
  let metrics: string[] = [];
  // opened up front, so an output that cannot be written (a folder, no permission) is a clear error
  let fd: number;
  try {
    fd = fs.openSync(options.output, 'w');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new TelemetryCsvError(`cannot write --output ${options.output} (${code})`);
  }
  const out = fs.createWriteStream('', { fd, encoding: 'utf8' });
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  let rows = 0;
  let anomalies = 0;
  let warnings = 0;
  const every = options.progressEvery ?? 100_000;

  const emit = async (row: TelemetryRow): Promise<void> => {
    if (!Number.isFinite(row.tsMs)) {
      throw new TelemetryCsvError(`row ${rows + 2}: cannot read timestamp "${row.timestampText}"`);
    }
    const r = detector!.update(row.tsMs, row.values);
    const step = warning.observe(row.tsMs, r, regime.update(row.tsMs, metricValues(row)));
    if (r.isAnomaly) anomalies++;
    if (step.raised) warnings++;
    let line = `${csvField(row.timestampText)},${r.score.toFixed(6)},${r.isAnomaly ? 1 : 0},${step.active ? 1 : 0}`;
    if (options.explain) {
      const top = r.contributions
        .filter((c) => c.score > 0)
        .slice(0, 3)
        .map((c) => c.metric);
      line += `,${top.join(';')}`;
    }
    rows++;
    if (options.onProgress && rows % every === 0) options.onProgress(rows);
    await write(line + '\n');
  };

  const values: Record<string, number | undefined> = {};
  const metricValues = (row: TelemetryRow): Record<string, number | undefined> => {
    for (const m of metrics) values[m] = row.values[m];
    return values;
  };

  const start = async (): Promise<void> => {
    metrics = layout!.valueColumns
      .filter((c) => pending.some((r) => r.values[c.name] !== undefined))
      .map((c) => c.name);
    if (metrics.length === 0) throw new TelemetryCsvError(`no numeric columns in ${options.input}`);
    detector = new OnlineDetector({ metrics });
    await write(
      `timestamp,anomaly_score,is_anomaly,anomaly_active${options.explain ? ',top_metrics' : ''}\n`,
    );
    for (const row of pending) await emit(row);
    pending.length = 0;
  };

  try {
    for await (const item of iterator) {
      if (!layout) {
        layout = item as CsvLayout;
        continue;
      }
      const row = item as TelemetryRow;
      if (detector) await emit(row);
      else {
        pending.push(row);
        if (pending.length >= SNIFF_ROWS) await start();
      }
    }
    if (!detector) await start();
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { rows, anomalies, warnings, metrics };
}

/** The timestamp echoed as read; quoted only if it holds a comma, a quote or a line break. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
