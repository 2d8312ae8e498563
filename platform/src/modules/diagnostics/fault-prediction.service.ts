import * as path from 'node:path';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APPLIANCE_PROFILES, type ApplianceType, type PredictionEstimate } from '../../../../contracts/src';
import { FeatureWindow } from '../../../../models/src/fleet/feature-window';
import { FleetModels, type Assessment } from '../../../../models/src/fleet/fleet-models';
import { FleetTypeModel } from '../../../../models/src/fleet/fleet-type-model';
import { initTf } from '../../../../models/src/tf/tf-backend';
import { FLEET_ARTIFACTS_DIR } from '../../../../models/src/model-paths';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { AlarmsService } from '../alarms/alarms.service';
import { committedVersionEntries } from '../model-registry/committed-models';
import { ModelRegistryRepository } from '../model-registry/model-registry.repository';
import {
  estimateFailure,
  readValidationTtfErrorHours,
  RECENT_ESTIMATES,
} from '../prediction-outcomes/prediction-estimate';

const ASSESS_EVERY_MS = 1_000;
const MAX_BATCH = 2_000;
/** Windows in a row below the rule before a prediction alarm clears. */
const CLEAR_AFTER_WINDOWS = 12;
/** How often the registry is checked for an active version changed elsewhere (the rollback CLI). */
const REGISTRY_POLL_MS = 10_000;

/** A candidate assessing live windows beside the active version: its would-be alarms are counted, never raised. */
interface ShadowRun {
  version: number;
  models: FleetModels;
  tracks: Map<string, { above: number; mode: string | null }>;
  windows: number;
  wouldBeAlarms: number;
}

interface DeviceTrack {
  type: ApplianceType;
  above: number;
  below: number;
  mode: string | null;
  /** Expected failure times (epoch ms) of the latest estimates since the prediction began, oldest first. */
  recentExpectedAt: number[];
}

/**
 * Runs the learned fleet models (a normal-behaviour autoencoder and a fault model per appliance
 * type, trained on the simulator with its injected faults) on every device's recent readings,
 * in batches. A window past the type's decision rule `debounce` times in a row raises a major
 * `prediction:<fault mode>` alarm with the probability, the expected time to failure, the
 * confidence and the metrics that explain it; the incident and proactive ticket follow.
 */
@Injectable()
export class FaultPredictionService implements OnModuleInit, OnApplicationShutdown {
  private models?: FleetModels;
  private window?: FeatureWindow;
  /** Devices whose window moved on, with the type and the time of the reading that moved it. */
  private readonly pending = new Map<string, { type: ApplianceType; tsMs: number }>();
  private readonly tracks = new Map<string, DeviceTrack>();
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private windowsAssessed = 0;
  /** Per type, the fault model's validation time-to-failure error in model hours (null: unknown). */
  private readonly ttfErrorHours = new Map<ApplianceType, number | null>();
  /** The registry version of each type's active models, for every alarm's `modelVersion`. */
  private readonly versions = new Map<ApplianceType, number>();
  /** Where each type's active version lives (its metadata holds its validation error). */
  private readonly activeDirs = new Map<ApplianceType, string>();
  private readonly shadows = new Map<ApplianceType, ShadowRun>();
  private readonly registry: ModelRegistryRepository;
  private pollTimer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();
  private firstLoad?: Promise<boolean>;

  constructor(
    private readonly alarms: AlarmsService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SQL_CLIENT) db: SqlClient,
  ) {
    this.registry = new ModelRegistryRepository(db);
  }

  async onModuleInit(): Promise<void> {
    try {
      // The committed models are version 1 of each type; afterwards the registry says which is active.
      await this.registry.registerCommitted(committedVersionEntries(this.committedDir), Date.now());
    } catch (error) {
      // The platform still ingests, thresholds and the online detector still alarm.
      this.logger.warn({ err: error }, 'fleet models not loaded: fault prediction is off');
      return;
    }
    this.window = new FeatureWindow({ maxDevices: this.config.detectorMaxDevices });
    this.unsubscribe = this.events.on('telemetry.accepted', (reading) => this.onReading(reading));
    this.timer = setInterval(() => this.assessPending(), ASSESS_EVERY_MS);
    this.timer.unref();
    this.pollTimer = setInterval(() => void this.reloadIfChanged(), REGISTRY_POLL_MS);
    this.pollTimer.unref();
  }

  /**
   * Loads TensorFlow.js and the active version of every type, once: on the first reading (the
   * windows it and the next readings fill wait for it), or when something needs them first.
   * TensorFlow.js and the models cost ~35 MB that a platform with no device has no use for.
   * Resolves to whether the models are loaded; when they cannot be, fault prediction stays off.
   */
  modelsReady(): Promise<boolean> {
    if (!this.firstLoad) {
      const load = this.reloading.then(() => this.loadActive());
      this.reloading = load.catch(() => undefined);
      this.firstLoad = load.then(
        () => {
          this.logger.info(
            {
              types: this.models?.types,
              versions: Object.fromEntries(this.versions),
              timeScale: this.config.modelTimeScale,
            },
            'fleet models loaded',
          );
          return true;
        },
        (error: unknown) => {
          // The platform still ingests, thresholds and the online detector still alarm.
          this.logger.warn({ err: error }, 'fleet models not loaded: fault prediction is off');
          this.unsubscribe?.();
          this.unsubscribe = undefined;
          clearInterval(this.timer);
          clearInterval(this.pollTimer);
          this.pending.clear();
          return false;
        },
      );
    }
    return this.firstLoad;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearInterval(this.pollTimer);
    this.unsubscribe?.();
    this.models?.dispose();
    for (const type of [...this.shadows.keys()]) this.stopShadow(type);
  }

  private get committedDir(): string {
    return this.config.modelsDir ?? FLEET_ARTIFACTS_DIR;
  }

  /** Where a version's artifacts live: the committed models for version 1, else its own directory. */
  versionDir(type: ApplianceType, artifactDir: string | null): string {
    return artifactDir ?? path.join(this.committedDir, type);
  }

  /** The active version of each type with models loaded. */
  get activeVersions(): ReadonlyMap<ApplianceType, number> {
    return this.versions;
  }

  /**
   * Loads the registry's active version of every type and swaps it in between two batches (the
   * previous models are freed); a type whose version is unchanged keeps its loaded models.
   */
  reloadModels(): Promise<void> {
    this.reloading = this.reloading
      .then(() => this.loadActive())
      .catch((error: unknown) => {
        this.logger.error({ err: error }, 'fleet models not reloaded: the previous versions stay active');
      });
    return this.reloading;
  }

  private async reloadIfChanged(): Promise<void> {
    // Before the first load there is nothing to swap: that load reads the registry itself.
    if (!this.models) return;
    try {
      const active = await this.registry.active();
      if (active.some((v) => this.versions.get(v.type) !== v.version)) await this.reloadModels();
    } catch (error) {
      this.logger.warn({ err: error }, 'model registry not read');
    }
  }

  private async loadActive(): Promise<void> {
    const { tf } = await initTf();
    const active = await this.registry.active();
    const loaded = new Map<ApplianceType, FleetTypeModel>();
    const fresh: FleetTypeModel[] = [];
    try {
      for (const v of active) {
        const current = this.versions.get(v.type) === v.version ? this.models?.model(v.type) : undefined;
        if (current) {
          loaded.set(v.type, current);
          continue;
        }
        try {
          const model = await FleetTypeModel.load(tf, this.versionDir(v.type, v.artifactDir));
          fresh.push(model);
          loaded.set(v.type, model);
        } catch (error) {
          // That type goes without learned predictions; the others still load.
          this.logger.error(
            { err: error, type: v.type, version: v.version },
            'fleet model version not loaded',
          );
        }
      }
    } catch (error) {
      for (const model of fresh) model.dispose();
      throw error;
    }
    if (loaded.size === 0) throw new Error(`no active fleet models (registry, ${this.committedDir})`);
    const previous = this.models;
    this.models = new FleetModels(loaded);
    const kept = new Set(loaded.values());
    for (const type of previous?.types ?? []) {
      const model = previous?.model(type);
      if (model && !kept.has(model)) model.dispose();
    }
    this.versions.clear();
    this.activeDirs.clear();
    for (const v of active)
      if (loaded.has(v.type)) {
        this.versions.set(v.type, v.version);
        this.activeDirs.set(v.type, this.versionDir(v.type, v.artifactDir));
      }
    this.ttfErrorHours.clear();
  }

  /** Runs a candidate version in shadow beside the active one of its type, replacing any earlier shadow. */
  async startShadow(type: ApplianceType, version: number, artifactDir: string): Promise<void> {
    const { tf } = await initTf();
    const model = await FleetTypeModel.load(tf, artifactDir);
    this.stopShadow(type);
    this.shadows.set(type, {
      version,
      models: new FleetModels(new Map([[type, model]])),
      tracks: new Map(),
      windows: 0,
      wouldBeAlarms: 0,
    });
  }

  /** Ends the type's shadow run: the windows it assessed and the alarms it would have raised. */
  stopShadow(type: ApplianceType): { windows: number; wouldBeAlarms: number } | undefined {
    const run = this.shadows.get(type);
    if (!run) return undefined;
    this.shadows.delete(type);
    run.models.dispose();
    return { windows: run.windows, wouldBeAlarms: run.wouldBeAlarms };
  }

  /** The shadow models assess the same windows; a would-be alarm is recorded, never raised. */
  private assessInShadow(
    batch: ReadonlyArray<{
      deviceId: string;
      type: ApplianceType;
      window: ReturnType<FeatureWindow['window']>;
    }>,
  ): void {
    for (const [type, run] of this.shadows) {
      const requests = batch.filter((r) => r.type === type);
      if (requests.length === 0) continue;
      let assessments: Assessment[];
      try {
        assessments = run.models.assess(requests);
      } catch (error) {
        this.logger.error({ err: error, type, version: run.version }, 'shadow assessment failed');
        continue;
      }
      const rule = run.models.decisionRule(type);
      if (!rule) continue;
      run.windows += assessments.length;
      for (const a of assessments) {
        let track = run.tracks.get(a.deviceId);
        if (!track) run.tracks.set(a.deviceId, (track = { above: 0, mode: null }));
        if (!a.aboveThreshold || !a.faultMode) {
          track.above = 0;
          continue;
        }
        track.above += 1;
        if (track.above < rule.debounce || track.mode === a.faultMode) continue;
        track.mode = a.faultMode;
        run.wouldBeAlarms += 1;
        void this.registry
          .insertShadowAlarm({
            type,
            version: run.version,
            deviceId: a.deviceId,
            faultMode: a.faultMode,
            probability: round(a.faultProbability),
            at: Date.now(),
          })
          .catch((error: unknown) => this.logger.warn({ err: error }, 'shadow alarm not recorded'));
      }
    }
  }

  get enabled(): boolean {
    return this.models !== undefined;
  }

  get assessed(): number {
    return this.windowsAssessed;
  }

  private onReading(reading: DomainEventMap['telemetry.accepted']): void {
    if (!this.firstLoad) void this.modelsReady();
    // The models learned in the appliance's own time; a simulated fleet running faster than
    // real time is seen at its own pace.
    const modelTs = reading.tsMs * this.config.modelTimeScale;
    if (!this.window?.push(reading.deviceId, modelTs, reading.metrics)) return;
    if (!this.window.isFull(reading.deviceId)) return;
    this.pending.set(reading.deviceId, { type: reading.type as ApplianceType, tsMs: reading.tsMs });
    if (this.pending.size >= MAX_BATCH) this.assessPending();
  }

  /** Assesses every device whose window moved on since the last call, in one batch per type. */
  assessPending(): void {
    const models = this.models;
    const window = this.window;
    if (!models || !window || this.pending.size === 0) return;
    const pending = new Map(this.pending);
    const batch = [...pending].map(([deviceId, { type }]) => ({
      deviceId,
      type,
      window: window.window(deviceId),
    }));
    this.pending.clear();
    if (this.shadows.size > 0) this.assessInShadow(batch);
    let assessments: Assessment[];
    try {
      assessments = models.assess(batch);
    } catch (error) {
      this.logger.error({ err: error }, 'fleet model assessment failed');
      return;
    }
    this.windowsAssessed += assessments.length;
    for (const assessment of assessments) {
      const tsMs = pending.get(assessment.deviceId)?.tsMs;
      if (tsMs === undefined) continue;
      this.decide(models, assessment, tsMs);
      this.events.emit('fleet.assessed', {
        ...assessment,
        tsMs,
        modelVersion: this.versions.get(assessment.type) ?? null,
      });
    }
  }

  /**
   * Applies the decision rule to one assessment of a reading at `readingTsMs`, as a batch does;
   * tests drive the alarm with chosen assessments through it. False when no models are loaded.
   */
  decideOn(assessment: Assessment, readingTsMs: number): boolean {
    if (!this.models) return false;
    this.decide(this.models, assessment, readingTsMs);
    return true;
  }

  private decide(models: FleetModels, a: Assessment, readingTsMs: number): void {
    const rule = models.decisionRule(a.type);
    if (!rule) return;
    let track = this.tracks.get(a.deviceId);
    if (!track)
      this.tracks.set(
        a.deviceId,
        (track = { type: a.type, above: 0, below: 0, mode: null, recentExpectedAt: [] }),
      );
    if (!a.aboveThreshold || !a.faultMode) {
      track.above = 0;
      track.below += 1;
      if (track.mode && track.below >= CLEAR_AFTER_WINDOWS) {
        this.alarms.resolve(
          a.deviceId,
          { kind: 'prediction', faultMode: track.mode },
          { faultProbability: a.faultProbability },
        );
        track.mode = null;
        track.recentExpectedAt = [];
      }
      // An active prediction's estimate moves with every assessment, not only the confirming ones.
      if (track.mode) this.refreshPrediction(track, track.mode, a, readingTsMs);
      return;
    }
    track.below = 0;
    track.above += 1;
    if (track.above < rule.debounce) {
      if (track.mode) this.refreshPrediction(track, track.mode, a, readingTsMs);
      return;
    }
    track.mode = a.faultMode;
    const fault = APPLIANCE_PROFILES[a.type].faultModes.find((f) => f.mode === a.faultMode);
    const estimate = this.estimate(track, a, readingTsMs);
    const probability = round(a.faultProbability);
    this.alarms.raise(a.deviceId, { kind: 'prediction', faultMode: a.faultMode }, 'major', {
      message: predictionMessage(fault?.description ?? a.faultMode, probability, estimate),
      replaceMessage: true,
      details: {
        faultMode: a.faultMode,
        probability,
        ...estimate,
        confidence: round(a.confidence),
        anomalyScore: round(a.anomalyScore),
        part: fault?.part ?? null,
        explanation: a.topMetrics.map((m) => ({
          metric: m.metric,
          value: round(m.value),
          expectedLow: round(m.expectedLow),
          expectedHigh: round(m.expectedHigh),
        })),
        model: `fleet-${a.type}`,
        modelVersion: this.versions.get(a.type) ?? null,
      },
    });
  }

  /**
   * The failure estimate of an assessment, in real time: the model's hours (after the model time
   * scale) from the assessed reading, with the median and interval of `estimateFailure`.
   */
  private estimate(track: DeviceTrack, a: Assessment, readingTsMs: number): PredictionEstimate {
    const scale = this.config.modelTimeScale;
    const hoursToFailure = a.hoursToFailure / scale;
    const errorHours = this.validationTtfErrorHours(a.type);
    const estimate = estimateFailure({
      readingTsMs,
      hoursToFailure,
      errorHours: errorHours === null ? null : errorHours / scale,
      recentExpectedAt: track.recentExpectedAt,
    });
    track.recentExpectedAt.push(readingTsMs + Math.max(0, hoursToFailure) * 3_600_000);
    if (track.recentExpectedAt.length > RECENT_ESTIMATES) track.recentExpectedAt.shift();
    return estimate;
  }

  /**
   * Updates the open prediction alarm of `mode` with this assessment, without counting a
   * detection. Only a window that names the mode moves the estimate: on the others (an idle
   * washer's window, a healthy-looking one) the time-to-failure head says nothing about this
   * fault (about 168 h), so they update the probability alone.
   */
  private refreshPrediction(track: DeviceTrack, mode: string, a: Assessment, readingTsMs: number): void {
    const probability = round(a.faultProbability);
    const named = a.faultMode === mode;
    const estimate = named ? this.estimate(track, a, readingTsMs) : undefined;
    const fault = APPLIANCE_PROFILES[a.type].faultModes.find((f) => f.mode === mode);
    this.alarms.refresh(
      a.deviceId,
      { kind: 'prediction', faultMode: mode },
      {
        message: estimate ? predictionMessage(fault?.description ?? mode, probability, estimate) : undefined,
        details: {
          probability,
          ...estimate,
          // the confidence is of the named mode: only an assessment naming it says it
          ...(named ? { confidence: round(a.confidence) } : {}),
          anomalyScore: round(a.anomalyScore),
        },
      },
    );
  }

  private validationTtfErrorHours(type: ApplianceType): number | null {
    if (!this.ttfErrorHours.has(type)) {
      // the active version's validation error: a promoted candidate has its own
      const dir = path.join(this.activeDirs.get(type) ?? path.join(this.committedDir, type), 'fault');
      this.ttfErrorHours.set(type, readValidationTtfErrorHours(dir));
    }
    return this.ttfErrorHours.get(type) ?? null;
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The alarm's message (logs, e-mail, the ticket's description): absolute UTC times, which stay
 * true as time passes; pages word the estimate from the details against their own now.
 */
function predictionMessage(description: string, probability: number, e: PredictionEstimate): string {
  return `Predicted ${description.toLowerCase()}: ${Math.round(probability * 100)} % likely, failure expected around ${utc(e.expectedFailureAt)} (between ${utc(e.expectedFailureEarliestAt)} and ${utc(e.expectedFailureLatestAt)}), as assessed at ${utc(e.assessedAt)}`;
}

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
