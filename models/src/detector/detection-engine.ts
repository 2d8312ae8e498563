import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { REPO_ROOT } from '../model-paths';
import { AnomalyAlarmRule, type AnomalyAlarmRuleOptions, type AnomalyRuleEntry } from './anomaly-alarm-rule';
import { DETECTOR_CONFIG } from './detector-config';
import { DetectorPool } from './detector-pool';
import {
  OnlineDetector,
  type DetectorOutput,
  type PackedOnlineDetectorState,
  type SavedDetectorState,
} from './online-detector';
import { v8PoolsFreedPages } from '../../../contracts/src/last-resort-gc';
import { HeapSettle } from '../heap-settle';
import { workerWithYoungGeneration } from '../worker-young-generation';
import { ParkedDetectors } from './parked-detectors';
import { ProfilePages } from './profile-pages';
import { ReadingBatchDecoder, ReadingBatchEncoder, type PackedReadings } from './reading-batch';

/** One accepted reading of a device. */
export interface DetectionReading {
  deviceId: string;
  /** The device's appliance type (carried through to the decision). */
  type: string;
  tsMs: number;
  metrics: Record<string, number>;
}

/** A reading after which the device's anomaly warning is to be raised (or refreshed) or cleared. */
export interface DetectionDecision {
  reading: DetectionReading;
  action: 'raise' | 'resolve';
  output: DetectorOutput;
  /** The device's current normal-behaviour score (fleet model), null where none is current. */
  normalModelScore: number | null;
}

export interface DetectionEngineOptions {
  rule: Required<Pick<AnomalyAlarmRuleOptions, 'corroborationMaxAgeMs' | 'maxDevices'>>;
  /** Called for each raise or resolve, in reading order. */
  onDecision: (decision: DetectionDecision) => void;
  /** Told once when the worker thread failed and detection went on in this thread. */
  onWorkerFailure?: (error: Error) => void;
  /**
   * Told when the worker thread could not score a batch of readings (e.g. its profile pages could
   * not be written: a full disk); it goes on with the next batch.
   */
  onBatchFailure?: (error: Error) => void;
  /**
   * A directory to page the detectors' daily and weekly profiles out to (ADR 0019: a file that
   * is removed from it as soon as it is opened); in memory without.
   */
  pagesDir?: string;
  /**
   * With pagesDir: a device's whole detector is parked in a file there after this long without a
   * reading (ADR 0020), and brought back by its next one; 0 or absent: never.
   */
  parkAfterMs?: number;
}

/**
 * The online detector of every device and the alarm rule on its outputs (AnomalyAlarmRule), as
 * the platform runs them on live readings. Readings, fleet-model scores and state requests are
 * taken in the order given; what the rule decides comes back through `onDecision`.
 */
export interface DetectionEngine {
  readonly inWorker: boolean;
  observe(reading: DetectionReading): void;
  /** The type's model scored the device's window: true when that score raises the warning by itself. */
  noteNormalModelScore(deviceId: string, tsMs: number, anomalyScore: number): Promise<boolean>;
  /** What the device's detector has learnt, after every reading given before; undefined if it has none. */
  saveState(deviceId: string): Promise<PackedOnlineDetectorState | undefined>;
  restoreState(deviceId: string, state: SavedDetectorState): void;
  /** Readings the device's detector has learnt from. */
  readings(deviceId: string): Promise<number>;
  /**
   * Up to `max` devices whose detector learnt since its state was last taken (here or by
   * saveState), with that state as JSON; they count as saved from then on.
   */
  checkpoint(max: number): Promise<DetectorCheckpoint[]>;
  /** Resolves once everything given so far has been taken in. */
  settled(): Promise<void>;
  /**
   * The detection thread's own memory: undefined in the platform's thread, whose figures
   * (`process.memoryUsage()`) already hold it. `collect`: a full garbage collection in that
   * thread first, so that the figures hold what is live, not what is waiting to be collected
   * (benchmarks; it pauses detection for as long as the collection takes).
   */
  memory(options?: { collect?: boolean }): Promise<DetectionMemory | undefined>;
  /**
   * A last-resort collection of the worker thread's heap, which also gives back the pages V8
   * pooled for it (Node 24): the main thread's own cannot reach them. Nothing without a worker.
   */
  releaseHeap(): Promise<void>;
  close(): Promise<void>;
}

/** The worker thread's V8 heap and array buffers (the process's RSS holds both). */
export interface DetectionMemory {
  heapUsedBytes: number;
  /** The heap's size: what its pages take of the RSS, used or not. */
  heapTotalBytes: number;
  arrayBuffersBytes: number;
  /** Paged profiles (ADR 0019): the models paged and the bytes of their file (not in the RSS). */
  pagedModels?: number;
  pagesFileBytes?: number;
  /** Parked detectors (ADR 0020): the devices, their file's bytes, and detectors that could not be parked. */
  parkedDevices?: number;
  parkedFileBytes?: number;
  parkFailures?: number;
  /** Parked detectors brought back so far, how many into a parked one's objects, and the buffers the others made. */
  parkReturns?: number;
  parkReturnsIntoShells?: number;
  parkBuffersMade?: number;
  /** Parked detectors' objects kept for the next returns of their shape. */
  parkShellsKept?: number;
  /** Collections that gave back the heap a burst left (HeapSettle). */
  heapSettles?: number;
}

/** A device's detector state, taken for a checkpoint. */
export interface DetectorCheckpoint {
  deviceId: string;
  /** JSON of its packed state (made in the detection thread). */
  stateJson: string;
}

/** The work itself, the same in either thread. */
class DetectionCore {
  private readonly pool: DetectorPool;
  private readonly rule: AnomalyAlarmRule;
  private readonly pages: ProfilePages | undefined;
  private readonly parked: ParkedDetectors | undefined;
  private readonly sweeper: NodeJS.Timeout | undefined;
  /** Sweeps to skip after one that could not park (a full disk): not every second. */
  private sweepsSkipped = 0;
  private parkFailures = 0;
  /** Devices that learnt since their state was last taken, oldest first. */
  private readonly unsaved = new Set<string>();

  constructor(rule: DetectionEngineOptions['rule'], pagesDir?: string, parkAfterMs = 0) {
    this.pages = pagesDir === undefined ? undefined : openPages(pagesDir);
    this.parked =
      this.pages && pagesDir !== undefined && parkAfterMs > 0
        ? new ParkedDetectors(pagesDir, [DETECTOR_CONFIG, this.pages])
        : undefined;
    this.pool = new DetectorPool({
      maxDevices: rule.maxDevices,
      pages: this.pages,
      parking: this.parked && { parked: this.parked, afterMs: parkAfterMs },
    });
    this.rule = new AnomalyAlarmRule(rule);
    if (this.parked) {
      this.sweeper = setInterval(() => this.sweep(), Math.min(parkAfterMs, SWEEP_EVERY_MS));
      this.sweeper.unref();
    }
  }

  /** Parks the quiet devices' detectors. */
  sweep(): void {
    if (this.sweepsSkipped > 0) {
      this.sweepsSkipped--;
      return;
    }
    try {
      this.pool.parkQuiet();
    } catch {
      this.parkFailures++;
      this.sweepsSkipped = SWEEPS_SKIPPED_AFTER_FAILURE;
    }
  }

  observe(reading: DetectionReading): DetectionDecision | undefined {
    const detector = this.pool.use(reading.deviceId);
    const output = detector.update(reading.tsMs, reading.metrics);
    this.unsaved.add(reading.deviceId);
    const entry = this.ruleEntry(detector);
    const action = this.rule.observeOf(entry, reading.tsMs, output, reading.metrics);
    if (action === 'none') return undefined;
    const normalModelScore = this.rule.normalModelScoreOf(entry, reading.tsMs);
    return { reading, action, output, normalModelScore };
  }

  noteNormalModelScore(deviceId: string, tsMs: number, anomalyScore: number): boolean {
    // brings a parked detector back, as a reading does
    return this.rule.noteNormalModelScoreOf(this.ruleEntry(this.pool.get(deviceId)), tsMs, anomalyScore);
  }

  /**
   * The rule's state of the device, kept with its detector: a quiet device's is parked with it
   * (its regime model's buffer and objects, ≈ 2 KB a device, were the most of what the thread kept
   * of a parked device).
   */
  private ruleEntry(detector: OnlineDetector): AnomalyRuleEntry {
    return (detector.ruleEntry ??= this.rule.newEntry());
  }

  saveState(deviceId: string): PackedOnlineDetectorState | undefined {
    this.unsaved.delete(deviceId);
    return this.pool.has(deviceId) ? this.pool.get(deviceId).toPackedJSON() : undefined;
  }

  checkpoint(max: number): DetectorCheckpoint[] {
    const taken: DetectorCheckpoint[] = [];
    for (const deviceId of this.unsaved) {
      if (taken.length >= max) break;
      this.unsaved.delete(deviceId);
      // dropped from the pool meanwhile (DETECTOR_MAX_DEVICES): nothing left to save
      if (this.pool.has(deviceId))
        taken.push({ deviceId, stateJson: JSON.stringify(this.pool.get(deviceId).toPackedJSON()) });
    }
    return taken;
  }

  restoreState(deviceId: string, state: SavedDetectorState): void {
    const restored = OnlineDetector.fromJSON(state, { pages: this.pages });
    // the warning state is not in the saved state: the device's stays what it was
    if (this.pool.has(deviceId)) restored.ruleEntry = this.pool.get(deviceId).ruleEntry;
    this.pool.restore(deviceId, restored);
  }

  readings(deviceId: string): number {
    return this.pool.has(deviceId) ? this.pool.get(deviceId).readingsLearnt : 0;
  }

  /** Paged: the file's size and the models in it (for the memory figures). */
  pagesInUse(): { models: number; fileBytes: number } | undefined {
    return this.pages && { models: this.pages.inUse, fileBytes: this.pages.fileBytes };
  }

  /** Parking: the devices parked, their files' size, the sweeps that failed. */
  parkedInUse():
    | {
        devices: number;
        fileBytes: number;
        failures: number;
        returns: number;
        returnsIntoShells: number;
        buffersMade: number;
        shellsKept: number;
      }
    | undefined {
    return (
      this.parked && {
        devices: this.parked.count,
        fileBytes: this.parked.fileBytes,
        failures: this.parkFailures,
        returns: this.parked.returns,
        returnsIntoShells: this.parked.reusedShells,
        buffersMade: this.parked.buffersMade,
        shellsKept: this.parked.shellsKept,
      }
    );
  }

  close(): void {
    clearInterval(this.sweeper);
    this.parked?.close();
    this.pages?.close();
  }
}

/**
 * The detectors' profile pages in dir; none (profiles in memory) where the file cannot be made
 * there: the platform checks the directory at its start, so this is a directory that went away
 * since, and detection goes on rather than failing with it.
 */
/**
 * The detection thread's young generation (V8's two semi-spaces and its new large objects: 2 MB
 * semi-spaces). Its readings' objects die within a reading and its detectors live for good, so a
 * small one costs no promotion; with parking, V8 grew it to the process's 2 x 16 MB for the few
 * objects that survive a scavenge (the soak, ADR 0020): 3 KB a device at 10,000.
 */
const DETECTION_YOUNG_GENERATION_MB = 6;

/**
 * The detection thread gives back its heap once more than 16 MB and more than its used part are
 * unused (a burst's leftovers), looked at every 10 s, at most once a minute.
 */
/**
 * The detection thread gives back its heap's slack after a burst, and on Node 24 the pages V8
 * pooled once its heap shrank by 32 MB (a history's playback: 104 MB, then 40).
 */
const HEAP_SETTLE = {
  slackBytes: 16 * 1024 * 1024,
  checkEveryMs: 10_000,
  minGapMs: 60_000,
  shrinkBytes: v8PoolsFreedPages() ? 32 * 1024 * 1024 : undefined,
};

/** How often quiet devices are looked for (or every parkAfterMs, if shorter). */
const SWEEP_EVERY_MS = 1_000;
const SWEEPS_SKIPPED_AFTER_FAILURE = 60;

function openPages(dir: string): ProfilePages | undefined {
  try {
    return new ProfilePages(dir, DETECTOR_CONFIG.dayBuckets + DETECTOR_CONFIG.weekBuckets);
  } catch {
    return undefined;
  }
}

type Request =
  | { kind: 'observe'; id: number; readings: PackedReadings }
  | { kind: 'normal-model-score'; id: number; deviceId: string; tsMs: number; anomalyScore: number }
  | { kind: 'save'; id: number; deviceId: string }
  | { kind: 'restore'; id: number; deviceId: string; state: SavedDetectorState }
  | { kind: 'readings'; id: number; deviceId: string }
  | { kind: 'checkpoint'; id: number; max: number }
  | { kind: 'memory'; id: number; collect: boolean }
  | { kind: 'release-heap'; id: number }
  | { kind: 'close'; id: number };

type Reply =
  | { kind: 'observed'; id: number; decisions: DetectionDecision[] }
  | { kind: 'answer'; id: number; value: unknown }
  | { kind: 'failed'; id: number; message: string };

/** In the platform's own thread (no compiled worker script, or the worker failed). */
class InlineDetection implements DetectionEngine {
  readonly inWorker = false;
  constructor(
    private readonly core: DetectionCore,
    private readonly onDecision: (decision: DetectionDecision) => void,
  ) {}

  observe(reading: DetectionReading): void {
    const decision = this.core.observe(reading);
    if (decision) this.onDecision(decision);
  }

  noteNormalModelScore(deviceId: string, tsMs: number, anomalyScore: number): Promise<boolean> {
    return Promise.resolve(this.core.noteNormalModelScore(deviceId, tsMs, anomalyScore));
  }

  saveState(deviceId: string): Promise<PackedOnlineDetectorState | undefined> {
    return Promise.resolve(this.core.saveState(deviceId));
  }

  restoreState(deviceId: string, state: SavedDetectorState): void {
    this.core.restoreState(deviceId, state);
  }

  readings(deviceId: string): Promise<number> {
    return Promise.resolve(this.core.readings(deviceId));
  }

  checkpoint(max: number): Promise<DetectorCheckpoint[]> {
    return Promise.resolve(this.core.checkpoint(max));
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }

  memory(): Promise<DetectionMemory | undefined> {
    return Promise.resolve(undefined);
  }

  releaseHeap(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.core.close();
    return Promise.resolve();
  }
}

interface Outstanding {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * In a worker thread: scoring every reading is the largest share of the CPU ingest spends (the
 * detector, the regime model and the rule, ~15 %), and on a machine with a second core the
 * platform's own thread is then free for the broker, validation and storage. Readings go over in
 * one message per event-loop turn, packed into one transferred buffer (`reading-batch.ts`).
 */
class ThreadDetection implements DetectionEngine {
  readonly inWorker = true;
  private worker: Worker | undefined;
  /** Readings not yet sent, packed as they come. */
  private readonly pending = new ReadingBatchEncoder();
  private flushScheduled = false;
  private nextId = 1;
  private readonly outstanding = new Map<number, Outstanding>();
  private idleWaiters: Array<() => void> = [];
  private fallback: InlineDetection | undefined;
  private closing = false;

  constructor(
    private readonly script: string,
    private readonly options: DetectionEngineOptions,
  ) {}

  /** Started with the first request, so that a platform without devices does not pay for its memory. */
  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = workerWithYoungGeneration(
      this.script,
      {
        workerData: {
          detection: this.options.rule,
          pagesDir: this.options.pagesDir,
          parkAfterMs: this.options.parkAfterMs,
        },
      },
      DETECTION_YOUNG_GENERATION_MB,
    );
    worker.on('message', (reply: Reply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`detection worker exited (code ${code})`));
    });
    worker.unref();
    this.worker = worker;
    return worker;
  }

  observe(reading: DetectionReading): void {
    if (this.fallback) return this.fallback.observe(reading);
    this.pending.add(reading);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  noteNormalModelScore(deviceId: string, tsMs: number, anomalyScore: number): Promise<boolean> {
    if (this.fallback) return this.fallback.noteNormalModelScore(deviceId, tsMs, anomalyScore);
    return this.request<boolean>((id) => ({ kind: 'normal-model-score', id, deviceId, tsMs, anomalyScore }));
  }

  saveState(deviceId: string): Promise<PackedOnlineDetectorState | undefined> {
    if (this.fallback) return this.fallback.saveState(deviceId);
    return this.request<PackedOnlineDetectorState | null>((id) => ({ kind: 'save', id, deviceId })).then(
      (state) => state ?? undefined,
    );
  }

  restoreState(deviceId: string, state: SavedDetectorState): void {
    if (this.fallback) return this.fallback.restoreState(deviceId, state);
    void this.request((id) => ({ kind: 'restore', id, deviceId, state })).catch(() => undefined);
  }

  readings(deviceId: string): Promise<number> {
    if (this.fallback) return this.fallback.readings(deviceId);
    return this.request<number>((id) => ({ kind: 'readings', id, deviceId }));
  }

  checkpoint(max: number): Promise<DetectorCheckpoint[]> {
    if (this.fallback) return this.fallback.checkpoint(max);
    return this.request<DetectorCheckpoint[]>((id) => ({ kind: 'checkpoint', id, max }));
  }

  memory(options: { collect?: boolean } = {}): Promise<DetectionMemory | undefined> {
    if (this.fallback) return this.fallback.memory();
    // nothing to measure before the worker has started
    if (!this.worker) return Promise.resolve(undefined);
    return this.request<DetectionMemory>((id) => ({ kind: 'memory', id, collect: options.collect === true }));
  }

  async releaseHeap(): Promise<void> {
    if (this.fallback || !this.worker) return;
    await this.request<null>((id) => ({ kind: 'release-heap', id }));
  }

  settled(): Promise<void> {
    this.flush();
    if (this.outstanding.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.settled();
    if (this.fallback) await this.fallback.close();
    // the worker closes its pages' file first (a thread's descriptors outlive the thread)
    else if (this.worker) await this.request((id) => ({ kind: 'close', id })).catch(() => undefined);
    this.closing = true;
    await this.worker?.terminate();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.size === 0 || this.fallback) return;
    const readings = this.pending.take();
    void this.request((id) => ({ kind: 'observe', id, readings }), [readings.values.buffer]).catch(
      (error: unknown) => {
        // a failed worker is told through onWorkerFailure; this is one batch the worker refused
        if (!this.fallback && !this.closing) this.options.onBatchFailure?.(error as Error);
      },
    );
  }

  /** Posts a request after the readings given before it. */
  private request<T>(make: (id: number) => Request, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.pending.size > 0 && !this.fallback) this.flush();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.outstanding.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.started().postMessage(make(id), transfer);
    });
  }

  private onReply(reply: Reply): void {
    const waiting = this.outstanding.get(reply.id);
    this.outstanding.delete(reply.id);
    if (reply.kind === 'observed') {
      for (const decision of reply.decisions) this.options.onDecision(decision);
      waiting?.resolve(undefined);
    } else if (reply.kind === 'answer') {
      waiting?.resolve(reply.value);
    } else {
      waiting?.reject(new Error(reply.message));
    }
    if (this.outstanding.size === 0) {
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** The worker is gone: what it had learnt is lost; detection goes on in this thread. */
  private fail(error: Error): void {
    if (this.fallback || this.closing) return;
    this.fallback = new InlineDetection(
      new DetectionCore(this.options.rule, this.options.pagesDir, this.options.parkAfterMs),
      this.options.onDecision,
    );
    this.options.onWorkerFailure?.(error);
    for (const waiting of this.outstanding.values()) waiting.reject(error);
    this.outstanding.clear();
    for (const reading of this.pending.takeReadings()) this.fallback.observe(reading);
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}

/**
 * This file compiled: `dist/models/src/detector/detection-engine.js`. Under jest the source runs
 * as TypeScript, which a worker cannot load, so the build `npm test` makes first is used.
 */
function workerScript(): string | undefined {
  const compiled = __filename.endsWith('.js')
    ? __filename
    : path.join(REPO_ROOT, 'dist', 'models', 'src', 'detector', 'detection-engine.js');
  return fs.existsSync(compiled) ? compiled : undefined;
}

/**
 * The detection engine: in a worker thread when `thread` is 'worker' and a compiled worker script
 * exists (a source checkout never built has none), else in this thread.
 */
export function openDetectionEngine(
  options: DetectionEngineOptions & { thread: 'worker' | 'main' },
): DetectionEngine {
  const script = options.thread === 'worker' ? workerScript() : undefined;
  if (!script)
    return new InlineDetection(
      new DetectionCore(options.rule, options.pagesDir, options.parkAfterMs),
      options.onDecision,
    );
  return new ThreadDetection(script, options);
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection in this thread. A worker cannot be started with `--expose-gc`; the
 * flag set at run time exposes `gc` to contexts made after it, and a new context's `gc` collects
 * this thread's whole heap.
 */
function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

if (!isMainThread && parentPort && (workerData as { detection?: unknown } | null)?.detection) {
  const port = parentPort;
  const data = workerData as {
    detection: DetectionEngineOptions['rule'];
    pagesDir?: string;
    parkAfterMs?: number;
  };
  const core = new DetectionCore(data.detection, data.pagesDir, data.parkAfterMs);
  const readings = new ReadingBatchDecoder();
  const settle = new HeapSettle(HEAP_SETTLE);
  settle.start();
  port.on('message', (request: Request) => {
    try {
      switch (request.kind) {
        case 'observe': {
          const decisions: DetectionDecision[] = [];
          for (const reading of readings.decode(request.readings)) {
            const decision = core.observe(reading);
            if (decision) decisions.push(decision);
          }
          port.postMessage({ kind: 'observed', id: request.id, decisions } satisfies Reply);
          return;
        }
        case 'normal-model-score':
          return answer(
            request.id,
            core.noteNormalModelScore(request.deviceId, request.tsMs, request.anomalyScore),
          );
        case 'save':
          return answer(request.id, core.saveState(request.deviceId) ?? null);
        case 'restore':
          core.restoreState(request.deviceId, request.state);
          return answer(request.id, null);
        case 'readings':
          return answer(request.id, core.readings(request.deviceId));
        case 'checkpoint':
          return answer(request.id, core.checkpoint(request.max));
        case 'release-heap':
          settle.collectNow();
          return answer(request.id, null);
        case 'memory': {
          if (request.collect) collectGarbage();
          // in a worker, the heap and array buffers are this thread's isolate's
          const usage = process.memoryUsage();
          const pages = core.pagesInUse();
          const parked = core.parkedInUse();
          return answer(request.id, {
            heapUsedBytes: usage.heapUsed,
            heapTotalBytes: usage.heapTotal,
            arrayBuffersBytes: usage.arrayBuffers,
            ...(pages && { pagedModels: pages.models, pagesFileBytes: pages.fileBytes }),
            ...(parked && {
              parkedDevices: parked.devices,
              parkedFileBytes: parked.fileBytes,
              parkFailures: parked.failures,
              parkReturns: parked.returns,
              parkReturnsIntoShells: parked.returnsIntoShells,
              parkBuffersMade: parked.buffersMade,
              parkShellsKept: parked.shellsKept,
            }),
            heapSettles: settle.count,
          } satisfies DetectionMemory);
        }
        case 'close':
          settle.stop();
          core.close();
          return answer(request.id, null);
      }
    } catch (error) {
      port.postMessage({
        kind: 'failed',
        id: request.id,
        message: error instanceof Error ? error.message : String(error),
      } satisfies Reply);
    }
  });
  const answer = (id: number, value: unknown) =>
    port.postMessage({ kind: 'answer', id, value } satisfies Reply);
}
