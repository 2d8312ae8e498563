/**
 * Large test: two platform processes (the built product, `node dist/platform/src/main.js`) behind
 * Debian's HAProxy for HTTP and MQTT over TCP, sharing PostgreSQL, Redis and InfluxDB, each with
 * its own DATA_DIR (its write-ahead log). One is killed with SIGKILL while devices publish QoS 1
 * telemetry through the load balancer: the devices reconnect through it to the other instance,
 * an alarm raised on the dead instance clears on the living one when the readings are normal
 * again, the proactive ticket keeps its SLA clocks, and once the dead instance is started again
 * (as a service manager would) every acknowledged reading is stored, none twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Alarm, SlaClockView, Ticket, TicketDetail } from '../../contracts/src';
import { freePort } from '../support/free-port';
import { startHaproxy, type HaproxyServer } from '../support/haproxy-server';
import { startInfluxd, type InfluxdServer } from '../support/influxdb-server';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';
import { ProductProcess } from '../support/product-process';
import { apiJson as api, PublishingDevice } from '../support/publishing-device';
import { startRedis, type RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'two-instances-password' };
const LOAD_DEVICES = 6;
/** Per device: 6 × 50 = 300 messages a second through the load balancer. */
const RATE_PER_DEVICE = 50;
const METRIC = 'drumVibrationMmS';
const CLEAR_HOLD_MS = 2_000;
const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

interface Device {
  id: string;
  secret: string;
}

const clocksOf = (ticket: TicketDetail) =>
  ticket.sla.map((c: SlaClockView) => ({ kind: c.kind, state: c.state, dueAt: c.dueAt }));

describe('two instances behind HAProxy, one killed', () => {
  const dirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'two-instances-')));
  let postgres: PostgresServer;
  let redis: RedisServer;
  let influx: InfluxdServer;
  let haproxy: HaproxyServer | undefined;
  const instances: ProductProcess[] = [];
  const clients: MqttClient[] = [];
  let ports: Array<{ http: number; mqtt: number }>;
  let envOf: (i: number) => Record<string, string>;

  beforeAll(async () => {
    [postgres, redis, influx] = await Promise.all([
      startPostgres(),
      startRedis(),
      startInfluxd('two_instances'),
    ]);
    const databaseUrl = await createDatabase(postgres.url, 'two_instances');
    ports = [];
    for (let i = 0; i < 2; i++) ports.push({ http: await freePort(), mqtt: await freePort() });
    envOf = (i) => ({
      DATA_DIR: dirs[i],
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      INFLUX_URL: influx.url,
      JWT_SECRET: 'two-instances-shared-signing-key-0123456789',
      SIM_DEVICES: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ALARM_CLEAR_HOLD_MS: String(CLEAR_HOLD_MS),
      LOG_LEVEL: 'warn',
    });
    // one after the other: the first one migrates the shared database
    for (let i = 0; i < 2; i++) {
      const instance = new ProductProcess(envOf(i), { ports: ports[i] });
      instances.push(instance);
      await instance.start();
    }
    haproxy = await startHaproxy(
      ports.map((p, i) => ({ name: `p${i}`, httpPort: p.http, mqttPort: p.mqtt })),
    );
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) await client.endAsync(true).catch(() => undefined);
    await haproxy?.stop();
    // Only what this test started, by its handle.
    for (const instance of instances) await instance.stop();
    await Promise.all([influx?.stop(), redis?.stop(), postgres?.stop()]);
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged reading, hands the open alarm over and keeps the ticket clocks', async () => {
    const lb = haproxy!.baseUrl;
    const token = (await api<{ accessToken: string }>(lb, 'POST', '/api/auth/login', undefined, ADMIN))
      .accessToken;
    const provision = (serial: string) =>
      api<Device>(lb, 'POST', '/api/devices', token, { type: 'washer', serial, region: 'north' });

    // A washer on the first instance vibrates past its critical band: a major alarm, a proactive ticket.
    const shaky = await provision('TWO-SHAKY');
    const connectShaky = (port: number) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 4,
        username: shaky.id,
        password: shaky.secret,
        clientId: shaky.id,
        reconnectPeriod: 0,
      });
    const onFirst = await connectShaky(ports[0].mqtt);
    onFirst.on('error', () => undefined);
    clients.push(onFirst);
    let shakyTs = Date.now() - 30_000;
    for (let i = 0; i < 5; i++) {
      await onFirst.publishAsync(
        `devices/${shaky.id}/telemetry`,
        JSON.stringify({ ts: shakyTs++, seq: i, metrics: { ...healthyWasher, [METRIC]: 30 } }),
        { qos: 1 },
      );
    }
    const alarm = await waitFor(
      async () =>
        (await api<Alarm[]>(lb, 'GET', `/api/alarms?deviceId=${shaky.id}`, token)).find(
          (a) => a.cause === `threshold:${METRIC}` && a.state === 'active',
        ),
      { timeoutMs: 20_000, what: 'the vibration alarm' },
    );
    expect(alarm.severity).toBe('major');
    const ticketId = await waitFor(
      async () => (await api<Ticket[]>(lb, 'GET', `/api/tickets?deviceId=${shaky.id}`, token))[0]?.id,
      { timeoutMs: 20_000, what: 'the proactive ticket' },
    );
    const clocksBefore = clocksOf(await api<TicketDetail>(lb, 'GET', `/api/tickets/${ticketId}`, token));
    expect(clocksBefore.some((c) => c.state === 'running' && c.dueAt !== null)).toBe(true);

    // Load through the load balancer: the devices spread over both instances.
    const firstTsMs = Date.now() - 60_000;
    const publishers: PublishingDevice[] = [];
    for (let i = 0; i < LOAD_DEVICES; i++) {
      const device = await provision(`TWO-LOAD-${i}`);
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${haproxy!.mqttPort}`, {
        protocolVersion: 4,
        username: device.id,
        password: device.secret,
        clientId: device.id,
        reconnectPeriod: 250,
        connectTimeout: 2_000,
      });
      client.on('error', () => undefined);
      clients.push(client);
      publishers.push(
        new PublishingDevice(device, client, {
          firstTsMs,
          ratePerS: RATE_PER_DEVICE,
          metric: METRIC,
          valueOf: (seq) => seq % 10,
        }),
      );
    }
    for (const publisher of publishers) publisher.start();
    const ackedTotal = () => publishers.reduce((sum, p) => sum + p.acked.size, 0);
    await waitFor(() => ackedTotal() >= 1_500 || undefined, {
      timeoutMs: 30_000,
      what: '1,500 acknowledged readings',
    });

    const ackedBeforeKill = publishers.map((p) => p.acked.size);
    const killedAtMs = performance.now();
    process.kill(instances[0].pid!, 'SIGKILL');
    expect(await instances[0].exited()).toBeNull();
    const ackedAtKill = publishers.map((p) => p.acked.size);

    // Every device publishes on, through the load balancer to the living instance. How long the
    // devices of the killed instance went without a PUBACK is printed (a figure, not asserted).
    const backAfterMs = publishers.map(() => NaN);
    await waitFor(
      () => {
        publishers.forEach((p, i) => {
          if (Number.isNaN(backAfterMs[i]) && p.acked.size > ackedAtKill[i])
            backAfterMs[i] = performance.now() - killedAtMs;
        });
        return publishers.every((p, i) => p.acked.size >= ackedAtKill[i] + 100) || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'every device to be acknowledged again after the kill' },
    );
    console.log(
      `failover: after the SIGKILL, each device's next PUBACK came after ${backAfterMs
        .map((ms) => Math.round(ms))
        .sort((x, y) => x - y)
        .join(
          ', ',
        )} ms (${ackedAtKill.reduce((sum, n, i) => sum + n - ackedBeforeKill[i], 0)} acknowledged while it died)`,
    );

    // The vibrating washer comes back through the load balancer, now quiet: the living instance
    // clears the alarm the dead one raised once the readings stayed normal for the hold time.
    const onSecond = await connectShaky(haproxy!.mqttPort);
    clients.push(onSecond);
    let seq = 100;
    shakyTs = Date.now();
    const cleared = await waitFor(
      async () => {
        await onSecond.publishAsync(
          `devices/${shaky.id}/telemetry`,
          JSON.stringify({ ts: (shakyTs += 250), seq: seq++, metrics: healthyWasher }),
          { qos: 1 },
        );
        const now = await api<Alarm>(lb, 'GET', `/api/alarms/${alarm.id}`, token);
        return now.state === 'cleared' ? now : undefined;
      },
      // the hold time of normal readings, and room for the reconnect and the database
      {
        timeoutMs: CLEAR_HOLD_MS + 8_000,
        intervalMs: 250,
        what: 'the alarm to clear on the living instance',
      },
    );
    expect(cleared.clearedAt).not.toBeNull();

    for (const publisher of publishers) publisher.stop();
    for (const publisher of publishers) await publisher.client.endAsync();

    // The killed instance starts again (a service manager would): its write-ahead log is replayed.
    const restarted = new ProductProcess(envOf(0), { ports: ports[0] });
    instances.push(restarted);
    await restarted.start();

    const acked = ackedTotal();
    const missing: string[] = [];
    let duplicated = 0;
    for (const publisher of publishers) {
      const points = await api<{ ts: number }[]>(
        lb,
        'GET',
        `/api/devices/${publisher.device.id}/telemetry?metric=${METRIC}&from=${firstTsMs}&to=${firstTsMs + publisher.sent}`,
        token,
      );
      const stored = new Set(points.map((point) => point.ts));
      duplicated += points.length - stored.size;
      for (const ts of publisher.acked) if (!stored.has(ts)) missing.push(`${publisher.device.id}@${ts}`);
    }
    expect({ missing: missing.length, firstMissing: missing.slice(0, 5), duplicated }).toEqual({
      missing: 0,
      firstMissing: [],
      duplicated: 0,
    });
    expect(acked).toBeGreaterThan(1_500 + LOAD_DEVICES * 100);

    // The proactive ticket kept its clocks: the same targets, still running.
    const clocksAfter = clocksOf(await api<TicketDetail>(lb, 'GET', `/api/tickets/${ticketId}`, token));
    expect(clocksAfter).toEqual(clocksBefore);
  }, 240_000);
});
