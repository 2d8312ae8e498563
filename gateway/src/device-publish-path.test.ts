/**
 * Medium test. Real: an Aedes broker started by MqttGateway on 127.0.0.1 (a free port), raw TCP
 * connections writing MQTT packets built with mqtt-packet, split at arbitrary byte boundaries.
 * Fake: the device authenticator (an in-memory map), the durable hand-over (an array that
 * acknowledges in order, a little later) and the clock.
 */
import { connect as tcpConnect, Socket } from 'node:net';
import fc from 'fast-check';
import mqttPacket, { Packet } from 'mqtt-packet';
import { topics } from '../../contracts/src';
import { waitFor } from '../../tests/support/wait-for';
import { InboundDeviceMessage, MqttGateway } from './index';

const SECRET = 's3cret-1';
const DEVICE = 'washer-1';
const OTHER_DEVICE = 'washer-2';

interface Harness {
  gateway: MqttGateway;
  durable: InboundDeviceMessage[];
  messages: InboundDeviceMessage[];
  /** Durable hand-overs not yet acknowledged (the test releases them). */
  held: Array<() => void>;
  hold: boolean;
  /** Called after each durable hand-over is recorded. */
  onDurable?: () => void;
}

let h: Harness;
const sockets: Socket[] = [];

/** A gateway whose durable hand-over records what it is given; publishesPerTurn as the gateway's option. */
async function startHarness(publishesPerTurn?: number): Promise<Harness> {
  const harness: Harness = { gateway: undefined as never, durable: [], messages: [], held: [], hold: false };
  harness.gateway = new MqttGateway({
    host: '127.0.0.1',
    mqttPort: 0,
    authenticator: {
      authenticate: (id, secret) =>
        Promise.resolve((id === DEVICE || id === OTHER_DEVICE) && secret === SECRET),
    },
    onMessage: (message) => harness.messages.push(message),
    clock: () => 1_750_000_000_000,
    durable: {
      channels: ['telemetry'],
      accept: (message, done) => {
        // copied: the payload is a view of the bytes read, valid during the call
        harness.durable.push({ ...message, payload: Buffer.from(message.payload) });
        harness.onDurable?.();
        if (harness.hold) harness.held.push(() => done());
        else setImmediate(done);
      },
    },
    publishesPerTurn,
  });
  await harness.gateway.start();
  return harness;
}

/** The gateway of the test, started again with another turn budget. */
async function restartWith(publishesPerTurn: number): Promise<void> {
  await h.gateway.stop();
  h = await startHarness(publishesPerTurn);
}

beforeEach(async () => {
  h = await startHarness();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await h.gateway.stop();
});

/** A raw MQTT connection: what it received, parsed, and a way to write bytes. */
class RawDevice {
  readonly received: Packet[] = [];
  closed = false;
  private readonly parser: ReturnType<typeof mqttPacket.parser>;

  constructor(
    readonly socket: Socket,
    readonly protocolVersion: 3 | 4,
  ) {
    this.parser = mqttPacket.parser({ protocolVersion });
    this.parser.on('packet', (packet) => this.received.push(packet));
    socket.on('data', (chunk) => this.parser.parse(chunk));
    socket.on('close', () => (this.closed = true));
  }

  static async connect(protocolVersion: 3 | 4, keepalive = 60, deviceId = DEVICE): Promise<RawDevice> {
    const socket = tcpConnect(h.gateway.port, '127.0.0.1');
    sockets.push(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    const device = new RawDevice(socket, protocolVersion);
    device.write(
      packetBytes(
        {
          cmd: 'connect',
          protocolId: protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
          protocolVersion,
          clean: true,
          clientId: `raw-${protocolVersion}-${Math.random().toString(36).slice(2)}`,
          keepalive,
          username: deviceId,
          password: Buffer.from(SECRET),
        },
        protocolVersion,
      ),
    );
    await waitFor(() => device.received.some((p) => p.cmd === 'connack') || undefined, { what: 'CONNACK' });
    return device;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  acked(): number[] {
    return this.received.flatMap((p) => (p.cmd === 'puback' ? [p.messageId ?? -1] : []));
  }

  count(cmd: Packet['cmd']): number {
    return this.received.filter((p) => p.cmd === cmd).length;
  }
}

function packetBytes(packet: Record<string, unknown>, protocolVersion: 3 | 4): Buffer {
  return mqttPacket.generate(packet as unknown as Packet, { protocolVersion });
}

type Step =
  | { kind: 'telemetry'; payload: string; dup: boolean }
  | { kind: 'telemetry-qos0'; payload: string }
  | { kind: 'events'; payload: string }
  | { kind: 'ping' }
  | { kind: 'subscribe' };

const payload = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 100, maxLength: 400 }),
  fc.constant(''),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ kind: fc.constant('telemetry' as const), payload, dup: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('telemetry-qos0' as const), payload }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('events' as const), payload }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'ping' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'subscribe' as const }) },
);

/**
 * Streams of telemetry mixed with QoS 0 and other channels' publishes, pings and subscriptions,
 * cut at any byte: every telemetry publish is handed over once and in order, everything else is
 * answered by aedes, and nothing closes the connection.
 */
async function mixedStreamsTakenInOrder(numRuns: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<3 | 4>(3, 4),
      fc.array(step, { minLength: 1, maxLength: 30 }),
      fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 12 }),
      async (protocolVersion, steps, cuts) => {
        h.durable.length = 0;
        h.messages.length = 0;
        const device = await RawDevice.connect(protocolVersion);
        const expectedDurable: string[] = [];
        const expectedOther: string[] = [];
        const qos1Ids: number[] = [];
        let id = 0;
        const parts: Buffer[] = [];
        for (const s of steps) {
          const messageId = ++id;
          switch (s.kind) {
            case 'telemetry':
              expectedDurable.push(s.payload);
              qos1Ids.push(messageId);
              parts.push(
                packetBytes(
                  {
                    cmd: 'publish',
                    topic: topics.telemetry(DEVICE),
                    payload: s.payload,
                    qos: 1,
                    dup: s.dup,
                    retain: false,
                    messageId,
                  },
                  protocolVersion,
                ),
              );
              break;
            case 'telemetry-qos0':
              expectedOther.push(`telemetry ${s.payload}`);
              parts.push(
                packetBytes(
                  {
                    cmd: 'publish',
                    topic: topics.telemetry(DEVICE),
                    payload: s.payload,
                    qos: 0,
                    retain: false,
                  },
                  protocolVersion,
                ),
              );
              break;
            case 'events':
              expectedOther.push(`events ${s.payload}`);
              qos1Ids.push(messageId);
              parts.push(
                packetBytes(
                  {
                    cmd: 'publish',
                    topic: topics.events(DEVICE),
                    payload: s.payload,
                    qos: 1,
                    retain: false,
                    messageId,
                  },
                  protocolVersion,
                ),
              );
              break;
            case 'ping':
              parts.push(packetBytes({ cmd: 'pingreq' }, protocolVersion));
              break;
            case 'subscribe':
              parts.push(
                packetBytes(
                  {
                    cmd: 'subscribe',
                    messageId,
                    subscriptions: [{ topic: topics.commands(DEVICE), qos: 1 }],
                  },
                  protocolVersion,
                ),
              );
              break;
          }
        }
        const stream = Buffer.concat(parts);
        // cut the stream into chunks of the given sizes (cycled), each written on its own
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length];
          device.write(stream.subarray(at, at + size));
          at += size;
          if (i % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
        const pings = steps.filter((s) => s.kind === 'ping').length;
        const subscribes = steps.filter((s) => s.kind === 'subscribe').length;
        const answered = () =>
          device.acked().length >= qos1Ids.length &&
          h.messages.length >= expectedOther.length &&
          device.count('pingresp') >= pings &&
          device.count('suback') >= subscribes;
        await waitFor(() => answered() || device.closed || undefined, {
          what: `${qos1Ids.length} PUBACKs (have ${device.acked().length}) and the rest`,
          timeoutMs: 5000,
          intervalMs: 5,
        });
        expect(device.closed).toBe(false);
        expect(h.durable.map((m) => m.payload.toString())).toEqual(expectedDurable);
        expect(
          h.durable.every((m) => m.topic === topics.telemetry(DEVICE) && m.channel === 'telemetry'),
        ).toBe(true);
        // aedes' own order for what it handles: a QoS 0 publish overtakes a QoS 1 one before it
        expect(h.messages.map((m) => `${m.channel} ${m.payload.toString()}`).sort()).toEqual(
          expectedOther.sort(),
        );
        expect([...device.acked()].sort((a, b) => a - b)).toEqual(qos1Ids);
        expect(device.count('pingresp')).toBe(pings);
        expect(device.count('suback')).toBe(subscribes);
        device.socket.destroy();
      },
    ),
    { numRuns },
  );
}

describe('the short path of device publishes', () => {
  it('takes every packet of a stream cut at any byte, in order, whatever else is mixed in (MQTT 3.1 and 3.1.1)', async () => {
    await mixedStreamsTakenInOrder(80);
  });

  it('takes every packet in order as well when each turn of the event loop takes two publishes at most', async () => {
    await restartWith(2);
    await mixedStreamsTakenInOrder(40);
  });

  it('acknowledges a publish only once it is durable, answering the connection meanwhile', async () => {
    h.hold = true;
    const device = await RawDevice.connect(4);
    device.write(
      packetBytes(
        {
          cmd: 'publish',
          topic: topics.telemetry(DEVICE),
          payload: '{"seq":1}',
          qos: 1,
          retain: false,
          messageId: 7,
        },
        4,
      ),
    );
    await waitFor(() => h.durable.length === 1 || undefined, { what: 'the hand-over' });
    device.write(packetBytes({ cmd: 'pingreq' }, 4));
    await waitFor(() => device.count('pingresp') === 1 || undefined, { what: 'PINGRESP' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(device.acked()).toEqual([]);
    for (const release of h.held.splice(0)) release();
    await waitFor(() => device.acked().length === 1 || undefined, { what: 'PUBACK' });
    expect(device.acked()).toEqual([7]);
    expect(h.durable[0].payload.toString()).toBe('{"seq":1}');
  });

  it("keeps a connection alive that only sends telemetry, as aedes' own handling does", async () => {
    const device = await RawDevice.connect(4, 1);
    // aedes closes a client silent for 1.5 keep-alives: publish every 300 ms for 2.5 s
    for (let messageId = 1; messageId <= 8; messageId++) {
      device.write(
        packetBytes(
          {
            cmd: 'publish',
            topic: topics.telemetry(DEVICE),
            payload: `{"seq":${messageId}}`,
            qos: 1,
            retain: false,
            messageId,
          },
          4,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(device.closed).toBe(false);
    expect(device.acked()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // and silence still ends it
    await waitFor(() => device.closed || undefined, { what: 'the keep-alive timeout', timeoutMs: 5000 });
  });

  it('spreads a flood over turns of the event loop, two devices in turn, taking every publish once and in order', async () => {
    await restartWith(5);
    const [a, b] = [await RawDevice.connect(4), await RawDevice.connect(4, 60, OTHER_DEVICE)];
    // Turns counted by a chain of setImmediate from the first hand-over on: each turn of the
    // event loop runs it once.
    let turn = 0;
    const turnOf: number[] = [];
    h.onDurable = () => {
      if (turnOf.length === 0) {
        const tick = () => {
          turn++;
          if (h.durable.length < 400) setImmediate(tick);
        };
        setImmediate(tick);
      }
      turnOf.push(turn);
    };
    const flood = (from: string, deviceId: string) =>
      Buffer.concat(
        Array.from({ length: 200 }, (_, i) =>
          packetBytes(
            {
              cmd: 'publish',
              topic: topics.telemetry(deviceId),
              payload: `${from}${i}`,
              qos: 1,
              retain: false,
              messageId: i + 1,
            },
            4,
          ),
        ),
      );
    a.write(flood('a', DEVICE));
    b.write(flood('b', OTHER_DEVICE));
    await waitFor(() => (a.acked().length === 200 && b.acked().length === 200) || undefined, {
      what: '400 PUBACKs',
      timeoutMs: 10_000,
    });
    const payloads = h.durable.map((m) => m.payload.toString());
    const fromA = payloads.filter((p) => p.startsWith('a'));
    const fromB = payloads.filter((p) => p.startsWith('b'));
    expect(fromA).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
    expect(fromB).toEqual(Array.from({ length: 200 }, (_, i) => `b${i}`));
    expect(a.acked()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(b.acked()).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // No turn took more than its 5 (10 where the count of turns and the budget's turns straddle).
    const perTurn = new Map<number, number>();
    for (const t of turnOf) perTurn.set(t, (perTurn.get(t) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(10);
    expect(perTurn.size).toBeGreaterThanOrEqual(40);
    // Neither device's flood was taken whole before the other's first publish.
    expect(payloads.indexOf('b0')).toBeLessThan(payloads.indexOf('a199'));
    expect(payloads.indexOf('a0')).toBeLessThan(payloads.indexOf('b199'));
  });

  it('closes a connection that sends a malformed remaining length, taking nothing from it', async () => {
    const device = await RawDevice.connect(4);
    device.write(Buffer.from([0x32, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00]));
    await waitFor(() => device.closed || undefined, { what: 'the connection to close' });
    expect(h.durable).toEqual([]);
  });
});
