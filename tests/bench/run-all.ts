/**
 * `npm run bench`: every benchmark in turn, one JSON object per benchmark on stdout, progress
 * on stderr. The platform runs in this process; load generators, the Socket.IO listener and
 * the simulated fleet run in forked worker processes (bench-worker.ts) so they never share its
 * event loop. Every server started here (platform, influxd, workers) is stopped before exit.
 *
 * Options: `--only a,b` runs the benchmarks whose name starts with one of the prefixes (the
 * 30-minute `soak` runs only when named);
 * `--quick` shortens every timed run (a smoke test of the harness, not figures to quote);
 * `--cpu-prof-dir DIR` writes a CPU profile of the platform process per timed run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../platform/src/common/logging/logger';
import { openTelemetryStore } from '../../platform/src/modules/telemetry/open-telemetry-store';
import { startInfluxd, type InfluxdServer } from '../support/influxdb-server';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { BenchWorker, log, machineFields, provisionDevices, withCpuProfile } from './bench-support';
import { benchDeviceMemory } from './device-memory.bench';
import { benchIngestThroughput } from './ingest-throughput.bench';
import { benchSocketLatency } from './socket-latency.bench';
import { benchDispatch } from './dispatch.bench';
import { benchDetector } from '../../models/src/detector/detector.bench';
import { benchAlarmLatency } from './alarm-latency.bench';
import { benchGateway } from './gateway.bench';
import { benchDiagnostics } from './diagnostics.bench';
import { benchTelemetryStore } from './telemetry-store.bench';
import { benchScheduledJobs } from './scheduled-jobs.bench';
import { benchNotifications } from './notifications.bench';
import { benchCareResponse } from './care-response.bench';
import { benchLoyaltyRedemption } from './loyalty-redemption.bench';
import { benchSentiment } from './sentiment.bench';
import { benchKpiBoards } from './kpi-boards.bench';
import { benchMonthlyReport } from './monthly-report.bench';
import { benchStartMemory } from './start-memory.bench';
import { benchBrokerRatio } from './broker-ratio.bench';
import { benchHaproxyIngest } from './haproxy-ingest.bench';
import { benchDetectorState } from './detector-state.bench';
import { benchDetectorParking } from './detector-parking.bench';
import { benchSoak } from './soak.bench';
import { APPLIANCE_TYPES, type ApplianceType } from '../../contracts/src';
import { createDatabase, startPostgres } from '../support/postgres-server';

interface Plan {
  only: string[];
  quick: boolean;
  cpuProfileDir?: string;
}

const INGEST_DEVICES = 1_000;
// Paced a little above the 10,000 msg/s goal so that the end-to-end rate (drain included) can show it is met.
const INGEST_TARGET_MSG_PER_S = 11_000;
const LATENCY_DEVICES = 200;
const LATENCY_MSG_PER_S = 2_000;
const MEMORY_DEVICES = 2_000;

function parseArgs(argv: string[]): Plan {
  const plan: Plan = { only: [], quick: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') plan.only = (argv[++i] ?? '').split(',').filter((s) => s.length > 0);
    else if (argv[i] === '--quick') plan.quick = true;
    else if (argv[i] === '--cpu-prof-dir') plan.cpuProfileDir = argv[++i];
    else throw new Error(`unknown argument ${argv[i]} (use --only a,b, --quick, --cpu-prof-dir DIR)`);
  }
  return plan;
}

function emit(result: object): void {
  process.stdout.write(JSON.stringify({ ...result, ...machineFields() }) + '\n');
}

async function benchStore(
  backend: 'embedded' | 'influxdb',
  influx: () => Promise<InfluxdServer>,
  quick: boolean,
) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-store-'));
  const influxUrl =
    backend === 'influxdb' ? (await influx()).url.replace(/\/[^/]+$/, '/bench_store') : undefined;
  const store = await openTelemetryStore({ influxUrl, dataDir, logger: createLogger('silent') });
  try {
    log(`telemetry-store-write-${backend}`);
    emit(
      await benchTelemetryStore(store, {
        devices: INGEST_DEVICES,
        messages: quick ? 20_000 : 200_000,
        metricsPerMessage: 5,
      }),
    );
  } finally {
    await store.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Product settings a bench run may be given from its own environment, e.g. `DETECTION_THREAD=main npm run bench`. */
const PASSED_THROUGH = [
  'INGEST_WAL',
  'DETECTION_THREAD',
  'MEMORY_TRIM_INTERVAL_MS',
  'DETECTOR_PAGED_PROFILES',
  'DETECTOR_PARK_AFTER_MS',
] as const;

async function withPlatform(env: Record<string, string>, body: (p: TestPlatform) => Promise<void>) {
  const given = Object.fromEntries(
    PASSED_THROUGH.flatMap((key) => (process.env[key] ? [[key, process.env[key]]] : [])),
  );
  const platform = await startTestPlatform({ ...given, ...env });
  try {
    await body(platform);
  } finally {
    await platform.stop();
  }
}

async function withWorker(name: string, execArgv: string[], body: (w: BenchWorker) => Promise<void>) {
  const worker = new BenchWorker(name);
  worker.start(execArgv);
  try {
    await body(worker);
  } finally {
    await worker.stop();
  }
}

/** `suffix` names a variant, e.g. `-no-wal` for INGEST_WAL=false (PUBACK before the log's fsync). */
async function benchIngest(
  backend: 'embedded' | 'influxdb',
  env: Record<string, string>,
  plan: Plan,
  suffix = '',
) {
  await withPlatform(env, async (platform) => {
    log(`ingest ${backend}: provisioning ${INGEST_DEVICES} devices`);
    const devices = await provisionDevices(platform, new Array(INGEST_DEVICES).fill('washer'));
    await withWorker('load-generator', [], async (generator) => {
      const connected = await generator.call<{ seconds: number }>({
        kind: 'connect-mqtt',
        brokerUrl: platform.mqttUrl,
        devices,
      });
      log(`ingest ${backend}: ${INGEST_DEVICES} MQTT clients connected in ${connected.seconds} s`);
      const paced = `ingest-throughput-${backend}${suffix}`;
      emit(
        await withCpuProfile(plan.cpuProfileDir, paced, () =>
          benchIngestThroughput(paced, platform, generator, devices.length, {
            mode: 'paced',
            ratePerS: INGEST_TARGET_MSG_PER_S,
            durationS: plan.quick ? 3 : 20,
          }),
        ),
      );
      const max = `ingest-max-throughput-${backend}${suffix}`;
      emit(
        await withCpuProfile(plan.cpuProfileDir, max, () =>
          benchIngestThroughput(max, platform, generator, devices.length, {
            mode: 'max',
            durationS: plan.quick ? 3 : 10,
            inflightPerDevice: 4,
          }),
        ),
      );
    });
  });
}

const SOAK_DEVICES = 10_000;
const SOAK_ALARM_DEVICES = 100;

/**
 * The soak: a fleet spread over the five appliance types, each at its own report interval, for
 * 30 min, while 100 more washers publish paced windows with error events (publish → alarm) and
 * the platform's memory is sampled every 30 s. `--quick`: 1,000 devices for 90 s.
 */
async function benchSoakRun(plan: Plan, influxUrl?: string) {
  // SOAK_DEVICES and SOAK_DURATION_S shorten an investigation run; the figures quoted use the defaults
  const devices = Number(process.env.SOAK_DEVICES) || (plan.quick ? 1_000 : SOAK_DEVICES);
  const env: Record<string, string> = { TELEMETRY_PUSH_INTERVAL_MS: '1000' };
  if (influxUrl) env.INFLUX_URL = influxUrl;
  // The fleet's past first (SOAK_HISTORY_HOURS, 0 for none): 9 hours, a reading every 2 minutes of
  // it, played back in 12 minutes (a sixth of that with --quick), then 3 minutes to settle: the
  // measured half hour is then a fleet in service, past its detectors' and fault models' warm-up.
  const historyHours = Number(process.env.SOAK_HISTORY_HOURS ?? 9);
  const replayS = plan.quick ? 120 : 720;
  const history =
    historyHours > 0
      ? {
          ms: historyHours * 3_600_000,
          replayMs: replayS * 1000,
          intervalMs: 120_000,
          settleS: plan.quick ? 30 : 180,
        }
      : undefined;
  const historyS = history ? replayS + history.settleS : 0;
  await withPlatform(env, async (platform) => {
    log(`soak: provisioning ${devices} + ${SOAK_ALARM_DEVICES} devices`);
    // one call, so the serials (BENCH-<index>) never repeat
    const provisioned = await provisionDevices(platform, [
      ...Array.from({ length: devices }, (_, i) => APPLIANCE_TYPES[i % APPLIANCE_TYPES.length]),
      ...new Array<ApplianceType>(SOAK_ALARM_DEVICES).fill('washer'),
    ]);
    await withWorker('fleet', ['--expose-gc'], (fleet) =>
      withWorker('load-generator', [], (generator) =>
        withWorker('socket-listener', [], async (listener) => {
          emit({
            ...(await benchSoak(
              platform,
              { fleet, generator, listener },
              provisioned.slice(0, devices),
              provisioned.slice(devices),
              {
                durationS: (Number(process.env.SOAK_DURATION_S) || (plan.quick ? 90 : 1_800)) + historyS,
                sampleEveryS: plan.quick ? 10 : 30,
                connectRatePerS: 1_000,
                alarmRatePerS: 100,
                alarmWindowS: plan.quick ? 20 : 60,
                alarmGapS: plan.quick ? 10 : 60,
                eventEvery: 50,
                history,
                alignReports: process.env.SOAK_ALIGNED === '1',
              },
            )),
            store: influxUrl ? 'influxdb' : 'embedded',
          });
        }),
      ),
    );
  });
}

/** The comparison: 100 devices x 500 messages, QoS 1, mosquitto then the platform, 3 rounds. */
async function benchAgainstMosquitto(plan: Plan) {
  await withPlatform({}, async (platform) => {
    const devices = await provisionDevices(platform, new Array(100).fill('washer'));
    await withWorker('load-generator', [], async (generator) => {
      emit(
        await withCpuProfile(plan.cpuProfileDir, 'ingest-vs-mosquitto', () =>
          benchBrokerRatio(platform, generator, devices, {
            devices: devices.length,
            messagesPerDevice: plan.quick ? 100 : 500,
            inflightPerDevice: 4,
            rounds: plan.quick ? 1 : 3,
          }),
        ),
      );
    });
  });
}

async function benchLatency(plan: Plan) {
  // TELEMETRY_PUSH_INTERVAL_MS=0: every reading is pushed (10 msg/s per device would otherwise
  // be merged to one push per second by the per-device throttle).
  await withPlatform({ TELEMETRY_PUSH_INTERVAL_MS: '0' }, async (platform) => {
    const devices = await provisionDevices(platform, new Array(LATENCY_DEVICES).fill('washer'));
    await withWorker('load-generator', [], (generator) =>
      withWorker('socket-listener', [], async (listener) => {
        await generator.call({ kind: 'connect-mqtt', brokerUrl: platform.mqttUrl, devices });
        emit(
          await withCpuProfile(plan.cpuProfileDir, 'socket-latency', () =>
            benchSocketLatency('socket-latency', platform, generator, listener, devices, {
              ratePerS: LATENCY_MSG_PER_S,
              durationS: plan.quick ? 3 : 20,
            }),
          ),
        );
      }),
    );
  });
}

async function benchAlarms(plan: Plan) {
  await withPlatform({}, async (platform) => {
    const devices = await provisionDevices(platform, new Array(INGEST_DEVICES).fill('washer'));
    await withWorker('load-generator', [], (generator) =>
      withWorker('socket-listener', [], async (listener) => {
        await generator.call({ kind: 'connect-mqtt', brokerUrl: platform.mqttUrl, devices });
        emit(
          await withCpuProfile(plan.cpuProfileDir, 'alarm-latency', () =>
            benchAlarmLatency(platform, generator, listener, {
              ratePerS: 5_000,
              durationS: plan.quick ? 3 : 20,
              eventEvery: 100,
              devices: devices.length,
            }),
          ),
        );
      }),
    );
  });
}

/** Device memory, then (same platform, same devices) latency at 2,000 devices × 1 msg/s with the default throttle. */
async function benchMemoryAndThrottledLatency(plan: Plan, want: (name: string) => boolean) {
  await withPlatform({ TELEMETRY_PUSH_INTERVAL_MS: '1000' }, async (platform) => {
    log(`device-memory: provisioning ${MEMORY_DEVICES} devices`);
    const devices = await provisionDevices(platform, new Array(MEMORY_DEVICES).fill('washer'));
    if (want('device-memory')) {
      await withWorker('fleet', ['--expose-gc'], async (fleet) => {
        emit(await benchDeviceMemory(platform, fleet, devices, plan.quick ? 3_000 : 15_000));
      });
    }
    if (want('socket-latency-throttled')) {
      await withWorker('load-generator', [], (generator) =>
        withWorker('socket-listener', [], async (listener) => {
          await generator.call({ kind: 'connect-mqtt', brokerUrl: platform.mqttUrl, devices });
          emit(
            await withCpuProfile(plan.cpuProfileDir, 'socket-latency-throttled', () =>
              benchSocketLatency('socket-latency-throttled', platform, generator, listener, devices, {
                ratePerS: LATENCY_MSG_PER_S,
                durationS: plan.quick ? 3 : 20,
              }),
            ),
          );
        }),
      );
    }
  });
}

/** Request to first response on the demo: fleet and customers in two workers. */
async function benchCare(plan: Plan) {
  await withPlatform({}, (platform) =>
    withWorker('fleet', [], (fleet) =>
      withWorker('customers', [], async (customers) => {
        emit(
          await withCpuProfile(plan.cpuProfileDir, 'care-response', () =>
            benchCareResponse(platform, fleet, customers, {
              devices: plan.quick ? 10 : 60,
              requests: plan.quick ? 5 : 50,
              concurrency: 5,
              warmupMs: plan.quick ? 3_000 : 15_000,
              timeScale: 7_200,
            }),
          ),
        );
      }),
    ),
  );
}

/** Coupons and points redeemed under concurrency, on the embedded PGlite and on PostgreSQL 15. */
async function benchRedemption(database: 'pglite' | 'postgres', plan: Plan) {
  const postgres = database === 'postgres' ? await startPostgres() : undefined;
  try {
    const env: Record<string, string> = postgres
      ? { DATABASE_URL: await createDatabase(postgres.url, 'bench_loyalty') }
      : {};
    await withPlatform(env, (platform) =>
      withWorker('customers', [], async (worker) => {
        const name = `loyalty-redemption-${database}`;
        emit(
          await withCpuProfile(plan.cpuProfileDir, name, () =>
            benchLoyaltyRedemption(name, platform, worker, {
              customers: plan.quick ? 5 : 40,
              attemptsEach: 10,
              concurrency: 50,
            }),
          ),
        );
      }),
    );
  } finally {
    await postgres?.stop();
  }
}

async function main(): Promise<void> {
  const plan = parseArgs(process.argv.slice(2));
  const want = (name: string) =>
    plan.only.length === 0 || plan.only.some((prefix) => name.startsWith(prefix));
  let influxd: InfluxdServer | undefined;
  const influx = async () => (influxd ??= await startInfluxd('appliances'));
  const startedMs = Date.now();
  try {
    // The platform's own process at start, no device (its own process, so nothing here counts).
    if (want('start-memory'))
      for (const r of await benchStartMemory({ settleS: plan.quick ? 5 : 30, sampleS: plan.quick ? 3 : 10 }))
        emit(r);
    // First: the platform-side memory baseline is cleanest in a process that has run nothing yet.
    if (want('device-memory') || want('socket-latency-throttled'))
      await benchMemoryAndThrottledLatency(plan, want);
    if (want('telemetry-store-write-embedded')) await benchStore('embedded', influx, plan.quick);
    if (want('telemetry-store-write-influxdb')) await benchStore('influxdb', influx, plan.quick);
    if (want('ingest-throughput-embedded') || want('ingest-max-throughput-embedded'))
      await benchIngest('embedded', {}, plan);
    // The cost of the durable PUBACK: the same runs without the write-ahead log.
    if (want('ingest-throughput-embedded-no-wal') || want('ingest-max-throughput-embedded-no-wal'))
      await benchIngest('embedded', { INGEST_WAL: 'false' }, plan, '-no-wal');
    if (want('ingest-throughput-influxdb') || want('ingest-max-throughput-influxdb'))
      await benchIngest('influxdb', { INFLUX_URL: (await influx()).url }, plan);
    if (want('ingest-vs-mosquitto')) await benchAgainstMosquitto(plan);
    // Two built platform processes behind HAProxy against one reached directly (their own servers).
    if (want('ingest-haproxy'))
      emit(
        await benchHaproxyIngest({
          devices: plan.quick ? 20 : 100,
          messagesPerDevice: plan.quick ? 100 : 500,
          inflightPerDevice: 4,
          rounds: plan.quick ? 1 : 3,
        }),
      );
    if (want('socket-latency')) await benchLatency(plan);
    if (want('alarm-latency')) await benchAlarms(plan);
    // OPC UA → edge gateway → stored, and the forward rate after an outage (embedded store)
    if (want('gateway'))
      await withPlatform({}, async (platform) => {
        const results = await benchGateway(platform, {
          devices: 100,
          intervalMs: 100,
          fastIntervalMs: 50,
          warmupS: plan.quick ? 2 : 5,
          steadyS: plan.quick ? 3 : 20,
          outageS: plan.quick ? 3 : 10,
          openForwardRatePerS: 1_000_000,
          cpuProfileDir: plan.cpuProfileDir,
        });
        for (const result of results) emit(result);
      });
    if (want('detector-throughput')) {
      // profiles in memory, then paged out as the platform runs them (ADR 0019)
      emit(benchDetector(plan.quick ? 10_000 : 200_000));
      emit(benchDetector(plan.quick ? 10_000 : 200_000, true));
    }
    // a device's detection state over its first 4,000 readings: where it grows, where it stops
    if (want('detector-state'))
      emit(
        await benchDetectorState({ devices: plan.quick ? 200 : 2_000, readings: plan.quick ? 2_000 : 4_000 }),
      );
    // a quiet device's detector parked in a file (ADR 0020): what it saves, what a park and a return cost
    if (want('detector-parking'))
      emit(benchDetectorParking({ devices: plan.quick ? 200 : 2_000, readings: plan.quick ? 100 : 300 }));
    if (want('diagnostics-throughput')) {
      const readingsPerDevice = plan.quick ? 60 : 400;
      emit(await benchDiagnostics({ devices: 1_000, readingsPerDevice, assessEvery: 60 }));
      emit(
        await benchDiagnostics({ devices: 1_000, readingsPerDevice: plan.quick ? 40 : 100, assessEvery: 1 }),
      );
    }
    if (want('dispatch-round')) emit(benchDispatch());
    for (const database of ['pglite', 'postgres'] as const) {
      if (want(`scheduled-jobs-${database}`))
        emit(await benchScheduledJobs(database, plan.quick ? 500 : 5_000));
    }
    if (want('notifications-outbox')) {
      log('notifications-outbox-pglite');
      emit(await benchNotifications(plan.quick ? 500 : 5_000));
    }
    if (want('care-response')) await benchCare(plan);
    if (want('sentiment-en')) emit(benchSentiment('en', plan.quick ? 5 : 100));
    if (want('sentiment-zh-CN')) emit(benchSentiment('zh-CN', plan.quick ? 5 : 100));
    if (want('loyalty-redemption-pglite')) await benchRedemption('pglite', plan);
    if (want('loyalty-redemption-postgres')) await benchRedemption('postgres', plan);
    // the figure: 1,000,000 tickets over 12 months on PostgreSQL; a smaller run on PGlite
    if (want('kpi-boards-pglite'))
      emit(
        await benchKpiBoards('pglite', {
          months: 12,
          ticketsPerMonth: plan.quick ? 500 : 4_167,
          repeats: 10,
        }),
      );
    if (want('kpi-boards-postgres'))
      emit(
        await benchKpiBoards('postgres', {
          months: 12,
          ticketsPerMonth: plan.quick ? 2_000 : 83_334,
          repeats: 10,
        }),
      );
    // the monthly report (HTML and PDF, both languages) in < 30 s over the same history sizes
    if (want('monthly-report-pglite'))
      emit(
        await benchMonthlyReport('pglite', {
          months: 12,
          ticketsPerMonth: plan.quick ? 500 : 4_167,
          repeats: plan.quick ? 1 : 3,
        }),
      );
    if (want('monthly-report-postgres'))
      emit(
        await benchMonthlyReport('postgres', {
          months: 12,
          ticketsPerMonth: plan.quick ? 2_000 : 83_334,
          repeats: plan.quick ? 1 : 3,
        }),
      );
    // 30 minutes: only when asked for by name (`--only soak`, embedded store; `--only soak-influxdb`,
    // telemetry in InfluxDB), never in a plain `npm run bench`
    if (plan.only.some((prefix) => prefix.length > 0 && 'soak'.startsWith(prefix))) await benchSoakRun(plan);
    if (plan.only.includes('soak-influxdb')) await benchSoakRun(plan, (await influx()).url);
  } finally {
    await influxd?.stop();
    log(`done in ${Math.round((Date.now() - startedMs) / 1000)} s`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
