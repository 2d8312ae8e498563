/**
 * Medium test. Real: an InfluxDB 1.x server (Debian's influxd, started on a free loopback port
 * with its data in a temp dir by startInfluxd) and the `influx` HTTP client. Nothing is faked.
 */
import { InfluxDB } from 'influx';
import { startInfluxd, type InfluxdServer } from '../../../../tests/support/influxdb-server';
import { InfluxTelemetryStore } from './influx-telemetry.store';
import { describeTelemetryStore, makeReading } from './telemetry-store.conformance';

let server: InfluxdServer;
let databases = 0;

/** A fresh database per store keeps the suites independent on one server. */
function urlFor(database: string): string {
  const url = new URL(server.url);
  url.pathname = `/${database}`;
  return url.toString();
}

async function databaseNames(): Promise<string[]> {
  const url = new URL(server.url);
  return new InfluxDB({ host: url.hostname, port: Number(url.port) }).getDatabaseNames();
}

beforeAll(async () => {
  server = await startInfluxd();
});

afterAll(async () => {
  await server?.stop();
});

describeTelemetryStore('InfluxTelemetryStore', async () => {
  const store = new InfluxTelemetryStore({ url: urlFor(`conformance_${++databases}`) });
  await store.start();
  return store;
});

describe('InfluxTelemetryStore against influxd', () => {
  it('creates the database named in the URL when it is missing', async () => {
    expect(await databaseNames()).not.toContain('fresh_db');
    const store = new InfluxTelemetryStore({ url: urlFor('fresh_db') });
    await store.start();
    expect(await databaseNames()).toContain('fresh_db');
    await store.stop();
    // Starting again on an existing database is fine.
    const again = new InfluxTelemetryStore({ url: urlFor('fresh_db') });
    await again.start();
    await again.stop();
  });

  it('keeps written readings for a new store instance', async () => {
    const url = urlFor('survives');
    const tsMs = Date.UTC(2026, 3, 1, 12);
    const first = new InfluxTelemetryStore({ url });
    await first.start();
    await first.write([
      makeReading({ deviceId: 'heater-1', type: 'water_heater', tsMs, metrics: { waterTempC: 55.5 } }),
      makeReading({
        deviceId: 'heater-1',
        type: 'water_heater',
        tsMs: tsMs + 1,
        metrics: { waterTempC: 56 },
      }),
    ]);
    await first.stop();
    await first.stop();
    await expect(
      first.query({ deviceId: 'heater-1', metric: 'waterTempC', fromMs: 0, toMs: tsMs }),
    ).rejects.toThrow(/after stop/);

    const second = new InfluxTelemetryStore({ url });
    await second.start();
    expect(await second.count('heater-1')).toBe(2);
    expect(
      await second.query({ deviceId: 'heater-1', metric: 'waterTempC', fromMs: tsMs, toMs: tsMs + 1 }),
    ).toEqual([
      { ts: tsMs, value: 55.5 },
      { ts: tsMs + 1, value: 56 },
    ]);
    await second.stop();
  });

  it('writes more than one batch of points', async () => {
    const store = new InfluxTelemetryStore({ url: urlFor('batches') });
    await store.start();
    const tsMs = Date.UTC(2026, 3, 2);
    const readings = Array.from({ length: 12_001 }, (_, i) =>
      makeReading({ deviceId: 'ac-1', type: 'air_conditioner', tsMs: tsMs + i, metrics: { powerW: i } }),
    );
    await store.write(readings);
    expect(await store.count()).toBe(12_001);
    const last = await store.query({
      deviceId: 'ac-1',
      metric: 'powerW',
      fromMs: tsMs + 12_000,
      toMs: tsMs + 20_000,
    });
    expect(last).toEqual([{ ts: tsMs + 12_000, value: 12_000 }]);
    await store.stop();
  });

  it('names INFLUX_URL when the server cannot be reached', async () => {
    const store = new InfluxTelemetryStore({
      url: 'http://127.0.0.1:9/nowhere',
      connectAttempts: 2,
      connectRetryDelayMs: 10,
    });
    await expect(store.start()).rejects.toThrow(/INFLUX_URL=http:\/\/127\.0\.0\.1:9\/nowhere/);
  });
});
