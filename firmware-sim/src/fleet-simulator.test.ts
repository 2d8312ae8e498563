/**
 * Medium test. Real: an in-process Aedes MQTT broker on a loopback TCP port (with a device
 * authenticate hook), MQTT.js device connections, the wall clock. Nothing is mocked.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type AddressInfo } from 'node:net';
import {
  commandAckSchema,
  parseDeviceTopic,
  statusMessageSchema,
  telemetryMessageSchema,
} from '../../contracts/src';
import { waitFor } from '../../tests/support/wait-for';
import { FleetSimulator, type FleetDevice } from './fleet-simulator';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Aedes } = require('aedes');

interface ReceivedMessage {
  topic: string;
  payload: string;
}

interface TestBroker {
  port: number;
  received: ReceivedMessage[];
  publish(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

const DEVICES: FleetDevice[] = [
  { id: 'sim-washer-1', secret: 'secret-washer-1', type: 'washer' },
  { id: 'sim-fridge-1', secret: 'secret-fridge-1', type: 'refrigerator' },
  { id: 'sim-heater-1', secret: 'secret-heater-1', type: 'water_heater' },
];

async function startBroker(port = 0): Promise<TestBroker> {
  const broker = await Aedes.createBroker({
    authenticate: (
      _client: unknown,
      username: string | undefined,
      password: Buffer | undefined,
      done: (e: Error | null, ok: boolean) => void,
    ) => {
      const device = DEVICES.find((d) => d.id === username);
      done(null, device !== undefined && password?.toString() === device.secret);
    },
  });
  const received: ReceivedMessage[] = [];
  broker.on('publish', (packet: { topic: string; payload: Buffer }, client: unknown) => {
    if (client) received.push({ topic: packet.topic, payload: packet.payload.toString() });
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    publish: (topic, payload) =>
      new Promise<void>((resolve, reject) =>
        broker.publish(
          { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: false, dup: false },
          (e?: Error) => (e ? reject(e) : resolve()),
        ),
      ),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

function telemetryOf(messages: ReceivedMessage[], deviceId: string) {
  return messages
    .filter((m) => {
      const parsed = parseDeviceTopic(m.topic);
      return parsed?.deviceId === deviceId && parsed.channel === 'telemetry';
    })
    .map((m) => telemetryMessageSchema.parse(JSON.parse(m.payload)));
}

function acksOf(messages: ReceivedMessage[], commandId: string) {
  return messages
    .filter((m) => m.topic.endsWith('/commands/ack'))
    .map((m) => commandAckSchema.parse(JSON.parse(m.payload)))
    .filter((a) => a.id === commandId);
}

describe('FleetSimulator against a real broker', () => {
  let broker: TestBroker;
  let fleet: FleetSimulator;

  beforeEach(async () => {
    broker = await startBroker();
    fleet = new FleetSimulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      devices: DEVICES,
      seed: 42,
      timeScale: 60,
      faultRate: 0,
      reportIntervalMs: 100,
      reconnectPeriodMs: 200,
      connectRatePerS: 50,
    });
  });

  afterEach(async () => {
    await fleet.stop();
    await broker.close();
  });

  it('connects every device, publishes valid telemetry with rising seq, and answers commands', async () => {
    await fleet.start();
    await waitFor(() => DEVICES.every((d) => telemetryOf(broker.received, d.id).length >= 5));

    for (const device of DEVICES) {
      const readings = telemetryOf(broker.received, device.id);
      for (let i = 1; i < readings.length; i++) expect(readings[i].seq).toBeGreaterThan(readings[i - 1].seq);
      expect(Object.keys(readings[0].metrics).length).toBeGreaterThan(3);
      const status = broker.received.find((m) => m.topic === `devices/${device.id}/status`);
      expect(statusMessageSchema.parse(JSON.parse(status?.payload ?? 'null'))).toMatchObject({
        online: true,
      });
    }
    expect(fleet.stats().connected).toBe(DEVICES.length);

    await broker.publish('devices/sim-washer-1/commands', JSON.stringify({ id: 'cmd-1', name: 'self_test' }));
    await broker.publish(
      'devices/sim-washer-1/commands',
      JSON.stringify({ id: 'cmd-2', name: 'make_coffee' }),
    );
    await waitFor(
      () => acksOf(broker.received, 'cmd-1').length > 0 && acksOf(broker.received, 'cmd-2').length > 0,
    );
    const [selfTest] = acksOf(broker.received, 'cmd-1');
    expect(selfTest.ok).toBe(true);
    expect(selfTest.result).toMatchObject({ passed: true });
    const [unknown] = acksOf(broker.received, 'cmd-2');
    expect(unknown.ok).toBe(false);
    expect(unknown.error).toContain('make_coffee');
  });

  it('buffers readings while the broker is down and replays them in order with original timestamps', async () => {
    await fleet.start();
    await waitFor(
      () =>
        fleet.stats().connected === DEVICES.length &&
        telemetryOf(broker.received, 'sim-fridge-1').length >= 3,
    );
    const port = broker.port;
    await broker.close();
    const outageStartTs = Date.now();
    await waitFor(() => fleet.stats().buffered >= 3 * DEVICES.length, { what: 'readings buffered' });
    // The outage lasts until every device has taken at least five more readings (one per 100 ms
    // each, all on the fleet's one timer): those were all taken while the broker was down.
    const bufferedBefore = fleet.stats().buffered;
    await waitFor(() => fleet.stats().buffered >= bufferedBefore + 5 * DEVICES.length, {
      what: 'readings taken during the outage',
    });
    const restartTs = Date.now();

    broker = await startBroker(port);
    await waitFor(() => fleet.stats().connected === DEVICES.length && fleet.stats().buffered === 0);
    await waitFor(() =>
      DEVICES.every((d) => telemetryOf(broker.received, d.id).some((r) => r.ts > restartTs + 200)),
    );

    for (const device of DEVICES) {
      const replayed = telemetryOf(broker.received, device.id);
      const takenDuringOutage = replayed.filter((r) => r.ts > outageStartTs && r.ts < restartTs);
      expect(takenDuringOutage.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < replayed.length; i++) {
        expect(replayed[i].ts).toBeGreaterThanOrEqual(replayed[i - 1].ts);
        expect(replayed[i].seq).toBeGreaterThan(replayed[i - 1].seq);
      }
    }
    expect(fleet.stats().dropped).toBe(0);
  });
  it('fails an injected fault on simulated time, publishes its error code, and reports it in the error log', async () => {
    await fleet.stop();
    fleet = new FleetSimulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      devices: DEVICES.slice(0, 1),
      seed: 7,
      timeScale: 3600,
      faultRate: 1,
      faultStartWithinHours: 0,
      faultDevelopHours: { min: 0.5, max: 1 },
      reportIntervalMs: 100,
      reconnectPeriodMs: 200,
    });
    await fleet.start();
    const [truth] = fleet.groundTruth;
    expect(truth).toMatchObject({ deviceId: 'sim-washer-1', type: 'washer' });
    // The fault develops in 0.5-1 simulated hours, measured on the simulator's own clock.
    const developHours = (fleet.simTimeOf(truth.failureTs) - fleet.simTimeOf(truth.startTs)) / 3_600_000;
    expect(developHours).toBeGreaterThanOrEqual(0.5);
    expect(developHours).toBeLessThanOrEqual(1);
    await waitFor(() => broker.received.some((m) => m.topic === 'devices/sim-washer-1/events'));
    const event = JSON.parse(
      broker.received.find((m) => m.topic === 'devices/sim-washer-1/events')?.payload ?? '{}',
    );
    expect(event.code).toBe(truth.errorCode);
    expect(event.ts).toBeGreaterThanOrEqual(truth.failureTs);

    await broker.publish(
      'devices/sim-washer-1/commands',
      JSON.stringify({ id: 'log-1', name: 'read_error_log' }),
    );
    await broker.publish(
      'devices/sim-washer-1/commands',
      JSON.stringify({ id: 'test-1', name: 'self_test' }),
    );
    await waitFor(
      () => acksOf(broker.received, 'log-1').length > 0 && acksOf(broker.received, 'test-1').length > 0,
    );
    expect(acksOf(broker.received, 'log-1')[0].result).toEqual({
      entries: [{ ts: event.ts, code: truth.errorCode, message: event.message }],
    });
    expect(acksOf(broker.received, 'test-1')[0].result).toMatchObject({ passed: false });

    let reconnects = 0;
    fleet.on('connected', () => reconnects++);
    await broker.publish('devices/sim-washer-1/commands', JSON.stringify({ id: 'boot-1', name: 'reboot' }));
    await waitFor(() => acksOf(broker.received, 'boot-1').length > 0 && reconnects === 1);
    expect(acksOf(broker.received, 'boot-1')[0].ok).toBe(true);
  });

  it('plays a history back faster than real time, then reports live', async () => {
    await fleet.stop();
    const HOUR = 3_600_000;
    const startTs = Date.now();
    fleet = new FleetSimulator({
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      devices: DEVICES,
      seed: 42,
      faultRate: 0,
      reportIntervalMs: 100,
      reconnectPeriodMs: 200,
      connectRatePerS: 50,
      // two hours in 1.5 s, a reading every 10 minutes of it
      history: { ms: 2 * HOUR, replayMs: 1_500, intervalMs: 10 * 60_000 },
    });
    await fleet.start();
    const liveTs = startTs + 1_500;
    await waitFor(() =>
      DEVICES.every((d) => telemetryOf(broker.received, d.id).filter((r) => r.ts > liveTs).length >= 5),
    );
    for (const device of DEVICES) {
      const readings = telemetryOf(broker.received, device.id);
      for (let i = 1; i < readings.length; i++) {
        expect(readings[i].ts).toBeGreaterThan(readings[i - 1].ts);
        expect(readings[i].seq).toBeGreaterThan(readings[i - 1].seq);
      }
      // The history: from about two hours ago, one reading per 10 minutes of it at most.
      const past = readings.filter((r) => r.ts < startTs);
      expect(readings[0].ts).toBeLessThan(startTs - 1.5 * HOUR);
      expect(readings[0].ts).toBeGreaterThanOrEqual(startTs - 2 * HOUR);
      expect(past.length).toBeGreaterThanOrEqual(6);
      expect(past.length).toBeLessThanOrEqual(13);
      // Then live: the wall clock's time, at the device's own interval.
      const live = readings.filter((r) => r.ts > liveTs);
      expect(live[live.length - 1].ts).toBeLessThanOrEqual(Date.now());
      expect(live[live.length - 1].ts - live[0].ts).toBeLessThan(live.length * 300);
    }
    expect(
      () => new FleetSimulator({ devices: DEVICES, history: { ms: HOUR, replayMs: 0, intervalMs: 1 } }),
    ).toThrow('replayMs');
  });
});

describe('FleetSimulator with a history, without a broker', () => {
  it('reports live within one interval once the playback ends, whatever its history schedule', async () => {
    const HOUR = 3_600_000;
    const devices: FleetDevice[] = Array.from({ length: 40 }, (_, i) => ({
      id: `sim-washer-${i}`,
      secret: 's',
      type: 'washer',
    }));
    const samples = new Map<string, number[]>();
    const fleet = new FleetSimulator({
      devices,
      seed: 7,
      faultRate: 0,
      reportIntervalMs: 200,
      connectRatePerS: 1_000,
      // a reading every 10 minutes of a past played 4,800 times faster: ticks of 8 minutes
      history: { ms: 2 * HOUR, replayMs: 1_500, intervalMs: 10 * 60_000 },
    });
    fleet.on('sample', ({ deviceId, ts }) => samples.set(deviceId, [...(samples.get(deviceId) ?? []), ts]));
    const startTs = Date.now();
    await fleet.start();
    try {
      const liveTs = startTs + 1_500;
      await waitFor(() => devices.every((d) => (samples.get(d.id) ?? []).some((ts) => ts > liveTs + 1_000)));
      for (const device of devices) {
        const live = (samples.get(device.id) ?? []).filter((ts) => ts >= liveTs);
        // the first live reading about an interval (200 ms) and a tick (100 ms) after the end of
        // the playback, not at the history's next slot, up to 10 minutes later
        expect(live[0] - liveTs).toBeLessThan(1_000);
      }
    } finally {
      await fleet.stop();
    }
  });
});

/**
 * A fleet of 40 washers reporting every second, without a broker, on a clock the test moves: `run`
 * moves it by `ms` in steps of `stepMs`, each step counted once a tick has read it.
 */
function steppedFleet(options: { alignReports?: boolean } = {}) {
  const devices: FleetDevice[] = Array.from({ length: 40 }, (_, i) => ({
    id: `sim-washer-${i}`,
    secret: 's',
    type: 'washer',
  }));
  const state = { now: 1_000_000, reads: 0 };
  const clock = {
    now: () => {
      state.reads++;
      return state.now;
    },
  };
  const samples = new Map<string, number[]>();
  const fleet = new FleetSimulator({
    devices,
    seed: 11,
    faultRate: 0,
    reportIntervalMs: 1_000,
    connectRatePerS: 100_000,
    clock,
    tickMs: 2,
    ...options,
  });
  fleet.on('sample', ({ deviceId, ts }) => samples.set(deviceId, [...(samples.get(deviceId) ?? []), ts]));
  const run = async (ms: number, stepMs = 50) => {
    for (let moved = 0; moved < ms; moved += stepMs) {
      state.now += stepMs;
      const before = state.reads;
      await waitFor(() => state.reads > before, { intervalMs: 1 });
    }
  };
  return { devices, fleet, samples, run, now: () => state.now };
}

describe('FleetSimulator on a clock of its own, without a broker', () => {
  it('skips the missed readings after a stall and keeps each device on its own phase, not the whole fleet in one burst', async () => {
    const { devices, fleet, samples, run, now } = steppedFleet();
    await fleet.start();
    try {
      await run(3_000);
      const stalledFromTs = now();
      // the process stalls for 5.5 intervals: one tick sees the clock jump
      await run(5_500, 5_500);
      const resumedTs = now();
      await run(3_000);
      const phases = new Set<number>();
      for (const device of devices) {
        const readings = samples.get(device.id) ?? [];
        const before = readings.filter((ts) => ts <= stalledFromTs);
        const after = readings.filter((ts) => ts > resumedTs);
        // one reading for the stall, not one per missed interval
        expect(readings.filter((ts) => ts > stalledFromTs && ts <= resumedTs)).toHaveLength(1);
        expect(before.length).toBeGreaterThanOrEqual(2);
        expect(after.length).toBeGreaterThanOrEqual(2);
        // after the stall, the device reports at the phase it had before it
        const phase = (ts: number) => ts % 1_000;
        for (const ts of after) expect(phase(ts)).toBe(phase(before[before.length - 1]));
        phases.add(phase(after[0]));
      }
      // the fleet stays spread over the interval (20 ticks of 50 ms): no burst of all 40 at once
      expect(phases.size).toBeGreaterThanOrEqual(10);
    } finally {
      await fleet.stop();
    }
  });

  it("reports on the interval's marks with alignReports: the whole fleet in one burst, a stall or not", async () => {
    const { devices, fleet, samples, run } = steppedFleet({ alignReports: true });
    await fleet.start();
    try {
      await run(3_000);
      // a stall of five intervals: one reading for it, on its mark, then the marks again
      await run(5_000, 5_000);
      await run(3_000);
      const all = devices.flatMap((device) => samples.get(device.id) ?? []);
      expect(all.length).toBeGreaterThanOrEqual(40 * 6);
      expect(all.filter((ts) => ts % 1_000 !== 0)).toEqual([]);
      // every device once a mark
      for (const device of devices)
        expect(new Set(samples.get(device.id)).size).toBe(samples.get(device.id)!.length);
    } finally {
      await fleet.stop();
    }
  });
});
