import v8 from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** `--max-semi-space-size` as given to this process (command line or NODE_OPTIONS), in MB; undefined if not given. */
export function semiSpaceFlagMb(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions = process.env.NODE_OPTIONS ?? '',
): number | undefined {
  const pattern = /--max[-_]semi[-_]space[-_]size(?:=|\s+)(\d+)/;
  const match = pattern.exec(execArgv.join(' ')) ?? pattern.exec(nodeOptions);
  return match ? Number(match[1]) : undefined;
}

/**
 * A worker whose young generation is at most `youngMb` (V8's two semi-spaces and its new large
 * objects: a third each). `resourceLimits.maxYoungGenerationSizeMb` alone is not enough: a
 * `--max-semi-space-size` given to the process (`npm start` gives 16) overrides it for every
 * isolate, so the flag is set to the worker's size while its isolate is made, and set back once
 * it runs (the main thread's heap was sized at the start and stays as it is).
 */
export function workerWithYoungGeneration(script: string, options: WorkerOptions, youngMb: number): Worker {
  const processSemiMb = semiSpaceFlagMb();
  const semiMb = Math.max(1, Math.floor(youngMb / 3));
  if (processSemiMb !== undefined) v8.setFlagsFromString(`--max-semi-space-size=${semiMb}`);
  let worker: Worker;
  try {
    worker = new Worker(script, {
      ...options,
      resourceLimits: { ...options.resourceLimits, maxYoungGenerationSizeMb: youngMb },
    });
  } catch (error) {
    if (processSemiMb !== undefined) v8.setFlagsFromString(`--max-semi-space-size=${processSemiMb}`);
    throw error;
  }
  if (processSemiMb !== undefined) {
    const restore = () => v8.setFlagsFromString(`--max-semi-space-size=${processSemiMb}`);
    worker.once('online', restore);
    worker.once('exit', restore);
  }
  return worker;
}
