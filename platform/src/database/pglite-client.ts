import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from './sql-client';

/** Embedded PostgreSQL; `dataDir` undefined keeps it in memory (tests). */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private db?: PGlite;

  constructor(private readonly dataDir?: string) {}

  async open(): Promise<this> {
    if (this.dataDir) fs.mkdirSync(this.dataDir, { recursive: true });
    this.db = await PGlite.create(this.dataDir);
    return this;
  }

  private get handle(): PGlite {
    if (!this.db) throw new Error('PGlite is not open');
    return this.db;
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.handle.query<T>(sql, params);
    return result.rows;
  }

  async exec(sql: string): Promise<void> {
    await this.handle.exec(sql);
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.handle.transaction(async (tx) =>
      work({
        query: async <R extends object>(sql: string, params: unknown[] = []) =>
          (await tx.query<R>(sql, params)).rows,
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  async close(): Promise<void> {
    if (this.db && !this.db.closed) await this.db.close();
  }
}
