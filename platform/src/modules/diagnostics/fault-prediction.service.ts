import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APPLIANCE_PROFILES, type ApplianceType } from '../../../../contracts/src';
import { FeatureWindow } from '../../../../models/src/fleet/feature-window';
import { FleetModels, type Assessment } from '../../../../models/src/fleet/fleet-models';
import { FLEET_ARTIFACTS_DIR } from '../../../../models/src/model-paths';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AlarmsService } from '../alarms/alarms.service';

const ASSESS_EVERY_MS = 1_000;
const MAX_BATCH = 2_000;
/** Windows in a row below the rule before a prediction alarm clears. */
const CLEAR_AFTER_WINDOWS = 12;

interface DeviceTrack {
  type: ApplianceType;
  above: number;
  below: number;
  mode: string | null;
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

  constructor(
    private readonly alarms: AlarmsService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      this.models = await FleetModels.load(this.config.modelsDir ?? FLEET_ARTIFACTS_DIR);
    } catch (error) {
      // The platform still ingests, thresholds and the online detector still alarm.
      this.logger.warn({ err: error }, 'fleet models not loaded: fault prediction is off');
      return;
    }
    this.window = new FeatureWindow({ maxDevices: this.config.detectorMaxDevices });
    this.unsubscribe = this.events.on('telemetry.accepted', (reading) => this.onReading(reading));
    this.timer = setInterval(() => this.assessPending(), ASSESS_EVERY_MS);
    this.timer.unref();
    this.logger.info(
      { types: this.models.types, timeScale: this.config.modelTimeScale },
      'fleet models loaded',
    );
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.unsubscribe?.();
    this.models?.dispose();
  }

  get enabled(): boolean {
    return this.models !== undefined;
  }

  get assessed(): number {
    return this.windowsAssessed;
  }

  private onReading(reading: DomainEventMap['telemetry.accepted']): void {
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
    let assessments: Assessment[];
    try {
      assessments = models.assess(batch);
    } catch (error) {
      this.logger.error({ err: error }, 'fleet model assessment failed');
      return;
    }
    this.windowsAssessed += assessments.length;
    for (const assessment of assessments) {
      this.decide(models, assessment);
      const tsMs = pending.get(assessment.deviceId)?.tsMs;
      if (tsMs !== undefined) this.events.emit('fleet.assessed', { ...assessment, tsMs });
    }
  }

  private decide(models: FleetModels, a: Assessment): void {
    const rule = models.decisionRule(a.type);
    if (!rule) return;
    let track = this.tracks.get(a.deviceId);
    if (!track) this.tracks.set(a.deviceId, (track = { type: a.type, above: 0, below: 0, mode: null }));
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
      }
      return;
    }
    track.below = 0;
    track.above += 1;
    if (track.above < rule.debounce) return;
    track.mode = a.faultMode;
    const fault = APPLIANCE_PROFILES[a.type].faultModes.find((f) => f.mode === a.faultMode);
    const hoursToFailure = a.hoursToFailure / this.config.modelTimeScale;
    const probability = round(a.faultProbability);
    this.alarms.raise(a.deviceId, { kind: 'prediction', faultMode: a.faultMode }, 'major', {
      message: `Predicted ${fault?.description.toLowerCase() ?? a.faultMode}: ${Math.round(probability * 100)} % likely, failure expected in about ${formatHours(hoursToFailure)}`,
      details: {
        faultMode: a.faultMode,
        probability,
        hoursToFailure: round(hoursToFailure),
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
      },
    });
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} h`;
}
