/**
 * Medium test of fault prediction in the live platform. Real: the platform (gateway, ingest,
 * the learned fleet models from models/artifacts on the TensorFlow.js wasm backend, alarms,
 * incidents, tickets, PGlite, embedded store) and simulated appliances from firmware-sim with
 * injected faults, running 5,000× faster than real time (MODEL_TIME_SCALE tells the models).
 */
import type { Alarm, Ticket } from '../../contracts/src';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { waitFor } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';

const TIME_SCALE = 5_000;

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
    fleet = new FleetSimulator({
      brokerUrl: t.mqttUrl,
      devices,
      seed: 11,
      timeScale: TIME_SCALE,
      faultRate: 1,
      faultStartWithinHours: 6,
      faultDevelopHours: { min: 48, max: 72 },
      reportIntervalMs: Math.round(600_000 / TIME_SCALE),
    });
    await fleet.start();

    const predictions = await waitFor(
      async () => {
        const alarms = (await t.http<Alarm[]>('GET', '/api/alarms', { token })).body;
        const found = alarms.filter((a) => a.cause.startsWith('prediction:'));
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 100_000, what: 'a prediction alarm' },
    );
    const prediction = predictions[0];
    const truth = fleet.groundTruth.find((g) => g.deviceId === prediction.deviceId);
    expect(truth).toBeDefined();
    expect(prediction.cause).toBe(`prediction:${truth!.mode}`);
    expect(prediction.severity).toBe('major');
    // predicted before the simulated failure
    expect(prediction.raisedAt).toBeLessThan(truth!.failureTs); // live ground truth is in wall-clock time
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
      { timeoutMs: 60_000, what: 'an anomaly warning from a normal-behaviour model' },
    );
    const warned = fleet.groundTruth.find((g) => g.deviceId === warning.deviceId);
    expect(warned).toBeDefined();
    expect(warning.raisedAt).toBeLessThan(warned!.failureTs);
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
