import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from './dataset-generator';

describe('generateDataset', () => {
  const devices = [
    { id: 'w-1', type: 'washer' as const },
    { id: 'f-1', type: 'refrigerator' as const },
    { id: 'd-1', type: 'dishwasher' as const },
    { id: 'h-1', type: 'water_heater' as const },
  ];
  const run = (outDir: string) =>
    generateDataset({
      devices,
      days: 4,
      outDir,
      seed: 9,
      faultRate: 0.5,
      faultStartWithinHours: 12,
      faultDevelopHours: { min: 24, max: 48 },
      sampleEveryMs: 300_000,
      startTs: Date.UTC(2026, 0, 1),
    });

  it('writes per-device CSVs, ground truth and the failures, reproducibly from the seed', () => {
    const dirA = mkdtempSync(join(tmpdir(), 'gen-'));
    const dirB = mkdtempSync(join(tmpdir(), 'gen-'));
    const summary = run(dirA);
    run(dirB);
    expect(summary.rows).toBe(4 * 4 * 288);
    const washer = readFileSync(join(dirA, 'w-1.csv'), 'utf8').trim().split('\n');
    expect(washer[0]).toBe(
      'timestamp,deviceId,type,drumVibrationMmS,motorCurrentA,waterTempC,drainTimeS,drumRpm',
    );
    expect(washer[1]).toMatch(/^2026-01-01T00:00:00.000Z,w-1,washer,[\d.]+,/);
    for (const device of devices) {
      expect(readFileSync(join(dirB, `${device.id}.csv`), 'utf8')).toBe(
        readFileSync(join(dirA, `${device.id}.csv`), 'utf8'),
      );
    }

    const truth = readFileSync(summary.groundTruthPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(truth).toHaveLength(2);
    const failures = readFileSync(summary.eventsPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // Every fault fails within the four days (start ≤ 12 h, develop ≤ 48 h) and emits its code.
    expect(failures.map((f) => [f.deviceId, f.code]).sort()).toEqual(
      truth.map((t) => [t.deviceId, t.errorCode]).sort(),
    );
    for (const t of truth) expect(t.failureTs - t.startTs).toBeGreaterThanOrEqual(24 * 3_600_000);
  });
});
