/**
 * Medium test. Real: an InfluxDB 1.x server (Debian's influxd, started on a free loopback port
 * with its data in a temp dir by startInfluxd) and the `influx` HTTP client. Nothing is faked.
 */
import { InfluxDB } from 'influx';
import { startInfluxd, type InfluxdServer } from '../../../../tests/support/influxdb-server';
import { InfluxTelemetryStore } from './influx-telemetry.store';
import {
  describeTelemetryRetention,
  describeTelemetryStore,
  makeReading,
} from './telemetry-store.conformance';
import type { TelemetryRetention } from '../../common/config/telemetry-retention';

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

/**
 * InfluxDB expires raw points and runs its continuous queries on its own clock; the harness moves
 * the store's clock and does both at once: recomputes the aggregates (what the continuous queries
 * did while the readings were recent) and deletes the raw points past the retention.
 */
const influxClocks = new Map<
  InfluxTelemetryStore,
  { now: number; database: string; retention: TelemetryRetention }
>();
describeTelemetryRetention('InfluxTelemetryStore', {
  async makeStore(retention, nowMs) {
    const database = `retention_${++databases}`;
    const clock = { now: nowMs, database, retention };
    const store = new InfluxTelemetryStore({ url: urlFor(database), retention, now: () => clock.now });
    influxClocks.set(store, clock);
    await store.start();
    return store;
  },
  async advance(store, nowMs) {
    const clock = influxClocks.get(store as InfluxTelemetryStore)!;
    clock.now = nowMs;
    await (store as InfluxTelemetryStore).downsample(0, nowMs);
    const url = new URL(server.url);
    await new InfluxDB({ host: url.hostname, port: Number(url.port), database: clock.database }).query(
      `DELETE FROM "telemetry" WHERE time < ${nowMs - clock.retention.rawMs}ms`,
    );
  },
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

describe('InfluxTelemetryStore retention and downsampling', () => {
  const hour = 3_600_000;
  const day = 24 * hour;

  async function policies(database: string): Promise<Map<string, string>> {
    const url = new URL(server.url);
    const client = new InfluxDB({ host: url.hostname, port: Number(url.port) });
    const rows = await client.showRetentionPolicies(database);
    return new Map(rows.map((row) => [row.name, row.duration]));
  }

  async function continuousQueries(database: string): Promise<string[]> {
    const url = new URL(server.url);
    const client = new InfluxDB({ host: url.hostname, port: Number(url.port), database });
    const rows = await client.query<{ name: string; query: string }>('SHOW CONTINUOUS QUERIES');
    return rows
      .filter((row) => row.query.includes(`ON ${database}`) || row.query.includes(`ON "${database}"`))
      .map((row) => row.name);
  }

  it('creates the retention policies and continuous queries once, and alters them when the retention changes', async () => {
    const url = urlFor('retained');
    const retention = { rawMs: 30 * day, oneMinuteMs: 400 * day, oneHourMs: Infinity };
    for (let i = 0; i < 2; i++) {
      const store = new InfluxTelemetryStore({ url, retention });
      await store.start();
      await store.stop();
    }
    expect(await policies('retained')).toEqual(
      new Map([
        ['autogen', '720h0m0s'],
        ['telemetry_1m', '9600h0m0s'],
        ['telemetry_1h', '0s'],
      ]),
    );
    expect((await continuousQueries('retained')).sort()).toEqual(['telemetry_1h', 'telemetry_1m']);
    const changed = new InfluxTelemetryStore({ url, retention: { ...retention, rawMs: 7 * day } });
    await changed.start();
    await changed.stop();
    expect((await policies('retained')).get('autogen')).toBe('168h0m0s');
    expect((await continuousQueries('retained')).sort()).toEqual(['telemetry_1h', 'telemetry_1m']);
  });

  it('merges readings older than the raw retention into the aggregates instead of failing the write', async () => {
    const store = new InfluxTelemetryStore({
      url: urlFor('late'),
      retention: { rawMs: hour, oneMinuteMs: day, oneHourMs: Infinity },
    });
    await store.start();
    const now = Date.now();
    const old = Math.floor((now - 5 * hour) / hour) * hour;
    const fresh = makeReading({ deviceId: 'ac-l', tsMs: now - 60_000, metrics: { powerW: 7 } });
    await store.write([
      makeReading({ deviceId: 'ac-l', tsMs: old + 60_000, metrics: { powerW: 10 } }),
      makeReading({ deviceId: 'ac-l', tsMs: old + 61_000, metrics: { powerW: 20 } }),
      fresh,
    ]);
    await store.write([makeReading({ deviceId: 'ac-l', tsMs: old + 30 * 60_000, metrics: { powerW: 60 } })]);
    const range = { deviceId: 'ac-l', metric: 'powerW', fromMs: now - 6 * hour, toMs: now - 2 * hour };
    expect(await store.query(range)).toEqual([]);
    expect(await store.query({ ...range, everyMs: hour })).toEqual([{ ts: old, value: 30 }]);
    expect(await store.query({ ...range, everyMs: 60_000 })).toEqual([
      { ts: old + 60_000, value: 15 },
      { ts: old + 30 * 60_000, value: 60 },
    ]);
    expect(
      await store.query({ deviceId: 'ac-l', metric: 'powerW', fromMs: now - 120_000, toMs: now }),
    ).toEqual([{ ts: fresh.tsMs, value: 7 }]);
    await store.stop();
  });

  it('answers a range whose raw points are gone from the aggregates, with the means of the readings', async () => {
    const url = urlFor('aggregated');
    const store = new InfluxTelemetryStore({
      url,
      retention: { rawMs: hour, oneMinuteMs: day, oneHourMs: Infinity },
    });
    await store.start();
    const now = Date.now();
    const startMs = Math.floor((now - 40 * 60_000) / 60_000) * 60_000;
    const readings = Array.from({ length: 180 }, (_, i) =>
      makeReading({
        deviceId: 'ac-r',
        type: 'air_conditioner',
        tsMs: startMs + i * 10_000,
        metrics: { powerW: 100 + ((i * 37) % 53) },
      }),
    );
    await store.write(readings);
    await store.downsample(startMs, startMs + 30 * 60_000, 'ac-r');
    // What expiry does to the raw points, without waiting an hour.
    const url2 = new URL(server.url);
    await new InfluxDB({ host: url2.hostname, port: Number(url2.port), database: 'aggregated' }).query(
      `DELETE FROM "telemetry" WHERE "deviceId" = 'ac-r'`,
    );
    const range = { deviceId: 'ac-r', metric: 'powerW', fromMs: now - 2 * hour, toMs: now };
    expect(await store.query(range)).toEqual([]);
    for (const everyMs of [60_000, 5 * 60_000, hour]) {
      const sums = new Map<number, { sum: number; n: number }>();
      for (const reading of readings) {
        const bucket = Math.floor(reading.tsMs / everyMs) * everyMs;
        const entry = sums.get(bucket) ?? { sum: 0, n: 0 };
        entry.sum += reading.metrics.powerW;
        entry.n++;
        sums.set(bucket, entry);
      }
      const expected = [...sums.entries()].sort((a, b) => a[0] - b[0]);
      const points = await store.query({ ...range, everyMs });
      expect(points.map((p) => p.ts)).toEqual(expected.map(([ts]) => ts));
      points.forEach((point, i) => expect(point.value).toBeCloseTo(expected[i][1].sum / expected[i][1].n, 9));
    }
    await store.stop();
  });
});
