/**
 * Medium test of a Redis outage under two scale-out brokers. Real: a redis-server stopped and
 * started again on the same port, two MqttGateway brokers sharing it, MQTT.js clients over
 * loopback TCP.
 */
import mqtt from 'mqtt';
import pino from 'pino';
import { DEVICE_SECRET, gatewayFixture } from '../../tests/support/mqtt-gateways';
import { startRedis, type RedisServer } from '../../tests/support/redis-server';
import { waitFor } from '../../tests/support/wait-for';
import { openRedisBrokerBackends } from './redis-broker-backends';

describe('scale-out brokers through a Redis outage', () => {
  let redis: RedisServer | undefined;
  const { startGateway: start, connect, closeAll } = gatewayFixture();
  const logged: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const startGateway = (redisUrl: string) => start({ redisUrl, logger });

  afterAll(async () => {
    await closeAll();
    await redis?.stop();
  });

  it('keeps running while Redis is down, says so, and carries publishes across again once it is back', async () => {
    redis = await startRedis();
    const { port, url } = redis;
    const [one, two] = [await startGateway(url), await startGateway(url)];
    const bystander = await connect(one, 'washer-8');
    const received: string[] = [];
    const washer = await connect(two, 'washer-7');
    await washer.subscribeAsync('devices/washer-7/commands', { qos: 0 });
    washer.on('message', (_topic, payload) => received.push(payload.toString()));

    await redis.stop();
    // ioredis retries: each failed attempt is an error event on the brokers' Redis connections
    await waitFor(() => logged.some((entry) => entry.msg === 'scale-out redis connection failed'), {
      timeoutMs: 10_000,
      what: 'the brokers to report the lost Redis connection',
    });

    redis = await startRedis({ port });
    // once the emitter's subscription is back, B's subscriber hears what A publishes again
    let sent = 0;
    await waitFor(
      async () => {
        await one.publishCommand('washer-7', { id: `ping-${++sent}`, name: 'self_test' });
        return received.length > 0;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'a publish on broker A to reach a subscriber on broker B' },
    );
    expect(washer.connected && bystander.connected).toBe(true);
    expect(logged.some((entry) => entry.msg === 'scale-out redis connection restored')).toBe(true);
    // a warning once per connection (two brokers, three each), not one per reconnect attempt
    const failures = logged.filter((entry) => entry.msg === 'scale-out redis connection failed');
    expect(failures.length).toBeLessThanOrEqual(6);
    expect(failures.every((entry) => entry.level === pino.levels.values.warn)).toBe(true);
  });

  it('stops while Redis is unreachable, its listener closed', async () => {
    const lost = await startRedis();
    const gateway = await startGateway(lost.url);
    await connect(gateway, 'fridge-3');
    const port = gateway.port;
    await lost.stop();
    // a command for the device waits on Redis; whether the broker's close then waits on it depends
    // on the Redis client's state, and it stops either way (after 3 s at most of waiting)
    const pending = gateway
      .publishCommand('fridge-3', { id: 'late', name: 'self_test' })
      .catch(() => undefined);
    await gateway.stop();
    void pending;
    await expect(
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        username: 'fridge-4',
        password: DEVICE_SECRET,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stops while Redis hangs, its connections up and nothing answered, its listener closed', async () => {
    const hung = await startRedis();
    try {
      const gateway = await startGateway(hung.url);
      await connect(gateway, 'fridge-5');
      const port = gateway.port;
      const loggedBefore = logged.length;
      hung.pause();
      const pending = gateway
        .publishCommand('fridge-5', { id: 'late', name: 'self_test' })
        .catch(() => undefined);
      await gateway.stop();
      void pending;
      expect(logged.slice(loggedBefore).map((entry) => entry.msg)).toContain(
        'scale-out redis unreachable at stop: sessions and offline messages of this broker not saved',
      );
      await expect(
        mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
          username: 'fridge-6',
          password: DEVICE_SECRET,
          reconnectPeriod: 0,
        }),
      ).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await hung.stop();
    }
  });

  it('drops its Redis connections while commands wait on a hung Redis, the emitter closed and told', async () => {
    const server = await startRedis();
    const backends = openRedisBrokerBackends(server.url, logger);
    try {
      await waitFor(() => backends.available, { what: 'the three Redis connections up' });
      server.pause();
      // a publish sent to a Redis that no longer answers, then the broker's close quits the
      // emitter's connections, the quits waiting behind it; the stop's grace runs out and the
      // connections are dropped: the quits' rejections must not end the process
      const emitted = new Promise<Error | undefined>((resolve) =>
        backends.mq.emit({ topic: 'devices/fridge-3/commands', payload: 'late' }, resolve),
      );
      await new Promise((resolve) => setImmediate(resolve));
      const closed = new Promise<void>((resolve) => backends.mq.close(() => resolve()));
      backends.abandon();
      expect((await emitted)?.message).toMatch(/Connection is closed/);
      await closed;
      // the dropped commands' rejections settle on later turns: give them the chance to surface
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      backends.abandon();
      await server.stop();
    }
  });

  it('tells when Redis has been unreachable for a grace period, and not while it answers', async () => {
    const server = await startRedis();
    const backends = openRedisBrokerBackends(server.url, logger);
    try {
      await waitFor(() => backends.available, { what: 'the three Redis connections up' });
      const answering = backends.unreachableFor(300);
      const settled = await Promise.race([
        answering.reached.then(() => 'reached'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000)),
      ]);
      answering.cancel();
      expect(settled).toBe('still waiting');
      // a Redis that hangs keeps its connections up: its unanswered PING tells
      server.pause();
      const hung = backends.unreachableFor(300);
      await hung.reached;
      hung.cancel();
      server.resume();
      const resumed = backends.unreachableFor(300);
      const afterResume = await Promise.race([
        resumed.reached.then(() => 'reached'),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_000)),
      ]);
      resumed.cancel();
      expect(afterResume).toBe('still waiting');
      await server.stop();
      const lostFor = backends.unreachableFor(300);
      await lostFor.reached;
      lostFor.cancel();
    } finally {
      backends.abandon();
      await server.stop();
    }
  });
});
