import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ApplianceType } from '../../contracts/src';
import type { TestPlatform } from '../support/platform-fixture';
import type { WorkerRequest, WorkerResponse } from './bench-worker';

/** What every result line carries besides its own figures. */
export function machineFields(): { node: string; cpus: number; cpuModel: string; loadAvg1m: number } {
  const cpus = os.cpus();
  return {
    node: process.version,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    // Other work on the machine steals cores from the platform: read the figures with this in mind.
    loadAvg1m: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/**
 * Profiles this process (the platform's event loop) while `body` runs and writes
 * `<dir>/<name>.cpuprofile` (open in Chrome DevTools), when a directory is given.
 */
export async function withCpuProfile<T>(
  dir: string | undefined,
  name: string,
  body: () => Promise<T>,
): Promise<T> {
  if (!dir) return body();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await body();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
    log(`CPU profile written to ${path.join(dir, `${name}.cpuprofile`)}`);
  }
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Nearest-rank percentile of unsorted samples; NaN when there are none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * A full GC in this process, for memory deltas. The bench runs without --expose-gc (npm run
 * bench is a plain `node` call), so the flag is switched on at run time.
 */
export function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  gc();
  gc();
}

/** CPU time of this process between start and stop, as % of one core. */
export class CpuMeter {
  private readonly started = process.cpuUsage();
  private readonly startedNs = process.hrtime.bigint();

  usedUs(): number {
    const used = process.cpuUsage(this.started);
    return used.user + used.system;
  }

  percent(): number {
    const used = process.cpuUsage(this.started);
    const wallUs = Number(process.hrtime.bigint() - this.startedNs) / 1e3;
    return ((used.user + used.system) / wallUs) * 100;
  }
}

export interface ProvisionedDevice {
  id: string;
  secret: string;
  type: ApplianceType;
}

/** Provisions devices through POST /api/devices, `concurrency` requests at a time. */
export async function provisionDevices(
  platform: TestPlatform,
  types: readonly ApplianceType[],
  concurrency = 16,
): Promise<ProvisionedDevice[]> {
  const token = await platform.login();
  const devices: ProvisionedDevice[] = new Array<ProvisionedDevice>(types.length);
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < types.length) {
      const index = next++;
      const created = await platform.provision(token, {
        type: types[index],
        region: `region-${index % 5}`,
        serial: `BENCH-${index}`,
      });
      devices[index] = { id: created.id, secret: created.secret, type: types[index] };
    }
  });
  await Promise.all(workers);
  return devices;
}

/**
 * A bench worker process (bench-worker.ts) driven by request/response over IPC, so that load
 * generators and listeners never share the platform's event loop.
 */
export class BenchWorker {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private child?: ChildProcess;

  constructor(private readonly name: string) {}

  start(execArgv: string[] = []): void {
    const child = fork(path.join(__dirname, 'bench-worker.js'), [this.name], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    child.on('message', (message: WorkerResponse) => {
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) entry.reject(new Error(`${this.name}: ${message.error}`));
      else entry.resolve(message.result);
    });
    child.on('exit', (code, signal) => {
      for (const entry of this.waiting.values())
        entry.reject(new Error(`${this.name} exited (code ${code}, signal ${signal})`));
      this.waiting.clear();
    });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  call<T>(request: WorkerRequest): Promise<T> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, request });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) {
      await this.call({ kind: 'shutdown' }).catch(() => undefined);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

// resident memory by kind (glibc's arenas, V8's pages), as the platform's page pool release reads it
export { residentByKind, type ResidentByKind } from '../../platform/src/common/memory/v8-page-residency';

/**
 * With BENCH_MALLOC_INFO_DIR set, glibc's malloc_info (every arena's free chunks by size, XML)
 * and the process's mappings (/proc/self/smaps) written there as <bench>-<when>.xml and .smaps:
 * whether what glibc keeps free is in chunks a trim could return or in small holes between live
 * chunks, and what of it is resident. Linux with glibc and koffi only.
 */
export function mallocInfo(bench: string, when: string): void {
  const dir = process.env.BENCH_MALLOC_INFO_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${bench}-${when}.xml`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as {
    load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
    opaque(name: string): unknown;
  };
  try {
    koffi.opaque('FILE');
  } catch {
    // declared by an earlier call
  }
  const libc = koffi.load('libc.so.6');
  const stream = libc.func('FILE *fopen(const char *path, const char *mode)')(file, 'w');
  libc.func('int malloc_info(int options, FILE *stream)')(0, stream);
  libc.func('int fclose(FILE *stream)')(stream);
  // and the mappings' resident sizes: which of that free memory is resident
  fs.writeFileSync(path.join(dir, `${bench}-${when}.smaps`), fs.readFileSync('/proc/self/smaps'));
  log(`${bench}: malloc_info ${file}`);
}

/**
 * BENCH_HEAP_SNAPSHOT_DIR=dir: a heap snapshot of this process's main thread (the platform's, in
 * the benches that run it here), to see what a device costs by object type: for tuning, not a
 * figure (writing one holds a few hundred MB for a while).
 */
export function heapSnapshot(bench: string, when: string): void {
  const dir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  const file = v8.writeHeapSnapshot(path.join(dir, `${bench}-${when}.heapsnapshot`));
  log(`${bench}: heap snapshot ${file}`);
}
