/**
 * Medium test of repairs teaching the fleet models. Real: the platform (MQTT ingest, the
 * embedded telemetry store, alarms, incidents, tickets, PGlite, the fleet models on the
 * TensorFlow.js wasm backend, the model registry and its retraining job at `quick` size).
 *
 * By construction the field fault is one the simulator never injects: a washer whose wash water
 * runs 25 °C hot while its motor brushes wear. The committed models (version 1) do not know it;
 * four repairs confirm it (three labels train the candidate, the second is held back), so a
 * candidate that learned from the field is better on the held-back label at no more false alarms.
 */
import type { MqttClient } from 'mqtt';
import type {
  Alarm,
  FieldLabel,
  ModelAuditEntry,
  ModelJob,
  ModelList,
  ModelRollback,
  Ticket,
} from '../../contracts/src';
import { type DeviceStream, simulateFleet } from '../../models/src/fleet/fleet-dataset';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

/** One 10-minute step of the models' time per wall second. */
const TIME_SCALE = 600;
const READINGS = 60;
const STEP_MS = 600_000 / TIME_SCALE;
/** Readings sent one per assessment batch (the decision rule's debounce is 6 windows) and their spacing. */
const PACED = 10;
const PACE_MS = 1_300;

/** The last READINGS readings of a simulated washer, as metric records. */
function readingsOf(stream: DeviceStream, distort?: (metrics: Record<string, number>) => void) {
  const width = stream.metrics.length;
  const from = stream.tsMs.length - READINGS;
  return Array.from({ length: READINGS }, (_, i) => {
    const metrics: Record<string, number> = {};
    stream.metrics.forEach((m, c) => (metrics[m] = stream.values[(from + i) * width + c]));
    if (distort && i >= 10) distort(metrics);
    return metrics;
  });
}

const hotWash = (metrics: Record<string, number>) => {
  metrics.waterTempC += 25;
};

describe('model registry: repairs teach the fleet models', () => {
  let t: TestPlatform;
  let admin: string;
  const healthy = simulateFleet({ type: 'washer', devices: 6, days: 3, seed: 77, faultRate: 0 });
  const failing = simulateFleet({ type: 'washer', devices: 6, days: 8, seed: 91, faultRate: 1 });

  beforeAll(async () => {
    t = await startTestPlatform({
      MODEL_TIME_SCALE: String(TIME_SCALE),
      MODEL_RETRAIN_SIZE: 'quick',
      MODEL_SHADOW_MS: '1500',
    });
    admin = await t.login();
  });

  afterAll(async () => {
    await t.stop();
  });

  /**
   * A new washer that reports `readings` one model step apart, ending about now. The platform
   * assesses each device's latest window once per batch (every second), so the last `paced`
   * readings come one per batch, as a live device's would, for the decision rule to see
   * consecutive windows; the ones before catch up on history.
   */
  async function washerReporting(
    readings: Array<Record<string, number>>,
    paced = 0,
  ): Promise<{ id: string; client: MqttClient }> {
    const device = await t.provision(admin, { type: 'washer' });
    const client = await t.connectDevice(device);
    const startMs = Date.now() - (readings.length - paced) * STEP_MS;
    for (let i = 0; i < readings.length; i++) {
      if (i >= readings.length - paced) {
        await t.platform.settle();
        await new Promise((resolve) => setTimeout(resolve, PACE_MS));
      }
      await client.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(i + 1, readings[i], Math.min(Date.now(), startMs + i * STEP_MS)),
        { qos: 1 },
      );
    }
    await t.platform.settle();
    return { id: device.id, client };
  }

  const alarmsOf = async (deviceId: string) =>
    (await t.http<Alarm[]>('GET', '/api/alarms', { token: admin })).body.filter(
      (a) => a.deviceId === deviceId,
    );

  const predictionOf = (deviceId: string) =>
    waitFor(async () => (await alarmsOf(deviceId)).find((a) => a.cause.startsWith('prediction:')), {
      timeoutMs: 30_000,
      what: `a prediction alarm on ${deviceId}`,
    });

  /** The technician's remote fix: worn motor brushes, as the root cause says. */
  async function repair(device: { id: string; client: MqttClient }): Promise<void> {
    await device.client.publishAsync(
      `devices/${device.id}/events`,
      JSON.stringify({ ts: Date.now(), seq: 1, code: 'E51', message: 'motor overcurrent' }),
      { qos: 1 },
    );
    const ticket = await waitFor(
      async () =>
        (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin })).body[0],
      { what: `a ticket on ${device.id}` },
    );
    if (ticket.status === 'new') {
      expect(
        (await t.http('POST', `/api/tickets/${ticket.id}/acknowledge`, { token: admin, body: {} })).status,
      ).toBe(200);
    }
    const resolved = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/resolve`, {
      token: admin,
      body: { rootCause: 'Worn motor brushes: brush set replaced', partsUsed: [], remote: true },
    });
    expect(resolved.status).toBe(200);
  }

  it('labels resolved tickets, retrains, shadows, promotes a better candidate, and its alarms carry the new version; rollback goes back', async () => {
    // Version 1 (the committed models) is registered and active.
    const before = (await t.http<ModelList>('GET', '/api/models', { token: admin })).body;
    expect(before.find((m) => m.type === 'washer')).toMatchObject({ activeVersion: 1 });

    // Four washers run hot and are repaired: each repair labels the telemetry before it.
    for (const stream of healthy.slice(0, 4)) {
      const washer = await washerReporting(readingsOf(stream, hotWash));
      // Version 1 does not know this fault: no prediction.
      expect((await alarmsOf(washer.id)).filter((a) => a.cause.startsWith('prediction:'))).toEqual([]);
      await repair(washer);
    }
    const labels = await waitFor(
      async () => {
        const all = (await t.http<FieldLabel[]>('GET', '/api/models/labels?type=washer', { token: admin }))
          .body;
        return all.length === 4 ? all : undefined;
      },
      { what: 'four field labels' },
    );
    for (const label of labels) {
      expect(label).toMatchObject({ type: 'washer', faultMode: 'motor_brush_wear', matchedBy: 'root_cause' });
      expect(label.windowStart).toBeLessThan(label.windowEnd);
    }

    // The request is checked before a job starts.
    const bad = await t.http<{ field?: string }>('POST', '/api/models/retrain', { token: admin, body: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('type');
    expect(
      (await t.http('POST', '/api/models/retrain', { token: admin, body: { type: 'toaster' } })).status,
    ).toBe(400);

    const started = await t.http<ModelJob>('POST', '/api/models/retrain', {
      token: admin,
      body: { type: 'washer' },
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ type: 'washer', state: 'running' });
    // One job at a time per type.
    expect(
      (await t.http('POST', '/api/models/retrain', { token: admin, body: { type: 'washer' } })).status,
    ).toBe(409);

    const seenPhases = new Set<string>();
    const job = await waitFor(
      async () => {
        const current = (
          await t.http<ModelJob>('GET', `/api/models/jobs/${started.body.id}`, { token: admin })
        ).body;
        seenPhases.add(current.phase);
        return current.state === 'running' ? undefined : current;
      },
      { timeoutMs: 120_000, intervalMs: 200, what: 'the retraining job to finish' },
    );
    expect(job.log.join('\n')).not.toContain('failed:');
    expect(job).toMatchObject({ state: 'promoted', phase: 'done', percent: 100, candidateVersion: 2 });
    expect(seenPhases.size).toBeGreaterThan(1);
    // The labels reached the candidate; the held-back one decided it.
    expect(job.report).toMatchObject({ fieldLabelsUsed: 3, candidate: { heldBackLabels: 1 } });
    expect(job.report!.fieldWindowsUsed).toBeGreaterThan(0);
    expect(job.report!.active.heldBackRecall).toBe(0);
    expect(job.report!.candidate.heldBackRecall).toBe(1);
    expect(job.report!.candidate.simFalseAlarmsPerDeviceDay).toBeLessThanOrEqual(
      Math.max(job.report!.active.simFalseAlarmsPerDeviceDay, 0.01),
    );
    expect(job.report!.shadow?.windows).toEqual(expect.any(Number));
    expect(job.decision?.reason).toContain('held-back');

    const after = (await t.http<ModelList>('GET', '/api/models', { token: admin })).body.find(
      (m) => m.type === 'washer',
    );
    expect(after?.activeVersion).toBe(2);
    expect(after?.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'retired'],
    ]);

    // A new washer showing the held-back case (the second repair's readings), live: the new
    // version predicts it, and says so.
    const third = await washerReporting(readingsOf(healthy[1], hotWash), PACED);
    const prediction = await predictionOf(third.id);
    expect(prediction.cause).toBe('prediction:motor_brush_wear');
    expect(prediction.details).toMatchObject({ model: 'fleet-washer', modelVersion: 2 });

    // Rollback is one call; the live models follow at once, and it is audited.
    const rolled = await t.http<ModelRollback>('POST', '/api/models/washer/rollback', {
      token: admin,
      body: {},
    });
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ type: 'washer', fromVersion: 2, toVersion: 1 });
    const audit = (await t.http<ModelAuditEntry[]>('GET', '/api/models/audit', { token: admin })).body;
    expect(audit[0]).toMatchObject({ action: 'rollback', type: 'washer', fromVersion: 2, toVersion: 1 });
    expect(audit[0].actor).toMatch(/^admin:/);
    expect(audit.find((a) => a.action === 'promote')).toMatchObject({ fromVersion: 1, toVersion: 2 });
    // Nothing before version 1.
    expect((await t.http('POST', '/api/models/washer/rollback', { token: admin, body: {} })).status).toBe(
      409,
    );

    // The next alarm comes from version 1 again: a washer near a bearing failure it knows.
    const bearing = failing.find((s) => s.fault?.mode === 'bearing_wear') as DeviceStream;
    const fourth = await washerReporting(readingsOf(bearing), PACED);
    const again = await predictionOf(fourth.id);
    expect(again.cause).toBe('prediction:bearing_wear');
    expect(again.details).toMatchObject({ model: 'fleet-washer', modelVersion: 1 });
  }, 200_000);
});
