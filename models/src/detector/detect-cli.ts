import { scoreCsv } from './csv-scoring';
import { TelemetryCsvError } from './telemetry-csv';

const USAGE = 'usage: npm run detect -- --input <file.csv> --output <file.csv> [--explain]';

export interface DetectCliArgs {
  input: string;
  output: string;
  explain: boolean;
}

/** Parses the command line; throws TelemetryCsvError with the usage on anything unexpected. */
export function parseDetectArgs(argv: string[]): DetectCliArgs {
  let input: string | undefined;
  let output: string | undefined;
  let explain = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--input') input = argv[++i];
    else if (a === '--output') output = argv[++i];
    else if (a === '--explain') explain = true;
    else throw new TelemetryCsvError(`unknown argument "${a}"\n${USAGE}`);
  }
  if (!input || !output) throw new TelemetryCsvError(`--input and --output are required\n${USAGE}`);
  return { input, output, explain };
}

async function main(): Promise<number> {
  try {
    const args = parseDetectArgs(process.argv.slice(2));
    const started = Date.now();
    const result = await scoreCsv({
      ...args,
      progressEvery: 100_000,
      onProgress: (rows) => process.stderr.write(`detect: ${rows} rows scored\n`),
    });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(
      `detect: ${result.rows} rows, ${result.metrics.length} metrics (${result.metrics.join(', ')}), ` +
        `${result.anomalies} anomalies, ${result.warnings} warnings raised, ${seconds.toFixed(1)} s -> ${args.output}\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof TelemetryCsvError) {
      process.stderr.write(`detect: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`detect: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
