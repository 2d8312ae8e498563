import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { SqlClient, SqlExecutor } from './sql-client';

/** What the worker answers to one request. */
type Reply =
  | { id: number; ok: true; rows?: unknown[] }
  | { id: number; ok: false; error: { message: string; fields: Record<string, unknown> } };

/** Requests the main thread sends; `txId` runs a statement inside that open transaction. */
type Request =
  | { id: number; op: 'open'; dataDir?: string; template?: string }
  | { id: number; op: 'dump'; file: string }
  | { id: number; op: 'query'; sql: string; params: unknown[]; txId?: number }
  | { id: number; op: 'exec'; sql: string; txId?: number }
  | { id: number; op: 'begin'; txId: number }
  | { id: number; op: 'end'; txId: number; commit: boolean }
  | { id: number; op: 'close' };

/**
 * The worker's program, evaluated in a `worker_threads` worker. It is a string rather than a
 * file of its own so that the same code runs from `dist/` and under jest (which would hand a
 * worker a `.ts` file it cannot load). Transactions use PGlite's own `transaction()`, whose lock
 * makes plain queries wait until the transaction ends, as on a PostgreSQL connection.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { PGlite } = require(workerData.pgliteModule);
let db;
const txs = new Map();
const ERROR_FIELDS = ['code', 'detail', 'hint', 'constraint', 'table', 'column', 'schema', 'severity', 'position'];
function fail(id, error) {
  const fields = {};
  for (const key of ERROR_FIELDS) if (error && error[key] !== undefined) fields[key] = error[key];
  parentPort.postMessage({ id, ok: false, error: { message: String((error && error.message) || error), fields } });
}
function target(txId) {
  if (txId === undefined) return db;
  const tx = txs.get(txId);
  if (!tx) throw new Error('transaction ' + txId + ' is not open');
  return tx.tx;
}
parentPort.on('message', async (req) => {
  try {
    switch (req.op) {
      case 'open': {
        // A template (a dump of a migrated empty database) spares a new database PostgreSQL's
        // initdb, the slowest part of opening one; an existing database is opened as it is.
        const fresh = !req.dataDir || !fs.existsSync(req.dataDir + '/PG_VERSION');
        const options = req.template && fresh ? { loadDataDir: new Blob([fs.readFileSync(req.template)]) } : {};
        // PostgreSQL's default 128 MB of shared buffers live in the WASM heap, which never shrinks:
        // 32 MB keeps an embedded database's RSS ~110 MB smaller and its queries as fast (16 MB made the
        // KPI history tests ~20 % slower); the OS caches its files anyway.
        options.startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];
        db = req.dataDir ? await PGlite.create(req.dataDir, options) : await PGlite.create(options);
        return parentPort.postMessage({ id: req.id, ok: true });
      }
      case 'dump': {
        const dump = await db.dumpDataDir('none');
        fs.writeFileSync(req.file, Buffer.from(await dump.arrayBuffer()));
        return parentPort.postMessage({ id: req.id, ok: true });
      }
      case 'query': {
        const result = await target(req.txId).query(req.sql, req.params);
        return parentPort.postMessage({ id: req.id, ok: true, rows: result.rows });
      }
      case 'exec':
        await target(req.txId).exec(req.sql);
        return parentPort.postMessage({ id: req.id, ok: true });
      case 'begin':
        db.transaction((tx) => new Promise((resolve, reject) => {
          txs.set(req.txId, { tx, resolve, reject });
          parentPort.postMessage({ id: req.id, ok: true });
        })).then(
          () => { const t = txs.get(req.txId); txs.delete(req.txId); parentPort.postMessage({ id: t.endId, ok: true }); },
          (error) => { const t = txs.get(req.txId); txs.delete(req.txId); if (t.endId === undefined) return; if (t.rollingBack) parentPort.postMessage({ id: t.endId, ok: true }); else fail(t.endId, error); },
        );
        return;
      case 'end': {
        const tx = txs.get(req.txId);
        if (!tx) throw new Error('transaction ' + req.txId + ' is not open');
        tx.endId = req.id;
        if (req.commit) tx.resolve();
        else { tx.rollingBack = true; tx.reject(new Error('rollback')); }
        return;
      }
      case 'close':
        if (db && !db.closed) await db.close();
        return parentPort.postMessage({ id: req.id, ok: true });
    }
  } catch (error) {
    fail(req.id, error);
  }
});
`;

/**
 * Embedded PostgreSQL (PGlite, PostgreSQL compiled to WASM), run in a worker thread.
 * In the main thread, PGlite's synchronous WASM calls and file writes stalled the event loop
 * (a twin flush of 1,000 rows held MQTT, Socket.IO and HTTP for up to 300 ms); in a worker they
 * run beside it, on the other core. `dataDir` undefined keeps the database in memory (tests).
 */
export class PgliteClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private worker?: Worker;
  private nextId = 1;
  private nextTxId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (rows: unknown[]) => void; reject: (e: Error) => void }
  >();
  private failure?: Error;

  /**
   * `template`: a file written by dumpTo() from a freshly migrated database; a new database starts
   * as a copy of it instead of running initdb (the test runs make one per run, see
   * PGLITE_TEMPLATE in open-database.ts).
   */
  constructor(
    private readonly dataDir?: string,
    private readonly template?: string,
  ) {}

  async open(): Promise<this> {
    if (this.dataDir) fs.mkdirSync(this.dataDir, { recursive: true });
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pgliteModule: require.resolve('@electric-sql/pglite') },
    });
    this.worker = worker;
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (error) => this.abort(error));
    worker.on('exit', (code) => this.abort(new Error(`PGlite worker exited (code ${code})`)));
    try {
      await this.send({ op: 'open', dataDir: this.dataDir, template: this.template });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return this;
  }

  async query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.send({ op: 'query', sql, params })) as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.send({ op: 'exec', sql });
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const txId = this.nextTxId++;
    await this.send({ op: 'begin', txId });
    let result: T;
    try {
      result = await work({
        query: async <R extends object>(sql: string, params: unknown[] = []) =>
          (await this.send({ op: 'query', sql, params, txId })) as R[],
        exec: async (sql: string) => {
          await this.send({ op: 'exec', sql, txId });
        },
      });
    } catch (error) {
      await this.send({ op: 'end', txId, commit: false });
      throw error;
    }
    await this.send({ op: 'end', txId, commit: true });
    return result;
  }

  /** Writes the whole database to `file` (an uncompressed tar), to start new ones from. */
  async dumpTo(file: string): Promise<void> {
    await this.send({ op: 'dump', file });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.failure) return;
    await this.send({ op: 'close' });
    this.failure = new Error('PGlite is closed');
    await worker.terminate();
  }

  private send(request: DistributiveOmit<Request, 'id'>): Promise<unknown[]> {
    if (!this.worker) return Promise.reject(new Error('PGlite is not open'));
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<unknown[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker!.postMessage({ ...request, id });
    });
  }

  private settle(reply: Reply): void {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply.rows ?? []);
    else waiter.reject(Object.assign(new Error(reply.error.message), reply.error.fields));
  }

  private abort(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
