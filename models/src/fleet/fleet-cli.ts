import * as path from 'node:path';
import { evaluateFleetModels } from './evaluate-fleet';
import { trainFleetModels } from './train-fleet';

/**
 * `node dist/models/src/fleet/fleet-cli.js train|evaluate [--artifacts dir] [--seed n] [--quick]`:
 * trains or evaluates the simulated-fleet models and prints the report as JSON on stdout.
 */
async function main(argv: readonly string[]): Promise<void> {
  const [command] = argv;
  const flag = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const artifactsDir = path.resolve(flag('artifacts') ?? 'models/artifacts/fleet');
  if (command === 'train') {
    const report = await trainFleetModels({
      artifactsDir,
      seed: Number(flag('seed') ?? 1001),
      quick: argv.includes('--quick'),
    });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (command === 'evaluate') {
    const report = await evaluateFleetModels({ artifactsDir, seed: Number(flag('seed') ?? 3003) });
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    throw new Error('usage: fleet-cli train|evaluate [--artifacts dir] [--seed n] [--quick]');
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
