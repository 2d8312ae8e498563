import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreatedDevice } from '../../contracts/src';
import { InfluxTelemetryStore } from '../../platform/src/modules/telemetry/influx-telemetry.store';
import { startHaproxy, type HaproxyServer } from '../support/haproxy-server';
import { startInfluxd, type InfluxdServer } from '../support/influxdb-server';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';
import { ProductProcess } from '../support/product-process';
import { apiJson } from '../support/publishing-device';
import { startRedis, type RedisServer } from '../support/redis-server';
import { BenchWorker, log, round, sleep, type ProvisionedDevice } from './bench-support';
import type { PublishResult } from './bench-worker';
import { parseIngestCounters } from './ingest-throughput.bench';

export interface HaproxyIngestRun {
  devices: number;
  messagesPerDevice: number;
  inflightPerDevice: number;
  rounds: number;
}

/**
 * Where the devices connect: `direct` to the first instance's MQTT port; `haproxy-1` through an
 * HAProxy whose only backend is that instance (the proxy's own cost); `haproxy-2` through an
 * HAProxy in front of both instances (what the second instance adds).
 */
export type IngestPath = 'direct' | 'haproxy-1' | 'haproxy-2';

export interface HaproxyIngestPass {
  round: number;
  path: IngestPath;
  sent: number;
  stored: number;
  /** Acknowledged (every PUBACK came back) but not in the store. */
  lost: number;
  deadLettered: number;
  duplicates: number;
  /** First publish until the store holds every reading the instances accepted. */
  durationS: number;
  /** Stored per second over durationS: the figure the paths are compared on. */
  msgPerS: number;
  publishedMsgPerS: number;
  pubackP50Ms: number;
  pubackP99Ms: number;
  /** Readings each instance accepted (its /metrics), first instance first. */
  acceptedByInstance: number[];
  /** Each instance's readings / messages per device: a device stays on the connection it opened. */
  devicesByInstance: number[];
  /** CPU seconds (user + system, every thread) over durationS; haproxy null on the direct path. */
  instanceCpuS: number[];
  haproxyCpuS: number | null;
  generatorCpuS: number;
  /** Both instances' CPU per stored message (the idle one included). */
  platformCpuUsPerMsg: number;
}

export interface HaproxyIngestResult {
  name: 'ingest-haproxy';
  devices: number;
  messagesPerDevice: number;
  inflightPerDevice: number;
  qos: 1;
  instances: 2;
  store: 'influxdb';
  database: 'postgresql';
  /** Every path once per round, the first path rotating; the warm-up round is left out. */
  passes: HaproxyIngestPass[];
  directMsgPerSMedian: number;
  haproxyOneMsgPerSMedian: number;
  haproxyTwoMsgPerSMedian: number;
  /** Medians of the rounds' ratios: haproxy-1 / direct (the proxy), haproxy-2 / haproxy-1 (the second instance), haproxy-2 / direct. */
  proxyRatioMedian: number;
  secondInstanceRatioMedian: number;
  twoBehindProxyVsDirectRatioMedian: number;
  /** Over every pass, the warm-up included. */
  lost: number;
}

const PATHS: readonly IngestPath[] = ['direct', 'haproxy-1', 'haproxy-2'];
const ADMIN = { email: 'admin@example.com', password: 'bench-haproxy-password' };
const STORE_WAIT_TIMEOUT_MS = 180_000;
/** A store count that stops growing for this long while readings are missing is reported, not waited for. */
const STORE_STALL_MS = 10_000;
const POLL_MS = 100;
const PROVISION_CONCURRENCY = 16;

/**
 * Ingest throughput through HAProxy: two built platform processes (`node dist/platform/src/main.js`,
 * as an operator runs them) sharing PostgreSQL, Redis and InfluxDB, each with its own DATA_DIR
 * (its write-ahead log), the product's default settings otherwise. The load is broker-ratio's:
 * one MQTT client per device in a forked worker, QoS 1, a fixed number of messages each kept in
 * flight; it goes each round to one instance directly, through HAProxy to that one instance, and
 * through HAProxy to both. The second instance runs on every path: an idle cluster peer still
 * takes the first one's Socket.IO broadcasts through Redis, so its CPU is counted on every path.
 * Round 0 warms both instances up (JIT, every device's first readings on each) and is not reported.
 */
export async function benchHaproxyIngest(run: HaproxyIngestRun): Promise<HaproxyIngestResult> {
  const dataDirs: string[] = [];
  const instances: ProductProcess[] = [];
  const proxies: HaproxyServer[] = [];
  let postgres: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  let influx: InfluxdServer | undefined;
  let store: InfluxTelemetryStore | undefined;
  const generator = new BenchWorker('load-generator');
  try {
    // One after the other: a failure leaves only handles already assigned to stop.
    postgres = await startPostgres();
    redis = await startRedis();
    influx = await startInfluxd('bench_haproxy');
    const databaseUrl = await createDatabase(postgres.url, 'bench_haproxy');
    // One after the other: the first instance migrates the shared database.
    for (let i = 0; i < 2; i++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-haproxy-'));
      dataDirs.push(dataDir);
      const instance = new ProductProcess({
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        REDIS_URL: redis.url,
        INFLUX_URL: influx.url,
        JWT_SECRET: 'bench-haproxy-shared-signing-key-0123456789',
        SIM_DEVICES: '0',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        // as `npm start` sets it, unless given
        MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      });
      instances.push(instance);
      await instance.start();
      log(`ingest-haproxy: instance p${i} up (pid ${instance.pid})`);
    }
    const backends = instances.map((instance, i) => ({
      name: `p${i}`,
      httpPort: instance.httpPort,
      mqttPort: instance.mqttPort,
    }));
    proxies.push(await startHaproxy(backends.slice(0, 1)));
    proxies.push(await startHaproxy(backends));
    const [proxyToOne, proxyToTwo] = proxies;

    store = new InfluxTelemetryStore({ url: influx.url });
    await store.start();
    log(`ingest-haproxy: provisioning ${run.devices} devices`);
    const devices = await provisionThrough(proxyToTwo.baseUrl, run.devices);
    generator.start();

    const brokerOf: Record<IngestPath, { url: string; haproxy?: HaproxyServer }> = {
      direct: { url: `mqtt://127.0.0.1:${instances[0].mqttPort}` },
      'haproxy-1': { url: `mqtt://127.0.0.1:${proxyToOne.mqttPort}`, haproxy: proxyToOne },
      'haproxy-2': { url: `mqtt://127.0.0.1:${proxyToTwo.mqttPort}`, haproxy: proxyToTwo },
    };
    const passes: HaproxyIngestPass[] = [];
    let lost = 0;
    for (let roundNo = 0; roundNo <= run.rounds; roundNo++) {
      const warmUp = roundNo === 0;
      const messagesPerDevice = warmUp ? Math.min(100, run.messagesPerDevice) : run.messagesPerDevice;
      // A different path first each round: what drifts during a run (the database growing, other
      // work on the machine) does not always fall on the same path.
      const shift = roundNo % PATHS.length;
      for (const ingestPath of [...PATHS.slice(shift), ...PATHS.slice(0, shift)]) {
        const pass = await measurePass({
          roundNo,
          ingestPath,
          broker: brokerOf[ingestPath],
          generator,
          devices,
          instances,
          store,
          run: { ...run, messagesPerDevice },
        });
        lost += pass.lost;
        log(
          `ingest-haproxy: ${warmUp ? 'warm-up' : `round ${roundNo}`} ${ingestPath}: ${JSON.stringify(pass)}`,
        );
        if (!warmUp) passes.push(pass);
      }
      if (warmUp) {
        // Behind HAProxy a device may land on either instance: the second one gets every device
        // here too, so that no counted pass pays for first readings (JIT, a device's cached
        // record and detector state) that the first instance has already had.
        const pass = await measurePass({
          roundNo,
          ingestPath: 'direct',
          broker: { url: `mqtt://127.0.0.1:${instances[1].mqttPort}` },
          generator,
          devices,
          instances,
          store,
          run: { ...run, messagesPerDevice },
        });
        lost += pass.lost;
        log(`ingest-haproxy: warm-up direct to the second instance: ${JSON.stringify(pass)}`);
      }
    }

    const rateOf = (roundNo: number, ingestPath: IngestPath) =>
      passes.find((p) => p.round === roundNo && p.path === ingestPath)?.msgPerS ?? NaN;
    const rounds = Array.from({ length: run.rounds }, (_, i) => i + 1);
    const ratioMedian = (top: IngestPath, bottom: IngestPath) =>
      round(median(rounds.map((r) => rateOf(r, top) / rateOf(r, bottom))), 2);
    const rateMedian = (ingestPath: IngestPath) => median(rounds.map((r) => rateOf(r, ingestPath)));
    return {
      name: 'ingest-haproxy',
      devices: devices.length,
      messagesPerDevice: run.messagesPerDevice,
      inflightPerDevice: run.inflightPerDevice,
      qos: 1,
      instances: 2,
      store: 'influxdb',
      database: 'postgresql',
      passes,
      directMsgPerSMedian: rateMedian('direct'),
      haproxyOneMsgPerSMedian: rateMedian('haproxy-1'),
      haproxyTwoMsgPerSMedian: rateMedian('haproxy-2'),
      proxyRatioMedian: ratioMedian('haproxy-1', 'direct'),
      secondInstanceRatioMedian: ratioMedian('haproxy-2', 'haproxy-1'),
      twoBehindProxyVsDirectRatioMedian: ratioMedian('haproxy-2', 'direct'),
      lost,
    };
  } finally {
    // Only what this bench started, by its handle.
    await generator.stop();
    await store?.stop();
    for (const proxy of proxies) await proxy.stop();
    for (const instance of instances) await instance.stop();
    await influx?.stop();
    await redis?.stop();
    await postgres?.stop();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** One pass of the load on one path: connect, publish, wait until stored, disconnect. */
async function measurePass(pass: {
  roundNo: number;
  ingestPath: IngestPath;
  broker: { url: string; haproxy?: HaproxyServer };
  generator: BenchWorker;
  devices: ProvisionedDevice[];
  instances: ProductProcess[];
  store: InfluxTelemetryStore;
  run: HaproxyIngestRun;
}): Promise<HaproxyIngestPass> {
  const { generator, instances, store, run } = pass;
  await generator.call({ kind: 'connect-mqtt', brokerUrl: pass.broker.url, devices: pass.devices });
  try {
    const countBefore = await store.count();
    const countersBefore = await Promise.all(instances.map((i) => ingestCountersAt(i.baseUrl)));
    const cpuBefore = {
      instances: instances.map((i) => cpuSecondsOf(i.pid)),
      haproxy: cpuSecondsOf(pass.broker.haproxy?.pid),
      generator: cpuSecondsOf(generator.pid),
    };
    const startedMs = performance.now();
    const published = await generator.call<PublishResult>({
      kind: 'publish',
      mode: 'max',
      durationS: 600,
      inflightPerDevice: run.inflightPerDevice,
      messagesPerDevice: run.messagesPerDevice,
    });

    // As benchIngestThroughput: every message accounted for in /metrics (here summed over the
    // instances), then the clock runs until the store holds what they accepted.
    const deadline = Date.now() + STORE_WAIT_TIMEOUT_MS;
    let accepted: number[] = [];
    let dead = 0;
    let duplicates = 0;
    for (;;) {
      const now = await Promise.all(instances.map((i) => ingestCountersAt(i.baseUrl)));
      accepted = now.map((c, i) => c.readings - countersBefore[i].readings);
      dead = now.reduce((sum, c, i) => sum + c.deadLetters - countersBefore[i].deadLetters, 0);
      duplicates = now.reduce((sum, c, i) => sum + c.duplicates - countersBefore[i].duplicates, 0);
      if (sum(accepted) + dead + duplicates >= published.sent) break;
      if (Date.now() > deadline) {
        log(
          `ingest-haproxy: gave up waiting: ${sum(accepted)} readings, ${dead} dead letters of ${published.sent}`,
        );
        break;
      }
      await sleep(POLL_MS);
    }
    let stored = 0;
    let grewAtMs = Date.now();
    for (;;) {
      const count = (await store.count()) - countBefore;
      if (count > stored) grewAtMs = Date.now();
      stored = count;
      if (stored >= sum(accepted)) break;
      if (Date.now() > deadline || Date.now() - grewAtMs > STORE_STALL_MS) {
        log(`ingest-haproxy: gave up waiting: ${stored} stored of ${sum(accepted)} accepted`);
        break;
      }
      await sleep(POLL_MS);
    }
    const durationS = (performance.now() - startedMs) / 1000;
    const cpuAfter = {
      instances: instances.map((i) => cpuSecondsOf(i.pid)),
      haproxy: cpuSecondsOf(pass.broker.haproxy?.pid),
      generator: cpuSecondsOf(generator.pid),
    };
    const used = (after: number | null, before: number | null) =>
      after === null || before === null ? null : round(after - before, 2);
    const instanceCpuS = cpuAfter.instances.map((after, i) => used(after, cpuBefore.instances[i]) ?? NaN);
    return {
      round: pass.roundNo,
      path: pass.ingestPath,
      sent: published.sent,
      stored,
      lost: published.sent - stored,
      deadLettered: dead,
      duplicates,
      durationS: round(durationS, 2),
      msgPerS: Math.round(stored / durationS),
      publishedMsgPerS: Math.round(published.sent / published.publishSeconds),
      pubackP50Ms: published.pubackP50Ms,
      pubackP99Ms: published.pubackP99Ms,
      acceptedByInstance: accepted,
      devicesByInstance: accepted.map((n) => Math.round(n / run.messagesPerDevice)),
      instanceCpuS,
      haproxyCpuS: used(cpuAfter.haproxy, cpuBefore.haproxy),
      generatorCpuS: used(cpuAfter.generator, cpuBefore.generator) ?? NaN,
      platformCpuUsPerMsg: round((sum(instanceCpuS) * 1e6) / Math.max(1, stored)),
    };
  } finally {
    await generator.call({ kind: 'disconnect-mqtt' });
  }
}

/** Washers provisioned through the load balancer's HTTP API, as an operator would. */
async function provisionThrough(baseUrl: string, count: number): Promise<ProvisionedDevice[]> {
  const { accessToken } = await apiJson<{ accessToken: string }>(
    baseUrl,
    'POST',
    '/api/auth/login',
    undefined,
    ADMIN,
  );
  const devices = new Array<ProvisionedDevice>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: PROVISION_CONCURRENCY }, async () => {
      while (next < count) {
        const index = next++;
        const created = await apiJson<CreatedDevice>(baseUrl, 'POST', '/api/devices', accessToken, {
          type: 'washer',
          region: `region-${index % 5}`,
          serial: `BENCH-${index}`,
        });
        devices[index] = { id: created.id, secret: created.secret, type: 'washer' };
      }
    }),
  );
  return devices;
}

/** ingestCounters (ingest-throughput.bench.ts) of a platform process, over HTTP. */
async function ingestCountersAt(
  baseUrl: string,
): Promise<{ readings: number; deadLetters: number; duplicates: number }> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET ${baseUrl}/metrics: ${res.status}`);
  return parseIngestCounters(await res.text());
}

let clockTicksPerS: number | undefined;

/** utime + stime of a process (every thread) from /proc/PID/stat, in seconds; null without a pid. */
function cpuSecondsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  clockTicksPerS ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count the fields after its closing parenthesis,
  // where field 3 (state) comes first, so utime (14) and stime (15) are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerS;
}

const sum = (values: number[]) => values.reduce((total, v) => total + v, 0);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
