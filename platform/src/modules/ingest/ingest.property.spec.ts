/**
 * Property test of ingest (issue 15): generated telemetry payloads, from arbitrary bytes to
 * near-valid readings, are handed to `accept` as the MQTT gateway hands them. Whatever comes in,
 * ingest never throws, and each payload ends one way only: stored once, dropped as a replay, or
 * dead-lettered with its reason. What it stores is a valid reading of the device's profile.
 * Real: the platform's Nest modules on an in-memory PGlite and the embedded telemetry store,
 * composed by the service harness. Reproducible: a fixed seed.
 */
import fc from 'fast-check';
import {
  APPLIANCE_PROFILES,
  APPLIANCE_TYPES,
  MAX_PAYLOAD_BYTES,
  type ApplianceType,
} from '../../../../contracts/src';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import { MetricsService } from '../health/metrics.service';
import { DeadLetterRepository } from './dead-letter.repository';
import { IngestService, REJECT_REASONS } from './ingest.service';

const RUNS = 10_500;
const SEED = 15_2026;
const HOUR = 3_600_000;

/** What the generator knows of a payload: it must be stored (unless a replay), refused, or either. */
type Expect = 'valid' | 'invalid' | 'any';
interface Case {
  type: ApplianceType;
  expect: Expect;
  /** For a valid reading: its (seq, ts offset back from now). */
  key?: { seq: number; back: number };
  /** A replay of the n-th valid payload sent so far. */
  replay?: number;
  payload: string | Buffer;
}

/** The one place a valid reading is spoiled in. */
type Spoil =
  | { value: string }
  | { name: string }
  | { outOfRange: 'below' | 'above' }
  | { ts: string }
  | { seq: string }
  | { extra: string }
  | { metrics: string };

const metricName = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '',
    'waterTempC\u0000',
    '\u0000',
    'x'.repeat(65),
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
/** Raw JSON text for a value that is not a finite number in range. */
const badValueText = fc.oneof(
  fc.constantFrom('"NaN"', '"Infinity"', '"-Infinity"', '"1"', 'null', 'true', '[]', '{}', '[1]'),
  fc.constantFrom('1e400', '-1e400', '1e308', '-1e308', '9007199254740993', '1e-400x'),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
);

function validMetrics(type: ApplianceType) {
  const metrics = APPLIANCE_PROFILES[type].metrics;
  return fc
    .subarray(metrics, { minLength: 1 })
    .chain((chosen) =>
      fc.tuple(
        ...chosen.map((m) =>
          fc.double({ min: m.min, max: m.max, noNaN: true }).map((v) => [m.name, v] as const),
        ),
      ),
    );
}

const entriesText = (entries: ReadonlyArray<readonly [string, string]>) =>
  `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

const readingText = (ts: number | string, seq: number | string, metrics: string, extra = '') =>
  `{"ts":${ts},"seq":${seq},"metrics":${metrics}${extra}}`;

/** (seq, ts) few enough that replays and out-of-order messages happen by chance too. */
const key = fc.record({ seq: fc.nat({ max: 400 }), back: fc.nat({ max: HOUR }) });

function caseFor(type: ApplianceType, now: number): fc.Arbitrary<Case> {
  const profile = APPLIANCE_PROFILES[type];
  const valid = fc.tuple(key, validMetrics(type)).map(([k, metrics]): Case => ({
    type,
    expect: 'valid',
    key: k,
    payload: readingText(
      now - k.back,
      k.seq,
      entriesText(metrics.map(([name, v]) => [name, JSON.stringify(v)])),
    ),
  }));
  const replay = fc.nat().map((n): Case => ({ type, expect: 'valid', replay: n, payload: '' }));
  // A valid reading spoiled in one place: each must be refused.
  const spoiled = fc
    .tuple(
      key,
      validMetrics(type),
      fc.oneof<fc.Arbitrary<Spoil>[]>(
        badValueText.map((v) => ({ value: v })),
        metricName.filter((n) => !profile.metrics.some((m) => m.name === n)).map((n) => ({ name: n })),
        fc.constantFrom<Spoil>(
          { outOfRange: 'below' as const },
          { outOfRange: 'above' as const },
          { ts: '"1"' },
          { ts: '-1' },
          { ts: '1.5' },
          { ts: '1e400' },
          { ts: String(Number.MAX_SAFE_INTEGER) },
          { ts: 'future' },
          { ts: 'past' },
          { seq: '-1' },
          { seq: '0.5' },
          { seq: '"7"' },
          { seq: 'null' },
          { seq: '1e400' },
          { extra: ',"x":1' },
          { extra: ',"__proto__":{"polluted":1}' },
          { metrics: '{}' },
          { metrics: '[]' },
          { metrics: '[1,2]' },
          { metrics: '"metrics"' },
          { metrics: 'null' },
        ),
      ),
    )
    .map(([k, metrics, spoil]): Case => ({
      type,
      expect: 'invalid',
      payload: (() => {
        const entries: Array<[string, string]> = metrics.map(([n, v]) => [n, JSON.stringify(v)]);
        if ('value' in spoil) entries[0][1] = spoil.value;
        if ('name' in spoil) entries.push([spoil.name, '1']);
        if ('outOfRange' in spoil) {
          const m = profile.metrics.find((p) => p.name === entries[0][0])!;
          entries[0][1] = String(spoil.outOfRange === 'below' ? m.min - 1 - m.max : m.max * 2 + 1);
        }
        let ts = String(now - k.back);
        if ('ts' in spoil) {
          ts =
            spoil.ts === 'future'
              ? String(now + 24 * HOUR)
              : spoil.ts === 'past'
                ? String(now - 400 * 24 * HOUR)
                : spoil.ts;
        }
        const seq = 'seq' in spoil ? spoil.seq : String(k.seq);
        const metricsText = 'metrics' in spoil ? spoil.metrics : entriesText(entries);
        return readingText(ts, seq, metricsText, 'extra' in spoil ? spoil.extra : '');
      })(),
    }));
  const anything: fc.Arbitrary<Case> = fc
    .oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .tuple(
          fc.jsonValue({ maxDepth: 2 }),
          fc.jsonValue({ maxDepth: 2 }),
          fc.dictionary(metricName, fc.jsonValue({ maxDepth: 1 })),
        )
        .map(([ts, seq, metrics]) => JSON.stringify({ ts, seq, metrics })),
      fc.constantFrom(
        '',
        'null',
        '\u0000',
        '{"ts":1,"seq":1,"metrics":{"a":1}}\u0000',
        'x'.repeat(MAX_PAYLOAD_BYTES),
        ' '.repeat(MAX_PAYLOAD_BYTES + 1),
        '['.repeat(100_000),
        `{"a":"${'\u0001'.repeat(10_000)}"}`,
      ),
    )
    .map((payload): Case => ({ type, expect: 'any', payload }));
  const nowDependent: fc.Arbitrary<Case> = fc
    .tuple(key, fc.dictionary(metricName, fc.oneof(fc.double(), fc.integer()), { maxKeys: 4 }))
    .map(([k, metrics]) => ({
      type,
      expect: 'any',
      payload: JSON.stringify({ ts: now - k.back, seq: k.seq, metrics }),
    }));
  return fc.oneof(
    { weight: 4, arbitrary: valid },
    { weight: 1, arbitrary: replay },
    { weight: 4, arbitrary: spoiled },
    { weight: 2, arbitrary: anything },
    { weight: 1, arbitrary: nowDependent },
  );
}

describe('ingest under generated payloads', () => {
  let h: ServiceHarness;

  beforeAll(async () => {
    h = await ServiceHarness.start();
  });

  afterAll(async () => {
    await h?.close();
  });

  it(`stores each valid reading once and dead-letters each invalid one with its reason (${RUNS} payloads)`, async () => {
    const ingest = h.get(IngestService);
    const metrics = h.get(MetricsService);
    const devices = new Map<ApplianceType, string>();
    for (const type of APPLIANCE_TYPES) devices.set(type, (await h.provision(type)).id);
    const now = h.clock.now();

    const accepted = h.record('telemetry.accepted');
    const deadLetter = jest.spyOn(metrics.deadLetters, 'inc');
    const duplicate = jest.spyOn(metrics.duplicates, 'inc');
    const seen = new Set<string>();
    const sentValid: Array<{ type: ApplianceType; payload: string }> = [];
    const storedPer = new Map<string, number>();
    const letteredPer = new Map<string, number>();
    const tally = { valid: 0, replays: 0, invalid: 0, any: 0 };

    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...APPLIANCE_TYPES).chain((type) => caseFor(type, now)),
          async (c) => {
            let type = c.type;
            let payload = c.payload;
            if (c.replay !== undefined) {
              if (sentValid.length === 0) return;
              ({ type, payload } = sentValid[c.replay % sentValid.length]);
            }
            const deviceId = devices.get(type)!;
            const before = {
              accepted: accepted.seen.length,
              lettered: deadLetter.mock.calls.length,
              duplicates: duplicate.mock.calls.length,
            };
            expect(() => ingest.accept(h.message(deviceId, 'telemetry', payload))).not.toThrow();
            const newlyAccepted = accepted.seen.slice(before.accepted);
            const letters = deadLetter.mock.calls.slice(before.lettered);
            const duplicates = duplicate.mock.calls.length - before.duplicates;

            // one outcome, and only one
            expect(newlyAccepted.length + letters.length + duplicates).toBe(1);
            for (const [labels] of letters) {
              expect(REJECT_REASONS).toContain((labels as { reason?: string }).reason);
            }
            for (const reading of newlyAccepted) {
              expect(reading.deviceId).toBe(deviceId);
              const names = Object.keys(reading.metrics);
              expect(names.length).toBeGreaterThan(0);
              for (const name of names) {
                const metric = APPLIANCE_PROFILES[type].metrics.find((m) => m.name === name);
                expect(metric).toBeDefined();
                const value = reading.metrics[name];
                expect(Number.isFinite(value)).toBe(true);
                expect(value).toBeGreaterThanOrEqual(metric!.min);
                expect(value).toBeLessThanOrEqual(metric!.max);
              }
            }

            if (c.expect === 'invalid') {
              tally.invalid++;
              expect(letters).toHaveLength(1);
            } else if (c.expect === 'valid') {
              expect(letters).toHaveLength(0);
              if (c.key) {
                tally.valid++;
                const k = `${deviceId}|${c.key.seq}|${now - c.key.back}`;
                expect(newlyAccepted.length).toBe(seen.has(k) ? 0 : 1);
                seen.add(k);
                sentValid.push({ type, payload: payload as string });
              } else {
                tally.replays++;
                expect(duplicates).toBe(1);
              }
            } else {
              tally.any++;
            }
            if (newlyAccepted.length > 0) storedPer.set(deviceId, (storedPer.get(deviceId) ?? 0) + 1);
            if (letters.length > 0) letteredPer.set(deviceId, (letteredPer.get(deviceId) ?? 0) + 1);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    } finally {
      accepted.stop();
      deadLetter.mockRestore();
      duplicate.mockRestore();
    }
    await h.settle();

    // every payload was judged: enough of each kind ran
    expect(tally.valid).toBeGreaterThan(RUNS / 5);
    expect(tally.replays).toBeGreaterThan(RUNS / 30);
    expect(tally.invalid).toBeGreaterThan(RUNS / 5);
    expect(tally.any).toBeGreaterThan(RUNS / 10);
    // what was accepted is what is stored, once; what was refused is kept with its reason
    const letters = h.get(DeadLetterRepository);
    for (const deviceId of devices.values()) {
      expect(await h.core.store.count(deviceId)).toBe(storedPer.get(deviceId) ?? 0);
      const kept = await letters.list({ deviceId, limit: RUNS });
      expect(kept).toHaveLength(letteredPer.get(deviceId) ?? 0);
      for (const letter of kept) {
        expect(REJECT_REASONS).toContain(letter.reason);
        expect(letter.detail?.length).toBeGreaterThan(0);
      }
    }
    // no metric name reached Object.prototype
    expect(Object.keys(Object.prototype)).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 120_000);
});
