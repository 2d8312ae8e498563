import path from 'node:path';
import { parseArgs } from 'node:util';
import { CMAPSS_ARTIFACT } from '../learned/real-data-cli';
import { ARTIFACTS_DIR, DEFAULT_SHARED_DIR, EVALUATION_SEED, FLEET_ARTIFACTS_DIR } from '../model-paths';
import { evaluateCmapssFolds, type CmapssFoldsReport } from './cmapss-folds';
import { evaluateFleetLofo, type FleetLofoReport } from './fleet-lofo';
import { evaluateNabLofo, type NabLofoReport } from './nab-lofo';

export const LOFO_DATASETS = ['nab-dev', 'simulator', 'cmapss-fd001'] as const;
export type LofoDataset = (typeof LOFO_DATASETS)[number];

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** nab-dev: every candidate once over the corpus, then the choice per held-out family. */
export async function nabLofoReport(sharedDir: string): Promise<NabLofoReport> {
  const nab = path.join(sharedDir, 'datasets', 'nab-dev');
  log('leave-one-family-out on nab-dev: one pass of the detector per candidate…');
  return evaluateNabLofo({
    dataDir: path.join(nab, 'data'),
    windowsPath: path.join(nab, 'labels', 'windows.json'),
    onProgress: (done, total, name, ms) =>
      log(`  nab-dev ${done}/${total} ${name} (${(ms / 1000).toFixed(1)} s)`),
  });
}

/** The one-line summary `npm run evaluate` prints for nab-dev's leave-one-family-out. */
export function nabLofoSummary(r: NabLofoReport): object {
  return {
    dataset: 'nab-dev',
    evaluation: 'leave-one-family-out',
    candidates: r.candidates.length,
    perFamily: r.folds.map((f) => ({
      heldOut: f.heldOut,
      chosen: f.chosen,
      heldOutStandardFixed: f.heldOutStandardFixed,
      defaultStandardFixed: f.defaultStandardFixed,
      chosenByThreshold: f.chosenByThreshold,
      heldOutStandardAtOthersThreshold: f.heldOutStandardAtOthersThreshold,
      chosenWholeStandard: f.chosenWholeStandard,
    })),
    pooledHeldOut: r.pooledHeldOut,
    heldOutFixed: r.heldOutFixed,
    heldOutAtOthersThreshold: r.heldOutAtOthersThreshold,
    defaultPerFamilyFixed: r.defaultPerFamilyFixed,
    defaultWhole: r.defaultWhole,
    bestWhole: r.bestWhole,
    proposal: r.proposal,
  };
}

/** Simulator: leave-one-appliance-type-out for the fleet decision rule, on the evaluation fleets. */
export async function fleetLofoReport(): Promise<FleetLofoReport> {
  log('leave-one-type-out on the simulator: scoring a fresh fleet of each appliance type…');
  return evaluateFleetLofo({ artifactsDir: FLEET_ARTIFACTS_DIR, seed: EVALUATION_SEED, onProgress: log });
}

/** C-MAPSS FD001: the committed RUL model's error across 5 folds of test units. */
export async function cmapssFoldsReport(sharedDir: string): Promise<CmapssFoldsReport> {
  log('C-MAPSS FD001: RUL error per fold of test units…');
  return evaluateCmapssFolds({
    modelDir: path.join(ARTIFACTS_DIR, CMAPSS_ARTIFACT),
    datasetDir: path.join(sharedDir, 'datasets', 'cmapss'),
  });
}

/**
 * `node dist/models/src/evaluation/lofo-cli.js [--only nab-dev,simulator,cmapss-fd001] [--shared
 * DIR] [--full] [--plot docs/img/lofo-nab-dev.png]`: one JSON line per dataset on stdout (nab-dev's
 * full report with `--full`), progress on stderr; `--plot` draws nab-dev's figures.
 */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      shared: { type: 'string' },
      full: { type: 'boolean' },
      plot: { type: 'string' },
    },
    allowPositionals: false,
  });
  const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...LOFO_DATASETS];
  for (const name of only) {
    if (!(LOFO_DATASETS as readonly string[]).includes(name)) {
      throw new Error(`--only: unknown dataset "${name}" (one of ${LOFO_DATASETS.join(', ')})`);
    }
  }
  const sharedDir = values.shared ?? DEFAULT_SHARED_DIR;
  const print = (report: object): void => {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  };
  if (only.includes('nab-dev')) {
    const r = await nabLofoReport(sharedDir);
    print(values.full ? r : nabLofoSummary(r));
    if (values.plot) {
      const { nabLofoPng } = await import('./lofo-plot');
      const { writePng } = await import('../learned/plots');
      await writePng(values.plot, await nabLofoPng(r));
      log(`plot written to ${values.plot}`);
    }
  }
  if (only.includes('simulator')) print(await fleetLofoReport());
  if (only.includes('cmapss-fd001')) print(await cmapssFoldsReport(sharedDir));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
