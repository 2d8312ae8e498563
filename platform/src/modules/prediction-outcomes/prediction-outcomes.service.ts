import { Injectable } from '@nestjs/common';
import {
  applianceTypeSchema,
  parseAlarmCause,
  predictionEstimateOf,
  type ApplianceType,
  type PredictionOutcomesAnswer,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { DevicesService } from '../devices/devices.service';
import { countOutcomes, type PredictionRecord } from './prediction-outcome';
import { PredictionOutcomesRepository, type PredictionAlarmRow } from './prediction-outcomes.repository';

const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;
/** A repair this long after the latest bound still counts: a booked visit takes a day or so. */
export const OUTCOME_GRACE_HOURS = 24;
/** The models' cap on the time to failure: an alarm with no estimate at all has this horizon. */
const TTF_CAP_HOURS = 168;

/**
 * Which predictions came true: computed on request from the prediction alarms (their latest
 * estimate) and the resolved tickets of the same devices; nothing is stored.
 */
@Injectable()
export class PredictionOutcomesService {
  constructor(
    private readonly repository: PredictionOutcomesRepository,
    private readonly devices: DevicesService,
    private readonly clock: Clock,
  ) {}

  async outcomes(query: {
    type?: ApplianceType;
    fromMs?: number;
    toMs?: number;
  }): Promise<PredictionOutcomesAnswer> {
    const now = this.clock.now();
    const to = query.toMs ?? now + 1;
    const from = query.fromMs ?? to - YEAR_MS;
    const predictions = (await this.repository.predictionAlarms(from, to))
      .map((row) => this.predictionOf(row))
      .filter((p): p is PredictionRecord => p !== null && (!query.type || p.type === query.type));
    const earliest = Math.min(...predictions.map((p) => p.raisedAt));
    const repairs = await this.repository.repairs([...new Set(predictions.map((p) => p.deviceId))], earliest);
    return {
      from,
      to,
      graceHours: OUTCOME_GRACE_HOURS,
      rows: countOutcomes(predictions, repairs, now, OUTCOME_GRACE_HOURS * HOUR_MS),
    };
  }

  private predictionOf(row: PredictionAlarmRow): PredictionRecord | null {
    const cause = parseAlarmCause(row.cause);
    if (cause?.kind !== 'prediction') return null;
    const model = typeof row.details.model === 'string' ? row.details.model : null;
    const type =
      this.devices.find(row.deviceId)?.type ??
      applianceTypeSchema.safeParse(model?.replace(/^fleet-/, '')).data;
    if (!type) return null;
    const estimate = predictionEstimateOf(row.details);
    const hours = typeof row.details.hoursToFailure === 'number' ? row.details.hoursToFailure : TTF_CAP_HOURS;
    return {
      deviceId: row.deviceId,
      type,
      faultMode: cause.faultMode,
      raisedAt: row.raisedAt,
      // alarms from before estimates were kept: the hours they were raised with
      latestAt: estimate?.expectedFailureLatestAt ?? row.raisedAt + hours * HOUR_MS,
      model: model ?? `fleet-${type}`,
      modelVersion: typeof row.details.modelVersion === 'number' ? row.details.modelVersion : null,
    };
  }
}
