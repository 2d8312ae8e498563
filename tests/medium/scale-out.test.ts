/**
 * Medium test of scale-out mode (REDIS_URL). Real: one redis-server, one PostgreSQL cluster
 * (the shared device registry), two complete platform instances A and B (HTTP, Socket.IO with
 * the Redis adapter, Aedes gateway on mqemitter-redis and aedes-persistence-redis, embedded
 * telemetry store each), a standalone MqttGateway C on the same Redis with a service login, a
 * bare Socket.IO server on the same Redis (its broadcasts travel through Redis only), and MQTT /
 * Socket.IO clients over loopback.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createAdapter } from '@socket.io/redis-adapter';
import mqtt, { type MqttClient } from 'mqtt';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import type { Alarm, CommandMessage, CreatedDevice, DeviceView, TelemetryEvent } from '../../contracts/src';
import { topics } from '../../contracts/src';
import { MqttGateway } from '../../gateway/src';
import { AnomalyWatchService } from '../../platform/src/modules/diagnostics/anomaly-watch.service';
import { DetectorStatesRepository } from '../../platform/src/modules/diagnostics/detector-states.repository';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';
import { startRedis, type RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

const SERVICE = { username: 'scale-out-tool', password: 'tool-password-123' };
const healthyWasher = { drumVibrationMmS: 4, motorCurrentA: 2, waterTempC: 40, drainTimeS: 60, drumRpm: 800 };

describe('scale-out over Redis', () => {
  let redis: RedisServer;
  let postgres: PostgresServer;
  let a: TestPlatform;
  let b: TestPlatform;
  let c: MqttGateway;
  let token: string;
  let device: CreatedDevice;
  const extraClients: MqttClient[] = [];

  beforeAll(async () => {
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    const env = {
      REDIS_URL: redis.url,
      DATABASE_URL: await createDatabase(postgres.url, 'scale_out'),
      // Both instances must accept each other's tokens.
      JWT_SECRET: 'scale-out-test-jwt-secret-0123456789',
    };
    a = await startTestPlatform(env);
    token = await a.login();
    // B loads the registry from PostgreSQL when it starts, so the device exists by then.
    device = await a.provision(token, { type: 'washer' });
    b = await startTestPlatform(env);
    c = new MqttGateway({
      host: '127.0.0.1',
      mqttPort: 0,
      authenticator: { authenticate: () => Promise.resolve(false) },
      onMessage: () => undefined,
      serviceCredentials: SERVICE,
      redisUrl: redis.url,
    });
    await c.start();
  });

  afterAll(async () => {
    for (const client of extraClients) await client.endAsync(true);
    await c?.stop();
    await b?.stop();
    await a?.stop();
    await Promise.all([redis?.stop(), postgres?.stop()]);
  });

  function serviceClient(port: number, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
    return mqtt
      .connectAsync(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 4,
        username: SERVICE.username,
        password: SERVICE.password,
        reconnectPeriod: 0,
        ...options,
      })
      .then((client) => {
        extraClients.push(client);
        return client;
      });
  }

  function nextMessage(client: MqttClient, topic: string): Promise<{ payload: string; retain: boolean }> {
    return new Promise((resolve) => {
      const onMessage = (t: string, payload: Buffer, packet: mqtt.IPublishPacket) => {
        if (t !== topic) return;
        client.off('message', onMessage);
        resolve({ payload: payload.toString(), retain: packet.retain });
      };
      client.on('message', onMessage);
    });
  }

  it('accepts on B a device provisioned through A after B started', async () => {
    const late = await a.provision(token, { type: 'refrigerator' });
    const client = await b.connectDevice(late);
    expect(client.connected).toBe(true);
    await client.endAsync();
  });

  it('lets a device provisioned via A connect to B and receive a QoS 1 command published by A', async () => {
    const onB = await b.connectDevice(device);
    await onB.subscribeAsync(topics.commands(device.id), { qos: 1 });
    const command: CommandMessage = { id: 'cmd-live', name: 'self_test' };
    const received = nextMessage(onB, topics.commands(device.id));
    const t0 = performance.now();
    await a.platform.gateway.publishCommand(device.id, command);
    expect(JSON.parse((await received).payload)).toEqual(command);
    console.log(`command A->B delivered in ${(performance.now() - t0).toFixed(1)} ms`);
    await onB.endAsync();
  });

  it('keeps a QoS 1 command for an offline device and delivers it when it reconnects to the other broker', async () => {
    const clientId = `${device.id}-persistent`;
    const first = await b.connectDevice(device, { clientId, clean: false });
    await first.subscribeAsync(topics.commands(device.id), { qos: 1 });
    await first.endAsync();

    const command: CommandMessage = { id: 'cmd-offline', name: 'self_test' };
    await a.platform.gateway.publishCommand(device.id, command);

    // The session and its queue live in Redis: broker A, not B, hands the command over.
    const again = await a.connectDevice(device, { clientId, clean: false });
    const received = await nextMessage(again, topics.commands(device.id));
    expect(JSON.parse(received.payload)).toEqual(command);
    await again.endAsync();
  });

  it('shares the retained status a device published on A with subscribers on other brokers', async () => {
    const onA = await a.connectDevice(device);
    const status = { online: true, fw: '2.4.1', ts: Date.now() };
    await onA.publishAsync(topics.status(device.id), JSON.stringify(status), { qos: 1, retain: true });

    // Subscribing after the publish: only a retained copy in Redis can answer.
    const tool = await serviceClient(c.port);
    const received = nextMessage(tool, topics.status(device.id));
    await tool.subscribeAsync(topics.status(device.id), { qos: 1 });
    expect(await received).toEqual({ payload: JSON.stringify(status), retain: true });
    await onA.endAsync();
  });

  it('pushes telemetry and alarms caused on A to a Socket.IO client of B, and ingests them once', async () => {
    const socket = await b.connectSocket(token);
    expect(await socket.emitWithAck('subscribe', { room: `device:${device.id}` })).toEqual({ ok: true });
    const readings: TelemetryEvent[] = [];
    const alarms: Alarm[] = [];
    socket.on('telemetry', (event: TelemetryEvent) => readings.push(event));
    socket.on('alarm', (alarm: Alarm) => alarms.push(alarm));
    const readingsOnA = await a.metric('telemetry_readings_total');
    const readingsOnB = await b.metric('telemetry_readings_total');

    const onA = await a.connectDevice(device);
    const ts = Date.now();
    const t0 = performance.now();
    await onA.publishAsync(topics.telemetry(device.id), telemetry(1, healthyWasher, ts), { qos: 1 });
    await waitFor(() => readings.length > 0 || undefined, { timeoutMs: 5_000, what: 'telemetry on B' });
    console.log(`telemetry A->socket on B in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(readings[0]).toEqual({ deviceId: device.id, ts, metrics: healthyWasher });

    await onA.publishAsync(
      topics.events(device.id),
      JSON.stringify({ ts: Date.now(), seq: 1, code: 'E21' }),
      {
        qos: 1,
      },
    );
    await waitFor(() => alarms.length > 0 || undefined, { timeoutMs: 5_000, what: 'alarm on B' });
    expect(alarms[0]).toMatchObject({ deviceId: device.id, state: 'active' });

    await a.platform.settle();
    // Redis carries the publish to broker B too, but only the broker the device is on ingests it.
    expect(await a.metric('telemetry_readings_total')).toBe(readingsOnA + 1);
    expect(await b.metric('telemetry_readings_total')).toBe(readingsOnB);
    await onA.endAsync();
  });

  it("carries a device's twin and what its detector learnt on A over to B when it reconnects there", async () => {
    const onA = await a.connectDevice(device);
    // a few minutes of readings for A's detector to learn from, then the one the twin shows
    const ts = Date.now();
    for (let i = 0; i < 30; i++) {
      const earlier = { ...healthyWasher, drumRpm: healthyWasher.drumRpm + (i % 5) };
      await onA.publishAsync(
        topics.telemetry(device.id),
        telemetry(70 + i, earlier, ts - (30 - i) * 10_000),
        {
          qos: 1,
        },
      );
    }
    const reading = { ...healthyWasher, waterTempC: 43.5 };
    await onA.publishAsync(topics.telemetry(device.id), telemetry(100, reading, ts), { qos: 1 });
    await waitFor(
      async () => {
        const view = (await a.http<DeviceView>('GET', `/api/devices/${device.id}`, { token })).body;
        return view.latest.waterTempC?.ts === ts || undefined;
      },
      { what: 'the reading in the twin on A' },
    );
    await a.platform.settle();
    const learntOnA = await a.platform.app.get(AnomalyWatchService).detectorReadings(device.id);
    expect(learntOnA).toBeGreaterThanOrEqual(31);
    expect(await b.platform.app.get(AnomalyWatchService).detectorReadings(device.id)).toBe(0);
    // a checkpoint saves what A learnt while the device is still on A (a SIGKILL of A loses no more)
    expect(await a.platform.app.get(AnomalyWatchService).checkpoint()).toBe(1);
    const checkpointed = await a.platform.app.get(DetectorStatesRepository).find(device.id);
    expect(checkpointed?.state.readings).toBe(learntOnA);
    // nothing learnt since: the next checkpoint saves nothing
    expect(await a.platform.app.get(AnomalyWatchService).checkpoint()).toBe(0);
    await onA.endAsync();
    await waitFor(
      async () =>
        (await a.http<DeviceView>('GET', `/api/devices/${device.id}`, { token })).body.online === false ||
        undefined,
      { what: 'A to see the device leave' },
    );

    const onB = await b.connectDevice(device);
    const onBView = await waitFor(
      async () => {
        const view = (await b.http<DeviceView>('GET', `/api/devices/${device.id}`, { token })).body;
        return view.online ? view : undefined;
      },
      { what: 'the device online on B' },
    );
    expect(onBView.latest.waterTempC).toEqual({ ts, value: 43.5 });
    expect(onBView.latest.drumRpm).toEqual({ ts, value: healthyWasher.drumRpm });
    expect(onBView.lastSeen).toBeGreaterThanOrEqual(ts);
    // what A's online detector learnt goes on on B, instead of B learning the device from nothing
    await b.platform.app.get(AnomalyWatchService).settled();
    expect(await b.platform.app.get(AnomalyWatchService).detectorReadings(device.id)).toBe(learntOnA);
    // both kept the device's profiles paged out (ADR 0019), in files no longer in their DATA_DIR
    for (const instance of [a, b]) {
      const memory = await instance.platform.app.get(AnomalyWatchService).detectionMemory();
      expect(memory?.pagedModels).toBeGreaterThanOrEqual(Object.keys(healthyWasher).length);
      expect(fs.readdirSync(path.join(instance.config.dataDir, 'detector'))).toEqual([]);
    }
    await onB.endAsync();
  });

  it('keeps Socket.IO clients of B connected while A shuts down', async () => {
    const socket = await b.connectSocket(token);
    expect(await socket.emitWithAck('subscribe', { room: `device:${device.id}` })).toEqual({ ok: true });
    const heard: string[] = [];
    socket.on('disconnect', (reason: string) => heard.push(`disconnect: ${reason}`));
    socket.on('telemetry', (event: TelemetryEvent) => heard.push(`telemetry at ${event.ts}`));
    const third = await startSocketIoOnRedis(redis.url);
    try {
      await a.stop();
      // A's Redis connections are closed: whatever A told the other instances on its way out
      // (to disconnect their sockets, say) is already queued on B's Redis subscription, ahead of
      // this broadcast. Had A dropped B's socket, the socket would hear that first.
      const ts = Date.now();
      third.io
        .to(`device:${device.id}`)
        .emit('telemetry', { deviceId: device.id, ts, metrics: healthyWasher });
      await waitFor(() => heard.length > 0, { timeoutMs: 5_000, what: 'a broadcast through Redis on B' });
      expect(heard).toEqual([`telemetry at ${ts}`]);
      expect(socket.connected).toBe(true);
    } finally {
      await third.close();
    }
  });
});

/** A Socket.IO server with no clients on the same Redis: its broadcasts reach B only through Redis. */
async function startSocketIoOnRedis(url: string): Promise<{ io: Server; close(): Promise<void> }> {
  const pub = createClient({ url });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  const io = new Server();
  io.adapter(createAdapter(pub, sub));
  return {
    io,
    // No HTTP server, so nothing but the Redis connections to close.
    close: async () => {
      await Promise.allSettled([pub.close(), sub.close()]);
    },
  };
}
