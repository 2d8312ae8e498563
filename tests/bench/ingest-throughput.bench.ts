import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { SqlClient } from '../../platform/src/database/sql-client';
import type { TestPlatform } from '../support/platform-fixture';
import { CpuMeter, log, round, sleep, type BenchWorker } from './bench-support';
import type { PublishResult, WorkerRequest } from './bench-worker';

export type IngestRun =
  | { mode: 'paced'; ratePerS: number; durationS: number }
  | { mode: 'max'; durationS: number; inflightPerDevice: number; messagesPerDevice?: number };

export interface IngestThroughputResult {
  name: string;
  backend: 'embedded' | 'influxdb';
  mode: IngestRun['mode'];
  devices: number;
  metricsPerMessage: number;
  qos: 1;
  targetMsgPerS: number | null;
  sent: number;
  stored: number;
  lost: number;
  deadLettered: number;
  duplicates: number;
  /** First publish until every message is stored (platform.settle() resolved). */
  durationS: number;
  achievedMsgPerS: number;
  /** Rate at which the load generator got its messages out. */
  publishedMsgPerS: number;
  pubackP50Ms: number;
  p95PubackMs: number;
  pubackP99Ms: number;
  pubackMaxMs: number;
  platformCpuPct: number;
  /** Platform CPU time per stored message: less sensitive to other load on the machine than rates. */
  platformCpuUsPerMsg: number;
  generatorCpuPct: number;
  rssMb: number;
  heapUsedMb: number;
  /** How late the platform's event loop ran (what a PUBACK waits behind). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Relational queries during the run (PGlite runs them on the event loop): count, total and longest. */
  dbQueries: number;
  dbQueryTotalMs: number;
  dbQueryMaxMs: number;
  /** INGEST_WAL: whether a PUBACK waited for the write-ahead log's fsync. */
  wal: boolean;
  /** fsyncs the log made during the run, and how many messages one covered (group commit). */
  walSyncs: number | null;
  walMeanGroup: number | null;
  /** The largest group since the platform started. */
  walLargestGroup: number | null;
}

const STORE_WAIT_TIMEOUT_MS = 180_000;
const POLL_MS = 100;

/**
 * Publishes telemetry from the load-generator process (already connected with one MQTT client per
 * device) into a running platform and measures how fast and how completely it is stored: the
 * clock stops once /metrics has accounted for every message and the ingest batches are flushed.
 */
export async function benchIngestThroughput(
  name: string,
  platform: TestPlatform,
  generator: BenchWorker,
  devices: number,
  run: IngestRun,
): Promise<IngestThroughputResult> {
  const store = platform.platform.core.store;
  const countBefore = await store.count();
  const wal = platform.platform.ingestWal;
  const walBefore = wal ? { ...wal.stats } : undefined;
  const before = await ingestCounters(platform);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const dbTimer = new QueryTimer(platform.platform.core.db);
  loopDelay.enable();
  const cpu = new CpuMeter();
  const startedMs = performance.now();
  const request: WorkerRequest =
    run.mode === 'paced'
      ? { kind: 'publish', mode: 'paced', ratePerS: run.ratePerS, durationS: run.durationS }
      : {
          kind: 'publish',
          mode: 'max',
          durationS: run.durationS,
          inflightPerDevice: run.inflightPerDevice,
          messagesPerDevice: run.messagesPerDevice,
        };
  log(`${name}: publishing (${JSON.stringify(run)})`);
  const published = await generator.call<PublishResult>(request);
  log(
    `${name}: ${published.sent} sent in ${published.publishSeconds} s, waiting until all are accounted for`,
  );

  let readings = 0;
  let dead = 0;
  let duplicates = 0;
  const deadline = Date.now() + STORE_WAIT_TIMEOUT_MS;
  for (;;) {
    const now = await ingestCounters(platform);
    readings = now.readings - before.readings;
    dead = now.deadLetters - before.deadLetters;
    duplicates = now.duplicates - before.duplicates;
    if (readings + dead + duplicates >= published.sent) break;
    if (Date.now() > deadline) {
      log(`${name}: gave up waiting: ${readings} readings, ${dead} dead letters of ${published.sent}`);
      break;
    }
    await sleep(POLL_MS);
  }
  await platform.platform.settle();
  const durationS = (performance.now() - startedMs) / 1000;
  const platformCpuPct = cpu.percent();
  const platformCpuUs = cpu.usedUs();
  loopDelay.disable();
  dbTimer.restore();
  const stored = (await store.count()) - countBefore;
  const walSyncs = wal && walBefore ? wal.stats.syncs - walBefore.syncs : null;
  const walAppended = wal && walBefore ? wal.stats.appended - walBefore.appended : 0;
  const memory = process.memoryUsage();
  return {
    name,
    backend: store.backend,
    mode: run.mode,
    devices,
    metricsPerMessage: 5,
    qos: 1,
    targetMsgPerS: run.mode === 'paced' ? run.ratePerS : null,
    sent: published.sent,
    stored,
    lost: published.sent - stored,
    deadLettered: dead,
    duplicates,
    durationS: round(durationS, 2),
    achievedMsgPerS: Math.round(stored / durationS),
    publishedMsgPerS: Math.round(published.sent / published.publishSeconds),
    pubackP50Ms: published.pubackP50Ms,
    p95PubackMs: published.pubackP95Ms,
    pubackP99Ms: published.pubackP99Ms,
    pubackMaxMs: published.pubackMaxMs,
    platformCpuPct: Math.round(platformCpuPct),
    platformCpuUsPerMsg: round(platformCpuUs / Math.max(1, stored)),
    generatorCpuPct: published.generatorCpuPct,
    rssMb: Math.round(memory.rss / 1e6),
    heapUsedMb: Math.round(memory.heapUsed / 1e6),
    eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
    eventLoopDelayMaxMs: round(loopDelay.max / 1e6),
    dbQueries: dbTimer.count,
    dbQueryTotalMs: Math.round(dbTimer.totalMs),
    dbQueryMaxMs: Math.round(dbTimer.maxMs),
    wal: wal !== undefined,
    walSyncs,
    walMeanGroup: walSyncs ? round(walAppended / walSyncs, 1) : null,
    walLargestGroup: wal ? wal.stats.largestGroup : null,
  };
}

/**
 * Times every query of the platform's SqlClient while installed, by wrapping the instance's
 * query method (a measurement hook only: the platform code is not changed).
 */
export class QueryTimer {
  count = 0;
  totalMs = 0;
  maxMs = 0;
  private readonly original: SqlClient['query'];

  constructor(private readonly db: SqlClient) {
    this.original = db.query;
    db.query = async <T extends object>(sql: string, params?: unknown[]): Promise<T[]> => {
      const started = performance.now();
      try {
        return (await this.original.call(db, sql, params)) as T[];
      } finally {
        const ms = performance.now() - started;
        this.count++;
        this.totalMs += ms;
        this.maxMs = Math.max(this.maxMs, ms);
      }
    };
  }

  restore(): void {
    this.db.query = this.original;
  }
}

/** One /metrics scrape: accepted readings, dead letters (all reasons) and duplicates so far. */
export async function ingestCounters(
  platform: TestPlatform,
): Promise<{ readings: number; deadLetters: number; duplicates: number }> {
  return parseIngestCounters((await platform.http('GET', '/metrics')).text);
}

/** The ingest counters in a /metrics text (Prometheus exposition format). */
export function parseIngestCounters(metrics: string): {
  readings: number;
  deadLetters: number;
  duplicates: number;
} {
  const counters = { readings: 0, deadLetters: 0, duplicates: 0 };
  for (const line of metrics.split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('telemetry_readings_total ')) counters.readings = value;
    else if (line.startsWith('telemetry_duplicates_total ')) counters.duplicates = value;
    else if (line.startsWith('telemetry_dead_letters_total{')) counters.deadLetters += value;
  }
  return counters;
}
