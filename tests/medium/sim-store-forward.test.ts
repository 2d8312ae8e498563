/**
 * Medium test of the simulator devices' store and forward (`npm run sim -- --queue-dir DIR`).
 * Real: simulated MQTT devices (FleetSimulator with a DiskQueue per device, as the CLI builds
 * it) and the platform; the cloud is reached through a TCP relay on loopback that the test cuts
 * and restores. The simulator is stopped and a new one started on the same queue folder in the
 * middle of the outage, as a restart of the process would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreatedDevice } from '../../contracts/src';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { CloudLink } from '../support/cloud-link';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('simulator devices store and forward on disk', () => {
  let t: TestPlatform;
  let devices: CreatedDevice[];
  let link: CloudLink;
  let dir: string;
  let sim: FleetSimulator | undefined;
  /** Set: the simulators' clock stands still, so they take no more readings (the link stays up). */
  let frozenAt: number | undefined;
  /** Per device, the timestamps of the readings as the simulator took them, in order. */
  const made = new Map<string, number[]>();
  /** Per device, the timestamps of the readings the platform accepted, in arrival order. */
  const accepted = new Map<string, number[]>();

  beforeAll(async () => {
    t = await startTestPlatform();
    const token = await t.login();
    devices = [];
    for (const type of ['washer', 'refrigerator', 'dishwasher'] as const)
      devices.push(await t.provision(token, { type, region: 'north' }));
    for (const d of devices) {
      made.set(d.id, []);
      accepted.set(d.id, []);
    }
    t.platform.core.events.on('telemetry.accepted', (r) => accepted.get(r.deviceId)?.push(r.tsMs));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-queue-test-'));
    link = new CloudLink(await freePort(), t.platform.mqttPort);
    await link.restore();
  });

  afterAll(async () => {
    await sim?.stop();
    await link?.cut();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What `npm run sim -- --queue-dir DIR --forward-rate 100 --report-every-ms 50` runs. */
  const startSimulator = async () => {
    const simulator = new FleetSimulator({
      brokerUrl: `mqtt://127.0.0.1:${link.port}`,
      devices: devices.map((d) => ({ id: d.id, secret: d.secret, type: d.type })),
      faultRate: 0,
      reportIntervalMs: 50,
      reconnectPeriodMs: 200,
      queueDir: path.join(dir, 'queue'),
      forwardRatePerS: 100,
      groundTruthPath: path.join(dir, 'ground-truth.jsonl'),
      clock: { now: () => frozenAt ?? Date.now() },
    });
    simulator.on('sample', ({ deviceId, ts }) => made.get(deviceId)?.push(ts));
    await simulator.start();
    return simulator;
  };
  const total = (m: Map<string, number[]>) => [...m.values()].reduce((n, list) => n + list.length, 0);

  it('forwards every reading of an outage once, in order, with its timestamp, across a simulator restart', async () => {
    sim = await startSimulator();
    await waitFor(() => sim?.stats().connected === devices.length, { what: 'devices connected' });
    await waitFor(() => total(accepted) >= 15, { what: 'readings before the outage' });

    // the cloud goes away: readings pile up in each device's queue on disk
    await link.cut();
    await waitFor(() => sim?.stats().connected === 0, { what: 'broker unreachable' });
    const madeAtCut = total(made);
    await waitFor(() => total(made) >= madeAtCut + 30, { what: 'readings during the outage' });

    // the simulator process restarts in the middle of the outage
    await sim.stop();
    sim = await startSimulator();
    expect(sim.stats().buffered).toBeGreaterThanOrEqual(30);
    const madeAtRestart = total(made);
    await waitFor(() => total(made) >= madeAtRestart + 30, { what: 'readings after the restart' });
    const acceptedDuringOutage = total(accepted);
    await sleep(300);
    expect(total(accepted)).toBe(acceptedDuringOutage);

    // the cloud comes back: the backlog is forwarded (paced), then the live readings follow
    await link.restore();
    const madeBeforeRestore = total(made);
    await waitFor(() => total(accepted) >= madeBeforeRestore + 10, {
      timeoutMs: 20_000,
      what: 'the backlog forwarded',
    });
    frozenAt = Date.now();
    // a reading already due before the freeze may still be taken for a moment: wait until no
    // new one comes, nothing is queued and every device's readings were accepted
    await waitFor(
      async () => {
        const before = total(made);
        await sleep(300);
        return (
          total(made) === before &&
          sim?.stats().buffered === 0 &&
          devices.every((d) => (accepted.get(d.id)?.length ?? 0) >= (made.get(d.id)?.length ?? 0))
        );
      },
      { what: 'the last live readings' },
    );
    await t.platform.settle();
    for (const d of devices) {
      const took = made.get(d.id) ?? [];
      expect(took.length).toBeGreaterThan(20);
      // once each, in the order taken, with the timestamp it was taken at
      expect(accepted.get(d.id)).toEqual(took);
    }
    // and stored once each: the count reaches what was made (the last batch may still be writing)
    const stored = await waitFor(
      async () => {
        const n = await t.metric('telemetry_readings_total');
        return n >= total(made) && n;
      },
      { what: 'every reading stored', timeoutMs: 10_000 },
    ).catch(async () => t.metric('telemetry_readings_total'));
    expect(stored).toBe(total(made));
  });
});
