/**
 * Medium test of fault prediction in the live platform. Real: the platform (gateway, ingest,
 * the learned fleet models from models/artifacts on the TensorFlow.js wasm backend, alarms,
 * incidents, tickets, PGlite, embedded store) and simulated appliances from firmware-sim with
 * injected faults, running 5,000× faster than real time (MODEL_TIME_SCALE tells the models).
 */
import type { Alarm, Ticket } from '../../contracts/src';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

const TIME_SCALE = 5_000;
const HOUR_MS = 3_600_000;
/**
 * Simulated hours before the failure that the prediction and the warning must come, at the least
 * (the floor fleet-false-alarms.test.ts asserts for warnings). Measured here: 38 h for both. Each
 * wall second the platform is late costs 1.4 simulated hours.
 */
const MIN_LEAD_HOURS = 12;
/** Wall time the platform may take, past the last simulated failure, to show what it found. */
const PROCESSING_GRACE_MS = 10_000;

describe('fault prediction', () => {
  let t: TestPlatform;
  let fleet: FleetSimulator | undefined;

  beforeAll(async () => {
    t = await startTestPlatform({ MODEL_TIME_SCALE: String(TIME_SCALE) });
  });

  afterAll(async () => {
    await fleet?.stop();
    await t.stop();
  });

  it('predicts the injected fault mode before the failure and opens a proactive ticket that names it', async () => {
    const token = await t.login();
    const devices = [];
    for (const type of ['air_conditioner', 'refrigerator', 'air_conditioner', 'refrigerator'] as const) {
      const created = await t.provision(token, { type });
      devices.push({ id: created.id, secret: created.secret, type });
    }
    const simulator = new FleetSimulator({
      brokerUrl: t.mqttUrl,
      devices,
      seed: 11,
      timeScale: TIME_SCALE,
      faultRate: 1,
      faultStartWithinHours: 6,
      faultDevelopHours: { min: 48, max: 72 },
      reportIntervalMs: Math.round(600_000 / TIME_SCALE),
    });
    fleet = simulator;
    await fleet.start();
    /** Simulated hours from one telemetry timestamp to a later one. */
    const simulatedHours = (fromTs: number, toTs: number) =>
      (simulator.simTimeOf(toTs) - simulator.simTimeOf(fromTs)) / HOUR_MS;
    // A prediction or warning after the last failure is too late: wait no longer than that.
    const lastFailureTs = Math.max(...fleet.groundTruth.map((g) => g.failureTs));
    const untilLastFailure = () => Math.max(0, lastFailureTs - Date.now()) + PROCESSING_GRACE_MS;

    const predictions = await waitFor(
      async () => {
        const alarms = (await t.http<Alarm[]>('GET', '/api/alarms', { token })).body;
        const found = alarms.filter((a) => a.cause.startsWith('prediction:'));
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: untilLastFailure(), what: 'a prediction alarm before the failures' },
    );
    const prediction = predictions[0];
    const truth = fleet.groundTruth.find((g) => g.deviceId === prediction.deviceId);
    expect(truth).toBeDefined();
    expect(prediction.cause).toBe(`prediction:${truth!.mode}`);
    expect(prediction.severity).toBe('major');
    // On the simulator's clock: after the fault started, and hours before the failure.
    expect(simulatedHours(truth!.startTs, prediction.raisedAt)).toBeGreaterThan(0);
    expect(simulatedHours(prediction.raisedAt, truth!.failureTs)).toBeGreaterThanOrEqual(MIN_LEAD_HOURS);
    expect(prediction.details).toMatchObject({ faultMode: truth!.mode, probability: expect.any(Number) });
    expect((prediction.details.explanation as unknown[]).length).toBeGreaterThan(0);

    await t.platform.settle();
    const tickets = (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${prediction.deviceId}`, { token }))
      .body;
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ source: 'prediction', faultMode: truth!.mode });
    expect(tickets[0].failureProbability).toBeGreaterThan(0.5);
    expect(tickets[0].likelyPart).toEqual(expect.any(String));

    // The type's normal-behaviour model also warns, by itself, that a drifting appliance no
    // longer looks like a healthy one, and says which readings are out of the expected band.
    const warning = await waitFor(
      async () => {
        const alarms = (await t.http<Alarm[]>('GET', '/api/alarms', { token })).body;
        return alarms.find(
          (a) => a.cause === 'anomaly' && String(a.details.model).endsWith('normal-behaviour'),
        );
      },
      { timeoutMs: untilLastFailure(), what: 'an anomaly warning from a normal-behaviour model' },
    );
    const warned = fleet.groundTruth.find((g) => g.deviceId === warning.deviceId);
    expect(warned).toBeDefined();
    // The reading the warning is about, on the simulator's clock.
    const warnedAtTs = warning.details.ts as number;
    expect(simulatedHours(warned!.startTs, warnedAtTs)).toBeGreaterThan(0);
    expect(simulatedHours(warnedAtTs, warned!.failureTs)).toBeGreaterThanOrEqual(MIN_LEAD_HOURS);
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning.details.score).toBeGreaterThanOrEqual(0.5);
    const [top] = warning.details.explanation as Array<{
      metric: string;
      expectedLow: number;
      expectedHigh: number;
    }>;
    expect(warning.message).toContain(top.metric);
    expect(top.expectedLow).toBeLessThanOrEqual(top.expectedHigh);
  }, 210_000);
});
