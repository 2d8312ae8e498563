import type { TelemetryRetention } from '../../common/config/telemetry-retention';
import type { SeriesPoint, StoredReading, TelemetryStore } from './telemetry-store';

/** Epoch-aligned to 5 min plus 2.5 min, so that query ranges and bucket edges differ. */
const T0_MS = Date.UTC(2026, 0, 15, 8, 2, 30);
const STEP_MS = 10_000;
const STEPS = 360; // one hour
const METRICS = ['drumVibrationMmS', 'motorTempC', 'powerW'] as const;
const DEVICES = ['washer-conf-1', 'washer-conf-2'] as const;
const HAND_DEVICE = 'washer-conf-hand';

/** Distinct per device, metric and step, so a leaked or misplaced point changes the answer. */
function valueOf(deviceIndex: number, metricIndex: number, step: number): number {
  return deviceIndex * 100_000 + metricIndex * 10_000 + step * 1.25;
}

export function makeReading(overrides: Partial<StoredReading> = {}): StoredReading {
  return {
    deviceId: 'washer-1',
    type: 'washer',
    region: 'eu-west',
    tsMs: T0_MS,
    metrics: { drumVibrationMmS: 1 },
    ...overrides,
  };
}

function readingsOf(deviceIndex: number): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let step = 0; step < STEPS; step++) {
    const metrics: Record<string, number> = {};
    METRICS.forEach((metric, metricIndex) => (metrics[metric] = valueOf(deviceIndex, metricIndex, step)));
    readings.push(
      makeReading({
        deviceId: DEVICES[deviceIndex],
        region: `r${deviceIndex}`,
        tsMs: T0_MS + step * STEP_MS,
        metrics,
      }),
    );
  }
  return readings;
}

function expectedRaw(deviceIndex: number, metricIndex: number, fromMs: number, toMs: number): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (let step = 0; step < STEPS; step++) {
    const ts = T0_MS + step * STEP_MS;
    if (ts >= fromMs && ts <= toMs) points.push({ ts, value: valueOf(deviceIndex, metricIndex, step) });
  }
  return points;
}

function expectClosePoints(actual: SeriesPoint[], expected: SeriesPoint[]): void {
  expect(actual.map((p) => p.ts)).toEqual(expected.map((p) => p.ts));
  actual.forEach((point, i) => expect(point.value).toBeCloseTo(expected[i].value, 6));
}

/**
 * The behaviour every TelemetryStore backend must share. `makeStore` returns a started store
 * over empty storage; the suite stops it.
 */
export function describeTelemetryStore(name: string, makeStore: () => Promise<TelemetryStore>): void {
  describe(`${name} (TelemetryStore conformance)`, () => {
    let store: TelemetryStore;

    beforeAll(async () => {
      store = await makeStore();
      await store.write(readingsOf(0));
      // Device 2 arrives out of order: the second half first, then the first half reversed.
      const second = readingsOf(1);
      const first = second.splice(0, STEPS / 2);
      await store.write(second);
      await store.write(first.reverse());
      // Hand-checked buckets: 5-min buckets start at epoch multiples of 300,000 ms.
      const bucket = Date.UTC(2026, 0, 15, 10, 0, 0);
      await store.write([
        makeReading({ deviceId: HAND_DEVICE, tsMs: bucket + 299_000, metrics: { powerW: 6 } }),
        makeReading({ deviceId: HAND_DEVICE, tsMs: bucket, metrics: { powerW: 1 } }),
        makeReading({ deviceId: HAND_DEVICE, tsMs: bucket + 60_000, metrics: { powerW: 2 } }),
        makeReading({ deviceId: HAND_DEVICE, tsMs: bucket + 300_000, metrics: { powerW: 10 } }),
        makeReading({ deviceId: HAND_DEVICE, tsMs: bucket + 900_001, metrics: { powerW: -4.5 } }),
      ]);
    });

    afterAll(async () => {
      await store?.stop();
    });

    it('returns exactly the raw points in [from, to], in ts order, inclusive at both ends', async () => {
      const fromMs = T0_MS + 17 * STEP_MS;
      const toMs = T0_MS + 123 * STEP_MS;
      const points = await store.query({ deviceId: DEVICES[0], metric: 'motorTempC', fromMs, toMs });
      expect(points).toHaveLength(123 - 17 + 1);
      expectClosePoints(points, expectedRaw(0, 1, fromMs, toMs));
    });

    it('excludes points just outside the range', async () => {
      const points = await store.query({
        deviceId: DEVICES[0],
        metric: 'powerW',
        fromMs: T0_MS + 5 * STEP_MS + 1,
        toMs: T0_MS + 7 * STEP_MS - 1,
      });
      expectClosePoints(points, [{ ts: T0_MS + 6 * STEP_MS, value: valueOf(0, 2, 6) }]);
    });

    it('caps raw points at the limit, earliest first', async () => {
      const points = await store.query({
        deviceId: DEVICES[0],
        metric: 'powerW',
        fromMs: T0_MS,
        toMs: T0_MS + STEPS * STEP_MS,
        limit: 5,
      });
      expectClosePoints(points, expectedRaw(0, 2, T0_MS, T0_MS + 4 * STEP_MS));
    });

    it('downsamples to the mean per epoch-aligned bucket', async () => {
      const everyMs = 5 * 60_000;
      const fromMs = T0_MS;
      const toMs = T0_MS + STEPS * STEP_MS;
      const points = await store.query({
        deviceId: DEVICES[0],
        metric: 'drumVibrationMmS',
        fromMs,
        toMs,
        everyMs,
      });
      const sums = new Map<number, { sum: number; n: number }>();
      for (const point of expectedRaw(0, 0, fromMs, toMs)) {
        const start = Math.floor(point.ts / everyMs) * everyMs;
        const bucket = sums.get(start) ?? { sum: 0, n: 0 };
        bucket.sum += point.value;
        bucket.n++;
        sums.set(start, bucket);
      }
      const expected = [...sums.entries()].map(([ts, { sum, n }]) => ({ ts, value: sum / n }));
      // T0 is 2.5 min past a bucket edge: partial first and last buckets (15 points each), 11 full ones (30).
      expect(expected).toHaveLength(13);
      expect(expected[0]).toEqual({ ts: T0_MS - 150_000, value: (0 + 14) * 1.25 * 0.5 });
      expectClosePoints(points, expected);
    });

    it('matches a hand-computed mean and skips empty buckets', async () => {
      const bucket = Date.UTC(2026, 0, 15, 10, 0, 0);
      const points = await store.query({
        deviceId: HAND_DEVICE,
        metric: 'powerW',
        fromMs: bucket - 3_600_000,
        toMs: bucket + 3_600_000,
        everyMs: 300_000,
      });
      expect(points).toEqual([
        { ts: bucket, value: 3 },
        { ts: bucket + 300_000, value: 10 },
        { ts: bucket + 900_000, value: -4.5 },
      ]);
    });

    it("never returns another device's points", async () => {
      const range = { metric: 'powerW', fromMs: T0_MS, toMs: T0_MS + STEPS * STEP_MS };
      const first = await store.query({ deviceId: DEVICES[0], ...range });
      const second = await store.query({ deviceId: DEVICES[1], ...range });
      expect(first.every((p) => p.value < 100_000)).toBe(true);
      expect(second.every((p) => p.value >= 100_000)).toBe(true);
      expect(first).toHaveLength(STEPS);
      expect(second).toHaveLength(STEPS);
      expect(await store.query({ deviceId: 'washer-unknown', ...range })).toEqual([]);
      expect(await store.query({ deviceId: DEVICES[0], ...range, metric: 'noSuchMetric' })).toEqual([]);
    });

    it('returns out-of-order writes in ts order', async () => {
      const points = await store.query({
        deviceId: DEVICES[1],
        metric: 'motorTempC',
        fromMs: T0_MS,
        toMs: T0_MS + STEPS * STEP_MS,
      });
      expectClosePoints(points, expectedRaw(1, 1, T0_MS, T0_MS + STEPS * STEP_MS));
      const means = await store.query({
        deviceId: DEVICES[1],
        metric: 'motorTempC',
        fromMs: T0_MS,
        toMs: T0_MS + STEPS * STEP_MS,
        everyMs: 600_000,
      });
      expect(means.map((p) => p.ts)).toEqual([...means.map((p) => p.ts)].sort((a, b) => a - b));
      expect(means).toHaveLength(7);
    });

    it('counts messages per device and in total', async () => {
      expect(await store.count(DEVICES[0])).toBe(STEPS);
      expect(await store.count(DEVICES[1])).toBe(STEPS);
      expect(await store.count(HAND_DEVICE)).toBe(5);
      expect(await store.count('washer-unknown')).toBe(0);
      expect(await store.count()).toBe(2 * STEPS + 5);
    });

    it('sorts a later out-of-order write into already-read data', async () => {
      const deviceId = 'washer-conf-late';
      await store.write([
        makeReading({ deviceId, tsMs: T0_MS + 2_000, metrics: { powerW: 2 } }),
        makeReading({ deviceId, tsMs: T0_MS + 4_000, metrics: { powerW: 4 } }),
      ]);
      const range = { deviceId, metric: 'powerW', fromMs: T0_MS, toMs: T0_MS + 10_000 };
      expect(await store.query(range)).toHaveLength(2);
      await store.write([
        makeReading({ deviceId, tsMs: T0_MS + 3_000, metrics: { powerW: 3 } }),
        makeReading({ deviceId, tsMs: T0_MS + 1_000, metrics: { powerW: 1 } }),
      ]);
      expect((await store.query(range)).map((p) => p.value)).toEqual([1, 2, 3, 4]);
      expect(await store.count(deviceId)).toBe(4);
    });

    it('keeps two messages of one device stamped the same millisecond', async () => {
      const deviceId = 'washer-conf-same-ms';
      await store.write([
        makeReading({ deviceId, tsMs: T0_MS + 5_000, seq: 41, metrics: { powerW: 1 } }),
        makeReading({ deviceId, tsMs: T0_MS + 5_000, seq: 42, metrics: { powerW: 2 } }),
      ]);
      expect(await store.count(deviceId)).toBe(2);
      const points = await store.query({
        deviceId,
        metric: 'powerW',
        fromMs: T0_MS + 5_000,
        toMs: T0_MS + 5_000,
      });
      expect(points.map((p) => p.value).sort()).toEqual([1, 2]);
      expect(points.every((p) => p.ts === T0_MS + 5_000)).toBe(true);
    });

    it('treats quotes and backslashes in ids and metric names as plain text', async () => {
      const deviceId = `o'brien\\"x\\y`;
      const metric = `temp"C\\'`;
      await store.write([makeReading({ deviceId, tsMs: T0_MS, metrics: { [metric]: 7.5 } })]);
      expect(await store.query({ deviceId, metric, fromMs: T0_MS, toMs: T0_MS })).toEqual([
        { ts: T0_MS, value: 7.5 },
      ]);
      expect(await store.count(deviceId)).toBe(1);
    });
  });
}

/** What the retention suite needs from a backend: a store whose time it can move. */
export interface RetentionHarness {
  /** A started store over empty storage, with this retention, whose clock reads `nowMs`. */
  makeStore(retention: TelemetryRetention, nowMs: number): Promise<TelemetryStore>;
  /** Moves the store's clock to `nowMs` and lets its retention work run. */
  advance(store: TelemetryStore, nowMs: number): Promise<void>;
}

const R_HOUR = 3_600_000;
const R_DAY = 24 * R_HOUR;
/**
 * Hour-aligned start of the readings the retention suite writes: 3 h at one reading per 10 s,
 * ending an hour before the wall clock (InfluxDB judges what it accepts by its own clock).
 */
export const R_T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 4 * 3_600_000;
const R_STEPS = 3 * 360;

function retentionValue(step: number): number {
  return 20 + ((step * 37) % 101) / 4 + step / 100;
}

/** The mean per epoch-aligned bucket, recomputed from the readings written. */
function recomputedMeans(
  everyMs: number,
  fromMs: number,
  toMs: number,
  extra: SeriesPoint[] = [],
): SeriesPoint[] {
  const sums = new Map<number, { sum: number; n: number }>();
  const points = Array.from({ length: R_STEPS }, (_, step) => ({
    ts: R_T0 + step * STEP_MS,
    value: retentionValue(step),
  }));
  for (const point of [...points, ...extra]) {
    if (point.ts < fromMs || point.ts > toMs) continue;
    const start = Math.floor(point.ts / everyMs) * everyMs;
    const bucket = sums.get(start) ?? { sum: 0, n: 0 };
    bucket.sum += point.value;
    bucket.n++;
    sums.set(start, bucket);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([ts, { sum, n }]) => ({ ts, value: sum / n }));
}

/**
 * Retention and downsampling as a user sees them on a chart: raw readings go once past the raw
 * retention, 1-minute and 1-hour aggregates keep answering `every` queries with the same means.
 */
export function describeTelemetryRetention(name: string, harness: RetentionHarness): void {
  describe(`${name} (retention and downsampling conformance)`, () => {
    const deviceId = 'washer-retention';
    const metric = 'motorTempC';
    const retention: TelemetryRetention = { rawMs: R_DAY, oneMinuteMs: 7 * R_DAY, oneHourMs: Infinity };
    const range = { deviceId, metric, fromMs: R_T0, toMs: R_T0 + 3 * R_HOUR - 1 };
    let store: TelemetryStore;

    beforeAll(async () => {
      store = await harness.makeStore(retention, R_T0 + 3 * R_HOUR);
      const readings = Array.from({ length: R_STEPS }, (_, step) =>
        makeReading({
          deviceId,
          tsMs: R_T0 + step * STEP_MS,
          seq: step,
          metrics: { [metric]: retentionValue(step) },
        }),
      );
      for (let i = 0; i < readings.length; i += 200) await store.write(readings.slice(i, i + 200));
    });

    afterAll(async () => {
      await store?.stop();
    });

    it('answers every=1h, 5m and 1m with the means recomputed from the readings, before and after raw expiry', async () => {
      const check = async () => {
        for (const everyMs of [R_HOUR, 5 * 60_000, 60_000]) {
          expectClosePoints(
            await store.query({ ...range, everyMs }),
            recomputedMeans(everyMs, range.fromMs, range.toMs),
          );
        }
      };
      await check();
      expect(await store.query(range)).toHaveLength(R_STEPS);
      await harness.advance(store, R_T0 + 2 * R_DAY);
      await check();
    });

    it('has dropped the raw readings past the raw retention', async () => {
      await harness.advance(store, R_T0 + 2 * R_DAY);
      expect(await store.query(range)).toEqual([]);
      expect(await store.query({ ...range, everyMs: 30_000 })).toEqual([]);
      expect(await store.count(deviceId)).toBe(0);
    });

    it('folds a reading older than the raw retention into the aggregates only', async () => {
      await harness.advance(store, R_T0 + 2 * R_DAY);
      const late = { ts: R_T0 + 30 * 60_000 + 5_000, value: 1_000 };
      await store.write([
        makeReading({ deviceId, tsMs: late.ts, seq: 9_999, metrics: { [metric]: late.value } }),
      ]);
      expectClosePoints(
        await store.query({ ...range, everyMs: R_HOUR }),
        recomputedMeans(R_HOUR, range.fromMs, range.toMs, [late]),
      );
      expect(await store.query(range)).toEqual([]);
    });

    it('keeps answering every=1h after the 1-minute aggregates have expired too', async () => {
      await harness.advance(store, R_T0 + 10 * R_DAY);
      expect(await store.query({ ...range, everyMs: 5 * 60_000 })).toEqual([]);
      const hourly = await store.query({ ...range, everyMs: R_HOUR });
      expect(hourly.map((p) => p.ts)).toEqual([R_T0, R_T0 + R_HOUR, R_T0 + 2 * R_HOUR]);
      // A long range read as daily means: the mean of every reading of each UTC day (the late one
      // included). The 3 h written end an hour before the wall clock, so they span two days when
      // the suite runs between 01:00 and 04:00 UTC.
      const fromMs = R_T0 - 5 * R_DAY;
      const toMs = R_T0 + 5 * R_DAY;
      const daily = await store.query({ deviceId, metric, fromMs, toMs, everyMs: R_DAY });
      const late = { ts: R_T0 + 30 * 60_000 + 5_000, value: 1_000 };
      expectClosePoints(daily, recomputedMeans(R_DAY, fromMs, toMs, [late]));
    });
  });
}
