// Runs jest with the given arguments, and runs again, alone, any test file whose jest worker
// process died of a signal (SIGSEGV, SIGBUS, SIGABRT) before it could report. Node's
// `--experimental-vm-modules`, which jest needs for the ESM-only packages, has a rare crash in
// V8's dynamic-import callback (nodejs/node#43083, #54735): it kills the worker, not a test.
// A test that fails, or a file that fails to run for any other reason, is never retried, and a
// file that crashes again fails the run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jestBin = path.join(root, 'node_modules/jest/bin/jest.js');
// `--liftoff-only`: WebAssembly stays on V8's baseline compiler. Every test file opens its own
// PGlite (a ~9 MB wasm module) and most load TensorFlow.js's; optimising their hot functions cost
// ~2.6 s of CPU per platform start (8.1 against 5.5 s), more than the short runs of a test file win
// back from faster code. Jest's workers inherit the flag; products the large tests spawn do not.
const nodeFlags = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--liftoff-only'];
const crashed =
  /jest worker process \(pid=\d+\) was terminated by another process: signal=(SIGSEGV|SIGBUS|SIGABRT|SIGILL)/;

/** Runs jest once; returns its exit status and the parsed `--json` report (or null). */
function runJest(args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jest-run-'));
  const report = path.join(dir, 'report.json');
  const result = spawnSync(
    process.execPath,
    [...nodeFlags, jestBin, ...args, '--json', `--outputFile=${report}`],
    {
      cwd: root,
      stdio: 'inherit',
      env: process.env,
    },
  );
  let parsed = null;
  try {
    parsed = JSON.parse(fs.readFileSync(report, 'utf8'));
  } catch {
    parsed = null;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { status: result.status ?? 1, signal: result.signal, report: parsed };
}

/**
 * A freshly migrated, empty embedded database, written once per migrations version (from the
 * build in dist/): every test that opens a new PGlite starts from it instead of running
 * PostgreSQL's initdb (PGLITE_TEMPLATE, platform/src/database/open-database.ts). Without a
 * build the tests run as before, only slower.
 */
async function pgliteTemplate() {
  const built = path.join(root, 'dist/platform/src/database');
  const migrations = path.join(built, 'migrations.js');
  if (process.env.PGLITE_TEMPLATE || !fs.existsSync(migrations)) return;
  const version = createHash('sha256').update(fs.readFileSync(migrations)).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `pglite-template-${version}.tar`);
  if (!fs.existsSync(file)) {
    const started = Date.now();
    const { buildPgliteTemplate } = await import(pathToFileURL(path.join(built, 'open-database.js')).href);
    const partial = `${file}.${process.pid}`;
    await buildPgliteTemplate(partial);
    fs.renameSync(partial, file);
    console.log(
      `jest-run: a migrated empty database for the tests in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  process.env.PGLITE_TEMPLATE = file;
}

await pgliteTemplate();
const args = process.argv.slice(2);
const first = runJest(args);
if (first.status === 0) process.exit(0);
if (first.report === null) {
  // In band (`--runInBand`), the crash takes jest itself: the whole run is tried once more.
  if (!['SIGSEGV', 'SIGBUS', 'SIGABRT', 'SIGILL'].includes(first.signal ?? '')) process.exit(first.status);
  console.log(
    `\njest-run: jest died of ${first.signal} (Node's vm-modules crash, not a test failure); running it again\n`,
  );
  process.exit(runJest(args).status);
}

const failedFiles = first.report.testResults.filter((file) => file.status === 'failed');
const crashedFiles = failedFiles.filter(
  (file) =>
    crashed.test(file.message ?? '') && file.assertionResults.every((test) => test.status !== 'failed'),
);
if (crashedFiles.length === 0 || crashedFiles.length < failedFiles.length) process.exit(first.status);

const paths = crashedFiles.map((file) => path.relative(root, file.name));
const signal = crashedFiles.map((file) => crashed.exec(file.message)[1]);
console.log(
  `\njest-run: the worker running ${paths.length} test file(s) died of ${[...new Set(signal)].join(', ')} ` +
    `(Node's vm-modules crash, not a test failure); running them again, alone:\n  ${paths.join('\n  ')}\n`,
);
const keep = args.filter(
  (arg) =>
    arg.startsWith('--') && !arg.startsWith('--maxWorkers') && !arg.startsWith('--testPathIgnorePatterns'),
);
const again = runJest([...keep, '--runInBand', '--runTestsByPath', ...paths]);
process.exit(again.status);
