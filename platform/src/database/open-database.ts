import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations';
import { createDatabaseInChildProcess } from './new-database-process';
import { PgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';

/**
 * Test runs only: a file from buildPgliteTemplate() that a NEW embedded database starts from
 * instead of PostgreSQL's initdb (9 of every 11 s of opening one on this machine). `npm test`
 * makes one per run (scripts/jest-run.mjs); migrations still run after, so a template older
 * than the code only costs the missing ones. An existing database is never touched by it.
 */
const PGLITE_TEMPLATE = 'PGLITE_TEMPLATE';

/** PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR; migrated before use. */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<SqlClient> {
  const template = process.env[PGLITE_TEMPLATE] || undefined;
  const pgliteDir = options.dataDir ? path.join(options.dataDir, 'pglite') : undefined;
  // A new embedded database's initdb and first migrations grow PGlite's WASM heap to ~650 MB, and a
  // WASM heap never shrinks, nor does the C heap of the worker thread that held it: the first start
  // creates it in a short-lived child process, or (no compiled script) reopens it afterwards in a
  // fresh worker (~2 s). Measured (npm run bench -- --only start-memory): first start 950 -> ~500 MB
  // of RSS with the reopening, about a later start's with the child process. Test runs (a template,
  // no initdb) skip both.
  const newEmbedded =
    !options.databaseUrl &&
    pgliteDir !== undefined &&
    !template &&
    !fs.existsSync(path.join(pgliteDir, 'PG_VERSION'));
  const reopenAfterMigrating = newEmbedded && !(await createDatabaseInChildProcess(pgliteDir));
  let db: SqlClient = options.databaseUrl
    ? await new (await import('./pg-client')).PgClient(options.databaseUrl).open() // pg loads only where used
    : await new PgliteClient(pgliteDir, template).open();
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  if (reopenAfterMigrating) {
    await db.close();
    db = await new PgliteClient(pgliteDir).open();
  }
  return db;
}

/** Writes a freshly migrated, empty embedded database to `file`, for PGLITE_TEMPLATE. */
export async function buildPgliteTemplate(file: string): Promise<void> {
  const db = await new PgliteClient().open();
  try {
    await migrate(db);
    await db.dumpTo(file);
  } finally {
    await db.close();
  }
}
