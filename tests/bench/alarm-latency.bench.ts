import type { TestPlatform } from '../support/platform-fixture';
import { log, sleep, type BenchWorker } from './bench-support';
import type { PublishResult, SocketStats } from './bench-worker';

const DRAIN_MS = 3_000;

/**
 * Publish → alarm latency under load: the generator publishes telemetry at `ratePerS` and
 * turns every `eventEvery`-th message into a device error event stamped with its clock; the
 * listener (a Socket.IO client in the `fleet` room) subtracts that stamp from its clock when the
 * `alarm` arrives. The path measured is the whole one: MQTT, ingest, alarm rules, the alarm
 * saved to the database, incident and ticket, Socket.IO.
 */
export async function benchAlarmLatency(
  platform: TestPlatform,
  generator: BenchWorker,
  listener: BenchWorker,
  run: { ratePerS: number; durationS: number; eventEvery: number; devices: number },
) {
  const token = await platform.login();
  await listener.call({ kind: 'connect-socket', baseUrl: platform.baseUrl, token, rooms: ['fleet'] });
  await listener.call<SocketStats>({ kind: 'socket-stats', reset: true });
  log(`alarm-latency: ${run.ratePerS} msg/s for ${run.durationS} s, one in ${run.eventEvery} an error event`);
  const published = await generator.call<PublishResult>({
    kind: 'publish',
    mode: 'paced',
    ratePerS: run.ratePerS,
    durationS: run.durationS,
    eventEvery: run.eventEvery,
  });
  await sleep(DRAIN_MS);
  const stats = await listener.call<SocketStats>({ kind: 'socket-stats', reset: true });
  return {
    name: 'alarm-latency',
    devices: run.devices,
    targetMsgPerS: run.ratePerS,
    durationS: run.durationS,
    sent: published.sent,
    events: Math.floor(published.sent / run.eventEvery),
    alarmsReceived: stats.alarms.received,
    p50Ms: stats.alarms.p50Ms,
    p95Ms: stats.alarms.p95Ms,
    p99Ms: stats.alarms.p99Ms,
    maxMs: stats.alarms.maxMs,
    pubackP95Ms: published.pubackP95Ms,
  };
}
