/**
 * A benchmark helper process, forked by BenchWorker (bench-support.ts): the MQTT load generator,
 * the Socket.IO listener and the simulated fleet run here, off the platform's event loop.
 * It answers one IPC request at a time: { id, request } → { id, result | error }.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { ApplianceType, TelemetryEvent } from '../../contracts/src';
import { FleetSimulator, type FleetHistory } from '../../firmware-sim/src/fleet-simulator';
import type { GroundTruthRecord } from '../../firmware-sim/src/ground-truth';
import { runCareRequests, type CareRun } from './care-client';
import { runHttpBurst, type HttpBurst } from './http-burst';

export type WorkerRequest =
  | {
      kind: 'connect-mqtt';
      brokerUrl: string;
      devices: Array<{ id: string; secret: string }>;
      concurrency?: number;
    }
  | {
      kind: 'publish';
      mode: 'paced';
      ratePerS: number;
      durationS: number;
      /** Every Nth message is an error event (a door-lock fault) instead of telemetry. */
      eventEvery?: number;
    }
  | {
      kind: 'publish';
      mode: 'max';
      durationS: number;
      inflightPerDevice: number;
      /** Each device stops after this many messages (then durationS is only a limit). */
      messagesPerDevice?: number;
    }
  | { kind: 'disconnect-mqtt' }
  | {
      kind: 'connect-socket';
      baseUrl: string;
      token: string;
      rooms: string[];
      /** Times only the alarms raised by this error code (e.g. BENCH_EVENT_CODE); all alarms without it. */
      alarmCode?: string;
    }
  | { kind: 'socket-stats'; reset: boolean }
  | {
      kind: 'fleet-start';
      brokerUrl: string;
      devices: Array<{ id: string; secret: string; type: ApplianceType }>;
      connectRatePerS: number;
      settleMs: number;
      /** Gives up when not every device is connected by then (default 120 s). */
      connectTimeoutMs?: number;
      /** Hours of the fleet's past played back first, faster than real time (FleetSimulator's). */
      history?: FleetHistory;
      /** The devices report on their interval's marks, in one burst an interval (FleetSimulator's alignReports). */
      alignReports?: boolean;
    }
  | {
      /** A demo-like fleet (faults developing timeScale× faster) for the care benchmark; no GC needed. */
      kind: 'fleet-run';
      brokerUrl: string;
      devices: Array<{ id: string; secret: string; type: ApplianceType }>;
      timeScale: number;
      faultRate: number;
      faultStartWithinHours: number;
      reportIntervalMs: number;
    }
  /** The running `fleet-start` fleet's counts, without stopping it. */
  | { kind: 'fleet-stats' }
  /** Stops the fleet; answers with its final counts (null when none ran). */
  | { kind: 'fleet-stop' }
  | { kind: 'care-requests'; run: CareRun }
  | { kind: 'http-burst'; burst: HttpBurst }
  | { kind: 'shutdown' };

export interface WorkerResponse {
  id: number;
  result?: unknown;
  error?: string;
}

export interface PublishResult {
  sent: number;
  acked: number;
  /** Seconds from the first publish to the last PUBACK. */
  seconds: number;
  /** Seconds during which new messages were being published. */
  publishSeconds: number;
  pubackP50Ms: number;
  pubackP95Ms: number;
  pubackP99Ms: number;
  pubackMaxMs: number;
  generatorCpuPct: number;
}

export interface SocketStats {
  /** Publish → `alarm` event latency of the alarms the listener received (fleet room). */
  alarms: { received: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  received: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface FleetMemoryResult {
  devices: number;
  connected: number;
  connectSeconds: number;
  settleMs: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPerDeviceKb: number;
  heapPerDeviceKb: number;
  published: number;
}

/** Counts of a running or stopped fleet: what the broker acknowledged, by channel. */
export interface FleetCounts {
  connected: number;
  /** Messages PUBACKed, every channel. */
  published: number;
  telemetryAcked: number;
  eventsAcked: number;
  /** Taken but not (yet) sent: still in the devices' buffers. */
  buffered: number;
  dropped: number;
}

/** The washer error code the load generator's `eventEvery` messages carry (a major door-lock fault). */
export const BENCH_EVENT_CODE = 'E41';

const PACE_TICK_MS = 5;
const ACK_DRAIN_TIMEOUT_MS = 120_000;

function percentileOf(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** Keeps every sample in a growable typed array (latencies of ≤ a few million messages). */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

class LoadGenerator {
  private clients: Array<{ id: string; client: MqttClient; topic: string; seq: number; lastTs: number }> = [];

  async connect(brokerUrl: string, devices: Array<{ id: string; secret: string }>, concurrency: number) {
    let next = 0;
    const startedMs = Date.now();
    const connected: typeof this.clients = new Array(devices.length);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < devices.length) {
          const index = next++;
          const device = devices[index];
          const client = await mqtt.connectAsync(brokerUrl, {
            protocolVersion: 4,
            username: device.id,
            password: device.secret,
            clientId: `bench-${device.id}`,
            reconnectPeriod: 0,
            keepalive: 120,
            clean: true,
          });
          connected[index] = {
            id: device.id,
            client,
            topic: `devices/${device.id}/telemetry`,
            seq: 0,
            lastTs: 0,
          };
        }
      }),
    );
    this.clients = connected;
    return { connected: connected.length, seconds: (Date.now() - startedMs) / 1000 };
  }

  private payload(entry: { seq: number; lastTs: number }): string {
    const seq = entry.seq++;
    // A real device's readings are at least 1 ms apart; two in the same ms would also collide
    // in InfluxDB (one point per series and timestamp) and be counted as lost.
    const ts = Math.max(Date.now(), entry.lastTs + 1);
    entry.lastTs = ts;
    // Inside the washer's normal band, so no threshold alarm fires during the run.
    const n = Math.sin(seq * 0.7);
    return JSON.stringify({
      ts,
      seq,
      metrics: {
        drumVibrationMmS: 4 + 0.2 * n,
        motorCurrentA: 2 + 0.05 * n,
        waterTempC: 40 + 0.5 * n,
        drainTimeS: 60 + n,
        drumRpm: 800 + 10 * n,
      },
    });
  }

  /** A major error code the washer profile knows; its alarm carries the event's ts. */
  private eventPayload(entry: { seq: number; lastTs: number }): string {
    const seq = ++entry.seq;
    const ts = Math.max(Date.now(), entry.lastTs + 1);
    entry.lastTs = ts;
    return JSON.stringify({ ts, seq, code: BENCH_EVENT_CODE, message: 'bench' });
  }

  async publish(request: Extract<WorkerRequest, { kind: 'publish' }>): Promise<PublishResult> {
    const clients = this.clients;
    if (clients.length === 0) throw new Error('no MQTT clients connected');
    const latencies = new Samples();
    const cpuStart = process.cpuUsage();
    const startNs = process.hrtime.bigint();
    const elapsedMs = () => Number(process.hrtime.bigint() - startNs) / 1e6;
    const durationMs = request.durationS * 1000;
    let sent = 0;
    let acked = 0;
    let lastAckMs = 0;
    let publishEndMs = 0;
    let failure: Error | undefined;
    let onAllAcked: (() => void) | undefined;

    const eventEvery = request.mode === 'paced' ? request.eventEvery : undefined;
    const send = (entry: (typeof clients)[number], afterAck?: () => void) => {
      const t0 = elapsedMs();
      sent++;
      const isEvent = eventEvery !== undefined && sent % eventEvery === 0;
      const topic = isEvent ? entry.topic.replace(/telemetry$/, 'events') : entry.topic;
      const payload = isEvent ? this.eventPayload(entry) : this.payload(entry);
      entry.client.publish(topic, payload, { qos: 1 }, (error) => {
        if (error) {
          failure ??= error;
        } else {
          acked++;
          lastAckMs = elapsedMs();
          latencies.push(lastAckMs - t0);
        }
        if (afterAck) afterAck();
        if (acked + (failure ? 1 : 0) >= sent && publishEndMs > 0) onAllAcked?.();
      });
    };

    if (request.mode === 'paced') {
      let cursor = 0;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          const now = elapsedMs();
          const due = Math.floor((request.ratePerS * Math.min(now, durationMs)) / 1000);
          while (sent < due) {
            send(clients[cursor]);
            cursor = (cursor + 1) % clients.length;
          }
          if (now >= durationMs) {
            clearInterval(timer);
            resolve();
          }
        }, PACE_TICK_MS);
      });
    } else {
      // Closed loop: each device keeps a fixed number of messages awaiting PUBACK.
      await new Promise<void>((resolve) => {
        let active = clients.length * request.inflightPerDevice;
        const quota = request.messagesPerDevice ?? Infinity;
        const published = new Map<string, number>();
        const loop = (entry: (typeof clients)[number]) => {
          const count = published.get(entry.id) ?? 0;
          if (elapsedMs() < durationMs && !failure && count < quota) {
            published.set(entry.id, count + 1);
            send(entry, () => loop(entry));
          } else if (--active === 0) resolve();
        };
        for (const entry of clients) for (let i = 0; i < request.inflightPerDevice; i++) loop(entry);
      });
    }
    publishEndMs = elapsedMs();
    if (acked < sent && !failure) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${acked} of ${sent} PUBACKs after ${ACK_DRAIN_TIMEOUT_MS} ms`)),
          ACK_DRAIN_TIMEOUT_MS,
        );
        onAllAcked = () => {
          clearTimeout(timer);
          resolve();
        };
        if (acked >= sent) onAllAcked();
      });
    }
    if (failure) throw failure;
    const cpu = process.cpuUsage(cpuStart);
    const wallUs = Number(process.hrtime.bigint() - startNs) / 1e3;
    const sorted = latencies.sorted();
    return {
      sent,
      acked,
      seconds: round2(Math.max(lastAckMs, publishEndMs) / 1000),
      publishSeconds: round2(publishEndMs / 1000),
      pubackP50Ms: round2(percentileOf(sorted, 50)),
      pubackP95Ms: round2(percentileOf(sorted, 95)),
      pubackP99Ms: round2(percentileOf(sorted, 99)),
      pubackMaxMs: round2(sorted.length > 0 ? sorted[sorted.length - 1] : NaN),
      generatorCpuPct: Math.round(((cpu.user + cpu.system) / wallUs) * 100),
    };
  }

  async disconnect(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.client.endAsync()));
    this.clients = [];
  }
}

class SocketListener {
  private socket?: Socket;
  private latencies = new Samples();
  private alarmLatencies = new Samples();

  async connect(
    baseUrl: string,
    token: string,
    rooms: string[],
    alarmCode?: string,
  ): Promise<{ joined: number }> {
    const socket = io(baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.on('telemetry', (event: TelemetryEvent) => {
      this.latencies.push(Date.now() - event.ts);
    });
    socket.on('alarm', (alarm: { details?: { ts?: unknown; code?: unknown } }) => {
      if (alarmCode !== undefined && alarm.details?.code !== alarmCode) return;
      if (typeof alarm.details?.ts === 'number') this.alarmLatencies.push(Date.now() - alarm.details.ts);
    });
    let joined = 0;
    for (const room of rooms) {
      const reply = (await socket.emitWithAck('subscribe', { room })) as { ok: boolean; error?: string };
      if (!reply.ok) throw new Error(`subscribe ${room}: ${reply.error ?? 'refused'}`);
      joined++;
    }
    return { joined };
  }

  stats(reset: boolean): SocketStats {
    const sorted = this.latencies.sorted();
    let sum = 0;
    for (const v of sorted) sum += v;
    const alarms = this.alarmLatencies.sorted();
    if (reset) {
      this.latencies = new Samples();
      this.alarmLatencies = new Samples();
    }
    return {
      alarms: {
        received: alarms.length,
        p50Ms: percentileOf(alarms, 50),
        p95Ms: percentileOf(alarms, 95),
        p99Ms: percentileOf(alarms, 99),
        maxMs: alarms.length > 0 ? alarms[alarms.length - 1] : NaN,
      },
      received: sorted.length,
      p50Ms: percentileOf(sorted, 50),
      p95Ms: percentileOf(sorted, 95),
      p99Ms: percentileOf(sorted, 99),
      maxMs: sorted.length > 0 ? sorted[sorted.length - 1] : NaN,
      meanMs: sorted.length > 0 ? round2(sum / sorted.length) : NaN,
    };
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = undefined;
  }
}

class FleetRunner {
  private fleet?: FleetSimulator;
  private telemetryAcked = 0;
  private eventsAcked = 0;

  async start(request: Extract<WorkerRequest, { kind: 'fleet-start' }>): Promise<FleetMemoryResult> {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('the fleet worker needs --expose-gc');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    gc();
    const before = process.memoryUsage();
    const count = request.devices.length;
    const fleet = new FleetSimulator({
      brokerUrl: request.brokerUrl,
      devices: request.devices,
      seed: 1,
      faultRate: 0,
      connectRatePerS: request.connectRatePerS,
      history: request.history,
      alignReports: request.alignReports,
    });
    this.fleet = fleet;
    this.telemetryAcked = 0;
    this.eventsAcked = 0;
    fleet.on('published', ({ topic }) => {
      if (topic.endsWith('/telemetry')) this.telemetryAcked++;
      else if (topic.endsWith('/events')) this.eventsAcked++;
    });
    const startedMs = Date.now();
    await fleet.start();
    while (fleet.stats().connected < count) {
      if (Date.now() - startedMs > (request.connectTimeoutMs ?? 120_000))
        throw new Error(`only ${fleet.stats().connected} connected`);
      await sleep(100);
    }
    const connectSeconds = (Date.now() - startedMs) / 1000;
    await sleep(request.settleMs);
    gc();
    const after = process.memoryUsage();
    const stats = fleet.stats();
    return {
      devices: count,
      connected: stats.connected,
      connectSeconds: round2(connectSeconds),
      settleMs: request.settleMs,
      rssBeforeMb: Math.round(before.rss / 1e6),
      rssAfterMb: Math.round(after.rss / 1e6),
      rssPerDeviceKb: round2((after.rss - before.rss) / count / 1024),
      heapPerDeviceKb: round2((after.heapUsed - before.heapUsed) / count / 1024),
      published: stats.published,
    };
  }

  /** Starts a fleet and answers once every device is connected, with the faults it injected. */
  async run(
    request: Extract<WorkerRequest, { kind: 'fleet-run' }>,
  ): Promise<{ connected: number; connectSeconds: number; groundTruth: GroundTruthRecord[] }> {
    const fleet = new FleetSimulator({
      brokerUrl: request.brokerUrl,
      devices: request.devices,
      seed: 1,
      timeScale: request.timeScale,
      faultRate: request.faultRate,
      faultStartWithinHours: request.faultStartWithinHours,
      reportIntervalMs: request.reportIntervalMs,
    });
    this.fleet = fleet;
    const startedMs = Date.now();
    await fleet.start();
    while (fleet.stats().connected < request.devices.length) {
      if (Date.now() - startedMs > 60_000) throw new Error(`only ${fleet.stats().connected} connected`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return {
      connected: fleet.stats().connected,
      connectSeconds: round2((Date.now() - startedMs) / 1000),
      groundTruth: [...fleet.groundTruth],
    };
  }

  counts(): FleetCounts {
    if (!this.fleet) throw new Error('no fleet is running');
    return { ...this.fleet.stats(), telemetryAcked: this.telemetryAcked, eventsAcked: this.eventsAcked };
  }

  async stop(): Promise<FleetCounts | null> {
    const fleet = this.fleet;
    if (!fleet) return null;
    await fleet.stop();
    const counts = this.counts();
    this.fleet = undefined;
    return counts;
  }
}

const generator = new LoadGenerator();
const listener = new SocketListener();
const fleet = new FleetRunner();

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.kind) {
    case 'connect-mqtt':
      return generator.connect(request.brokerUrl, request.devices, request.concurrency ?? 50);
    case 'publish':
      return generator.publish(request);
    case 'disconnect-mqtt':
      return generator.disconnect();
    case 'connect-socket':
      return listener.connect(request.baseUrl, request.token, request.rooms, request.alarmCode);
    case 'socket-stats':
      return listener.stats(request.reset);
    case 'fleet-start':
      return fleet.start(request);
    case 'fleet-run':
      return fleet.run(request);
    case 'fleet-stats':
      return fleet.counts();
    case 'fleet-stop':
      return fleet.stop();
    case 'care-requests':
      return runCareRequests(request.run);
    case 'http-burst':
      return runHttpBurst(request.burst);
    case 'shutdown':
      listener.stop();
      await generator.disconnect();
      await fleet.stop();
      setImmediate(() => process.disconnect());
      return null;
  }
}

if (require.main === module) {
  process.on('message', (message: { id: number; request: WorkerRequest }) => {
    handle(message.request).then(
      (result) => process.send?.({ id: message.id, result: result ?? null } satisfies WorkerResponse),
      (error: unknown) =>
        process.send?.({
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        } satisfies WorkerResponse),
    );
  });
}
