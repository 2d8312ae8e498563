/**
 * Medium test of ingest, called as the MQTT gateway calls it (`accept` with the raw publish).
 * Real: the platform's Nest modules on an in-memory PGlite (dead letters) and the embedded
 * telemetry store under a temp dir, composed by the service harness; no broker, no HTTP.
 */
import { APPLIANCE_PROFILES, MAX_PAYLOAD_BYTES } from '../../../../contracts/src';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { DevicesService } from '../devices/devices.service';
import { MetricsService } from '../health/metrics.service';
import { DeadLetterRepository } from './dead-letter.repository';
import { IngestService, REJECT_REASONS, type RejectReason } from './ingest.service';

const HOUR = 3_600_000;
const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

describe('ingest', () => {
  let h: ServiceHarness;
  let ingest: IngestService;

  const counter = async (name: 'readings' | 'duplicates') =>
    (await h.get(MetricsService)[name].get()).values[0]?.value ?? 0;
  const deadLettered = async (reason: RejectReason) =>
    (await h.get(MetricsService).deadLetters.get()).values.find((v) => v.labels.reason === reason)?.value ??
    0;
  const stored = (deviceId: string, metric: string, fromMs: number, toMs: number) =>
    h.core.store.query({ deviceId, metric, fromMs, toMs });

  beforeAll(async () => {
    h = await ServiceHarness.start();
    ingest = h.get(IngestService);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('stores valid readings, in order, and shows the latest on the device twin', async () => {
    const device = await h.provision('washer');
    const start = h.clock.now();
    for (let i = 1; i <= 5; i++) {
      h.clock.advance(10_000);
      h.publishReading(device.id, { ...healthyWasher, drumRpm: i * 100 });
    }
    await h.settle();

    expect((await stored(device.id, 'drumRpm', start, h.clock.now())).map((p) => p.value)).toEqual([
      100, 200, 300, 400, 500,
    ]);
    expect(await h.core.store.count(device.id)).toBe(5);
    const twin = h.get(DevicesService).find(device.id);
    expect(twin?.latest.get('drumRpm')).toEqual({ ts: h.clock.now(), value: 500 });
    expect(twin?.online).toBe(true);
    expect(twin?.lastSeen).toBe(h.clock.now());
  });

  it('dead-letters every kind of bad payload with its reason and counts it, and loses no valid reading', async () => {
    const device = await h.provision('washer');
    const now = h.clock.now();
    const telemetry = (seq: number, metrics: Record<string, number>, ts = now) =>
      JSON.stringify({ ts, seq, metrics });
    const bad: Array<[RejectReason, string, string | Buffer, string]> = [
      ['malformed_json', 'telemetry', '{"ts": 1, "seq": ', 'JSON'],
      ['schema_invalid', 'telemetry', JSON.stringify({ ts: now, seq: 'one', metrics: {} }), 'seq'],
      ['unknown_metric', 'telemetry', telemetry(100, { warpFactor: 9 }), 'warpFactor'],
      ['out_of_range', 'telemetry', telemetry(101, { waterTempC: 400 }), 'waterTempC=400'],
      ['payload_too_large', 'telemetry', Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20), 'bytes'],
      ['timestamp_future', 'telemetry', telemetry(102, healthyWasher, now + 24 * HOUR), 'ahead'],
      ['timestamp_past', 'telemetry', telemetry(103, healthyWasher, now - 400 * 24 * HOUR), 'older'],
      ['unknown_error_code', 'events', JSON.stringify({ ts: now, seq: 1, code: 'ZZZ' }), 'ZZZ'],
    ];
    const before = new Map<RejectReason, number>();
    for (const reason of REJECT_REASONS) before.set(reason, await deadLettered(reason));

    let seq = 1;
    for (const [, channel, payload] of bad) {
      ingest.accept(h.message(device.id, channel as 'telemetry' | 'events', payload));
      // valid readings between the bad ones must all arrive
      ingest.accept(h.message(device.id, 'telemetry', telemetry(seq++, healthyWasher, now - 60_000 + seq)));
    }
    ingest.accept(h.message('washer-nobody', 'telemetry', telemetry(1, healthyWasher)));
    await h.settle();

    const letters = await h.get(DeadLetterRepository).list({ deviceId: device.id, limit: 100 });
    expect(letters.map((l) => l.reason).sort()).toEqual(bad.map(([reason]) => reason).sort());
    for (const [reason, channel, payload, detail] of bad) {
      const letter = letters.find((l) => l.reason === reason);
      expect(letter).toMatchObject({
        topic: `devices/${device.id}/${channel}`,
        payloadBytes: payload.length,
      });
      expect(letter?.detail).toContain(detail);
      expect(await deadLettered(reason)).toBe((before.get(reason) ?? 0) + 1);
    }
    // what was kept is the device's own text, to look at later
    expect(letters.find((l) => l.reason === 'malformed_json')?.payload).toBe('{"ts": 1, "seq": ');
    const unknown = await h.get(DeadLetterRepository).list({ deviceId: 'washer-nobody', limit: 10 });
    expect(unknown.map((l) => l.reason)).toEqual(['unknown_device']);
    expect(await deadLettered('unknown_device')).toBe((before.get('unknown_device') ?? 0) + 1);

    expect(await h.core.store.count(device.id)).toBe(bad.length);
  });

  it('keeps of a payload too large its first 64 KiB, in whole characters', async () => {
    const device = await h.provision('washer');
    const payload = Buffer.from('é'.repeat(MAX_PAYLOAD_BYTES)); // 2 bytes each: the limit falls on one
    ingest.accept(h.message(device.id, 'telemetry', Buffer.concat([Buffer.from('x'), payload])));
    await h.settle();
    const [letter] = await h.get(DeadLetterRepository).list({ deviceId: device.id, limit: 10 });
    expect(letter).toMatchObject({ reason: 'payload_too_large', payloadBytes: payload.length + 1 });
    expect(letter.payload.slice(-3)).toBe('ééé');
    expect(letter.payload === 'x' + 'é'.repeat(MAX_PAYLOAD_BYTES / 2 - 1)).toBe(true);
  });

  it('drops a replayed (seq, ts) but hears a device that restarted its seq with new timestamps', async () => {
    const device = await h.provision('washer');
    const now = h.clock.now();
    const send = (seq: number, ts: number, drumRpm: number) =>
      ingest.accept(
        h.message(
          device.id,
          'telemetry',
          JSON.stringify({ ts, seq, metrics: { ...healthyWasher, drumRpm } }),
        ),
      );
    const readingsBefore = await counter('readings');
    const duplicatesBefore = await counter('duplicates');

    send(1, now - 3000, 100);
    send(2, now - 2000, 200);
    send(1, now - 3000, 100); // QoS 1 redelivery
    send(2, now - 2000, 999); // same (seq, ts): a replay whatever it carries
    send(1, now - 1000, 300); // rebooted: seq starts over, the time is new
    await h.settle();

    expect((await stored(device.id, 'drumRpm', now - 10_000, now)).map((p) => p.value)).toEqual([
      100, 200, 300,
    ]);
    expect(await counter('readings')).toBe(readingsBefore + 3);
    expect(await counter('duplicates')).toBe(duplicatesBefore + 2);
    expect(h.get(DevicesService).find(device.id)?.latest.get('drumRpm')?.value).toBe(300);
  });

  it('drops exact replays of readings 150 messages old, whether still on their way to the store or stored', async () => {
    const device = await h.provision('washer');
    const start = h.clock.now() - 3_600_000;
    const payloads = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ ts: start + i * 1000, seq: i + 1, metrics: { ...healthyWasher, drumRpm: 100 + i } }),
    );
    const replay = () => {
      for (const payload of payloads.slice(30, 50)) ingest.accept(h.message(device.id, 'telemetry', payload));
    };
    const drumRpm = async () =>
      (await stored(device.id, 'drumRpm', start, h.clock.now())).map((p) => p.value);
    const duplicatesBefore = await counter('duplicates');

    for (const payload of payloads) ingest.accept(h.message(device.id, 'telemetry', payload));
    replay(); // the originals are still in the batch being filled
    await h.settle();
    expect(await h.core.store.count(device.id)).toBe(200);
    expect(await counter('duplicates')).toBe(duplicatesBefore + 20);
    replay(); // now they are in the store
    // rebooted: seq from 1 again, later timestamps
    for (let seq = 1; seq <= 3; seq++) {
      const ts = start + 300_000 + seq * 1000;
      ingest.accept(
        h.message(device.id, 'telemetry', { ts, seq, metrics: { ...healthyWasher, drumRpm: 900 + seq } }),
      );
    }
    await h.settle();
    expect(await counter('duplicates')).toBe(duplicatesBefore + 40);
    expect(await h.core.store.count(device.id)).toBe(203);
    expect(await drumRpm()).toEqual([...payloads.map((_, i) => 100 + i), 901, 902, 903]);
  });

  it('stores the other dead letters when the database refuses one, and drops only that one', async () => {
    const repository = h.get(DeadLetterRepository);
    const insertMany = repository.insertMany.bind(repository);
    const device = await h.provision('washer');
    const poisoner = await h.provision('washer');
    const writeFailures = async () =>
      (
        await h
          .get(MetricsService)
          .registry.getSingleMetric('telemetry_dead_letter_write_failures_total')
          ?.get()
      )?.values[0]?.value ?? 0;
    const failuresBefore = await writeFailures();
    let databaseUp = true;
    const insert = jest.spyOn(repository, 'insertMany').mockImplementation(async (letters) => {
      if (!databaseUp) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      const poison = letters.find((l) => l.deviceId === poisoner.id);
      if (poison?.reason === 'malformed_json')
        throw Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
      if (poison) throw new Error('a refusal nobody foresaw');
      return insertMany(letters);
    });
    const bad = (deviceId: string, n: number) =>
      ingest.accept(h.message(deviceId, 'telemetry', `{"n": ${n}`));
    const unknownMetric = (deviceId: string) =>
      ingest.accept(
        h.message(deviceId, 'telemetry', { ts: h.clock.now(), seq: 1, metrics: { warpFactor: 9 } }),
      );
    const stored = async () =>
      (await h.get(DeadLetterRepository).list({ deviceId: device.id, limit: 100 }))
        .map((l) => l.payload)
        .sort();
    try {
      // refused for its data (SQLSTATE 22...): dropped at once, the others stored
      bad(device.id, 1);
      bad(poisoner.id, 2);
      bad(device.id, 3);
      await ingest.flushDeadLetters();
      expect(await stored()).toEqual(['{"n": 1', '{"n": 3']);
      expect(await writeFailures()).toBe(failuresBefore + 1);

      // the database out of reach: nothing is dropped, everything is stored once it is back
      databaseUp = false;
      bad(device.id, 4);
      bad(device.id, 5);
      await ingest.flushDeadLetters();
      await ingest.flushDeadLetters();
      expect(await writeFailures()).toBe(failuresBefore + 1);
      databaseUp = true;
      await ingest.flushDeadLetters();
      expect(await stored()).toEqual(['{"n": 1', '{"n": 3', '{"n": 4', '{"n": 5']);

      // refused for a reason nobody foresaw, first in its batch: dropped once the others are stored
      unknownMetric(poisoner.id);
      bad(device.id, 6);
      await ingest.flushDeadLetters();
      await ingest.flushDeadLetters();
      expect(await stored()).toEqual(['{"n": 1', '{"n": 3', '{"n": 4', '{"n": 5', '{"n": 6']);
      expect(await writeFailures()).toBe(failuresBefore + 2);
    } finally {
      insert.mockRestore();
    }
    await ingest.flushDeadLetters();
    expect(await h.get(DeadLetterRepository).list({ deviceId: poisoner.id, limit: 10 })).toEqual([]);
  });

  it('hands error codes on as device events, and drops a replayed one', async () => {
    const device = await h.provision('washer');
    const code = APPLIANCE_PROFILES.washer.errorCodes[0].code;
    const events = h.record('device.event');
    const event = { ts: h.clock.now(), seq: 7, code, message: 'pump noise' };
    ingest.accept(h.message(device.id, 'events', event));
    ingest.accept(h.message(device.id, 'events', event));
    await h.settle();
    events.stop();
    expect(events.seen).toEqual([
      { deviceId: device.id, type: 'washer', tsMs: event.ts, code, message: 'pump noise' },
    ]);
  });
});
