import { Inject, Injectable } from '@nestjs/common';
import { APPLIANCE_PROFILES } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { telemetryError } from './telemetry.errors';
import type { Principal } from '../auth/auth.service';
import { DeviceErrors } from '../devices/devices.errors';
import { DevicesService } from '../devices/devices.service';
import { TELEMETRY_STORE, type SeriesPoint, type TelemetryStore } from './telemetry-store';

const DEFAULT_RANGE_MS = 3_600_000;
const MAX_POINTS = 10_000;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!match)
    throw telemetryError('telemetry.bad_every', 'every: a duration like 30s, 1m, 1h', {
      field: 'every',
    });
  return Number(match[1]) * UNIT_MS[match[2]];
}

/** `from`/`to` accept ISO-8601 or epoch milliseconds. */
export function parseInstant(text: string, field: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw telemetryError('telemetry.bad_time', `${field}: ISO-8601 or epoch milliseconds`, {
      field,
    });
  }
  return ms;
}

@Injectable()
export class TelemetryService {
  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    private readonly devices: DevicesService,
    private readonly clock: Clock,
  ) {}

  async series(
    principal: Principal,
    deviceId: string,
    query: { metric: string; from?: string; to?: string; every?: string },
  ): Promise<SeriesPoint[]> {
    const device = this.devices.requireVisible(deviceId, principal);
    if (!APPLIANCE_PROFILES[device.type].metrics.some((m) => m.name === query.metric)) {
      throw DeviceErrors.unknownMetric(device.type, query.metric);
    }
    const toMs = query.to ? parseInstant(query.to, 'to') : this.clock.now();
    const fromMs = query.from ? parseInstant(query.from, 'from') : toMs - DEFAULT_RANGE_MS;
    if (fromMs > toMs)
      throw telemetryError('telemetry.bad_range', 'from: must not be after to', { field: 'from' });
    const everyMs = query.every ? parseDurationMs(query.every) : undefined;
    if (everyMs !== undefined && (everyMs <= 0 || (toMs - fromMs) / everyMs > MAX_POINTS)) {
      throw telemetryError('telemetry.too_many_buckets', `every: gives more than ${MAX_POINTS} buckets`, {
        field: 'every',
      });
    }
    return this.store.query({ deviceId, metric: query.metric, fromMs, toMs, everyMs, limit: MAX_POINTS });
  }
}
