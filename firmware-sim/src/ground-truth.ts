import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ApplianceType } from '../../contracts/src';

/** One injected fault as models are scored against it; times on the telemetry timeline. */
export interface GroundTruthRecord {
  deviceId: string;
  type: ApplianceType;
  mode: string;
  startTs: number;
  /** Planned failure time: the error code is published at the first reading from then on. */
  failureTs: number;
  errorCode: string;
}

/** Appends records as JSON lines, creating the folder if needed. */
export function appendGroundTruth(path: string, records: readonly GroundTruthRecord[]): void {
  if (records.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
}
