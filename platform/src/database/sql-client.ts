/**
 * The relational store: PostgreSQL in production, PGlite (PostgreSQL in WASM) embedded.
 * Same SQL and same migrations on both; `$1` placeholders.
 */
export interface SqlClient {
  readonly kind: 'postgres' | 'pglite';
  query<T extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export type SqlExecutor = Pick<SqlClient, 'query' | 'exec'>;

export const SQL_CLIENT = Symbol('SQL_CLIENT');
