import path from 'node:path';
import { migrate } from './migrations';
import { PgClient } from './pg-client';
import { PgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';

/** PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR; migrated before use. */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<SqlClient> {
  const db: SqlClient = options.databaseUrl
    ? await new PgClient(options.databaseUrl).open()
    : await new PgliteClient(options.dataDir ? path.join(options.dataDir, 'pglite') : undefined).open();
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
