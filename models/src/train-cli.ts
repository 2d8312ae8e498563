import path from 'node:path';
import { trainFleetModels } from './fleet/train-fleet';
import { runRealDataTraining } from './learned/real-data-cli';
import { parseModelCliArgs } from './model-cli-args';
import { ARTIFACTS_DIR, FLEET_ARTIFACTS_DIR, TRAINING_SEED } from './model-paths';

/**
 * `npm run train [-- --only simulator,cmapss-fd001,ai4i2020]`: trains every model with fixed
 * seeds (progress on stderr) and saves it under models/artifacts in the TensorFlow.js format
 * with its metadata; prints one JSON summary line per model on stdout.
 */
async function main(argv: string[]): Promise<void> {
  const args = parseModelCliArgs(argv);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const print = (report: object) => process.stdout.write(`${JSON.stringify(report)}\n`);
  if (args.only.includes('simulator')) {
    const report = await trainFleetModels({ artifactsDir: FLEET_ARTIFACTS_DIR, seed: TRAINING_SEED, log });
    print({ dataset: 'simulator', artifactsDir: FLEET_ARTIFACTS_DIR, report });
  }
  const real = args.only.filter((d) => d === 'cmapss-fd001' || d === 'ai4i2020');
  if (real.length > 0) {
    const reports = await runRealDataTraining({
      datasetsDir: path.join(args.sharedDir, 'datasets'),
      artifactsDir: ARTIFACTS_DIR,
      only: real.length === 1 ? (real[0] === 'cmapss-fd001' ? 'cmapss' : 'ai4i') : undefined,
      log,
    });
    for (const report of reports) print(report);
  }
  if (args.only.includes('nab-dev')) log('nab-dev: the online detector needs no training');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
