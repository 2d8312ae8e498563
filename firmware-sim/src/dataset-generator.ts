import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { APPLIANCE_PROFILES, type ApplianceType } from '../../contracts/src';
import { DEFAULT_DEVELOP_HOURS } from './fault-injector';
import { planFleet } from './fleet-plan';
import { appendGroundTruth } from './ground-truth';

export interface DatasetOptions {
  devices: ReadonlyArray<{ id: string; type: ApplianceType }>;
  days: number;
  outDir: string;
  seed: number;
  faultRate: number;
  faultStartWithinHours: number;
  faultDevelopHours?: { min: number; max: number };
  /** Simulated ms between rows. */
  sampleEveryMs: number;
  startTs: number;
  onProgress?: (progress: { devicesDone: number; devices: number; rows: number }) => void;
}

export interface DatasetSummary {
  rows: number;
  files: string[];
  groundTruthPath: string;
  eventsPath: string;
  faults: number;
}

const FLUSH_CHARS = 1 << 20;

/**
 * Offline mode: simulates the fleet as fast as possible with no broker and writes one CSV per
 * device (`timestamp,deviceId,type,<metrics…>`, ISO-8601 UTC timestamps), the failures it
 * published (events.jsonl) and the ground truth of every injected fault.
 */
export function generateDataset(options: DatasetOptions): DatasetSummary {
  mkdirSync(options.outDir, { recursive: true });
  const groundTruthPath = join(options.outDir, 'ground-truth.jsonl');
  const eventsPath = join(options.outDir, 'events.jsonl');
  rmSync(groundTruthPath, { force: true });
  const { appliances, groundTruth } = planFleet(options.devices, {
    seed: options.seed,
    simStartTs: options.startTs,
    faultRate: options.faultRate,
    faultStartWithinHours: options.faultStartWithinHours,
    faultDevelopHours: options.faultDevelopHours ?? DEFAULT_DEVELOP_HOURS,
    telemetryTsOf: (simTs) => simTs,
  });
  appendGroundTruth(groundTruthPath, groundTruth);

  const endTs = options.startTs + options.days * 86_400_000;
  const files: string[] = [];
  const events: string[] = [];
  let rows = 0;
  appliances.forEach((appliance, index) => {
    const metricNames = APPLIANCE_PROFILES[appliance.type].metrics.map((m) => m.name);
    const file = join(options.outDir, `${appliance.deviceId}.csv`);
    const fd = openSync(file, 'w');
    let chunk = ['timestamp', 'deviceId', 'type', ...metricNames].join(',') + '\n';
    const prefix = `,${appliance.deviceId},${appliance.type},`;
    for (let ts = options.startTs; ts < endTs; ts += options.sampleEveryMs) {
      const { metrics, failure } = appliance.sample(ts);
      chunk +=
        new Date(ts).toISOString() + prefix + metricNames.map((name) => metrics[name]).join(',') + '\n';
      rows++;
      if (failure)
        events.push(
          JSON.stringify({ deviceId: appliance.deviceId, ts, code: failure.code, message: failure.message }),
        );
      if (chunk.length >= FLUSH_CHARS) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    files.push(file);
    options.onProgress?.({ devicesDone: index + 1, devices: appliances.length, rows });
  });
  const eventsFd = openSync(eventsPath, 'w');
  writeSync(eventsFd, events.map((e) => e + '\n').join(''));
  closeSync(eventsFd);
  return { rows, files, groundTruthPath, eventsPath, faults: groundTruth.length };
}
