import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateNab } from './detector/nab-eval';
import { evaluateFleetModels } from './fleet/evaluate-fleet';
import { runRealDataEvaluation } from './learned/real-data-cli';
import { parseModelCliArgs } from './model-cli-args';
import { ARTIFACTS_DIR, EVALUATION_SEED, FLEET_ARTIFACTS_DIR, REPO_ROOT } from './model-paths';

/**
 * `npm run evaluate [-- --only simulator,nab-dev,cmapss-fd001,ai4i2020]`: one JSON object per
 * line and per dataset on stdout (progress on stderr), from the committed model artifacts.
 */
async function main(argv: string[]): Promise<void> {
  const args = parseModelCliArgs(argv);
  const print = (report: object) => process.stdout.write(`${JSON.stringify(report)}\n`);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  if (args.only.includes('simulator')) {
    log('evaluating the fleet models on simulated fleets not used for training…');
    const r = await evaluateFleetModels({ artifactsDir: FLEET_ARTIFACTS_DIR, seed: EVALUATION_SEED });
    print({
      dataset: 'simulator',
      precision: r.precision,
      recall: r.recall,
      leadTimeHours: r.leadTimeHours,
      faultModeAccuracy: r.faultModeAccuracy,
      falseAlarmsPerDeviceDay: r.falseAlarmsPerDeviceDay,
      seed: EVALUATION_SEED,
      perType: r.perType,
    });
  }
  if (args.only.includes('nab-dev')) {
    log('scoring the online detector on nab-dev…');
    const nab = path.join(args.sharedDir, 'datasets', 'nab-dev');
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nab-results-'));
    try {
      const r = await evaluateNab({
        dataDir: path.join(nab, 'data'),
        windowsPath: path.join(nab, 'labels', 'windows.json'),
        outDir,
        sharedDir: args.sharedDir,
      });
      print({
        dataset: 'nab-dev',
        standard: r.standard,
        standardFixed: r.standardFixed,
        lowFp: r.lowFp,
        lowFn: r.lowFn,
        optimalThreshold: r.optimalThreshold,
      });
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
  }
  const real = args.only.filter((d) => d === 'cmapss-fd001' || d === 'ai4i2020');
  if (real.length > 0) {
    log(`evaluating ${real.join(', ')}…`);
    const reports = await runRealDataEvaluation({
      datasetsDir: path.join(args.sharedDir, 'datasets'),
      artifactsDir: ARTIFACTS_DIR,
      only: real.length === 1 ? (real[0] === 'cmapss-fd001' ? 'cmapss' : 'ai4i') : undefined,
      plotsDir: path.join(REPO_ROOT, 'docs', 'img'),
    });
    for (const report of reports) print(report);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
