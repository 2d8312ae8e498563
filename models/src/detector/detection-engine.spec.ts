import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mulberry32 } from '../../../contracts/src/seeded-random';
import { waitFor } from '../../../tests/support/wait-for';
import { openDetectionEngine, type DetectionDecision, type DetectionEngine } from './detection-engine';

const RULE = { corroborationMaxAgeMs: 1_200_000, maxDevices: 100 };
const T0 = Date.UTC(2026, 0, 5);

/** Two washers for six hours at one reading a minute; the second’s drum vibration jumps for good after five hours. */
function readings() {
  const rand = mulberry32(7);
  const out = [];
  for (let i = 0; i < 360; i++) {
    for (const deviceId of ['w-1', 'w-2']) {
      const fault = deviceId === 'w-2' && i >= 300;
      out.push({
        deviceId,
        type: 'washer',
        tsMs: T0 + i * 60_000,
        metrics: {
          powerW: 400 + 20 * rand(),
          motorCurrentA: 2 + 0.1 * rand(),
          drumVibrationMmS: fault ? 40 + rand() : 3 + 0.2 * rand(),
        },
      });
    }
  }
  return out;
}

async function run(
  thread: 'worker' | 'main',
  pagesDir?: string,
  parkAfterMs?: number,
): Promise<{ engine: DetectionEngine; decisions: DetectionDecision[] }> {
  const decisions: DetectionDecision[] = [];
  const engine = openDetectionEngine({
    thread,
    rule: RULE,
    onDecision: (d) => decisions.push(d),
    pagesDir,
    parkAfterMs,
  });
  for (const reading of readings()) engine.observe(reading);
  await engine.settled();
  return { engine, decisions };
}

describe('the detection engine', () => {
  it('decides in the worker thread exactly as in the main thread, in reading order', async () => {
    const main = await run('main');
    const worker = await run('worker');
    try {
      // npm test builds first; a worker needs the compiled script
      expect(worker.engine.inWorker).toBe(true);
      expect(main.engine.inWorker).toBe(false);
      const raised = main.decisions.filter((d) => d.action === 'raise');
      expect(raised.length).toBeGreaterThan(0);
      expect(raised.every((d) => d.reading.deviceId === 'w-2' && d.reading.tsMs >= T0 + 300 * 60_000)).toBe(
        true,
      );
      expect(worker.decisions).toEqual(main.decisions);
      expect(await worker.engine.readings('w-1')).toBe(360);
      // a checkpoint takes each device that learnt since it was last taken, once
      const first = await worker.engine.checkpoint(1);
      const rest = await worker.engine.checkpoint(10);
      expect([...first, ...rest].map((c) => c.deviceId).sort()).toEqual(['w-1', 'w-2']);
      expect((JSON.parse(first[0].stateJson) as { readings: number }).readings).toBe(360);
      expect(await worker.engine.checkpoint(10)).toEqual([]);
      worker.engine.observe({ ...readings()[0], tsMs: T0 + 400 * 60_000 });
      expect((await worker.engine.checkpoint(10)).map((c) => c.deviceId)).toEqual(['w-1']);
      // the worker's own memory is told apart (the main thread's figures do not hold it)
      const memory = await worker.engine.memory();
      expect(memory?.heapUsedBytes).toBeGreaterThan(1_000_000);
      expect(memory?.arrayBuffersBytes).toBeGreaterThan(0);
      // and, collected first, holds only what is live: the detectors stay, within the heap's size
      const live = await worker.engine.memory({ collect: true });
      expect(live?.heapUsedBytes).toBeGreaterThan(1_000_000);
      expect(live?.heapUsedBytes).toBeLessThanOrEqual(live?.heapTotalBytes ?? 0);
      expect(await worker.engine.readings('w-1')).toBe(361);
      expect(await main.engine.memory()).toBeUndefined();
      // asked to, the worker gives back its heap (a last-resort collection there), detectors kept
      const settlesBefore = live?.heapSettles ?? 0;
      await worker.engine.releaseHeap();
      await main.engine.releaseHeap();
      expect((await worker.engine.memory())?.heapSettles).toBe(settlesBefore + 1);
      expect(await worker.engine.readings('w-1')).toBe(361);
    } finally {
      await worker.engine.close();
      await main.engine.close();
    }
  });

  it('decides the same with its profiles paged, in the worker or not, and in memory where it cannot page', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-pages-'));
    const inMemory = await run('main');
    const worker = await run('worker', dir);
    const main = await run('main', dir);
    // a directory that cannot hold the file: the profiles stay in memory, detection goes on
    const nowhere = await run('main', '/dev/null/detector');
    try {
      for (const paged of [worker, main, nowhere]) expect(paged.decisions).toEqual(inMemory.decisions);
      // two devices of three metrics paged in the worker; its file is not left in the directory
      expect(await worker.engine.memory()).toMatchObject({
        pagedModels: 6,
        pagesFileBytes: expect.any(Number),
      });
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(await worker.engine.saveState('w-2')).toEqual(await inMemory.engine.saveState('w-2'));
    } finally {
      for (const r of [inMemory, worker, main, nowhere]) await r.engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parks quiet devices’ detectors in the worker and decides, saves and goes on as if they had stayed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-parked-'));
    const inMemory = await run('main');
    const worker = await run('worker', dir, 50);
    try {
      expect(worker.decisions).toEqual(inMemory.decisions);
      // quiet for 50 ms: both washers' detectors go to the file, their pages stay taken
      await waitFor(async () => (await worker.engine.memory())?.parkedDevices === 2, {
        what: 'both detectors parked',
      });
      expect(await worker.engine.memory()).toMatchObject({ pagedModels: 6, parkFailures: 0 });
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(await worker.engine.saveState('w-2')).toEqual(await inMemory.engine.saveState('w-2'));
      expect(await worker.engine.readings('w-1')).toBe(360);
      // the next reading brings a parked detector back as it was
      const next = { ...readings()[2], tsMs: T0 + 400 * 60_000 };
      worker.engine.observe(next);
      inMemory.engine.observe(next);
      await Promise.all([worker.engine.settled(), inMemory.engine.settled()]);
      expect(await worker.engine.saveState('w-1')).toEqual(await inMemory.engine.saveState('w-1'));
    } finally {
      for (const r of [inMemory, worker]) await r.engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hands a device’s learnt state from one engine to another', async () => {
    const first = await run('worker');
    const second = openDetectionEngine({ thread: 'worker', rule: RULE, onDecision: () => undefined });
    try {
      const state = await first.engine.saveState('w-1');
      expect(state?.readings).toBe(360);
      expect(await first.engine.saveState('nobody')).toBeUndefined();
      second.restoreState('w-1', state!);
      expect(await second.readings('w-1')).toBe(360);
    } finally {
      await first.engine.close();
      await second.close();
    }
  });
});
