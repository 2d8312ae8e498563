/**
 * `gateway`: the OPC UA path through one edge gateway. The simulated appliances (the firmware
 * simulator's node-opcua server) and the TCP relay that stands for the site's link to the cloud
 * run in one forked process, the edge gateway (node-opcua client, a DiskQueue spool per device,
 * the shared Pacer, one MQTT connection per device) in another, the platform (embedded telemetry
 * store, PGlite) in the bench process. Every appliance is a washer whose five metrics are set
 * together every `intervalMs`; the gateway monitors them with sampling interval 0 (every change
 * is reported), so each tick is one telemetry message per appliance.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredReading } from '../../platform/src/modules/telemetry/telemetry-store';
import { simNodeId } from '../../firmware-sim/src/opcua-node-ids';
import type { EdgeGatewayStats } from '../../gateway/src/edge/edge-gateway';
import { freePort } from '../support/free-port';
import type { TestPlatform } from '../support/platform-fixture';
import {
  CpuMeter,
  log,
  percentile,
  provisionDevices,
  round,
  sleep,
  type ProvisionedDevice,
} from './bench-support';
import type { CpuUsage, GatewayWorkerRequest, OpcuaRunStats } from './gateway-bench-worker';

const WASHER_METRICS = ['drumVibrationMmS', 'motorCurrentA', 'waterTempC', 'drainTimeS', 'drumRpm'];
const PUBLISHING_INTERVAL_MS = 100;
const RECONNECT_PERIOD_MS = 500;
const DRAIN_TIMEOUT_MS = 180_000;

export interface GatewayBenchOptions {
  devices: number;
  /** One reading per appliance every intervalMs. */
  intervalMs: number;
  warmupS: number;
  steadyS: number;
  outageS: number;
  /** A second steady run at this (shorter) interval, at the end. */
  fastIntervalMs?: number;
  /** Writes `gateway-edge.cpuprofile` of the gateway process (the whole run) here. */
  cpuProfileDir?: string;
  /** The forward rate of the "opened up" run (spool.forwardRatePerS). */
  openForwardRatePerS: number;
}

/** A forked gateway-bench-worker.js, request/response over IPC. */
class GatewayBenchWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly child: ChildProcess;

  constructor(
    private readonly name: string,
    execArgv: string[] = [],
  ) {
    this.child = fork(path.join(__dirname, 'gateway-bench-worker.js'), [name], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) entry.reject(new Error(`${this.name}: ${message.error}`));
      else entry.resolve(message.result);
    });
    this.child.on('exit', (code, signal) => {
      for (const entry of this.waiting.values())
        entry.reject(new Error(`${this.name} exited (code ${code}, signal ${signal})`));
      this.waiting.clear();
    });
  }

  call<T>(request: GatewayWorkerRequest): Promise<T> {
    if (!this.child.connected) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, request });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) await this.call({ kind: 'shutdown' }).catch(() => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Counts what the platform's telemetry store has written (a measurement hook on the store
 * instance, as QueryTimer does for SQL) and, while `latencies` is set, the time from each
 * reading's timestamp (its OPC UA source timestamp) to the end of the write that stored it.
 */
class StoreWatch {
  stored = 0;
  lastWriteMs = 0;
  /** Messages stored for a (device, ts) already stored: a reading stored twice or split in two. */
  repeated = 0;
  /** Messages with fewer than the five metrics of a reading (a reading split in two). */
  partial = 0;
  private readonly seen = new Set<string>();
  latencies: number[] | undefined;
  private readonly original: (readings: StoredReading[]) => Promise<void>;

  constructor(private readonly store: { write(readings: StoredReading[]): Promise<void> }) {
    this.original = store.write;
    store.write = async (readings: StoredReading[]) => {
      await this.original.call(store, readings);
      const now = Date.now();
      this.lastWriteMs = now;
      for (const r of readings) {
        const key = `${r.deviceId}@${r.tsMs}`;
        if (this.seen.has(key)) this.repeated++;
        else {
          this.seen.add(key);
          this.stored++;
        }
        if (Object.keys(r.metrics).length < WASHER_METRICS.length) this.partial++;
      }
      const latencies = this.latencies;
      if (latencies) for (const r of readings) latencies.push(now - r.tsMs);
    };
  }

  restore(): void {
    this.store.write = this.original;
  }
}

function gatewayConfig(
  devices: ProvisionedDevice[],
  endpoint: string,
  relayPort: number,
  dir: string,
  forwardRatePerS: number | undefined,
): string {
  return JSON.stringify({
    mqtt: { url: `mqtt://127.0.0.1:${relayPort}`, reconnectPeriodMs: RECONNECT_PERIOD_MS },
    // without forwardRatePerS: the default pacer (twice the devices' live rate, at least 500/s)
    spool: { dir: path.join(dir, 'spool'), ...(forwardRatePerS !== undefined && { forwardRatePerS }) },
    pkiDir: path.join(dir, 'gateway-pki'),
    servers: [{ name: 'sim', endpoint, securityMode: 'None', publishingIntervalMs: PUBLISHING_INTERVAL_MS }],
    devices: devices.map((d) => ({
      id: d.id,
      secret: d.secret,
      type: 'washer',
      samplingIntervalMs: 0,
      mapping: WASHER_METRICS.map((metric) => ({ nodeId: simNodeId(d.id, metric), metric })),
    })),
  });
}

async function until(
  probe: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 60_000,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gateway bench: timed out waiting for ${what}`);
    await sleep(pollMs);
  }
}

async function ingestCounters(
  platform: TestPlatform,
): Promise<{ readings: number; duplicates: number; dead: number }> {
  const res = await platform.http('GET', '/metrics');
  const counters = { readings: 0, duplicates: 0, dead: 0 };
  for (const line of res.text.split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('telemetry_readings_total ')) counters.readings = value;
    else if (line.startsWith('telemetry_duplicates_total ')) counters.duplicates = value;
    else if (line.startsWith('telemetry_dead_letters_total{')) counters.dead += value;
  }
  return counters;
}

/** Runs the three measurements on a running platform; one result object per figure line. */
export async function benchGateway(platform: TestPlatform, options: GatewayBenchOptions): Promise<object[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-gateway-'));
  log(`gateway: provisioning ${options.devices} washers`);
  const devices = await provisionDevices(platform, new Array(options.devices).fill('washer'));
  const sim = new GatewayBenchWorker('opcua-sim');
  const gateway = new GatewayBenchWorker(
    'edge-gateway',
    options.cpuProfileDir
      ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir, '--cpu-prof-name', 'gateway-edge.cpuprofile']
      : [],
  );
  const watch = new StoreWatch(platform.platform.core.store);
  const results: object[] = [];
  try {
    const { endpoint } = await sim.call<{ endpoint: string }>({
      kind: 'opcua-start',
      port: await freePort(),
      pkiDir: path.join(dir, 'server-pki'),
      devices,
    });
    const relayPort = await freePort();
    await sim.call({ kind: 'relay-start', port: relayPort, target: platform.platform.mqttPort });
    const stats = () => gateway.call<EdgeGatewayStats>({ kind: 'gateway-stats' });
    const cpu = async () => ({
      gateway: (await gateway.call<CpuUsage>({ kind: 'cpu' })).cpuUs,
      sim: (await sim.call<CpuUsage>({ kind: 'cpu' })).cpuUs,
    });
    const offeredPerS = (options.devices * 1000) / options.intervalMs;
    log(`gateway: ${offeredPerS} readings/s offered`);

    /** Starts the gateway and waits until every monitored item delivered its first value. */
    const startGateway = async (forwardRatePerS: number | undefined) => {
      await gateway.call({
        kind: 'gateway-start',
        config: gatewayConfig(devices, endpoint, relayPort, dir, forwardRatePerS),
      });
      await until(async () => {
        const s = await stats();
        return (
          s.serversConnected === 1 &&
          s.devicesConnected === devices.length &&
          s.valuesReceived >= devices.length * WASHER_METRICS.length
        );
      }, 'the gateway connected and subscribed');
    };

    /** Cuts the link for outageS with the appliances reporting, then times the backlog's way in. */
    const outage = async (
      name: string,
      forwardRatePerS: number | undefined,
      base: { made: number; stored: number },
    ) => {
      const storedBase = base.stored;
      const repeatedBefore = { repeated: watch.repeated, partial: watch.partial };
      const countersBefore = await ingestCounters(platform);
      await sim.call({ kind: 'relay-cut' });
      log(`${name}: link cut for ${options.outageS} s`);
      await sleep(options.outageS * 1000);
      const made = (await sim.call<OpcuaRunStats>({ kind: 'opcua-pause' })).readings - base.made;
      // every value the server sent has reached the gateway's spool
      let previous = -1;
      for (;;) {
        const s = await stats();
        if (s.valuesReceived === previous) break;
        previous = s.valuesReceived;
        await sleep(300);
      }
      const atRestore = await stats();
      const storedAtRestore = watch.stored - storedBase;
      const backlog = made - storedAtRestore;
      const cpuBefore = await cpu();
      const platformCpu = new CpuMeter();
      const restoredMs = Date.now();
      await sim.call({ kind: 'relay-restore' });
      log(`${name}: link restored, ${backlog} readings to forward (${atRestore.buffered} in the spool)`);
      let firstStoredMs: number | undefined;
      await until(
        () => {
          if (firstStoredMs === undefined && watch.stored - storedBase > storedAtRestore)
            firstStoredMs = watch.lastWriteMs;
          return watch.stored - storedBase >= made;
        },
        'the backlog stored',
        DRAIN_TIMEOUT_MS,
        20,
      ).catch((error: Error) => log(`${name}: ${error.message}`));
      const doneMs = watch.stored - storedBase >= made ? watch.lastWriteMs : Date.now();
      const platformCpuUs = platformCpu.usedUs();
      const cpuAfter = await cpu();
      await platform.platform.settle();
      await sleep(500);
      const after = await stats();
      const countersAfter = await ingestCounters(platform);
      const forwardS = (doneMs - restoredMs) / 1000;
      const stored = watch.stored - storedBase;
      return {
        name,
        backend: platform.platform.core.store.backend,
        devices: options.devices,
        forwardRatePerS: forwardRatePerS ?? 'default (twice the live rate)',
        outageS: options.outageS,
        offeredReadingsPerS: offeredPerS,
        /** Made during the phase and not stored when the link came back. */
        backlog,
        spooledAtRestore: atRestore.buffered,
        /** Link restored → every reading of the phase stored (reconnect included). */
        forwardS: round(forwardS, 2),
        forwardReadingsPerS: Math.round(backlog / forwardS),
        /** Link restored → first backlog reading stored (MQTT reconnect, reconnectPeriodMs 500). */
        firstStoredAfterS: firstStoredMs === undefined ? null : round((firstStoredMs - restoredMs) / 1000, 2),
        forwardReadingsPerSAfterFirst:
          firstStoredMs === undefined ? null : Math.round(backlog / ((doneMs - firstStoredMs) / 1000)),
        made,
        stored,
        lost: made - stored,
        /** Stored again for a (device, ts) already stored: not caught as duplicates. */
        storedTwice: watch.repeated - repeatedBefore.repeated,
        partialReadings: watch.partial - repeatedBefore.partial,
        duplicates: countersAfter.duplicates - countersBefore.duplicates,
        deadLettered: countersAfter.dead - countersBefore.dead,
        droppedOldest: after.dropped,
        gatewayCpuPct: Math.round(
          ((cpuAfter.gateway - cpuBefore.gateway) / 1e3 / (doneMs - restoredMs)) * 100,
        ),
        platformCpuPct: Math.round((platformCpuUs / 1e3 / (doneMs - restoredMs)) * 100),
      };
    };

    /** readings/s and latency over steadyS at one reading per appliance every intervalMs. */
    const steady = async (name: string, intervalMs: number) => {
      log(`${name}: ${options.devices} washers every ${intervalMs} ms`);
      const repeatedBefore = { repeated: watch.repeated, partial: watch.partial };
      await sim.call({ kind: 'opcua-run', intervalMs });
      await sleep(options.warmupS * 1000);
      const cpu0 = await cpu();
      const platformCpu = new CpuMeter();
      const made0 = (await sim.call<OpcuaRunStats>({ kind: 'opcua-stats' })).readings;
      const stored0 = watch.stored;
      const started = Date.now();
      watch.latencies = [];
      await sleep(options.steadyS * 1000);
      const latencies = watch.latencies;
      watch.latencies = undefined;
      const seconds = (Date.now() - started) / 1000;
      const stored1 = watch.stored;
      const made1 = (await sim.call<OpcuaRunStats>({ kind: 'opcua-stats' })).readings;
      const platformCpuUs = platformCpu.usedUs();
      const cpu1 = await cpu();
      const steadyStats = await stats();
      const storedPerS = (stored1 - stored0) / seconds;
      log(`${name}: ${Math.round(storedPerS)} readings/s stored`);
      return {
        name,
        backend: platform.platform.core.store.backend,
        devices: options.devices,
        metricsPerReading: WASHER_METRICS.length,
        intervalMs,
        samplingIntervalMs: 0,
        publishingIntervalMs: PUBLISHING_INTERVAL_MS,
        forwardRatePerS: options.openForwardRatePerS,
        durationS: round(seconds, 1),
        offeredReadingsPerS: Math.round((made1 - made0) / seconds),
        storedReadingsPerS: Math.round(storedPerS),
        valuesPerS: Math.round(storedPerS * WASHER_METRICS.length),
        /** Waiting in the gateway's spool at the end of the window (it keeps up when ~0). */
        spooledAtEnd: steadyStats.buffered,
        storedTwice: watch.repeated - repeatedBefore.repeated,
        partialReadings: watch.partial - repeatedBefore.partial,
        latencyP50Ms: percentile(latencies, 50),
        latencyP95Ms: percentile(latencies, 95),
        latencyP99Ms: percentile(latencies, 99),
        latencyMaxMs: percentile(latencies, 100),
        gatewayCpuPct: Math.round(((cpu1.gateway - cpu0.gateway) / 1e3 / (seconds * 1000)) * 100),
        gatewayCpuUsPerReading: round((cpu1.gateway - cpu0.gateway) / Math.max(1, stored1 - stored0)),
        simCpuPct: Math.round(((cpu1.sim - cpu0.sim) / 1e3 / (seconds * 1000)) * 100),
        platformCpuPct: Math.round((platformCpuUs / 1e3 / (seconds * 1000)) * 100),
        platformCpuUsPerReading: round(platformCpuUs / Math.max(1, stored1 - stored0)),
        gatewayRssMb: (await gateway.call<CpuUsage>({ kind: 'cpu' })).rssMb,
      };
    };

    // 1. steady state, pacer opened up
    await startGateway(options.openForwardRatePerS);
    const storedBase = watch.stored;
    results.push(await steady('gateway-opcua-to-stored', options.intervalMs));

    // 2. outage with the pacer opened up (the appliances keep reporting through it)
    results.push(
      await outage('gateway-forward-unpaced', options.openForwardRatePerS, { made: 0, stored: storedBase }),
    );

    // 3. the same with the default pacer: a new gateway process state on the same spool
    await gateway.call({ kind: 'gateway-stop' });
    await startGateway(undefined);
    const base = {
      made: (await sim.call<OpcuaRunStats>({ kind: 'opcua-stats' })).readings,
      stored: watch.stored,
    };
    await sim.call({ kind: 'opcua-run', intervalMs: options.intervalMs });
    await sleep(2_000);
    results.push(await outage('gateway-forward-default-pacer', undefined, base));

    // 4. twice the rate, pacer opened up: where one gateway stops keeping up
    if (options.fastIntervalMs !== undefined) {
      await gateway.call({ kind: 'gateway-stop' });
      await startGateway(options.openForwardRatePerS);
      const fastBase = {
        made: (await sim.call<OpcuaRunStats>({ kind: 'opcua-stats' })).readings,
        stored: watch.stored,
      };
      const fast = await steady('gateway-opcua-to-stored-fast', options.fastIntervalMs);
      const made = (await sim.call<OpcuaRunStats>({ kind: 'opcua-pause' })).readings - fastBase.made;
      // whatever the gateway still holds is forwarded; then made and stored must agree
      let last = -1;
      while (watch.stored - fastBase.stored < made && watch.stored !== last) {
        last = watch.stored;
        await sleep(3_000);
      }
      await platform.platform.settle();
      results.push({ ...fast, made, lost: made - (watch.stored - fastBase.stored) });
    }
    return results;
  } finally {
    watch.restore();
    await gateway.stop();
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
