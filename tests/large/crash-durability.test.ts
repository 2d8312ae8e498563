/**
 * Large test: the built product (node dist/platform/src/main.js, embedded storage) killed with
 * SIGKILL while devices publish QoS 1 telemetry at a few hundred messages a second, then
 * started again on the same DATA_DIR. A PUBACK promises the reading is stored or durably
 * queued: every acknowledged reading must be there after the restart, and none twice. Real:
 * the product process, its MQTT broker, its stores; MQTT.js clients play the devices.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { ProductProcess } from '../support/product-process';
import { apiJson as api, PublishingDevice } from '../support/publishing-device';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'crash-test-password' };
const DEVICES = 4;
/** Per device: 4 × 100 = 400 messages a second in all. */
const RATE_PER_DEVICE = 100;
const METRIC = 'drumVibrationMmS';

interface Device {
  id: string;
  secret: string;
}

async function login(baseUrl: string): Promise<string> {
  return (await api<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', undefined, ADMIN))
    .accessToken;
}

async function readingsAccepted(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  return Number(/^telemetry_readings_total (\d+)/m.exec(text)?.[1] ?? 0);
}

describe('the product killed with SIGKILL while devices publish', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-test-'));
  const env = {
    DATA_DIR: dataDir,
    SIM_DEVICES: '0',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'warn',
  };
  const started: ProductProcess[] = [];
  const clients: MqttClient[] = [];

  afterAll(async () => {
    for (const client of clients) await client.endAsync(true);
    // Only what this test started, by its handle: a SIGTERM (then SIGKILL) to that pid.
    for (const product of started) await product.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged QoS 1 reading, exactly once', async () => {
    const product = new ProductProcess(env);
    started.push(product);
    await product.start();
    const token = await login(product.baseUrl);
    const devices: Device[] = [];
    for (let i = 0; i < DEVICES; i++) {
      devices.push(
        await api<Device>(product.baseUrl, 'POST', '/api/devices', token, {
          type: 'washer',
          serial: `CRASH-${i}`,
        }),
      );
    }
    const firstTsMs = Date.now() - 60_000;
    const publishers: PublishingDevice[] = [];
    for (const device of devices) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${product.mqttPort}`, {
        protocolVersion: 4,
        username: device.id,
        password: device.secret,
        clientId: device.id,
        reconnectPeriod: 0,
      });
      // The broker's death shows as a connection error; the publishes it left unacknowledged
      // are simply not counted.
      client.on('error', () => undefined);
      clients.push(client);
      publishers.push(
        new PublishingDevice(device, client, {
          firstTsMs,
          ratePerS: RATE_PER_DEVICE,
          metric: METRIC,
          valueOf: (seq) => seq % 100,
        }),
      );
    }
    for (const publisher of publishers) publisher.start();

    // Well into the run: the store has written batches and more are on their way.
    await waitFor(async () => (await readingsAccepted(product.baseUrl)) >= 1_000 || undefined, {
      timeoutMs: 30_000,
      what: 'a thousand readings to be accepted',
    });
    process.kill(product.pid!, 'SIGKILL');
    expect(await product.exited()).toBeNull();
    for (const publisher of publishers) publisher.stop();
    for (const client of clients.splice(0)) await client.endAsync(true);
    const acked = publishers.reduce((sum, p) => sum + p.acked.size, 0);
    // every accepted reading was acknowledged first (the ack waits for the log): at least the thousand
    expect(acked).toBeGreaterThanOrEqual(1_000);

    const restarted = new ProductProcess(env);
    started.push(restarted);
    await restarted.start();
    const token2 = await login(restarted.baseUrl);
    const missing: string[] = [];
    let duplicated = 0;
    for (const publisher of publishers) {
      const points = await api<{ ts: number }[]>(
        restarted.baseUrl,
        'GET',
        `/api/devices/${publisher.device.id}/telemetry?metric=${METRIC}` +
          `&from=${firstTsMs}&to=${firstTsMs + publisher.sent}`,
        token2,
      );
      const stored = new Set(points.map((point) => point.ts));
      duplicated += points.length - stored.size;
      for (const ts of publisher.acked) if (!stored.has(ts)) missing.push(`${publisher.device.id}@${ts}`);
    }
    expect({ acked, missing: missing.length, firstMissing: missing.slice(0, 5), duplicated }).toEqual({
      acked,
      missing: 0,
      firstMissing: [],
      duplicated: 0,
    });
  }, 90_000);
});
