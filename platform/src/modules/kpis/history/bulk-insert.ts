import type { SqlExecutor } from '../../../database/sql-client';

/** A column of a bulk insert: its name and its SQL type (as `jsonb_to_recordset` reads it). */
export type BulkColumn = readonly [name: string, type: string];

/**
 * Inserts many rows in one statement: the rows travel as one JSON parameter and are unpacked by
 * `jsonb_to_recordset`, so a batch costs one round trip on PostgreSQL and on PGlite alike (no
 * 65,535-parameter limit, no per-row statements). Rows are objects keyed by column name; jsonb
 * columns take any JSON value. `valuesSql` may replace a column's expression (e.g. a sequence).
 */
export async function insertRows(
  tx: SqlExecutor,
  table: string,
  columns: readonly BulkColumn[],
  rows: readonly object[],
  valuesSql: Record<string, string> = {},
  /** Appended to the statement, e.g. `ON CONFLICT (id) DO NOTHING`. */
  suffix = '',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  const typed = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  const select = names.map((name) => valuesSql[name] ?? `x.${name}`).join(', ');
  await tx.query(
    `INSERT INTO ${table} (${names.join(', ')}) SELECT ${select} FROM jsonb_to_recordset($1::jsonb) AS x(${typed}) ${suffix}`,
    [JSON.stringify(rows)],
  );
}
