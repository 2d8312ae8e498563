/**
 * Medium property test of the MQTT edge (issue 15): an authenticated device publishes on
 * generated topics (wildcards, empty levels, other devices' ids, its own id with other channels,
 * unicode, NUL, very long). Only its own telemetry, events, status and command-ack topics reach
 * ingest, under its own id; everything else is refused (the broker closes the connection: MQTT
 * 3.1.1 has no negative PUBACK). The broker keeps serving, and a valid reading afterwards is
 * stored. Each topic costs a connection round trip, so a thousand is enough here.
 * Real: the platform (Nest, the Aedes broker on loopback, PGlite, the embedded telemetry store)
 * and MQTT.js over TCP. Reproducible: a fixed seed.
 */
import fc from 'fast-check';
import mqtt from 'mqtt';
import { parseDeviceTopic, type CreatedDevice } from '../../contracts/src';
import type { InboundDeviceMessage } from '../../gateway/src';
import { IngestService } from '../../platform/src/modules/ingest/ingest.service';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';

const RUNS = 1_000;
const SEED = 15_2028;
const OWN_CHANNELS = ['telemetry', 'events', 'status', 'commands/ack', 'firmware'];

describe('the MQTT edge under generated topics', () => {
  let t: TestPlatform;
  let device: CreatedDevice;
  let other: CreatedDevice;

  beforeAll(async () => {
    t = await startTestPlatform();
    const admin = await t.login();
    device = await t.provision(admin, { type: 'washer' });
    other = await t.provision(admin, { type: 'washer' });
  });

  afterAll(async () => {
    await t?.stop();
  });

  /** Publishes once on a fresh connection; true when the broker acknowledged it. */
  async function publishOnce(topic: string, payload: string): Promise<boolean> {
    const stuck = (step: string) =>
      new Promise<never>((_resolve, reject) =>
        setTimeout(() => reject(new Error(`${step} stuck for ${topic.slice(0, 200)}`)), 5_000).unref(),
      );
    const client = await Promise.race([
      stuck('connect'),
      mqtt.connectAsync(t.mqttUrl, {
        protocolVersion: 4,
        username: device.id,
        password: device.secret,
        clientId: `${device.id}-fuzz-${Math.random().toString(16).slice(2, 8)}`,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      }),
    ]);
    try {
      const closed = new Promise<boolean>((resolve) => {
        client.once('close', () => resolve(false));
        client.once('error', () => resolve(false));
      });
      const acked = client.publishAsync(topic, payload, { qos: 1 }).then(
        () => true,
        () => false,
      );
      return await Promise.race([acked, closed, stuck('publish')]);
    } finally {
      await client.endAsync(true);
    }
  }

  it(`lets through only the device's own topics, under its own id (${RUNS} topics)`, async () => {
    const ingest = t.platform.app.get(IngestService);
    const heard: InboundDeviceMessage[] = [];
    const accept = jest.spyOn(ingest, 'accept').mockImplementation(function (this: IngestService, message) {
      heard.push(message);
      return IngestService.prototype.accept.call(this, message);
    });
    const level = fc.oneof(
      fc.constantFrom(
        '',
        '+',
        '#',
        device.id,
        other.id,
        'devices',
        'telemetry',
        'commands',
        'ack',
        '..',
        '\u0000',
      ),
      fc.constantFrom(...OWN_CHANNELS),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\p{Cs}/gu, '\ufffd')),
      fc.integer({ min: 100, max: 2_000 }).map((n) => 'x'.repeat(n)),
    );
    const topic = fc.oneof(
      fc.array(level, { minLength: 1, maxLength: 5 }).map((levels) => levels.join('/')),
      fc
        .tuple(
          fc.constantFrom(device.id, other.id, `${device.id}+`, '+', '#', ''),
          fc.constantFrom(...OWN_CHANNELS, 'commands', 'telemetry/', 'telemetry/#', '#', ''),
        )
        .map(([id, channel]) => `devices/${id}/${channel}`),
      fc.constantFrom(
        `/devices/${device.id}/telemetry`,
        `devices//${device.id}/telemetry`,
        `Devices/${device.id}/telemetry`,
      ),
    );
    // MQTT.js never sends a PUBLISH with an empty topic (it holds it until the connection closes)
    const sendable = topic.filter((generated) => generated.length > 0);
    const payload = fc.oneof(
      fc.constant(JSON.stringify({ ts: Date.now(), seq: 1, metrics: { drumRpm: 800 } })),
      fc.string({ maxLength: 50 }),
    );
    const tally = { acked: 0, refused: 0 };
    try {
      await fc.assert(
        fc.asyncProperty(sendable, payload, async (generated, body) => {
          const before = heard.length;
          const own = parseDeviceTopic(generated);
          const mine = own !== undefined && own.deviceId === device.id;
          const acked = await publishOnce(generated, body);
          if (acked) tally.acked++;
          else tally.refused++;
          if (mine)
            await waitFor(() => heard.length > before, { timeoutMs: 5_000, intervalMs: 5, what: generated });
          await t.platform.settle();
          const reached = heard.slice(before);
          if (mine) {
            // its own topic: heard once, to be stored or dead-lettered by ingest
            expect(reached.map((m) => m.topic)).toEqual([generated]);
          } else {
            expect(reached).toEqual([]);
          }
          for (const message of reached) expect(message.deviceId).toBe(device.id);
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      accept.mockRestore();
    }
    expect(tally.refused).toBeGreaterThan(RUNS / 2);
    expect(tally.acked).toBeGreaterThan(0);

    // the broker still serves: a valid reading gets through and is stored
    const storedBefore = await t.platform.core.store.count(device.id);
    const client = await t.connectDevice(device);
    await client.publishAsync(
      `devices/${device.id}/telemetry`,
      JSON.stringify({ ts: Date.now(), seq: 999_999, metrics: { drumRpm: 900 } }),
      { qos: 1 },
    );
    await t.platform.settle();
    expect(await t.platform.core.store.count(device.id)).toBe(storedBefore + 1);
    expect((await t.http('GET', '/health')).status).toBe(200);
  }, 120_000);
});
