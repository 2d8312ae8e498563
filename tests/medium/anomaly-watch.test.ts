/**
 * Medium test of live anomaly detection. Real: the platform (Aedes gateway, ingest, the online
 * detector from models/, alarms, PGlite, embedded store) and an MQTT.js device replaying an hour
 * of readings with their original timestamps.
 */
import type { Alarm } from '../../contracts/src';
import { mulberry32 } from '../../contracts/src/seeded-random';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';

/** Noise in [-0.5, 0.5), seeded so the "normal" hour is the same on every run. */
function noise(seed: number): () => number {
  const rng = mulberry32(seed);
  return () => rng() - 0.5;
}

describe('anomaly watch', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform();
  });

  afterAll(async () => {
    await t.stop();
  });

  it('raises one explained anomaly warning when a metric keeps departing from its learned behaviour', async () => {
    const token = await t.login();
    const device = await t.provision(token, { type: 'refrigerator' });
    const client = await t.connectDevice(device);
    const rand = noise(42);
    const start = Date.now() - 2 * 3_600_000;
    const normal = () => ({
      cabinetTempC: 4 + rand() * 0.4,
      freezerTempC: -18 + rand() * 0.6,
      compressorCurrentA: 1.1 + rand() * 0.1,
      compressorDutyPct: 45 + rand() * 4,
      condenserTempC: 38 + rand() * 1,
    });
    let seq = 0;
    for (let i = 0; i < 360; i++) {
      await client.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(++seq, normal(), start + i * 10_000),
        {
          qos: 1,
        },
      );
    }
    await t.platform.settle();
    const list = async () =>
      (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body.filter(
        (a) => a.cause === 'anomaly',
      );
    expect(await list()).toEqual([]);

    // the condenser starts running hotter and hotter (a failing fan), still inside its normal
    // band (≤ 55 °C) for the next 10 minutes, so no threshold fires
    for (let i = 360; i < 420; i++) {
      const reading = { ...normal(), condenserTempC: 40 + (i - 360) * 0.2 + rand() * 0.2 };
      await client.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(++seq, reading, start + i * 10_000),
        {
          qos: 1,
        },
      );
    }
    await t.platform.settle();
    const alarms = await list();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ severity: 'warning', state: 'active' });
    const explanation = alarms[0].details.explanation as Array<{ metric: string }>;
    expect(explanation[0].metric).toBe('condenserTempC');
    expect(alarms[0].message).toContain('condenserTempC');
    expect(alarms[0].details.confidence).toBeGreaterThan(0.5);
    const thresholdAlarms = (
      await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })
    ).body.filter((a) => a.cause.startsWith('threshold:'));
    expect(thresholdAlarms).toEqual([]);
  });
});
