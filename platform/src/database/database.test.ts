/**
 * Medium test. Real: PGlite (in memory) and a real PostgreSQL 15 cluster started on loopback
 * by the test. Both run the same migrations and answer the same SQL the same way. A new embedded
 * database on disk is made by the compiled child-process script, as a first start makes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPostgres, type PostgresServer } from '../../../tests/support/postgres-server';
import { MIGRATIONS, migrate } from './migrations';
import { createDatabaseInChildProcess } from './new-database-process';
import { openDatabase } from './open-database';
import { PgliteClient } from './pglite-client';
import type { SqlClient } from './sql-client';

describe.each(['pglite', 'postgres'] as const)('relational store on %s', (kind) => {
  let server: PostgresServer | undefined;
  let db: SqlClient;

  beforeAll(async () => {
    if (kind === 'postgres') server = await startPostgres();
    db = await openDatabase({ databaseUrl: server?.url });
  });

  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });

  it('applies every migration once and is idempotent on a second run', async () => {
    expect(db.kind).toBe(kind === 'postgres' ? 'postgres' : 'pglite');
    expect(await migrate(db)).toEqual([]);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['alarms', 'dead_letters', 'devices', 'tickets', 'ticket_audit', 'users']),
    );
  });

  it('returns bigint columns and counts as numbers on both engines', async () => {
    await db.query(
      "INSERT INTO devices (id, type, secret_hash, created_at) VALUES ('d1', 'washer', 'h', $1)",
      [1_790_000_000_123],
    );
    const [row] = await db.query<{ created_at: number; n: number }>(
      'SELECT created_at, (SELECT count(*) FROM devices) AS n FROM devices WHERE id = $1',
      ['d1'],
    );
    expect(row).toEqual({ created_at: 1_790_000_000_123, n: 1 });
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(
          "INSERT INTO devices (id, type, secret_hash, created_at) VALUES ('d2', 'washer', 'h', 1)",
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query("SELECT id FROM devices WHERE id = 'd2'")).toEqual([]);
  });

  it('keeps at most one open alarm per device and cause', async () => {
    const insert = (id: string) =>
      db.query(
        "INSERT INTO alarms (id, device_id, cause, severity, state, message, raised_at, updated_at) VALUES ($1, 'd1', 'threshold:x', 'minor', 'active', 'm', 1, 1)",
        [id],
      );
    await insert('a1');
    // The error keeps PostgreSQL's fields (from PGlite's worker too), so callers can tell why.
    await expect(insert('a2')).rejects.toMatchObject({ code: '23505' });
  });

  it('keeps an open transaction from other queries until it commits', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const written = new Promise<void>((resolve) => (inserted = resolve));
    const tx = db.transaction(async (t) => {
      await t.query(
        "INSERT INTO devices (id, type, secret_hash, created_at) VALUES ('d3', 'washer', 'h', 1)",
      );
      inserted();
      await held;
    });
    await written;
    const outside = db.query<{ id: string }>("SELECT id FROM devices WHERE id = 'd3'");
    if (kind === 'postgres') {
      // Another pooled connection runs at once and, read committed, does not see the row yet.
      expect(await outside).toEqual([]);
      release();
      await tx;
    } else {
      // PGlite has one connection: the plain query waits for the transaction, then sees its commit.
      await new Promise((resolve) => setTimeout(resolve, 20));
      release();
      await tx;
      expect(await outside).toEqual([{ id: 'd3' }]);
    }
    expect(await db.query("SELECT id FROM devices WHERE id = 'd3'")).toEqual([{ id: 'd3' }]);
  });
});

describe('embedded PostgreSQL (PGlite) beside the event loop', () => {
  it('keeps timers (MQTT, Socket.IO, HTTP) running while a long query runs', async () => {
    const db = await openDatabase({});
    try {
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 5);
      const [row] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM generate_series(1, 1000000) g WHERE g % 7 = 0',
      );
      clearInterval(timer);
      expect(row.n).toBe(142_857);
      // In the main thread PGlite's WASM would hold the event loop for the whole query.
      expect(ticks).toBeGreaterThan(3);
    } finally {
      await db.close();
    }
  });
});

describe('a new embedded database under DATA_DIR', () => {
  it('is created and migrated in a child process, then opened here with nothing left to migrate', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'new-pglite-'));
    try {
      // npm test builds first: the child runs the compiled script
      expect(await createDatabaseInChildProcess(path.join(dir, 'pglite'))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'pglite', 'PG_VERSION'))).toBe(true);
      const db = await new PgliteClient(path.join(dir, 'pglite')).open();
      try {
        expect(await migrate(db)).toEqual([]);
        const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
        expect(row.n).toBe(MIGRATIONS.length);
      } finally {
        await db.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
