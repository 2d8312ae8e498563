/**
 * Medium test of what an attacker can publish on a device's own topics. Real: the platform (Nest
 * HTTP, the Aedes gateway, the embedded telemetry store under a temp DATA_DIR), MQTT.js device
 * clients, and the dead-letter table on PGlite and on a real PostgreSQL 15 started on loopback
 * (their text handling differs: PGlite is PostgreSQL compiled to WASM, with its own encoding
 * edge cases).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CreatedDevice } from '../../contracts/src';
import { IngestService } from '../../platform/src/modules/ingest/ingest.service';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';

const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

interface Letter {
  reason: string;
  topic: string;
  detail: string | null;
  payload: string;
  payloadBytes: number;
  deviceId: string | null;
}

const NUL = String.fromCharCode(0);

describe.each(['pglite', 'postgres'] as const)(
  'dead letters PostgreSQL text cannot hold as sent, on %s',
  (db) => {
    let postgres: PostgresServer | undefined;
    let t: TestPlatform;
    let token: string;

    beforeAll(async () => {
      const env: Record<string, string> = {};
      if (db === 'postgres') {
        postgres = await startPostgres();
        env.DATABASE_URL = await createDatabase(postgres.url, 'hostile_payloads');
      }
      t = await startTestPlatform(env);
      expect(t.platform.core.db.kind).toBe(db);
      token = await t.login();
    }, 120_000);

    afterAll(async () => {
      await t?.stop();
      await postgres?.stop();
    });

    const lettersOf = async (device: CreatedDevice) =>
      (await t.http<Letter[]>('GET', `/api/dead-letters?deviceId=${device.id}`, { token })).body;

    it('keeps, readable, a NUL, a NUL- or half-surrogate-named metric and invalid UTF-8, and every later letter', async () => {
      const attacker = await t.provision(token, { type: 'washer' });
      const bystander = await t.provision(token, { type: 'washer' });
      const attackerClient = await t.connectDevice(attacker);
      const bystanderClient = await t.connectDevice(bystander);
      const now = Date.now();
      const invalidUtf8 = Buffer.concat([
        Buffer.from(`{"ts":${now},"seq":3,"metrics":{"`),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from('":1}}'),
      ]);
      const hostile: Array<[string, Buffer]> = [
        ['malformed_json', Buffer.from(`a${NUL}b`)],
        // JSON text that names a metric "\0" and one "\ud800": the payload is clean, the key is not
        ['unknown_metric', Buffer.from(`{"ts":${now},"seq":1,"metrics":{"\\u0000":1}}`)],
        ['unknown_metric', Buffer.from(`{"ts":${now},"seq":2,"metrics":{"\\ud800":1}}`)],
        ['unknown_metric', invalidUtf8],
      ];
      const topic = `devices/${attacker.id}/telemetry`;
      for (const [, payload] of hostile) await attackerClient.publishAsync(topic, payload, { qos: 1 });
      const ingest = t.platform.app.get(IngestService);
      await ingest.flushDeadLetters();
      // a later, ordinary bad payload from another device
      await bystanderClient.publishAsync(`devices/${bystander.id}/telemetry`, '{"ts": 1, "seq": ', {
        qos: 1,
      });
      await attackerClient.publishAsync(topic, telemetry(4, healthyWasher, now), { qos: 1 });
      await t.platform.settle();
      await ingest.flushDeadLetters();

      const byBystander = await lettersOf(bystander);
      expect(byBystander).toEqual([
        expect.objectContaining({
          reason: 'malformed_json',
          payload: '{"ts": 1, "seq": ',
          topic: `devices/${bystander.id}/telemetry`,
        }),
      ]);
      const byAttacker = (await lettersOf(attacker)).reverse(); // oldest first
      expect(byAttacker.map((l) => l.reason)).toEqual(hostile.map(([reason]) => reason));
      for (const letter of byAttacker) {
        expect(letter.topic).toBe(topic);
        expect(letter.deviceId).toBe(attacker.id);
        expect(letter.detail).not.toContain(NUL);
      }
      const [nul, nulMetric, halfSurrogate, notUtf8] = byAttacker;
      // bytes that are not storable text are kept exactly, as base64, and say so
      expect(nul).toMatchObject({
        payload: `base64:${Buffer.from(`a${NUL}b`).toString('base64')}`,
        payloadBytes: 3,
      });
      expect(nul.detail).toContain('a\\u0000b');
      expect(nulMetric.payload).toBe(hostile[1][1].toString());
      expect(nulMetric.detail).toBe('a washer has no metric "\\u0000"');
      expect(halfSurrogate.detail).toBe('a washer has no metric "\\ud800"');
      expect(notUtf8.payload.startsWith('base64:')).toBe(true);
      expect(Buffer.from(notUtf8.payload.slice('base64:'.length), 'base64').equals(invalidUtf8)).toBe(true);
      expect(notUtf8.payloadBytes).toBe(invalidUtf8.length);

      expect(await t.metric('telemetry_dead_letters_total{reason="unknown_metric"}')).toBe(3);
      expect(await t.metric('telemetry_dead_letters_total{reason="malformed_json"}')).toBe(2);
      expect(await t.metric('telemetry_dead_letter_write_failures_total')).toBe(0);
      // the attacker's valid reading still counts, its connection still stands
      expect(await t.platform.core.store.count(attacker.id)).toBe(1);
      expect(attackerClient.connected).toBe(true);
    });
  },
);

describe('metric names and replays over MQTT, on the embedded store', () => {
  let t: TestPlatform;
  let token: string;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-payloads-'));

  beforeAll(async () => {
    t = await startTestPlatform({ DATA_DIR: dataDir });
    token = await t.login();
  });

  afterAll(async () => {
    await t?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const deadLettered = (reason: string) => t.metric(`telemetry_dead_letters_total{reason="${reason}"}`);

  it('dead-letters __proto__, constructor and prototype as unknown metrics and a reading without any, storing nothing', async () => {
    const device = await t.provision(token, { type: 'washer' });
    const client = await t.connectDevice(device);
    const topic = `devices/${device.id}/telemetry`;
    const ts = Date.now();
    const hostile: Array<[string, string, string]> = [
      ['unknown_metric', `{"ts":${ts},"seq":1,"metrics":{"drumRpm":5,"__proto__":1}}`, '"__proto__"'],
      ['unknown_metric', `{"ts":${ts},"seq":2,"metrics":{"__proto__":1}}`, '"__proto__"'],
      ['unknown_metric', `{"ts":${ts},"seq":3,"metrics":{"__proto__":{"drumRpm":5}}}`, '"__proto__"'],
      ['unknown_metric', `{"ts":${ts},"seq":4,"metrics":{"drumRpm":5,"constructor":1}}`, '"constructor"'],
      ['unknown_metric', `{"ts":${ts},"seq":5,"metrics":{"prototype":1}}`, '"prototype"'],
      ['no_metrics', `{"ts":${ts},"seq":6,"metrics":{}}`, 'at least one metric'],
    ];
    const unknownBefore = await deadLettered('unknown_metric');
    const readingsBefore = await t.metric('telemetry_readings_total');
    for (const [, payload] of hostile) await client.publishAsync(topic, payload, { qos: 1 });
    await t.platform.settle();
    await t.platform.app.get(IngestService).flushDeadLetters();

    const letters = (
      await t.http<Letter[]>('GET', `/api/dead-letters?deviceId=${device.id}`, { token })
    ).body.reverse();
    expect(letters.map((l) => [l.reason, l.payload])).toEqual(
      hostile.map(([reason, payload]) => [reason, payload]),
    );
    letters.forEach((letter, i) => expect(letter.detail).toContain(hostile[i][2]));
    expect(await deadLettered('unknown_metric')).toBe(unknownBefore + 5);
    expect(await deadLettered('no_metrics')).toBe(1);
    expect(await t.metric('telemetry_readings_total')).toBe(readingsBefore);
    expect(await t.platform.core.store.count(device.id)).toBe(0);
    const drumRpm = await t.http<unknown[]>(
      'GET',
      `/api/devices/${device.id}/telemetry?metric=drumRpm&from=${ts - 1}&to=${ts + 1}`,
      { token },
    );
    expect(drumRpm.body).toEqual([]);
  });

  it('drops exact replays of readings 150 messages old, also after a restart, and hears a device that restarted its seq', async () => {
    const device = await t.provision(token, { type: 'washer' });
    const topic = `devices/${device.id}/telemetry`;
    const start = Date.now() - 600_000;
    const payloads = Array.from({ length: 200 }, (_, i) =>
      telemetry(i + 1, { ...healthyWasher, drumRpm: 100 + i }, start + i * 1000),
    );
    const replayed = payloads.slice(30, 50); // 150 to 170 messages back once all 200 are sent
    const stored = async () =>
      (
        await t.http<Array<{ ts: number; value: number }>>(
          'GET',
          `/api/devices/${device.id}/telemetry?metric=drumRpm&from=${start}&to=${start + 400_000}`,
          { token },
        )
      ).body;
    const duplicatesBefore = await t.metric('telemetry_duplicates_total');

    let client = await t.connectDevice(device);
    for (const payload of payloads) await client.publishAsync(topic, payload, { qos: 1 });
    // no settle in between: some originals may still be on their way to the store
    for (const payload of replayed) await client.publishAsync(topic, payload, { qos: 1 });
    await t.platform.settle();
    expect(await t.platform.core.store.count(device.id)).toBe(200);
    expect((await stored()).map((p) => p.value)).toEqual(payloads.map((_, i) => 100 + i));
    expect(await t.metric('telemetry_duplicates_total')).toBe(duplicatesBefore + 20);

    // the platform restarts (its in-memory window is gone); the device replays the same readings
    await t.stop({ keepData: true });
    t = await startTestPlatform({ DATA_DIR: dataDir });
    token = await t.login();
    client = await t.connectDevice(device);
    for (const payload of replayed) await client.publishAsync(topic, payload, { qos: 1 });
    // rebooted: its seq starts again at 1, its clock has moved on
    const rebooted = Array.from({ length: 5 }, (_, i) =>
      telemetry(i + 1, { ...healthyWasher, drumRpm: 900 + i }, start + 300_000 + i * 1000),
    );
    for (const payload of rebooted) await client.publishAsync(topic, payload, { qos: 1 });
    await t.platform.settle();
    expect(await t.platform.core.store.count(device.id)).toBe(205);
    expect(await t.metric('telemetry_duplicates_total')).toBe(20);
    expect((await stored()).map((p) => p.value)).toEqual([
      ...payloads.map((_, i) => 100 + i),
      900,
      901,
      902,
      903,
      904,
    ]);
  });
});
