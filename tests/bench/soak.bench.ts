import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { AnomalyWatchService } from '../../platform/src/modules/diagnostics/anomaly-watch.service';
import { FaultPredictionService } from '../../platform/src/modules/diagnostics/fault-prediction.service';
import { NativeMemoryTrimService } from '../../platform/src/modules/health/native-memory-trim.service';
import type { FleetHistory } from '../../firmware-sim/src/fleet-simulator';
import type { TestPlatform } from '../support/platform-fixture';
import {
  collectGarbage,
  heapSnapshot,
  residentByKind,
  mallocInfo,
  log,
  percentile,
  round,
  sleep,
  type BenchWorker,
  type ProvisionedDevice,
} from './bench-support';
import {
  BENCH_EVENT_CODE,
  type FleetCounts,
  type FleetMemoryResult,
  type PublishResult,
  type SocketStats,
} from './bench-worker';
import { ingestCounters } from './ingest-throughput.bench';

export interface SoakRun {
  /** From the first fleet connection to the end of publishing. */
  durationS: number;
  sampleEveryS: number;
  connectRatePerS: number;
  /** Publish → alarm: the generator's paced rate, its windows and the pause after each. */
  alarmRatePerS: number;
  alarmWindowS: number;
  alarmGapS: number;
  /** Every Nth generator message is an error event (BENCH_EVENT_CODE). */
  eventEvery: number;
  /**
   * The fleet's past played back first (FleetSimulator's `history`), so that what is measured
   * after warm-up is a fleet in service: each device's detector past its first readings' steps,
   * the fault models' windows full. The warm-up then lasts until `settleS` after the playback.
   */
  history?: FleetHistory & { settleS: number };
  /** The fleet reports on its intervals' marks, in one burst an interval, instead of spread (SOAK_ALIGNED=1). */
  alignReports?: boolean;
}

export interface SoakResult {
  name: 'soak';
  /** The simulated fleet (each device at its profile's report interval) and the generator's washers. */
  devices: number;
  alarmDevices: number;
  durationS: number;
  sampleEveryS: number;
  /**
   * The first sixth of the run (at least one sample), longer when the fleet took longer to connect
   * or its history took longer to play back and settle.
   */
  warmupS: number;
  /** The fleet's past played back before the measured part (0: none), and its reading interval. */
  /** Whether the fleet reported on its intervals' marks (one burst an interval) rather than spread. */
  alignedReports: boolean;
  historyHours: number;
  historyIntervalS: number;
  /** Readings stored per fleet device by the end of the warm-up (its history and first live ones). */
  readingsPerDeviceAtWarmupEnd: number;
  samplesAfterWarmup: number;
  connectSeconds: number;
  /** Device connections the platform counted (fleet and generator), least seen after warm-up. */
  connectedMin: number;
  /** The platform process after a GC, before any device connected. */
  rssIdleMb: number;
  /**
   * The baseline, after a GC: the generator's washers connected and reporting for a while, so
   * that what the first readings load once (the detection thread, TensorFlow.js, the fleet
   * models) is in it. Per device figures are measured from it.
   */
  rssBeforeMb: number;
  heapUsedBeforeMb: number;
  /** What the baseline's RSS is made of (each part as the samples after warm-up report it). */
  baselineMb: {
    young: number;
    old: number;
    largeObjects: number;
    code: number;
    detectionHeap: number | null;
    native: number;
    mallocInUse: number | null;
    mallocArenasResident: number | null;
    v8PagesResident: number | null;
  };
  /** The platform process after warm-up (sampled as is, no GC). */
  rssMinMb: number;
  rssMaxMb: number;
  rssMedianMb: number;
  /** Least-squares slope of RSS over the samples after warm-up. */
  rssSlopeMbPerH: number;
  /**
   * The same over the first and the second half of those samples: a growth that slows down is
   * still warming up (a device's detector grows in steps over its first ~2,000 readings, which
   * at 10–60 s a reading takes longer than a soak); one that does not is a leak.
   */
  rssSlopeHalvesMbPerH: [number, number];
  heapUsedMedianMb: number;
  /**
   * The main thread's heap by V8's spaces (medians of the samples, MB): the young generation's
   * size (its two semi-spaces), the old generation's size and what of it was in use (live objects
   * and garbage not yet collected), and the large objects' (Maps and arrays of every device). The
   * room between the heap's size and its use is RSS a device count does not explain.
   */
  mainHeapSpacesMedianMb: { young: number; old: number; oldUsed: number; largeObjects: number; code: number };
  heapUsedSlopeMbPerH: number;
  externalMedianMb: number;
  arrayBuffersMedianMb: number;
  /** (median after warm-up − before) / fleet devices connected: what one more device costs. */
  rssPerDeviceKb: number;
  /** (median after warm-up − idle) / devices connected: the first readings' one-off loads included. */
  rssPerDeviceFromIdleKb: number;
  heapPerDeviceKb: number;
  /** The same after a full GC at the end, fleet still connected (comparable with device-memory). */
  rssPerDeviceAfterGcKb: number;
  heapPerDeviceAfterGcKb: number;
  simulatorRssPerDeviceKb: number;
  /**
   * The detection worker thread's own V8 heap and array buffers (in the RSS above, not in the
   * main thread's heap figures), sampled after a full GC in the worker, so live objects only;
   * null when detection runs in the main thread.
   */
  detectionHeapMedianMb: number | null;
  detectionHeapSlopeMbPerH: number | null;
  detectionHeapSlopeHalvesMbPerH: [number, number] | null;
  detectionHeapPerDeviceKb: number | null;
  detectionArrayBuffersMedianMb: number | null;
  detectionArrayBuffersPerDeviceKb: number | null;
  /** The detectors' profile pages at the end (ADR 0019): on disk and in the page cache, not in the RSS. */
  detectionPagesFileMb: number | null;
  /** Parked detectors at the end (ADR 0020): devices, and their files (not in the RSS); null: no parking. */
  detectionParkedDevices: number | null;
  detectionParkedFileMb: number | null;
  detectionParkFailures: number | null;
  /** Parked detectors' objects kept for the next returns of their shape, median after warm-up. */
  detectionParkShellsKeptMedian: number | null;
  /**
   * Parked detectors brought back after warm-up, the share of them read into a parked one's objects
   * (making no garbage), and the ArrayBuffers made a return (the others' buffers).
   */
  detectionParkReturns: number | null;
  detectionParkReturnsIntoShellsShare: number | null;
  detectionParkBuffersPerReturn: number | null;
  /** The detection thread's heap given back after a burst (HeapSettle), collections at the end. */
  detectionHeapSettles: number | null;
  /**
   * RSS less both threads' heaps (their whole size, used or not: their pages are in the RSS
   * either way) and array buffers: native memory (glibc's arenas, sockets, V8 outside its heaps).
   */
  nativeMedianMb: number;
  nativeSlopeMbPerH: number;
  nativeSlopeHalvesMbPerH: [number, number];
  /**
   * glibc's own account (mallinfo2, every arena): in use, and free but kept by the allocator
   * (its pages resident unless a trim gave them back). null where it cannot be read (not glibc, no koffi).
   */
  mallocAllocatedMedianMb: number | null;
  mallocAllocatedSlopeMbPerH: number | null;
  mallocAllocatedSlopeHalvesMbPerH: [number, number] | null;
  mallocFreeMedianMb: number | null;
  /**
   * The arenas' resident pages (/proc/self/smaps): with the part in use, how much of glibc's free
   * memory is resident (a trim returns the pages of free chunks; small holes between live chunks stay).
   */
  mallocArenasResidentMedianMb: number | null;
  /**
   * V8's heap pages resident (smaps), both threads': beyond their heaps' sizes, what V8 keeps
   * pooled after a heap shrank (Node 24) until a release gives it back.
   */
  v8PagesResidentMedianMb: number | null;
  /** The platform's MEMORY_TRIM_INTERVAL_MS, in seconds (0: it never trims). */
  memoryTrimIntervalS: number;
  /** Node 24: last-resort GCs that gave V8's pooled heap pages back (null on Node 20's V8, which pools none). */
  v8PagePoolReleases: number | null;
  /** The same by what set them off (shrink, resident, slack, requested: the start's). */
  v8PagePoolReleasesByCause: Record<string, number>;
  /** Telemetry the broker PUBACKed, the fleet's and the generator's. */
  fleetReadingsAcked: number;
  generatorReadingsAcked: number;
  readingsAcked: number;
  /** store.count() delta once every message was accounted for and the platform settled. */
  stored: number;
  lost: number;
  deadLettered: number;
  duplicates: number;
  /** Readings the fleet took but had not sent when it stopped (never acknowledged). */
  fleetUnsent: number;
  fleetEventsAcked: number;
  /** From the end of publishing until every message was accounted for and settled. */
  drainS: number;
  alarmMsgPerS: number;
  alarmWindows: number;
  eventsSent: number;
  alarmsReceived: number;
  alarmP50Ms: number;
  alarmP95Ms: number;
  alarmP99Ms: number;
  alarmMaxMs: number;
  generatorPubackP95MsMax: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

/** The main thread's heap spaces that matter for its size, in MB. */
function heapSpacesMb(): Pick<MemorySample, 'youngMb' | 'oldMb' | 'oldUsedMb' | 'largeObjectsMb' | 'codeMb'> {
  const spaces = new Map(getHeapSpaceStatistics().map((space) => [space.space_name, space]));
  const size = (name: string) => (spaces.get(name)?.space_size ?? 0) / MB;
  return {
    youngMb: size('new_space') + size('new_large_object_space'),
    oldMb: size('old_space'),
    oldUsedMb: (spaces.get('old_space')?.space_used_size ?? 0) / MB,
    largeObjectsMb: size('large_object_space'),
    codeMb: size('code_space') + size('code_large_object_space'),
  };
}

function residentMb(): Pick<MemorySample, 'mallocArenasResidentMb' | 'v8PagesResidentMb'> {
  const resident = residentByKind();
  return {
    mallocArenasResidentMb: resident && resident.arenasBytes / MB,
    v8PagesResidentMb: resident && resident.v8PagesBytes / MB,
  };
}

/** RSS less both threads' heaps (their whole size) and array buffers: native memory. */
function nativeMb(s: MemorySample): number {
  return (
    s.rssMb -
    s.heapTotalMb -
    s.arrayBuffersMb -
    (s.detectionHeapTotalMb ?? 0) -
    (s.detectionArrayBuffersMb ?? 0)
  );
}

interface MemorySample {
  elapsedS: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  youngMb: number;
  oldMb: number;
  oldUsedMb: number;
  largeObjectsMb: number;
  codeMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** The detection worker's (null before it starts, and when detection runs in the main thread). */
  detectionHeapMb: number | null;
  detectionHeapTotalMb: number | null;
  detectionArrayBuffersMb: number | null;
  /** The detectors' profile pages (ADR 0019): the file's size, in the page cache, not the RSS. */
  detectionPagesFileMb?: number | null;
  detectionParkedDevices?: number | null;
  detectionParkedFileMb?: number | null;
  detectionParkFailures?: number | null;
  detectionParkReturns?: number | null;
  detectionParkReturnsIntoShells?: number | null;
  detectionParkBuffersMade?: number | null;
  detectionParkShellsKept?: number | null;
  detectionHeapSettles?: number | null;
  mallocAllocatedMb: number | null;
  mallocFreeMb: number | null;
  mallocArenasResidentMb: number | null;
  v8PagesResidentMb: number | null;
  connected: number;
  stored: number;
}

/** One line of a memory sample, for the log. */
function describeSample(sample: MemorySample): string {
  return (
    `rss ${round(sample.rssMb)} MB, ` +
    `heap ${round(sample.heapUsedMb)} MB (young ${round(sample.youngMb)}, old ${round(sample.oldUsedMb)} of ` +
    `${round(sample.oldMb)}, large ${round(sample.largeObjectsMb)})` +
    (sample.detectionHeapMb === null
      ? ''
      : `, detection heap ${round(sample.detectionHeapMb)} of ${round(sample.detectionHeapTotalMb ?? 0)} MB`) +
    (sample.detectionPagesFileMb == null
      ? ''
      : `, profile pages ${round(sample.detectionPagesFileMb)} MB on disk`) +
    (sample.detectionParkedDevices == null
      ? ''
      : `, ${sample.detectionParkedDevices} detectors parked (${round(sample.detectionParkedFileMb ?? 0)} MB on disk; ` +
        `${sample.detectionParkReturns ?? 0} returns so far, ${sample.detectionParkReturnsIntoShells ?? 0} into shells, ` +
        `${sample.detectionParkBuffersMade ?? 0} buffers made, ${sample.detectionParkShellsKept ?? 0} shells kept)`) +
    (sample.detectionHeapSettles ? `, ${sample.detectionHeapSettles} detection heap settles` : '') +
    `, native ${round(nativeMb(sample))} MB` +
    (sample.mallocAllocatedMb === null
      ? ''
      : ` (glibc: ${round(sample.mallocAllocatedMb)} MB in use, ${round(sample.mallocFreeMb ?? 0)} MB free, ` +
        `arenas ${round(sample.mallocArenasResidentMb ?? NaN)} MB resident)`) +
    (sample.v8PagesResidentMb === null ? '' : `, V8 pages ${round(sample.v8PagesResidentMb)} MB resident`) +
    `, ${sample.connected} connected, ${sample.stored} stored`
  );
}

// 10,000 devices took 116 s to connect on a shared 2-core machine (the platform is the bottleneck).
const CONNECT_TIMEOUT_MS = 600_000;
const ACCOUNT_TIMEOUT_MS = 300_000;
const POLL_MS = 200;
const ALARM_DRAIN_MS = 3_000;
/** The generator's washers report this long before the baseline is taken. */
const PRIME_S = 20;
const MB = 1e6;

/**
 * A soak: a fleet of simulated devices (fleet worker) reports at its profiles' intervals for
 * durationS while the generator (its own washers) publishes paced windows with error events and
 * the listener times publish → alarm. The platform process (this one) is sampled every
 * sampleEveryS; after warm-up (the first sixth, at least one sample) its RSS should stay flat.
 * At the end every PUBACKed reading must be stored: `lost` is reported as measured.
 */
export async function benchSoak(
  platform: TestPlatform,
  workers: { fleet: BenchWorker; generator: BenchWorker; listener: BenchWorker },
  fleetDevices: ProvisionedDevice[],
  alarmDevices: ProvisionedDevice[],
  run: SoakRun,
): Promise<SoakResult> {
  const { fleet, generator, listener } = workers;
  const store = platform.platform.core.store;
  const watch = platform.platform.app.get(AnomalyWatchService);
  // Warm-up: the first sixth of the run, at least one sample, and never before the whole fleet is connected.
  let warmupS = Math.max(
    run.durationS / 6,
    run.sampleEveryS,
    run.history ? run.history.replayMs / 1000 + run.history.settleS : 0,
  );

  // As the platform does every MEMORY_TRIM_INTERVAL_MS: the baselines hold no garbage of either kind.
  const trim = platform.platform.app.get(NativeMemoryTrimService);
  collectGarbage();
  await trim.trimNow();
  const idle = process.memoryUsage();
  const countBefore = await store.count();
  const countersBefore = await ingestCounters(platform);
  const takeSample = async (atS: number): Promise<MemorySample> => {
    const memory = process.memoryUsage();
    // collected first: without it the worker's heap figure holds garbage, a growth that is not
    const detection = (await watch.detectionMemory({ collect: true })) ?? null;
    const malloc = (await trim.nativeHeap()) ?? null;
    return {
      elapsedS: atS,
      rssMb: memory.rss / MB,
      heapUsedMb: memory.heapUsed / MB,
      ...heapSpacesMb(),
      heapTotalMb: memory.heapTotal / MB,
      externalMb: memory.external / MB,
      arrayBuffersMb: memory.arrayBuffers / MB,
      detectionHeapMb: detection && detection.heapUsedBytes / MB,
      detectionHeapTotalMb: detection && detection.heapTotalBytes / MB,
      detectionArrayBuffersMb: detection && detection.arrayBuffersBytes / MB,
      detectionPagesFileMb: detection?.pagesFileBytes === undefined ? null : detection.pagesFileBytes / MB,
      detectionParkedDevices: detection?.parkedDevices ?? null,
      detectionParkedFileMb: detection?.parkedFileBytes === undefined ? null : detection.parkedFileBytes / MB,
      detectionParkFailures: detection?.parkFailures ?? null,
      detectionParkReturns: detection?.parkReturns ?? null,
      detectionParkReturnsIntoShells: detection?.parkReturnsIntoShells ?? null,
      detectionParkBuffersMade: detection?.parkBuffersMade ?? null,
      detectionParkShellsKept: detection?.parkShellsKept ?? null,
      detectionHeapSettles: detection?.heapSettles ?? null,
      mallocAllocatedMb: malloc && malloc.allocatedBytes / MB,
      mallocFreeMb: malloc && malloc.freeBytes / MB,
      ...residentMb(),
      connected: await platform.metric('mqtt_clients_connected'),
      stored: (await store.count()) - countBefore,
    };
  };
  log(`soak: platform with no device connected: rss ${mb(idle.rss)} MB, heap ${mb(idle.heapUsed)} MB`);

  const token = await platform.login();
  await listener.call({
    kind: 'connect-socket',
    baseUrl: platform.baseUrl,
    token,
    rooms: ['fleet'],
    alarmCode: BENCH_EVENT_CODE,
  });
  await generator.call({ kind: 'connect-mqtt', brokerUrl: platform.mqttUrl, devices: alarmDevices });
  // The baseline: the generator's washers report first, so that what the first readings load once
  // (the detection thread, TensorFlow.js and the fleet models) is in it and not counted per device.
  const primed = await generator.call<PublishResult>({
    kind: 'publish',
    mode: 'paced',
    ratePerS: run.alarmRatePerS,
    durationS: PRIME_S,
    eventEvery: run.eventEvery,
  });
  await platform.platform.app.get(FaultPredictionService).modelsReady();
  await platform.platform.settle();
  await sleep(ALARM_DRAIN_MS);
  await listener.call<SocketStats>({ kind: 'socket-stats', reset: true });
  const detectionBefore = (await watch.detectionMemory({ collect: true })) ?? null;
  collectGarbage();
  await trim.trimNow();
  const before = process.memoryUsage();
  const baseline = await takeSample(0);
  heapSnapshot('soak', 'before');
  mallocInfo('soak', 'before');
  log(
    `soak: platform before the fleet, ${alarmDevices.length} devices reporting: ${describeSample(baseline)}`,
  );

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const startedMs = Date.now();
  const elapsedS = () => (Date.now() - startedMs) / 1000;
  const samples: MemorySample[] = [];
  let aborted = false;
  const sampler = (async () => {
    for (let k = 1; k * run.sampleEveryS <= run.durationS; k++) {
      await sleep(Math.max(0, startedMs + k * run.sampleEveryS * 1000 - Date.now()));
      if (aborted) return;
      const sample = await takeSample(round(elapsedS(), 1));
      samples.push(sample);
      log(
        `soak: ${sample.elapsedS} s${sample.elapsedS <= warmupS ? ' (warm-up)' : ''}: ${describeSample(sample)}`,
      );
    }
  })();

  log(`soak: connecting ${fleetDevices.length} simulated devices at ${run.connectRatePerS}/s`);
  const started = await fleet
    .call<FleetMemoryResult>({
      kind: 'fleet-start',
      brokerUrl: platform.mqttUrl,
      devices: fleetDevices,
      connectRatePerS: run.connectRatePerS,
      settleMs: 0,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      history: run.history && {
        ms: run.history.ms,
        replayMs: run.history.replayMs,
        intervalMs: run.history.intervalMs,
      },
      alignReports: run.alignReports,
    })
    .catch(async (error: unknown) => {
      // Stop sampling before the caller stops the platform.
      aborted = true;
      await sampler.catch(() => undefined);
      throw error;
    });
  warmupS = Math.max(warmupS, elapsedS());
  log(`soak: fleet connected in ${started.connectSeconds} s`);

  let windows = 0;
  // the baseline's readings count as acknowledged too; its events are not timed
  let generatorSent = primed.sent;
  const primeEvents = Math.floor(primed.sent / run.eventEvery);
  let eventsSent = 0;
  let pubackP95MsMax = 0;
  while (run.durationS - elapsedS() >= 1) {
    const windowS = Math.min(run.alarmWindowS, Math.floor(run.durationS - elapsedS()));
    const published = await generator.call<PublishResult>({
      kind: 'publish',
      mode: 'paced',
      ratePerS: run.alarmRatePerS,
      durationS: windowS,
      eventEvery: run.eventEvery,
    });
    windows++;
    generatorSent += published.sent;
    eventsSent += Math.floor(published.sent / run.eventEvery);
    pubackP95MsMax = Math.max(pubackP95MsMax, published.pubackP95Ms);
    await sleep(Math.max(0, Math.min(run.alarmGapS, run.durationS - elapsedS()) * 1000));
  }
  await sampler;

  // The fleet's connections count until now; a GC here makes the figure comparable to device-memory's.
  collectGarbage();
  await trim.trimNow();
  const afterGc = process.memoryUsage();
  heapSnapshot('soak', 'after');
  mallocInfo('soak', 'after');
  const connectedAtEnd = await platform.metric('mqtt_clients_connected');
  // Node 24: how often V8's pooled heap pages were given back (NaN where V8 pools none: Node 20)
  const v8PagePoolReleasesByCause: Record<string, number> = {};
  for (const cause of ['shrink', 'resident', 'slack', 'requested']) {
    const count = await platform.metric(`process_v8_page_pool_releases_total{cause="${cause}"}`);
    if (!Number.isNaN(count)) v8PagePoolReleasesByCause[cause] = count;
  }
  const causes = Object.values(v8PagePoolReleasesByCause);
  const v8PagePoolReleases = causes.length === 0 ? NaN : causes.reduce((sum, count) => sum + count, 0);

  const publishEndMs = Date.now();
  log('soak: stopping the fleet, waiting until every reading is accounted for');
  const counts = await fleet.call<FleetCounts | null>({ kind: 'fleet-stop' });
  if (!counts) throw new Error('the fleet worker had no fleet to stop');
  const generatorReadingsAcked = generatorSent - eventsSent - primeEvents;
  const readingsAcked = counts.telemetryAcked + generatorReadingsAcked;
  let counted = { readings: 0, deadLetters: 0, duplicates: 0 };
  const deadline = Date.now() + ACCOUNT_TIMEOUT_MS;
  for (;;) {
    const now = await ingestCounters(platform);
    counted = {
      readings: now.readings - countersBefore.readings,
      deadLetters: now.deadLetters - countersBefore.deadLetters,
      duplicates: now.duplicates - countersBefore.duplicates,
    };
    if (counted.readings + counted.deadLetters + counted.duplicates >= readingsAcked) break;
    if (Date.now() > deadline) {
      log(`soak: gave up waiting: ${JSON.stringify(counted)} of ${readingsAcked} acknowledged`);
      break;
    }
    await sleep(POLL_MS);
  }
  await platform.platform.settle();
  const drainS = (Date.now() - publishEndMs) / 1000;
  const stored = (await store.count()) - countBefore;
  loopDelay.disable();
  await sleep(ALARM_DRAIN_MS);
  const alarms = (await listener.call<SocketStats>({ kind: 'socket-stats', reset: true })).alarms;

  const steady = samples.filter((s) => s.elapsedS > warmupS);
  if (steady.length === 0) throw new Error(`no sample after the ${warmupS} s warm-up`);
  const lastWarmup = samples.filter((s) => s.elapsedS <= warmupS).at(-1);
  const median = (pick: (s: MemorySample) => number) => percentile(steady.map(pick), 50);
  const connectedMin = Math.min(...steady.map((s) => s.connected));
  const perDeviceKb = (afterBytes: number, beforeBytes: number, connected: number) =>
    round((afterBytes - beforeBytes) / connected / 1024, 2);
  // the generator's washers are in the baseline
  const fleetConnectedMin = connectedMin - alarmDevices.length;
  const fleetConnectedAtEnd = connectedAtEnd - alarmDevices.length;
  const rssValues = steady.map((s) => s.rssMb);
  const inWorker = steady.every((s) => s.detectionHeapMb !== null);
  const withMalloc = steady.every((s) => s.mallocAllocatedMb !== null);
  const native = nativeMb;
  // parked detectors' returns over the steady minutes: the last sample's counts less the warm-up's
  const parkDelta = (pick: (s: MemorySample) => number | null | undefined) => {
    const end = pick(steady.at(-1)!);
    const start = lastWarmup ? pick(lastWarmup) : 0;
    return end === null || end === undefined ? null : end - (start ?? 0);
  };
  const parkReturns = parkDelta((s) => s.detectionParkReturns);
  const parkIntoShells = parkDelta((s) => s.detectionParkReturnsIntoShells);
  const parkBuffersMade = parkDelta((s) => s.detectionParkBuffersMade);
  return {
    name: 'soak',
    devices: fleetDevices.length,
    alarmDevices: alarmDevices.length,
    durationS: run.durationS,
    sampleEveryS: run.sampleEveryS,
    warmupS: round(warmupS),
    alignedReports: run.alignReports === true,
    historyHours: round((run.history?.ms ?? 0) / 3_600_000, 2),
    historyIntervalS: round((run.history?.intervalMs ?? 0) / 1000),
    readingsPerDeviceAtWarmupEnd: round((lastWarmup?.stored ?? 0) / fleetDevices.length),
    samplesAfterWarmup: steady.length,
    connectSeconds: started.connectSeconds,
    connectedMin,
    rssIdleMb: mb(idle.rss),
    rssBeforeMb: mb(before.rss),
    heapUsedBeforeMb: mb(before.heapUsed),
    baselineMb: {
      young: Math.round(baseline.youngMb),
      old: Math.round(baseline.oldMb),
      largeObjects: Math.round(baseline.largeObjectsMb),
      code: Math.round(baseline.codeMb),
      detectionHeap:
        baseline.detectionHeapTotalMb === null ? null : Math.round(baseline.detectionHeapTotalMb),
      native: Math.round(nativeMb(baseline)),
      mallocInUse: baseline.mallocAllocatedMb === null ? null : Math.round(baseline.mallocAllocatedMb),
      mallocArenasResident:
        baseline.mallocArenasResidentMb === null ? null : Math.round(baseline.mallocArenasResidentMb),
      v8PagesResident: baseline.v8PagesResidentMb === null ? null : Math.round(baseline.v8PagesResidentMb),
    },
    rssMinMb: Math.round(Math.min(...rssValues)),
    rssMaxMb: Math.round(Math.max(...rssValues)),
    rssMedianMb: Math.round(median((s) => s.rssMb)),
    rssSlopeMbPerH: round(slopePerHour(steady, (s) => s.rssMb)),
    rssSlopeHalvesMbPerH: slopeHalves(steady, (s) => s.rssMb),
    heapUsedMedianMb: Math.round(median((s) => s.heapUsedMb)),
    mainHeapSpacesMedianMb: {
      young: Math.round(median((s) => s.youngMb)),
      old: Math.round(median((s) => s.oldMb)),
      oldUsed: Math.round(median((s) => s.oldUsedMb)),
      largeObjects: Math.round(median((s) => s.largeObjectsMb)),
      code: Math.round(median((s) => s.codeMb)),
    },
    heapUsedSlopeMbPerH: round(slopePerHour(steady, (s) => s.heapUsedMb)),
    externalMedianMb: Math.round(median((s) => s.externalMb)),
    arrayBuffersMedianMb: Math.round(median((s) => s.arrayBuffersMb)),
    rssPerDeviceKb: perDeviceKb(median((s) => s.rssMb) * MB, before.rss, fleetConnectedMin),
    rssPerDeviceFromIdleKb: perDeviceKb(median((s) => s.rssMb) * MB, idle.rss, connectedMin),
    heapPerDeviceKb: perDeviceKb(median((s) => s.heapUsedMb) * MB, before.heapUsed, fleetConnectedMin),
    rssPerDeviceAfterGcKb: perDeviceKb(afterGc.rss, before.rss, fleetConnectedAtEnd),
    heapPerDeviceAfterGcKb: perDeviceKb(afterGc.heapUsed, before.heapUsed, fleetConnectedAtEnd),
    simulatorRssPerDeviceKb: started.rssPerDeviceKb,
    detectionHeapMedianMb: inWorker ? Math.round(median((s) => s.detectionHeapMb ?? 0)) : null,
    detectionHeapSlopeMbPerH: inWorker ? round(slopePerHour(steady, (s) => s.detectionHeapMb ?? 0)) : null,
    detectionHeapSlopeHalvesMbPerH: inWorker ? slopeHalves(steady, (s) => s.detectionHeapMb ?? 0) : null,
    detectionHeapPerDeviceKb: inWorker
      ? perDeviceKb(
          median((s) => s.detectionHeapMb ?? 0) * MB,
          detectionBefore?.heapUsedBytes ?? 0,
          fleetConnectedMin,
        )
      : null,
    detectionArrayBuffersMedianMb: inWorker
      ? Math.round(median((s) => s.detectionArrayBuffersMb ?? 0))
      : null,
    detectionArrayBuffersPerDeviceKb: inWorker
      ? perDeviceKb(
          median((s) => s.detectionArrayBuffersMb ?? 0) * MB,
          detectionBefore?.arrayBuffersBytes ?? 0,
          fleetConnectedMin,
        )
      : null,
    detectionPagesFileMb: samples.at(-1)?.detectionPagesFileMb ?? null,
    detectionParkedDevices: samples.at(-1)?.detectionParkedDevices ?? null,
    detectionParkedFileMb: samples.at(-1)?.detectionParkedFileMb ?? null,
    detectionParkFailures: samples.at(-1)?.detectionParkFailures ?? null,
    detectionParkShellsKeptMedian: steady.every((s) => typeof s.detectionParkShellsKept === 'number')
      ? median((s) => s.detectionParkShellsKept ?? 0)
      : null,
    detectionParkReturns: parkReturns,
    detectionParkReturnsIntoShellsShare:
      parkReturns && parkIntoShells !== null ? round(parkIntoShells / parkReturns, 3) : null,
    detectionParkBuffersPerReturn:
      parkReturns && parkBuffersMade !== null ? round(parkBuffersMade / parkReturns, 2) : null,
    detectionHeapSettles: samples.at(-1)?.detectionHeapSettles ?? null,
    nativeMedianMb: Math.round(median(native)),
    nativeSlopeMbPerH: round(slopePerHour(steady, native)),
    nativeSlopeHalvesMbPerH: slopeHalves(steady, native),
    mallocAllocatedMedianMb: withMalloc ? Math.round(median((s) => s.mallocAllocatedMb ?? 0)) : null,
    mallocAllocatedSlopeMbPerH: withMalloc
      ? round(slopePerHour(steady, (s) => s.mallocAllocatedMb ?? 0))
      : null,
    mallocAllocatedSlopeHalvesMbPerH: withMalloc
      ? slopeHalves(steady, (s) => s.mallocAllocatedMb ?? 0)
      : null,
    mallocFreeMedianMb: withMalloc ? Math.round(median((s) => s.mallocFreeMb ?? 0)) : null,
    mallocArenasResidentMedianMb: withMalloc
      ? Math.round(median((s) => s.mallocArenasResidentMb ?? NaN))
      : null,
    v8PagesResidentMedianMb: samples.some((s) => s.v8PagesResidentMb !== null)
      ? Math.round(median((s) => s.v8PagesResidentMb ?? NaN))
      : null,
    memoryTrimIntervalS: platform.config.memoryTrimIntervalMs / 1000,
    v8PagePoolReleases: Number.isNaN(v8PagePoolReleases) ? null : v8PagePoolReleases,
    v8PagePoolReleasesByCause,
    fleetReadingsAcked: counts.telemetryAcked,
    generatorReadingsAcked,
    readingsAcked,
    stored,
    lost: readingsAcked - stored,
    deadLettered: counted.deadLetters,
    duplicates: counted.duplicates,
    fleetUnsent: counts.buffered,
    fleetEventsAcked: counts.eventsAcked,
    drainS: round(drainS, 2),
    alarmMsgPerS: run.alarmRatePerS,
    alarmWindows: windows,
    eventsSent,
    alarmsReceived: alarms.received,
    alarmP50Ms: alarms.p50Ms,
    alarmP95Ms: alarms.p95Ms,
    alarmP99Ms: alarms.p99Ms,
    alarmMaxMs: alarms.maxMs,
    generatorPubackP95MsMax: pubackP95MsMax,
    eventLoopDelayP99Ms: round(loopDelay.percentile(99) / 1e6),
    eventLoopDelayMaxMs: round(loopDelay.max / 1e6),
  };
}

const mb = (bytes: number): number => Math.round(bytes / MB);

/** slopePerHour over the first and the second half of the samples (the middle one in both). */
function slopeHalves(samples: MemorySample[], value: (s: MemorySample) => number): [number, number] {
  const middle = Math.floor(samples.length / 2);
  return [
    round(slopePerHour(samples.slice(0, middle + 1), value)),
    round(slopePerHour(samples.slice(middle), value)),
  ];
}

/** Least-squares slope of value over elapsed time, in units per hour. */
function slopePerHour(samples: MemorySample[], value: (s: MemorySample) => number): number {
  if (samples.length < 2) return NaN;
  const n = samples.length;
  const meanX = samples.reduce((sum, s) => sum + s.elapsedS, 0) / n;
  const meanY = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const s of samples) {
    sxy += (s.elapsedS - meanX) * (value(s) - meanY);
    sxx += (s.elapsedS - meanX) ** 2;
  }
  return (sxy / sxx) * 3600;
}
