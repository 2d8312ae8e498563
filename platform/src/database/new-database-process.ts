import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations';
import { PgliteClient } from './pglite-client';

/**
 * This file compiled: `dist/platform/src/database/new-database-process.js`. Under jest the source
 * runs as TypeScript, which a child process cannot load.
 */
function compiledScript(): string | undefined {
  const compiled = __filename.endsWith('.js')
    ? __filename
    : path.resolve(
        __dirname,
        '..',
        '..',
        '..',
        'dist',
        'platform',
        'src',
        'database',
        'new-database-process.js',
      );
  return fs.existsSync(compiled) ? compiled : undefined;
}

/**
 * Creates and migrates a new embedded database in `dir` in a short-lived child process. PostgreSQL's
 * initdb and the first migrations grow PGlite's WASM heap to ~650 MB, and neither a WASM heap nor
 * the C heap of a thread that held one gives that memory back to the system; a process that ends
 * does. Resolves false (nothing done) where there is no compiled script to run.
 */
export function createDatabaseInChildProcess(dir: string): Promise<boolean> {
  const script = compiledScript();
  if (!script) return Promise.resolve(false);
  return new Promise<boolean>((resolve, reject) => {
    const child = fork(script, [dir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    let stderr = '';
    child.stderr
      ?.setEncoding('utf8')
      .on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2_000)));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(true);
      else
        reject(
          new Error(`creating the embedded database failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`),
        );
    });
  });
}

async function createAndMigrate(dir: string): Promise<void> {
  const db = await new PgliteClient(dir).open();
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  createAndMigrate(process.argv[2]).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
