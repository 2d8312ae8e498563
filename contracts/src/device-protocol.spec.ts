import fc from 'fast-check';
import { parseDeviceTopic, plainTelemetryMessage, telemetryMessageSchema, topics } from './device-protocol';

/** Bodies near a telemetry message: right, and wrong in each of the ways a device gets it wrong. */
const metricName = fc.oneof(
  fc.constantFrom('drumRpm', 'powerW', '__proto__', 'constructor', 'toString', ''),
  fc.string({ minLength: 0, maxLength: 70 }),
);
const numberish = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-1, 0, 1.5, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER, NaN, Infinity),
  fc.constantFrom('1', null, true, [], {}),
);
const metrics = fc.oneof(
  fc.dictionary(metricName, numberish, { maxKeys: 6 }),
  fc.constantFrom(null, [], 'x', 5),
);
const body = fc.oneof(
  fc.record({ ts: numberish, seq: numberish, metrics }),
  fc.record({ ts: numberish, seq: numberish, metrics, extra: numberish }),
  fc.record({ ts: numberish, metrics }),
  fc.record({ ts: fc.nat(), seq: fc.nat(), metrics: fc.dictionary(metricName, fc.double(), { maxKeys: 6 }) }),
  fc.constantFrom(null, [], 'text', 3),
);

describe('plainTelemetryMessage (the hand-checked fast path before the schema)', () => {
  it('accepts only what the schema accepts, and gives what the schema gives', () => {
    let plain = 0;
    fc.assert(
      fc.property(body, (value) => {
        // As ingest sees it: what JSON.parse makes of the bytes (own "__proto__" keys included).
        const parsed: unknown = JSON.parse(JSON.stringify(value) ?? 'null');
        const fast = plainTelemetryMessage(parsed);
        if (fast === undefined) return;
        plain++;
        const schema = telemetryMessageSchema.safeParse(parsed);
        expect(schema.success).toBe(true);
        expect(fast).toEqual(schema.data);
      }),
      { numRuns: 5_000, seed: 15 },
    );
    // The fast path did take a share of the bodies (else this test proves nothing).
    expect(plain).toBeGreaterThan(200);
  });

  it('takes an ordinary reading, and leaves a "__proto__" metric to the schema', () => {
    const reading = { ts: 1_764_000_000_000, seq: 7, metrics: { drumRpm: 1200, powerW: 410.5 } };
    expect(plainTelemetryMessage(JSON.parse(JSON.stringify(reading)))).toEqual(reading);
    expect(
      plainTelemetryMessage(JSON.parse('{"ts":1,"seq":1,"metrics":{"drumRpm":5,"__proto__":1}}')),
    ).toBeUndefined();
    expect(plainTelemetryMessage(JSON.parse('{"ts":1,"seq":1,"metrics":{},"__proto__":{}}'))).toBeUndefined();
    expect(plainTelemetryMessage({ ts: -1, seq: 1, metrics: {} })).toBeUndefined();
    expect(plainTelemetryMessage({ ts: 1.5, seq: 1, metrics: {} })).toBeUndefined();
  });
});

describe('parseDeviceTopic', () => {
  it('splits a device’s own topics into its id and channel', () => {
    expect(parseDeviceTopic(topics.telemetry('washer-1'))).toEqual({
      deviceId: 'washer-1',
      channel: 'telemetry',
    });
    expect(parseDeviceTopic(topics.commandAck('f.2'))).toEqual({ deviceId: 'f.2', channel: 'commands/ack' });
    expect(parseDeviceTopic(topics.firmware('ac'))).toEqual({ deviceId: 'ac', channel: 'firmware' });
  });

  it('answers undefined for anything else, e.g. what devices subscribe to, or one level too many', () => {
    for (const topic of [
      topics.commands('washer-1'),
      'devices//telemetry',
      'devices/a/b/telemetry',
      'devices/a/telemetry/',
      'devices/a/telemetryx',
      'devices/a/commands/ackx',
      'devices/a/',
      'devices/a',
      'devices/',
      'device/a/telemetry',
      '/devices/a/telemetry',
      'devices/a/telemetry\n',
    ]) {
      expect(parseDeviceTopic(topic)).toBeUndefined();
    }
  });

  it('agrees with the topic grammar on any topic', () => {
    const grammar = /^devices\/([^/]+)\/(telemetry|events|status|commands\/ack|firmware)$/;
    const level = fc.stringMatching(/^[a-z/+#.\n-]{0,6}$/);
    const channel = fc.constantFrom(
      'telemetry',
      'events',
      'status',
      'commands/ack',
      'commands',
      'firmware',
      'ack',
      '',
    );
    const topic = fc.oneof(
      fc
        .tuple(
          fc.constantFrom('devices/', 'devices', 'device/', ''),
          level,
          fc.constantFrom('/', '//', ''),
          channel,
        )
        .map((parts) => parts.join('')),
      fc.string(),
    );
    fc.assert(
      fc.property(topic, (t) => {
        const match = grammar.exec(t);
        expect(parseDeviceTopic(t)).toEqual(match ? { deviceId: match[1], channel: match[2] } : undefined);
      }),
      { numRuns: 20_000 },
    );
  });
});
