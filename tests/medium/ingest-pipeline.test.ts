/**
 * Medium test of the ingest path. Real: the platform (Nest HTTP, Socket.IO, the Aedes gateway,
 * PGlite and the embedded telemetry store under a temp DATA_DIR), MQTT.js device clients and
 * Debian's mosquitto_pub as an outside client we did not write.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Alarm, CreatedDevice, DeviceView, Incident, Ticket } from '../../contracts/src';
import { waitFor } from '../support/free-port';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';

const run = promisify(execFile);
const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

describe('ingest pipeline', () => {
  let t: TestPlatform;
  let token: string;
  let washer: CreatedDevice;

  beforeAll(async () => {
    t = await startTestPlatform();
    token = await t.login();
    washer = await t.provision(token, { type: 'washer', region: 'north', serial: 'W-1' });
  });

  afterAll(async () => {
    await t.stop();
  });

  it('stores QoS 1 telemetry and shows it on the device twin and in range queries', async () => {
    const client = await t.connectDevice(washer);
    const start = Date.now() - 10_000;
    for (let seq = 1; seq <= 5; seq++) {
      await client.publishAsync(
        `devices/${washer.id}/telemetry`,
        telemetry(seq, { ...healthyWasher, drumRpm: seq * 100 }, start + seq * 1000),
        { qos: 1 },
      );
    }
    await t.platform.settle();
    const device = (await t.http<DeviceView>('GET', `/api/devices/${washer.id}`, { token })).body;
    expect(device.online).toBe(true);
    expect(device.latest.drumRpm).toEqual({ ts: start + 5000, value: 500 });
    const series = await t.http<Array<{ ts: number; value: number }>>(
      'GET',
      `/api/devices/${washer.id}/telemetry?metric=drumRpm&from=${new Date(start).toISOString()}&to=${start + 10_000}`,
      { token },
    );
    expect(series.body.map((p) => p.value)).toEqual([100, 200, 300, 400, 500]);
    const buckets = await t.http<Array<{ ts: number; value: number }>>(
      'GET',
      `/api/devices/${washer.id}/telemetry?metric=drumRpm&from=${start}&to=${start + 10_000}&every=1h`,
      { token },
    );
    expect(buckets.body).toHaveLength(1);
    expect(buckets.body[0].value).toBeCloseTo(300);
    await client.endAsync();
    await waitFor(
      async () => !(await t.http<DeviceView>('GET', `/api/devices/${washer.id}`, { token })).body.online,
      {
        what: 'device offline after disconnect',
      },
    );
  });

  it('dead-letters every kind of bad payload with its reason, counts it, and loses no valid reading', async () => {
    const device = await t.provision(token, { type: 'washer' });
    const client = await t.connectDevice(device);
    const topic = `devices/${device.id}/telemetry`;
    const now = Date.now();
    const bad: Array<[string, string | Buffer]> = [
      ['malformed_json', '{"ts": 1, "seq": '],
      ['schema_invalid', JSON.stringify({ ts: now, seq: 'one', metrics: {} })],
      ['unknown_metric', telemetry(100, { warpFactor: 9 }, now)],
      ['out_of_range', telemetry(101, { waterTempC: 400 }, now)],
      ['payload_too_large', Buffer.alloc(70 * 1024, 0x20)],
      ['timestamp_future', telemetry(102, healthyWasher, now + 24 * 3_600_000)],
      ['timestamp_past', telemetry(103, healthyWasher, now - 400 * 24 * 3_600_000)],
    ];
    let seq = 1;
    for (const [, payload] of bad) {
      await client.publishAsync(topic, payload, { qos: 1 });
      // valid readings interleaved with the bad ones must all arrive
      await client.publishAsync(topic, telemetry(seq++, healthyWasher, now - 60_000 + seq), { qos: 1 });
    }
    // a replay of an accepted (seq, ts) is dropped as a duplicate, not stored twice
    await client.publishAsync(topic, telemetry(1, healthyWasher, now - 60_000 + 2), { qos: 1 });
    await client.publishAsync(
      `devices/${device.id}/events`,
      JSON.stringify({ ts: now, seq: 1, code: 'ZZZ' }),
      { qos: 1 },
    );
    await t.platform.settle();
    await t.platform.app
      .get((await import('../../platform/src/modules/ingest/ingest.service')).IngestService)
      .flushDeadLetters();

    const letters = await t.http<Array<{ reason: string; topic: string; payloadBytes: number }>>(
      'GET',
      `/api/dead-letters?deviceId=${device.id}`,
      { token },
    );
    expect(letters.body.map((l) => l.reason).sort()).toEqual(
      [...bad.map(([reason]) => reason), 'unknown_error_code'].sort(),
    );
    for (const [reason] of bad) {
      expect(await t.metric(`telemetry_dead_letters_total{reason="${reason}"}`)).toBeGreaterThanOrEqual(1);
    }
    expect(await t.metric('telemetry_duplicates_total')).toBe(1);
    const stored = await t.http<Array<{ ts: number }>>(
      'GET',
      `/api/devices/${device.id}/telemetry?metric=drumRpm&from=${now - 120_000}&to=${now}`,
      { token },
    );
    expect(stored.body).toHaveLength(bad.length);
    expect(client.connected).toBe(true);
  });

  it('accepts a provisioned device publishing with mosquitto_pub, and refuses a wrong secret', async () => {
    const device = await t.provision(token, { type: 'refrigerator' });
    const ts = Date.now();
    const payload = telemetry(
      1,
      {
        cabinetTempC: 4.2,
        freezerTempC: -18,
        compressorCurrentA: 1.1,
        compressorDutyPct: 40,
        condenserTempC: 38,
      },
      ts,
    );
    const args = [
      '-h',
      '127.0.0.1',
      '-p',
      String(t.platform.mqttPort),
      '-V',
      'mqttv311',
      '-q',
      '1',
      '-i',
      `mosq-${device.id}`,
      '-u',
      device.id,
      '-t',
      `devices/${device.id}/telemetry`,
      '-m',
      payload,
    ];
    await run('mosquitto_pub', [...args, '-P', device.secret]);
    await t.platform.settle();
    const view = (await t.http<DeviceView>('GET', `/api/devices/${device.id}`, { token })).body;
    expect(view.latest.cabinetTempC).toEqual({ ts, value: 4.2 });
    await expect(run('mosquitto_pub', [...args, '-P', 'not-the-secret'])).rejects.toThrow();
    expect(await t.metric('mqtt_auth_failures_total')).toBeGreaterThanOrEqual(1);
  });

  it('raises a threshold alarm that opens one ticket, pushed live over Socket.IO', async () => {
    const device = await t.provision(token, { type: 'washer', customerId: 'cust-7' });
    const socket = await t.connectSocket(token);
    const joined = await socket.emitWithAck('subscribe', { room: `device:${device.id}` });
    expect(joined).toEqual({ ok: true });
    const alarms: Alarm[] = [];
    const tickets: Ticket[] = [];
    const readings: unknown[] = [];
    socket.on('alarm', (a: Alarm) => alarms.push(a));
    socket.on('ticket', (tk: Ticket) => tickets.push(tk));
    socket.on('telemetry', (r: unknown) => readings.push(r));

    const client = await t.connectDevice(device);
    const base = Date.now() - 600_000;
    for (let seq = 1; seq <= 8; seq++) {
      const vibration = seq <= 2 ? 5 : 30; // a worn bearing: far past the critical 25 mm/s
      await client.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(seq, { ...healthyWasher, drumVibrationMmS: vibration }, base + seq * 1000),
        { qos: 1 },
      );
    }
    await t.platform.settle();
    await waitFor(() => tickets.length > 0 || undefined, { what: 'ticket event' });

    const open = await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token });
    expect(open.body).toHaveLength(1);
    expect(open.body[0]).toMatchObject({
      cause: 'threshold:drumVibrationMmS',
      severity: 'major',
      state: 'active',
    });
    expect(open.body[0].count).toBeGreaterThanOrEqual(1);
    const list = await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token });
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({
      status: 'new',
      priority: 'P2',
      alarmId: open.body[0].id,
      customerId: 'cust-7',
    });
    expect(list.body[0].respondBy - list.body[0].createdAt).toBe(10 * 60_000);
    expect(alarms.at(-1)?.id).toBe(open.body[0].id);
    expect(tickets[0].id).toBe(list.body[0].id);
    expect(readings.length).toBeGreaterThan(0);

    // an error code from the same device adds to the open ticket instead of opening another
    await client.publishAsync(
      `devices/${device.id}/events`,
      JSON.stringify({ ts: Date.now(), seq: 1, code: 'E31' }),
      { qos: 1 },
    );
    await t.platform.settle();
    await waitFor(
      async () =>
        (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body.length === 2 ||
        undefined,
    );
    const [only] = (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token })).body;
    expect(only).toMatchObject({
      faultMode: 'bearing_wear',
      likelyPart: 'drum-bearing-kit',
      source: 'alarm',
    });
    // the vibration alarm and the E31 code are one fault: one incident with both alarms
    const incidents = (await t.http<Incident[]>('GET', `/api/incidents?deviceId=${device.id}`, { token }))
      .body;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ fault: 'bearing_wear', state: 'open', ticketId: only.id });
    expect(incidents[0].alarmIds).toHaveLength(2);

    // readings back to normal for the hold time (2 min) clear the threshold alarm, not the error-code alarm
    for (let seq = 9; seq <= 13; seq++) {
      const ts = base + 8000 + (seq - 8) * 30_000;
      await client.publishAsync(`devices/${device.id}/telemetry`, telemetry(seq, healthyWasher, ts), {
        qos: 1,
      });
      if (seq === 11) {
        await t.platform.settle();
        const held = (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body;
        expect(held.find((a) => a.cause === 'threshold:drumVibrationMmS')?.state).toBe('active');
      }
    }
    await t.platform.settle();
    const after = (await t.http<Alarm[]>('GET', `/api/alarms?deviceId=${device.id}`, { token })).body;
    expect(after.find((a) => a.cause === 'threshold:drumVibrationMmS')?.state).toBe('cleared');
    expect(after.find((a) => a.cause === 'code:E31')?.state).toBe('active');
  });

  it('answers bad HTTP input with a 400 naming the field, and 401 without a token', async () => {
    const bad = await t.http<{ field: string; code: string }>('POST', '/api/devices', {
      token,
      body: { type: 'toaster' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('type');
    const badLogin = await t.http<{ field: string }>('POST', '/api/auth/login', {
      body: { email: 'nope', password: 'x' },
    });
    expect(badLogin.status).toBe(400);
    expect(badLogin.body.field).toBe('email');
    expect(
      (await t.http('POST', '/api/auth/login', { body: { email: 'admin@example.com', password: 'wrong' } }))
        .status,
    ).toBe(401);
    expect((await t.http('GET', '/api/devices')).status).toBe(401);
    const unknownMetric = await t.http<{ field: string }>(
      'GET',
      `/api/devices/${washer.id}/telemetry?metric=nope`,
      { token },
    );
    expect(unknownMetric.status).toBe(400);
    expect(unknownMetric.body.field).toBe('metric');
    expect((await t.http('GET', '/health')).body).toEqual({ status: 'ok' });
    const docs = await t.http<{ paths: Record<string, Record<string, { requestBody?: unknown }>> }>(
      'GET',
      '/api/docs-json',
    );
    expect(JSON.stringify(docs.body.paths['/api/auth/login'].post.requestBody)).toContain('password');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/devices', '/api/auth/login', '/api/alarms', '/api/tickets']),
    );
  });
});
