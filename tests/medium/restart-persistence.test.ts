/**
 * Medium test: a restart keeps devices, telemetry, alarms and tickets. Runs the platform twice
 * on the same data, once on the embedded defaults (PGlite + embedded telemetry store under a
 * temp DATA_DIR) and once on the production engines: a real InfluxDB 1.x and a real
 * PostgreSQL 15, both started on loopback by the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Alarm, CreatedDevice, DeviceView, Ticket } from '../../contracts/src';
import { startInfluxd, type InfluxdServer } from '../support/influxdb-server';
import { startTestPlatform, telemetry } from '../support/platform-fixture';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';

const washerReading = (seq: number, vibration: number) => ({
  drumVibrationMmS: vibration,
  motorCurrentA: 2,
  waterTempC: 40,
  drainTimeS: 60,
  drumRpm: 100 * seq,
});

describe.each(['embedded', 'influxdb+postgres'] as const)('restart on %s storage', (kind) => {
  let influx: InfluxdServer | undefined;
  let postgres: PostgresServer | undefined;
  const env: Record<string, string> = {};

  beforeAll(async () => {
    env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'restart-test-'));
    if (kind === 'influxdb+postgres') {
      [influx, postgres] = await Promise.all([startInfluxd('appliances_restart'), startPostgres()]);
      env.INFLUX_URL = influx.url;
      env.DATABASE_URL = await createDatabase(postgres.url, 'restart_test');
    }
  }, 120_000);

  afterAll(async () => {
    await influx?.stop();
    await postgres?.stop();
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('keeps devices, telemetry, alarms, tickets and sessions across a restart', async () => {
    const first = await startTestPlatform(env);
    expect(first.platform.core.store.backend).toBe(kind === 'embedded' ? 'embedded' : 'influxdb');
    expect(first.platform.core.db.kind).toBe(kind === 'embedded' ? 'pglite' : 'postgres');
    const token = await first.login();
    const device: CreatedDevice = await first.provision(token, { type: 'washer', region: 'south' });
    const client = await first.connectDevice(device);
    const base = Date.now() - 60_000;
    for (let seq = 1; seq <= 6; seq++) {
      await client.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(seq, washerReading(seq, 30), base + seq * 1000),
        { qos: 1 },
      );
    }
    await first.platform.settle();
    const ticketsBefore = (await first.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token }))
      .body;
    expect(ticketsBefore).toHaveLength(1);
    await first.stop({ keepData: true });

    const second = await startTestPlatform(env);
    try {
      // the token issued before the restart still works
      const view = await second.http<DeviceView>('GET', `/api/devices/${device.id}`, { token });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ id: device.id, type: 'washer', region: 'south', online: false });
      expect(view.body.latest.drumRpm).toEqual({ ts: base + 6000, value: 600 });
      const series = await second.http<Array<{ value: number }>>(
        'GET',
        `/api/devices/${device.id}/telemetry?metric=drumRpm&from=${base}&to=${base + 10_000}`,
        { token },
      );
      expect(series.body.map((p) => p.value)).toEqual([100, 200, 300, 400, 500, 600]);
      expect(
        (await second.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token })).body,
      ).toEqual(ticketsBefore);
      const alarms = (await second.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body;
      expect(alarms.map((a) => a.state)).toEqual(['active']);
      // the same device reconnects with its old secret; the open alarm is updated, not duplicated
      const again = await second.connectDevice(device);
      await again.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(7, washerReading(7, 31), base + 7000),
        { qos: 1 },
      );
      await second.platform.settle();
      expect(
        (await second.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body,
      ).toHaveLength(1);
      expect(
        (await second.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token })).body,
      ).toHaveLength(1);
    } finally {
      await second.stop({ keepData: true });
    }
  });
});
