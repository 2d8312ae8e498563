import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { scoreCsv } from './csv-scoring';

const run = promisify(execFile);

export interface NabEvalOptions {
  /** Folder holding <category>/<file>.csv. */
  dataDir: string;
  windowsPath: string;
  /** Where per-file results are written (same relative paths as the data). */
  outDir: string;
  /** The shared folder holding tools/nab-score.mjs; defaults to ../shared beside the repo. */
  sharedDir?: string;
}

export interface NabEvalResult {
  dataset: string;
  files: number;
  windows: number;
  /** Normalised scores at the corpus-optimal threshold. */
  standard: number;
  lowFp: number;
  lowFn: number;
  /** Normalised scores of the detector's own decisions (is_anomaly). */
  standardFixed: number;
  lowFpFixed: number;
  lowFnFixed: number;
  optimalThreshold: number;
  detections: number;
  rows: number;
  elapsedMs: number;
}

interface ScorerProfile {
  threshold: number;
  score: number;
  fixed?: { score: number };
}

/** The repository root: the nearest folder above this file holding package.json (source or dist). */
function findRepoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && !dir.endsWith(`${path.sep}dist`)) return dir;
  }
  return process.cwd();
}

const repoRoot = findRepoRoot();

/** Runs the online detector over every NAB file (no look-ahead) and scores it with the shared scorer. */
export async function evaluateNab(options: NabEvalOptions): Promise<NabEvalResult> {
  const started = Date.now();
  const sharedDir = options.sharedDir ?? path.resolve(repoRoot, '../shared');
  const scorer = path.join(sharedDir, 'tools', 'nab-score.mjs');
  let rows = 0;
  let detections = 0;
  const files = listCsv(options.dataDir);
  for (const rel of files) {
    const output = path.join(options.outDir, rel);
    fs.mkdirSync(path.dirname(output), { recursive: true });
    const r = await scoreCsv({ input: path.join(options.dataDir, rel), output });
    rows += r.rows;
    detections += r.anomalies;
  }
  const { stdout } = await run(
    process.execPath,
    [scorer, options.dataDir, options.windowsPath, options.outDir, '--fixed'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const parsed = JSON.parse(stdout) as {
    files: number;
    windows: number;
    profiles: Record<string, ScorerProfile>;
  };
  const p = parsed.profiles;
  const round = (x: number | undefined): number => Math.round((x ?? NaN) * 100) / 100;
  return {
    dataset: path.basename(path.resolve(options.dataDir, '..')),
    files: parsed.files,
    windows: parsed.windows,
    standard: round(p.standard.score),
    lowFp: round(p.reward_low_FP_rate.score),
    lowFn: round(p.reward_low_FN_rate.score),
    standardFixed: round(p.standard.fixed?.score),
    lowFpFixed: round(p.reward_low_FP_rate.fixed?.score),
    lowFnFixed: round(p.reward_low_FN_rate.fixed?.score),
    optimalThreshold: p.standard.threshold,
    detections,
    rows,
    elapsedMs: Date.now() - started,
  };
}

function listCsv(dataDir: string): string[] {
  const out: string[] = [];
  for (const cat of fs.readdirSync(dataDir).sort()) {
    const dir = path.join(dataDir, cat);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.csv')) out.push(`${cat}/${f}`);
  }
  return out;
}

if (require.main === module) {
  const nab = path.resolve(repoRoot, '../shared/datasets/nab-dev');
  evaluateNab({
    dataDir: process.argv[2] ?? path.join(nab, 'data'),
    windowsPath: process.argv[3] ?? path.join(nab, 'labels/windows.json'),
    outDir: process.argv[4] ?? path.resolve(repoRoot, 'dist/nab-results'),
  }).then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
