import type { TestPlatform } from '../support/platform-fixture';
import { log, sleep, type BenchWorker, type ProvisionedDevice } from './bench-support';
import type { PublishResult, SocketStats } from './bench-worker';

export interface SocketLatencyResult {
  name: string;
  devices: number;
  targetMsgPerS: number;
  durationS: number;
  telemetryPushIntervalMs: number;
  sent: number;
  received: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  pubackP95Ms: number;
}

const DRAIN_MS = 2_000;

/**
 * Publish → Socket.IO `telemetry` latency: the generator stamps each reading's ts with its clock
 * when it publishes, and the listener process (one Socket.IO client in every device room)
 * subtracts it from its clock on receipt. Both are processes on this machine: one clock.
 */
export async function benchSocketLatency(
  name: string,
  platform: TestPlatform,
  generator: BenchWorker,
  listener: BenchWorker,
  devices: ProvisionedDevice[],
  run: { ratePerS: number; durationS: number },
): Promise<SocketLatencyResult> {
  const token = await platform.login();
  await listener.call({
    kind: 'connect-socket',
    baseUrl: platform.baseUrl,
    token,
    rooms: devices.map((d) => `device:${d.id}`),
  });
  await listener.call<SocketStats>({ kind: 'socket-stats', reset: true });
  log(`${name}: publishing ${run.ratePerS} msg/s for ${run.durationS} s`);
  const published = await generator.call<PublishResult>({
    kind: 'publish',
    mode: 'paced',
    ratePerS: run.ratePerS,
    durationS: run.durationS,
  });
  await sleep(DRAIN_MS);
  const stats = await listener.call<SocketStats>({ kind: 'socket-stats', reset: true });
  return {
    name,
    devices: devices.length,
    targetMsgPerS: run.ratePerS,
    durationS: run.durationS,
    telemetryPushIntervalMs: platform.config.telemetryPushIntervalMs,
    sent: published.sent,
    received: stats.received,
    p50Ms: stats.p50Ms,
    p95Ms: stats.p95Ms,
    p99Ms: stats.p99Ms,
    maxMs: stats.maxMs,
    meanMs: stats.meanMs,
    pubackP95Ms: published.pubackP95Ms,
  };
}
