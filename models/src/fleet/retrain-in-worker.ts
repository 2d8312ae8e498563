import fs from 'node:fs';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { REPO_ROOT } from '../model-paths';
import {
  retrainWithFieldLabels,
  type RetrainOptions,
  type RetrainPhase,
  type RetrainReport,
} from './retrain-with-labels';

type WorkerOptions = Omit<RetrainOptions, 'log' | 'progress'>;

type WorkerMessage =
  | { kind: 'log'; line: string }
  | { kind: 'progress'; phase: RetrainPhase; fraction: number }
  | { kind: 'done'; report: RetrainReport }
  | { kind: 'failed'; message: string };

/**
 * This file compiled: `dist/models/src/fleet/retrain-in-worker.js`. Under jest the source runs as
 * TypeScript, which a worker cannot load, so the build `npm test` makes first is used.
 */
function workerScript(): string | undefined {
  const compiled = __filename.endsWith('.js')
    ? __filename
    : path.join(REPO_ROOT, 'dist', 'models', 'src', 'fleet', 'retrain-in-worker.js');
  return fs.existsSync(compiled) ? compiled : undefined;
}

/**
 * Runs retrainWithFieldLabels in a worker thread: simulating the fleets and fine-tuning take
 * seconds to minutes of CPU in long synchronous stretches, which in the platform's own thread
 * would hold up ingest, alarms and every request for that long. Log lines and progress come back
 * as messages. Without a compiled worker script (a source checkout never built) it runs in this
 * thread, and says so.
 */
export function retrainInWorker(options: RetrainOptions): Promise<RetrainReport> {
  const { log, progress, ...data } = options;
  const script = workerScript();
  if (!script) {
    log?.('no compiled worker script (npm run build): retraining in the platform thread');
    return retrainWithFieldLabels(options);
  }
  return new Promise<RetrainReport>((resolve, reject) => {
    const worker = new Worker(script, { workerData: { retrain: data satisfies WorkerOptions } });
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') log?.(message.line);
      else if (message.kind === 'progress') progress?.(message.phase, message.fraction);
      else if (message.kind === 'done') {
        settled = true;
        resolve(message.report);
      } else {
        settled = true;
        reject(new Error(message.message));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`retraining worker exited (code ${code}) before it finished`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as { retrain?: WorkerOptions } | null)?.retrain) {
  const port = parentPort;
  const post = (message: WorkerMessage) => port.postMessage(message);
  retrainWithFieldLabels({
    ...(workerData as { retrain: WorkerOptions }).retrain,
    log: (line) => post({ kind: 'log', line }),
    progress: (phase, fraction) => post({ kind: 'progress', phase, fraction }),
  }).then(
    (report) => post({ kind: 'done', report }),
    (error: unknown) =>
      post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
}
