/**
 * Medium test of live anomaly detection. Real: the platform (Aedes gateway, ingest, the online
 * detector from models/, alarms, PGlite, embedded store) and an MQTT.js device replaying hours
 * of readings with their original timestamps.
 */
import type { Alarm } from '../../contracts/src';
import { mulberry32 } from '../../contracts/src/seeded-random';
import { ANOMALY_CLEAR_AFTER_MS } from '../../models/src/detector/anomaly-state';
import { IsolateHeaps } from '../../platform/src/common/memory/isolate-heaps';
import { AnomalyWatchService } from '../../platform/src/modules/diagnostics/anomaly-watch.service';
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

  /**
   * A refrigerator reports an hour of normal readings every 10 s, then its condenser runs hotter
   * and hotter (a failing fan) for 10 minutes, still inside its normal band (≤ 55 °C), so no
   * threshold fires. Returns a way to send more normal readings and to list its anomaly alarms.
   */
  async function failingFan(startMs: number) {
    const token = await t.login();
    const device = await t.provision(token, { type: 'refrigerator' });
    const client = await t.connectDevice(device);
    const rand = noise(42);
    const normal = () => ({
      cabinetTempC: 4 + rand() * 0.4,
      freezerTempC: -18 + rand() * 0.6,
      compressorCurrentA: 1.1 + rand() * 0.1,
      compressorDutyPct: 45 + rand() * 4,
      condenserTempC: 38 + rand() * 1,
    });
    let seq = 0;
    const send = (metrics: Record<string, number>, ts: number) =>
      client.publishAsync(`devices/${device.id}/telemetry`, telemetry(++seq, metrics, ts), { qos: 1 });
    const list = async () =>
      (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body.filter(
        (a) => a.cause === 'anomaly',
      );
    for (let i = 0; i < 360; i++) await send(normal(), startMs + i * 10_000);
    await t.platform.settle();
    const beforeFault = await list();
    for (let i = 360; i < 420; i++) {
      await send({ ...normal(), condenserTempC: 40 + (i - 360) * 0.2 + rand() * 0.2 }, startMs + i * 10_000);
    }
    await t.platform.settle();
    return {
      token,
      device,
      beforeFault,
      list,
      sendNormal: (ts: number) => send(normal(), ts),
      lastTs: startMs + 419 * 10_000,
    };
  }

  it('raises one explained anomaly warning when a metric keeps departing from its learned behaviour', async () => {
    const { token, device, beforeFault, list } = await failingFan(Date.now() - 2 * 3_600_000);
    expect(beforeFault).toEqual([]);
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

  it("tells the platform's memory release how large the detection thread's heap is (V8 pages that are not pooled)", async () => {
    const watch = t.platform.app.get(AnomalyWatchService);
    expect(watch.detectsInWorker).toBe(true);
    const worker = await watch.detectionMemory();
    const counted = await t.platform.app.get(IsolateHeaps).committedBytes();
    // the worker's heap, read twice: a few pages apart at most
    expect(counted).toBeGreaterThan(4_000_000);
    expect(Math.abs(counted! - worker!.heapTotalBytes)).toBeLessThan(4_000_000);
  });

  it("clears the warning on the first reading two quiet hours (the readings' time) after the last detection, as AnomalyState defines", async () => {
    // Readings from six hours ago, replayed in seconds: the hold runs on their timestamps.
    const scenario = await failingFan(Date.now() - 6 * 3_600_000);
    let ts = scenario.lastTs;
    let [alarm] = await scenario.list();
    expect(alarm).toMatchObject({ state: 'active' });

    // Normal readings every minute up to just before the hold ends; a later detection (the
    // details carry the reading time of the last one) moves the end, so follow it.
    for (;;) {
      const holdEnds = (alarm.details.ts as number) + ANOMALY_CLEAR_AFTER_MS;
      while (ts + 60_000 < holdEnds) await scenario.sendNormal((ts += 60_000));
      await t.platform.settle();
      [alarm] = await scenario.list();
      expect(alarm.state).toBe('active');
      if ((alarm.details.ts as number) + ANOMALY_CLEAR_AFTER_MS === holdEnds) break;
    }

    const clearTs = (alarm.details.ts as number) + ANOMALY_CLEAR_AFTER_MS;
    expect(clearTs - ts).toBeLessThanOrEqual(60_000);
    await scenario.sendNormal(clearTs);
    await t.platform.settle();
    const alarms = await scenario.list();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ id: alarm.id, state: 'cleared' });
    expect(alarms[0].details).toMatchObject({ clearedBy: 'automatic', clearReading: { ts: clearTs } });
  });
});
