/**
 * Medium test. Real: the file system (a temp dir per test), EmbeddedTelemetryStore's segment
 * and catalogue files, restarts with a new instance. Nothing is faked.
 */
import { appendFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedTelemetryStore } from './embedded-telemetry.store';
import {
  describeTelemetryRetention,
  describeTelemetryStore,
  makeReading,
} from './telemetry-store.conformance';
import type { TelemetryStore } from './telemetry-store';
import type { StoredReading } from './telemetry-store';

const dirs: string[] = [];
const clocks = new Map<TelemetryStore, { now: number }>();

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'embedded-telemetry-'));
  dirs.push(dir);
  return dir;
}

async function startedStore(dir: string): Promise<EmbeddedTelemetryStore> {
  const store = new EmbeddedTelemetryStore({ dir, flushIntervalMs: 50 });
  await store.start();
  return store;
}

function fleetReadings(devices: number, messagesPerDevice: number, startMs: number): StoredReading[] {
  const readings: StoredReading[] = [];
  for (let m = 0; m < messagesPerDevice; m++) {
    for (let d = 0; d < devices; d++) {
      readings.push(
        makeReading({
          deviceId: `fridge-${d}`,
          type: 'refrigerator',
          tsMs: startMs + m * 1_000,
          metrics: { cabinetTempC: 4 + d + m / 1000, compressorW: 100 + m },
        }),
      );
    }
  }
  return readings;
}

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describeTelemetryStore('EmbeddedTelemetryStore', async () => startedStore(await tempDir()));

describe('EmbeddedTelemetryStore on disk', () => {
  const startMs = Date.UTC(2026, 2, 1);

  it('keeps every resolved write across a restart', async () => {
    const dir = await tempDir();
    const first = await startedStore(dir);
    await first.write(fleetReadings(3, 100, startMs));
    await first.write([makeReading({ deviceId: 'fridge-0', tsMs: startMs - 5_000, metrics: {} })]);
    await first.stop();
    await first.stop();

    const second = await startedStore(dir);
    expect(await second.count()).toBe(301);
    expect(await second.count('fridge-0')).toBe(101);
    const points = await second.query({
      deviceId: 'fridge-2',
      metric: 'compressorW',
      fromMs: startMs,
      toMs: startMs + 99_000,
    });
    expect(points).toHaveLength(100);
    expect(points[99]).toEqual({ ts: startMs + 99_000, value: 199 });
    // Appends continue after the restart and survive another one.
    await second.write(fleetReadings(1, 1, startMs + 500_000));
    await second.stop();
    const third = await startedStore(dir);
    expect(await third.count('fridge-0')).toBe(102);
    await third.stop();
  });

  it('starts despite a torn record at the tail and keeps every whole record', async () => {
    const dir = await tempDir();
    const first = await startedStore(dir);
    await first.write(fleetReadings(2, 50, startMs));
    await first.stop();
    const segments = (await readdir(dir)).filter((name) => name.endsWith('.seg')).sort();
    const last = join(dir, segments[segments.length - 1]);
    const sizeBefore = (await stat(last)).size;
    await appendFile(last, Buffer.from([1, 2, 3, 4, 5, 6, 7]));

    const second = await startedStore(dir);
    expect(await second.count()).toBe(100);
    const points = await second.query({
      deviceId: 'fridge-1',
      metric: 'cabinetTempC',
      fromMs: 0,
      toMs: Infinity,
    });
    expect(points).toHaveLength(50);
    expect((await stat(last)).size).toBe(sizeBefore);
    // New writes after the repair line up with whole records again.
    await second.write(fleetReadings(2, 1, startMs + 1_000_000));
    await second.stop();
    const third = await startedStore(dir);
    expect(await third.count()).toBe(102);
    await third.stop();
  });

  it('drops a partial catalogue line and still starts', async () => {
    const dir = await tempDir();
    const first = await startedStore(dir);
    await first.write(fleetReadings(1, 10, startMs));
    await first.stop();
    await appendFile(join(dir, 'series.jsonl'), '{"id":2,"deviceId":"fri');

    const second = await startedStore(dir);
    await second.write([makeReading({ deviceId: 'fridge-9', tsMs: startMs, metrics: { doorOpen: 1 } })]);
    await second.stop();
    const third = await startedStore(dir);
    expect(await third.count()).toBe(11);
    expect(await third.query({ deviceId: 'fridge-9', metric: 'doorOpen', fromMs: 0, toMs: startMs })).toEqual(
      [{ ts: startMs, value: 1 }],
    );
    await third.stop();
  });

  it('rolls over to a new segment past maxSegmentBytes and reads them all back', async () => {
    const dir = await tempDir();
    const first = new EmbeddedTelemetryStore({ dir, maxSegmentBytes: 4_000 });
    await first.start();
    for (let batch = 0; batch < 5; batch++)
      await first.write(fleetReadings(2, 20, startMs + batch * 100_000));
    await first.stop();
    expect((await readdir(dir)).filter((name) => name.endsWith('.seg')).length).toBeGreaterThan(1);
    const second = await startedStore(dir);
    expect(await second.count()).toBe(200);
    await second.stop();
  });

  it('knows a stored message by device, ts and seq % 1000, also after a restart', async () => {
    const dir = await tempDir();
    const first = await startedStore(dir);
    expect(first.holdsMessage('fridge-r', startMs, 7)).toBe(false);
    expect(first.newestTsMs('fridge-r')).toBeUndefined();
    await first.write([
      makeReading({ deviceId: 'fridge-r', tsMs: startMs + 2_000, seq: 2, metrics: { compressorW: 2 } }),
      makeReading({ deviceId: 'fridge-r', tsMs: startMs, seq: 1_007, metrics: { compressorW: 1 } }),
      makeReading({ deviceId: 'fridge-r', tsMs: startMs + 1_000, seq: 999, metrics: {} }),
    ]);
    const expectKnown = async (store: EmbeddedTelemetryStore) => {
      expect(store.holdsMessage('fridge-r', startMs, 7)).toBe(true);
      expect(store.holdsMessage('fridge-r', startMs, 1_007)).toBe(true);
      expect(store.holdsMessage('fridge-r', startMs + 1_000, 999)).toBe(true);
      expect(store.holdsMessage('fridge-r', startMs + 2_000, 2)).toBe(true);
      expect(store.holdsMessage('fridge-r', startMs, 8)).toBe(false);
      expect(store.holdsMessage('fridge-r', startMs + 1, 7)).toBe(false);
      expect(store.holdsMessage('fridge-other', startMs, 7)).toBe(false);
      expect(store.newestTsMs('fridge-r')).toBe(startMs + 2_000);
      // the seq never shows in the times queries return
      expect(
        await store.query({
          deviceId: 'fridge-r',
          metric: 'compressorW',
          fromMs: startMs,
          toMs: startMs + 2_000,
        }),
      ).toEqual([
        { ts: startMs, value: 1 },
        { ts: startMs + 2_000, value: 2 },
      ]);
    };
    await expectKnown(first);
    await first.stop();
    const second = await startedStore(dir);
    await expectKnown(second);
    await second.stop();
  });

  it('finds a stored message among many written out of order', async () => {
    const store = await startedStore(await tempDir());
    const readings = Array.from({ length: 3_000 }, (_, i) =>
      makeReading({
        deviceId: 'fridge-o',
        tsMs: startMs + ((i * 7919) % 3_000),
        seq: i,
        metrics: { compressorW: i },
      }),
    );
    for (let i = 0; i < readings.length; i += 100) await store.write(readings.slice(i, i + 100));
    for (const i of [0, 1, 1_500, 2_999]) {
      expect(store.holdsMessage('fridge-o', readings[i].tsMs, i)).toBe(true);
      expect(store.holdsMessage('fridge-o', readings[i].tsMs, i + 1)).toBe(false);
    }
    expect(await store.count('fridge-o')).toBe(3_000);
    await store.stop();
  });

  it('keeps the aggregates of pruned raw readings across a restart and deletes the old segments', async () => {
    const dir = await tempDir();
    const hour = 3_600_000;
    const clock = { now: startMs + 2 * hour };
    const retention = { rawMs: 24 * hour, oneMinuteMs: 7 * 24 * hour, oneHourMs: Infinity };
    const open = async () => {
      const store = new EmbeddedTelemetryStore({
        dir,
        retention,
        now: () => clock.now,
        maxSegmentBytes: 2_000,
      });
      await store.start();
      return store;
    };
    const first = await open();
    const readings = fleetReadings(2, 200, startMs);
    for (let i = 0; i < readings.length; i += 40) await first.write(readings.slice(i, i + 40));
    const hourly = {
      deviceId: 'fridge-1',
      metric: 'compressorW',
      fromMs: startMs,
      toMs: startMs + hour - 1,
      everyMs: hour,
    };
    const before = await first.query(hourly);
    expect(before).toEqual([{ ts: startMs, value: 100 + 199 / 2 }]);
    await first.stop();
    expect((await readdir(dir)).filter((name) => name.endsWith('.seg')).length).toBeGreaterThan(2);

    clock.now = startMs + 3 * 24 * hour;
    const second = await open();
    // The retention run at start pruned the raw readings and every segment holding only them.
    expect(await second.count()).toBe(0);
    expect((await readdir(dir)).filter((name) => name.endsWith('.seg')).length).toBeLessThanOrEqual(1);
    expect(await second.query(hourly)).toEqual(before);
    await second.write([
      makeReading({ deviceId: 'fridge-1', tsMs: startMs + 1_000, metrics: { compressorW: 500 } }),
    ]);
    await second.stop();

    const third = await open();
    expect(await third.count()).toBe(0);
    expect((await third.query(hourly))[0].value).toBeCloseTo((before[0].value * 200 + 500) / 201, 9);
    expect(await third.query({ ...hourly, everyMs: undefined })).toEqual([]);
    await third.stop();
  });

  it('absorbs concurrent writes without losing or reordering any', async () => {
    const dir = await tempDir();
    const store = await startedStore(dir);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.write([makeReading({ deviceId: 'fridge-c', tsMs: startMs + i, metrics: { compressorW: i } })]),
      ),
    );
    const points = await store.query({
      deviceId: 'fridge-c',
      metric: 'compressorW',
      fromMs: startMs,
      toMs: startMs + 19,
    });
    expect(points.map((p) => p.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await store.stop();
    await expect(store.write([makeReading()])).rejects.toThrow(/after stop/);
  });
});

describeTelemetryRetention('EmbeddedTelemetryStore', {
  async makeStore(retention, nowMs) {
    const clock = { now: nowMs };
    const store = new EmbeddedTelemetryStore({ dir: await tempDir(), retention, now: () => clock.now });
    clocks.set(store, clock);
    await store.start();
    return store;
  },
  async advance(store, nowMs) {
    clocks.get(store)!.now = nowMs;
    await (store as EmbeddedTelemetryStore).prune();
  },
});
