import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { mulberry32 } from '../../../contracts/src/seeded-random';
import { DETECTOR_CONFIG } from './detector-config';
import { OnlineDetector } from './online-detector';
import { ProfilePages } from './profile-pages';

export interface DetectorBenchResult {
  name: 'detector-throughput';
  /** The profiles paged out to a file (ADR 0019), as the platform runs it, or all in memory. */
  paged: boolean;
  readingsPerS: number;
  metrics: number;
  readings: number;
  /** Saved state per metric: toJSON's, and the packed form instances save. */
  stateBytesPerMetric: number;
  packedStateBytesPerMetric: number;
  /** Memory one 5-metric device's detector holds, after a full GC: JS heap and array buffers. */
  heapBytesPerDevice: number;
  arrayBufferBytesPerDevice: number;
}

/**
 * Throughput of one detector on a 5-metric device (daily cycle, noise, a few spikes; a reading a
 * minute, so a paged detector swaps a daily bucket every 15 readings and a weekly one every 60).
 */
export function benchDetector(readings = 100_000, paged = false): DetectorBenchResult {
  const dir = paged ? fs.mkdtempSync(path.join(os.tmpdir(), 'detector-bench-')) : undefined;
  const pages = dir
    ? new ProfilePages(dir, DETECTOR_CONFIG.dayBuckets + DETECTOR_CONFIG.weekBuckets)
    : undefined;
  try {
    return run(readings, pages);
  } finally {
    pages?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function run(readings: number, pages: ProfilePages | undefined): DetectorBenchResult {
  const names = ['powerW', 'motorCurrentA', 'drumVibrationMmS', 'waterTempC', 'inletPressureBar'];
  const d = new OnlineDetector({ metrics: names, pages });
  const rand = mulberry32(42);
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < 1000; i++) {
    const row: Record<string, number> = {};
    names.forEach(
      (n, k) => (row[n] = 10 * (k + 1) + Math.sin(i / 50 + k) * 3 + rand() + (rand() < 0.002 ? 20 : 0)),
    );
    rows.push(row);
  }
  const t0 = Date.UTC(2026, 0, 1);
  const started = process.hrtime.bigint();
  for (let i = 0; i < readings; i++) d.update(t0 + i * 60_000, rows[i % rows.length]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stateBytesPerMetric = Buffer.byteLength(JSON.stringify(d.toJSON())) / names.length;
  const packedStateBytesPerMetric = Buffer.byteLength(JSON.stringify(d.toPackedJSON())) / names.length;
  const memory = memoryPerDetector(names, rows[0], pages);
  return {
    name: 'detector-throughput',
    paged: pages !== undefined,
    readingsPerS: Math.round(readings / seconds),
    metrics: names.length,
    readings,
    stateBytesPerMetric: Math.round(stateBytesPerMetric),
    packedStateBytesPerMetric: Math.round(packedStateBytesPerMetric),
    heapBytesPerDevice: memory.heap,
    arrayBufferBytesPerDevice: memory.arrayBuffers,
  };
}

/** Heap and array buffers held by 2,000 live detectors (a few readings each), per detector. */
function memoryPerDetector(
  names: string[],
  row: Record<string, number>,
  pages: ProfilePages | undefined,
): { heap: number; arrayBuffers: number } {
  const devices = 2_000;
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // a few times: array buffers collected by one GC are freed by a sweeper after it, and the
  // detectors made before this (the throughput run's) would otherwise be counted out here
  for (let i = 0; i < 3; i++) gc();
  const before = process.memoryUsage();
  const held: OnlineDetector[] = [];
  for (let i = 0; i < devices; i++) {
    const d = new OnlineDetector({ metrics: names, pages });
    for (let r = 0; r < 3; r++) d.update(Date.UTC(2026, 0, 1) + r * 60_000, row);
    held.push(d);
  }
  for (let i = 0; i < 3; i++) gc();
  const after = process.memoryUsage();
  return {
    heap: Math.round((after.heapUsed - before.heapUsed) / held.length),
    arrayBuffers: Math.round((after.arrayBuffers - before.arrayBuffers) / held.length),
  };
}

if (require.main === module) {
  console.log(JSON.stringify(benchDetector()));
  console.log(JSON.stringify(benchDetector(100_000, true)));
}
