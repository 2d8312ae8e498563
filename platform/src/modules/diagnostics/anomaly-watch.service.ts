import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APPLIANCE_PROFILES, type ApplianceType, type MetricProfile } from '../../../../contracts/src';
import { DetectorPool } from '../../../../models/src/detector/detector-pool';
import type { DetectorOutput } from '../../../../models/src/detector/online-detector';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { AlarmsService } from '../alarms/alarms.service';

export const ANOMALY_CAUSE = 'anomaly';
const TOP_METRICS = 3;
/**
 * Score a detection needs to raise an alarm: stricter than the detector's own decision (0.5,
 * a 1e-5 tail, tuned for NAB), because appliance programs (a washer's hot wash, a water
 * heater's reheat) trip that one on healthy units several times a day. At 0.7 (≈ 1e-7) healthy
 * simulated fleets see about 0–1.5 warnings per device-day (docs/models.md).
 */
const ALARM_SCORE = 0.7;
/** Quiet time (no detection) after which the alarm clears. */
const ANOMALY_CLEAR_AFTER_MS = 2 * 3_600_000;

/**
 * Runs the online detector (the same one `npm run detect` runs) on every device's live
 * readings. A strong detection raises one `anomaly` warning per device, explained by the
 * metrics that drove it; further detections update it, and it clears after two quiet hours.
 */
@Injectable()
export class AnomalyWatchService implements OnModuleInit, OnApplicationShutdown {
  private pool!: DetectorPool;
  private readonly lastDetectionTs = new Map<string, number>();
  private readonly metricProfiles = new Map<string, MetricProfile>();
  private unsubscribe?: () => void;
  private readingsScored = 0;

  constructor(
    private readonly alarms: AlarmsService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    for (const profile of Object.values(APPLIANCE_PROFILES)) {
      for (const metric of profile.metrics) this.metricProfiles.set(`${profile.type}|${metric.name}`, metric);
    }
    this.pool = new DetectorPool({ maxDevices: this.config.detectorMaxDevices });
    this.unsubscribe = this.events.on('telemetry.accepted', (reading) => this.onReading(reading));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
  }

  get scored(): number {
    return this.readingsScored;
  }

  private onReading(reading: DomainEventMap['telemetry.accepted']): void {
    const output = this.pool.update(reading.deviceId, reading.tsMs, reading.metrics);
    this.readingsScored += 1;
    if (output.isAnomaly && output.score >= ALARM_SCORE) {
      this.lastDetectionTs.set(reading.deviceId, reading.tsMs);
      this.raise(reading, output);
      return;
    }
    const last = this.lastDetectionTs.get(reading.deviceId);
    if (last !== undefined && reading.tsMs - last >= ANOMALY_CLEAR_AFTER_MS) {
      this.lastDetectionTs.delete(reading.deviceId);
      this.alarms.resolve(reading.deviceId, ANOMALY_CAUSE, { score: output.score, ts: reading.tsMs });
    }
  }

  private raise(reading: DomainEventMap['telemetry.accepted'], output: DetectorOutput): void {
    const explanation = output.contributions.slice(0, TOP_METRICS).map((c) => {
      const profile = this.metricProfiles.get(`${reading.type as ApplianceType}|${c.metric}`);
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
    this.alarms.raise(reading.deviceId, ANOMALY_CAUSE, 'warning', {
      message: `Unusual readings: ${described || 'several metrics together'}`,
      details: {
        score: round(output.score),
        threshold: ALARM_SCORE,
        confidence: round(output.score),
        explanation,
        ts: reading.tsMs,
        model: 'online-detector',
      },
    });
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
