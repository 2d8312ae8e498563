import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AnomalyAlarmRule } from '../../models/src/detector/anomaly-alarm-rule';
import { DETECTOR_CONFIG } from '../../models/src/detector/detector-config';
import { DetectorPool } from '../../models/src/detector/detector-pool';
import { ParkedDetectors } from '../../models/src/detector/parked-detectors';
import { ProfilePages } from '../../models/src/detector/profile-pages';
import { collectGarbage, log, round } from './bench-support';

export interface DetectorParkingResult {
  benchmark: 'detector-parking';
  devices: number;
  readingsPerDevice: number;
  /** Live memory a device (V8 heap + array buffers after a full GC), detectors in memory / parked. */
  inMemoryKb: number;
  parkedKb: number;
  /** A parked device's reading when its detector comes back into a parked one's objects. */
  readingIntoShellsUs: number;
  /** Of the devices, how many came back into kept objects (at most 1,024 are kept a sweep). */
  returnsIntoShells: number;
  /** Writing one detector out (a sweep's share per device). */
  parkUs: number;
  /** A reading of a parked device (its detector read back, then scored), and of one in memory. */
  readingParkedUs: number;
  readingInMemoryUs: number;
  /** The parked detectors' files per device (slots of 4, 8, 16 KB…: page cache, not RSS). */
  fileBytesPerDevice: number;
}

/** A washer's five metrics, one reading every 10 s. */
function metrics(n: number, random: () => number): Record<string, number> {
  const day = Math.sin((2 * Math.PI * n) / 8_640);
  return {
    drumVibrationMmS: 4 + random() + day,
    motorCurrentA: 2 + random() * 0.2,
    waterTempC: 40 + random() * 2 + 3 * day,
    drainTimeS: 60 + random() * 5,
    drumRpm: 800 + random() * 20,
  };
}

/**
 * What parking a quiet device's detector (ADR 0020) saves and costs: `devices` washers of five
 * metrics take `readings` readings each through the detectors and the alarm rule, as the
 * detection thread runs them (paged profiles); then every detector is parked, each device takes one
 * more reading (its detector read back), and is parked again.
 */
export function benchDetectorParking(options: { devices: number; readings: number }): DetectorParkingResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-parking-'));
  const pages = new ProfilePages(dir, DETECTOR_CONFIG.dayBuckets + DETECTOR_CONFIG.weekBuckets);
  const parked = new ParkedDetectors(dir, [DETECTOR_CONFIG, pages]);
  let clockMs = 0;
  const pool = new DetectorPool({
    maxDevices: options.devices,
    pages,
    parking: { parked, afterMs: 1, now: () => clockMs },
  });
  const rule = new AnomalyAlarmRule({ corroborationMaxAgeMs: 600_000, maxDevices: options.devices });
  let seed = 11;
  const random = () => (seed = (seed * 16_807) % 2_147_483_647) / 2_147_483_647;
  const ids = Array.from({ length: options.devices }, (_, i) => `parking-${i}`);
  const t0 = Date.UTC(2026, 0, 5);
  const read = (n: number) => {
    for (const [d, id] of ids.entries()) {
      const values = metrics(n, random);
      const tsMs = t0 + n * 10_000 + d;
      rule.observe(id, tsMs, pool.update(id, tsMs, values), values);
    }
  };
  const live = () => {
    collectGarbage();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  try {
    const base = live();
    for (let n = 0; n < options.readings; n++) read(n);
    const inMemory = live();
    let started = performance.now();
    read(options.readings);
    const readingInMemoryUs = ((performance.now() - started) * 1000) / options.devices;
    clockMs += 10;
    started = performance.now();
    const count = pool.parkQuiet();
    const parkUs = ((performance.now() - started) * 1000) / count;
    // the sweep after: the parked detectors' objects kept for returns are dropped
    clockMs += 10;
    pool.parkQuiet();
    const parkedLive = live();
    clockMs += 10;
    started = performance.now();
    read(options.readings + 1);
    const readingParkedUs = ((performance.now() - started) * 1000) / options.devices;
    clockMs += 10;
    pool.parkQuiet();
    // parked again, then back: into the objects the parks kept (no garbage but the readings' own)
    const reusedBefore = parked.reusedShells;
    started = performance.now();
    read(options.readings + 2);
    const readingIntoShellsUs = ((performance.now() - started) * 1000) / options.devices;
    const intoShells = parked.reusedShells - reusedBefore;
    const result: DetectorParkingResult = {
      benchmark: 'detector-parking',
      devices: options.devices,
      readingsPerDevice: options.readings,
      inMemoryKb: round((inMemory - base) / options.devices / 1024, 2),
      parkedKb: round((parkedLive - base) / options.devices / 1024, 2),
      parkUs: round(parkUs, 1),
      readingParkedUs: round(readingParkedUs, 1),
      readingInMemoryUs: round(readingInMemoryUs, 1),
      readingIntoShellsUs: round(readingIntoShellsUs, 1),
      returnsIntoShells: intoShells,
      fileBytesPerDevice: Math.round(parked.fileBytes / options.devices),
    };
    log(
      `detector-parking: ${result.inMemoryKb} KB a device in memory, ${result.parkedKb} KB parked; park ${result.parkUs} µs, ` +
        `a parked device's reading ${result.readingParkedUs} µs (${result.readingInMemoryUs} in memory; ` +
        `${result.readingIntoShellsUs} µs with ${result.returnsIntoShells} of ${result.devices} into kept objects)`,
    );
    return result;
  } finally {
    parked.close();
    pages.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
