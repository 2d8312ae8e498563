import fs from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { APPLIANCE_PROFILES, type AlarmCause, type MetricProfile } from '../../../../contracts/src';
import { ANOMALY_ALARM_SCORE, CORROBORATION_SCORE } from '../../../../models/src/detector/anomaly-alarm-rule';
import {
  openDetectionEngine,
  type DetectionDecision,
  type DetectionEngine,
  type DetectionMemory,
} from '../../../../models/src/detector/detection-engine';
import { FLEET_STEP_MS } from '../../../../models/src/fleet/fleet-features';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { SerialQueue } from '../../common/concurrency/serial-queue';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { AlarmsService } from '../alarms/alarms.service';
import { DetectorStatesRepository } from './detector-states.repository';
import { IsolateHeaps } from '../../common/memory/isolate-heaps';

export const ANOMALY_CAUSE: AlarmCause = { kind: 'anomaly' };
const TOP_METRICS = 3;
/** Devices whose detector state one checkpoint step takes and saves (arrivals wait at most one step). */
const CHECKPOINT_STEP_DEVICES = 100;

/**
 * Runs the online detector (the same one `npm run detect` runs) on every device's live readings
 * and raises one `anomaly` warning per device, explained by the metrics that drove it; further
 * detections update it, and it clears once the detector is quiet (two hours of the readings' time,
 * or 30 readings once the device's regime model is learned) and the regime is healthy. When it is
 * raised, held and cleared is AnomalyState (models/src/detector/anomaly-state.ts), the same
 * definition `npm run detect` writes as `anomaly_active`. Where the appliance type has a
 * learned normal-behaviour model (the fleet autoencoder, scored by FaultPredictionService), a
 * detection must be corroborated by it, and the model's score alone raises the warning when it
 * stays high (AnomalyAlarmRule). Each device's own regime model (its healthy joint behaviour,
 * learned from its early readings) raises the warning too and holds it while the device stays in an
 * unhealthy regime, so the warning clears when the device is healthy again, not after a fixed time.
 * The rule lives beside the detector so that
 * models/src/detector/fleet-false-alarms.ts measures exactly this rule on simulated fleets
 * (docs/models.md).
 */
@Injectable()
export class AnomalyWatchService implements OnModuleInit, OnApplicationShutdown {
  private engine!: DetectionEngine;
  private readonly metricProfiles = new Map<string, MetricProfile>();
  private readonly unsubscribe: Array<() => void> = [];
  private readingsScored = 0;
  /** Scale-out: detector states saved and read back, one at a time, in order. */
  private readonly stateWrites = new SerialQueue();
  private checkpointTimer?: NodeJS.Timeout;
  private checkpointing?: Promise<number>;

  constructor(
    private readonly alarms: AlarmsService,
    private readonly events: DomainEvents,
    private readonly states: DetectorStatesRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly isolateHeaps?: IsolateHeaps,
  ) {}

  onModuleInit(): void {
    for (const profile of Object.values(APPLIANCE_PROFILES)) {
      for (const metric of profile.metrics) this.metricProfiles.set(`${profile.type}|${metric.name}`, metric);
    }
    const pagesDir = this.config.detectorPagedProfiles
      ? path.join(this.config.dataDir, 'detector')
      : undefined;
    // made here, so that a DATA_DIR the platform cannot write to stops the start with its path
    if (pagesDir) fs.mkdirSync(pagesDir, { recursive: true });
    this.engine = openDetectionEngine({
      thread: this.config.detectionThread,
      pagesDir,
      parkAfterMs: this.config.detectorParkAfterMs,
      rule: {
        // Two of the models' window steps, in the readings' time (a simulated fleet runs faster).
        corroborationMaxAgeMs: (2 * FLEET_STEP_MS) / this.config.modelTimeScale,
        maxDevices: this.config.detectorMaxDevices,
      },
      onDecision: (decision) => this.onDecision(decision),
      onWorkerFailure: (error) =>
        this.logger.error(
          { err: error },
          'detection worker failed; detecting in the main thread from now on',
        ),
      onBatchFailure: (error) =>
        this.logger.error({ err: error }, 'the detection worker could not score a batch of readings'),
    });
    // the detection thread's heap, for what V8 pages in the process are pooled (not while
    // detection runs in this thread, whose heap is the main one)
    const heaps = this.isolateHeaps;
    if (heaps) {
      this.unsubscribe.push(
        heaps.add(
          async () => (this.engine.inWorker ? ((await this.engine.memory())?.heapTotalBytes ?? null) : null),
          () => this.engine.releaseHeap(),
        ),
      );
    }
    this.unsubscribe.push(
      this.events.on('telemetry.accepted', (reading) => this.onReading(reading)),
      this.events.on('fleet.assessed', (assessment) => this.onAssessment(assessment)),
    );
    if (this.config.redisUrl) {
      this.unsubscribe.push(
        this.events.on('device.status', ({ deviceId, online }) =>
          online ? this.takeUpState(deviceId) : this.saveState(deviceId),
        ),
      );
      if (this.config.detectorCheckpointMs > 0) {
        this.checkpointTimer = setInterval(() => {
          this.checkpoint().catch((error: unknown) =>
            this.logger.warn({ err: error }, 'checkpointing the detector states failed'),
          );
        }, this.config.detectorCheckpointMs);
        this.checkpointTimer.unref();
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.checkpointTimer);
    for (const off of this.unsubscribe) off();
    await this.checkpointing?.catch(() => undefined);
    await this.engine.settled();
    await this.stateWrites.settled();
    await this.engine.close();
  }

  /**
   * Resolves once every reading given so far is scored (its warning raised or cleared) and every
   * detector state saved or read back so far is done (scale-out).
   */
  async settled(): Promise<void> {
    await this.engine.settled();
    await this.stateWrites.settled();
    await this.engine.settled();
  }

  /**
   * Scale-out (REDIS_URL): what a device's online detector has learnt (its daily and weekly
   * profiles, sequence context, joint model) follows it to the instance it reconnects to: saved
   * when it leaves this one, read back when it arrives. A device whose instance was killed starts
   * from what it had when it last left one (or from nothing). The device's regime model and
   * warning state are not carried: they learn again from the readings that follow.
   */
  private saveState(deviceId: string): void {
    const state = this.engine.saveState(deviceId);
    // taken now (the state as the device leaves), written in turn; a failure is reported there
    state.catch(() => undefined);
    void this.stateWrites
      .run(async () => {
        const saved = await state;
        if (saved) await this.states.save(deviceId, saved, this.clock.now());
      })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, deviceId }, 'saving the detector state of a device failed'),
      );
  }

  /**
   * Scale-out: saves what each device's detector learnt since its state was last saved (every
   * DETECTOR_CHECKPOINT_MS), so that an instance killed with SIGKILL loses at most one interval of
   * learning. In steps of CHECKPOINT_STEP_DEVICES devices between the other saves and read-backs.
   * One at a time; resolves with the number of devices saved.
   */
  checkpoint(): Promise<number> {
    this.checkpointing ??= (async () => {
      let saved = 0;
      for (;;) {
        const step = await this.stateWrites.run(async () => {
          const taken = await this.engine.checkpoint(CHECKPOINT_STEP_DEVICES);
          for (const { deviceId, stateJson } of taken) {
            await this.states.saveJson(deviceId, stateJson, this.clock.now());
          }
          return taken.length;
        });
        saved += step;
        if (step < CHECKPOINT_STEP_DEVICES) return saved;
      }
    })().finally(() => (this.checkpointing = undefined));
    return this.checkpointing;
  }

  private takeUpState(deviceId: string): void {
    void this.stateWrites
      .run(async () => {
        const saved = await this.states.find(deviceId);
        if (saved) this.engine.restoreState(deviceId, saved.state);
      })
      .catch((error: unknown) =>
        this.logger.warn({ err: error, deviceId }, 'reading back the detector state of a device failed'),
      );
  }

  /** Readings the device's online detector has learnt from (for tests and diagnostics). */
  detectorReadings(deviceId: string): Promise<number> {
    return this.engine.readings(deviceId);
  }

  /**
   * The detection worker's own heap and array buffers; undefined when detection runs in this
   * thread. `collect`: after a full garbage collection in the worker (benchmarks).
   */
  detectionMemory(options?: { collect?: boolean }): Promise<DetectionMemory | undefined> {
    return this.engine.memory(options);
  }

  /** Where detection runs (for /health and tests). */
  get detectsInWorker(): boolean {
    return this.engine.inWorker;
  }

  get scored(): number {
    return this.readingsScored;
  }

  private onReading(reading: DomainEventMap['telemetry.accepted']): void {
    this.readingsScored += 1;
    this.engine.observe({
      deviceId: reading.deviceId,
      type: reading.type,
      tsMs: reading.tsMs,
      metrics: reading.metrics,
    });
  }

  private onDecision({ reading, action, output, normalModelScore }: DetectionDecision): void {
    if (action === 'raise') {
      this.raiseFromDetector(reading, output, normalModelScore);
    } else {
      this.alarms.resolve(reading.deviceId, ANOMALY_CAUSE, { score: output.score, ts: reading.tsMs });
    }
  }

  private onAssessment(a: DomainEventMap['fleet.assessed']): void {
    this.engine.noteNormalModelScore(a.deviceId, a.tsMs, a.anomalyScore).then(
      (raises) => {
        if (raises) this.raiseFromAssessment(a);
      },
      (error: unknown) =>
        this.logger.warn({ err: error, deviceId: a.deviceId }, 'noting a fleet model score failed'),
    );
  }

  private raiseFromAssessment(a: DomainEventMap['fleet.assessed']): void {
    const explanation = a.topMetrics.slice(0, TOP_METRICS).map((m) => {
      const profile = this.metricProfiles.get(`${a.type}|${m.metric}`);
      // The band is the model's reconstruction ± 3 σ; no sensor reads outside its own range.
      const within = (v: number) => (profile ? Math.min(profile.max, Math.max(profile.min, v)) : v);
      const low = within(m.expectedLow);
      const high = within(m.expectedHigh);
      return {
        metric: m.metric,
        value: round(m.value),
        expected: round((low + high) / 2),
        expectedLow: round(low),
        expectedHigh: round(high),
        unit: profile?.unit ?? null,
      };
    });
    const described = explanation
      .map(
        (e) =>
          `${e.metric} ${short(e.value)}${e.unit ? ` ${e.unit}` : ''} (expected ${short(e.expectedLow)}–${short(e.expectedHigh)})`,
      )
      .join(', ');
    this.alarms.raise(a.deviceId, ANOMALY_CAUSE, 'warning', {
      message: `Unlike a healthy ${a.type.replaceAll('_', ' ')} for hours: ${described}`,
      details: {
        score: round(a.anomalyScore),
        threshold: CORROBORATION_SCORE,
        confidence: round(a.anomalyScore),
        explanation,
        ts: a.tsMs,
        model: `fleet-${a.type}-normal-behaviour`,
        // the registry version of the type's models that raised it
        modelVersion: a.modelVersion ?? null,
      },
    });
  }

  private raiseFromDetector(
    reading: DetectionDecision['reading'],
    output: DetectionDecision['output'],
    normalModelScore: number | null,
  ): void {
    const explanation = output.contributions.slice(0, TOP_METRICS).map((c) => {
      const profile = this.metricProfiles.get(`${reading.type}|${c.metric}`);
      return {
        metric: c.metric,
        value: c.value,
        expected: c.expected ?? null,
        unit: profile?.unit ?? null,
        normal: profile?.normal ?? null,
        share: round(c.score),
      };
    });
    const described = explanation
      .map(
        (e) =>
          `${e.metric} ${round(e.value)}${e.unit ? ` ${e.unit}` : ''}${e.expected !== null ? ` (expected ≈ ${round(e.expected)})` : ''}`,
      )
      .join(', ');
    // Not a detection strong enough to warn: the device's own regime model found it unhealthy.
    const byRegime = !(output.isAnomaly && output.score >= ANOMALY_ALARM_SCORE);
    this.alarms.raise(reading.deviceId, ANOMALY_CAUSE, 'warning', {
      message: byRegime
        ? `Unlike its own healthy behaviour for a while: ${described || 'several metrics together'}`
        : `Unusual readings: ${described || 'several metrics together'}`,
      details: {
        score: round(output.score),
        threshold: ANOMALY_ALARM_SCORE,
        confidence: round(output.score),
        explanation,
        ts: reading.tsMs,
        model: byRegime ? 'device-regime' : 'online-detector',
        // The fleet's normal-behaviour model that corroborated it; null where none scored yet.
        normalModelScore: normalModelScore === null ? null : round(normalModelScore),
      },
    });
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
/** For messages a person reads: one decimal. */
const short = (value: number) => String(Math.round(value * 10) / 10);
