import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  formatAlarmCause,
  parseAlarmCause,
  type AlarmCause,
  type Alarm,
  type AlarmDetail,
  type AlarmHistoryEntry,
  type AlarmState,
  type ApplianceType,
  type MetricProfile,
  type Severity,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { SerialQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { AlarmErrors } from './alarms.errors';
import { AlarmsRepository } from './alarms.repository';
import {
  adoptThreshold,
  levelOf,
  observeThreshold,
  resetThreshold,
  severityOfLevel,
  THRESHOLD_STATE_SLOTS,
} from './threshold-rules';

const NO_DATA_SWEEP_MS = 5_000;
const NO_DATA: AlarmCause = { kind: 'no_data' };
const NO_DATA_CAUSE = formatAlarmCause(NO_DATA);
/** Slack on top of the expected silence, for jitter and a reconnect. */
const NO_DATA_GRACE_MS = 30_000;

const SEVERITY_RANK: Record<Severity, number> = { warning: 0, minor: 1, major: 2, critical: 3 };

/**
 * The metrics of one appliance type under threshold watch, in its profile's order, shared by its
 * devices: their causes made once, and where a metric's debounce is in a device's state.
 */
interface TypeWatch {
  metrics: readonly MetricProfile[];
  causes: readonly AlarmCause[];
  slotOf: ReadonlyMap<string, number>;
}

/** The watches of a type without a profile: none. */
const NO_METRICS: TypeWatch = { metrics: [], causes: [], slotOf: new Map() };

/**
 * One device's threshold watches: its type's metrics, each one's debounce in
 * THRESHOLD_STATE_SLOTS numbers of `state` (a metric not seen yet is as a new one: all 0), so a
 * reading allocates nothing and a device keeps one small array instead of an object a metric.
 */
class DeviceWatches {
  constructor(
    readonly type: TypeWatch,
    readonly state: number[],
  ) {}
}

/**
 * Alarms from profile thresholds and device error codes, at most one open alarm per device
 * and cause. A repeated condition updates the open alarm (count, severity) instead of raising
 * another one.
 */
@Injectable()
export class AlarmsService implements OnModuleInit, OnApplicationShutdown {
  private readonly openAlarms = new Map<string, Alarm>();
  /** deviceId → its threshold watches. */
  private readonly watches = new Map<string, DeviceWatches>();
  /** Devices with an open `no_data` alarm, which their next reading clears. */
  private readonly silentDevices = new Set<string>();
  /** Appliance type → its metrics under threshold watch. */
  private readonly typeWatches = new Map<string, TypeWatch>();
  /** Alarm changes are stored one at a time, in the order they happened. */
  private readonly writes = new SerialQueue();
  private readonly unsubscribe: Array<() => void> = [];
  private noDataTimer?: NodeJS.Timeout;
  /** Scale-out: devices whose open alarms are being read back from the database (adoptDevice). */
  private readonly adopting = new Set<string>();

  constructor(
    private readonly repository: AlarmsRepository,
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const profile of Object.values(APPLIANCE_PROFILES)) {
      this.typeWatches.set(profile.type, {
        metrics: profile.metrics,
        causes: profile.metrics.map((metric) => ({ kind: 'threshold', metric: metric.name })),
        slotOf: new Map(profile.metrics.map((metric, i) => [metric.name, i * THRESHOLD_STATE_SLOTS])),
      });
    }
    for (const alarm of await this.repository.open()) {
      this.openAlarms.set(key(alarm.deviceId, alarm.cause), alarm);
      if (alarm.cause === NO_DATA_CAUSE) this.silentDevices.add(alarm.deviceId);
    }
    this.devices.countOpenAlarmsWith(() => this.openCountByDevice());
    this.unsubscribe.push(
      this.events.on('telemetry.accepted', (reading) => this.onReading(reading)),
      this.events.on('device.event', (event) => this.onDeviceEvent(event)),
      this.events.on('device.status', (status) => {
        if (status.online) this.adoptDevice(status.deviceId);
      }),
    );
    this.noDataTimer = setInterval(() => this.sweepNoData(), NO_DATA_SWEEP_MS);
    this.noDataTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.noDataTimer);
    for (const off of this.unsubscribe) off();
    await this.writes.settled();
  }

  /** Resolves once every alarm change so far is stored. */
  settled(): Promise<void> {
    return this.writes.settled();
  }

  /**
   * Raises a "no data" alarm for every device that has reported before and has been silent
   * longer than its expected reporting interval allows; its next reading clears it.
   */
  sweepNoData(): void {
    const now = this.clock.now();
    for (const device of this.devices.all()) {
      if (device.lastSeen === null || this.openAlarms.has(key(device.id, NO_DATA_CAUSE))) continue;
      const intervalMs = APPLIANCE_PROFILES[device.type].reportIntervalMs;
      const allowedMs = intervalMs * this.config.noDataAfterIntervals + NO_DATA_GRACE_MS;
      const silentMs = now - device.lastSeen;
      if (silentMs <= allowedMs) continue;
      this.raise(device.id, NO_DATA, 'minor', {
        message: `No data for ${Math.round(silentMs / 60_000)} min (expected a report every ${intervalMs / 1000} s)`,
        details: { lastSeen: device.lastSeen, expectedIntervalMs: intervalMs, online: device.online },
      });
    }
  }

  /** Open (active or acknowledged) alarms per device, for the fleet view's counts and filter. */
  openCountByDevice(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const alarm of this.openAlarms.values())
      counts.set(alarm.deviceId, (counts.get(alarm.deviceId) ?? 0) + 1);
    return counts;
  }

  hasOpen(deviceId: string, cause: AlarmCause): boolean {
    return this.openAlarms.has(key(deviceId, formatAlarmCause(cause)));
  }

  private onReading(reading: DomainEventMap['telemetry.accepted']): void {
    if (this.silentDevices.has(reading.deviceId)) {
      this.resolve(reading.deviceId, NO_DATA, { resumedAt: reading.tsMs });
    }
    let deviceWatches = this.watches.get(reading.deviceId);
    if (!deviceWatches) {
      deviceWatches = this.watchesFor(reading.deviceId, reading.type);
      // The first reading this instance sees from the device: it may come from another instance.
      this.adoptDevice(reading.deviceId);
    }
    const { type, state } = deviceWatches;
    for (const name in reading.metrics) {
      const at = type.slotOf.get(name);
      if (at === undefined) continue;
      const value = reading.metrics[name];
      const metric = type.metrics[at / THRESHOLD_STATE_SLOTS];
      const cause = type.causes[at / THRESHOLD_STATE_SLOTS];
      const decision = observeThreshold(
        state,
        at,
        levelOf(metric, value),
        reading.tsMs,
        this.config.alarmClearHoldMs,
      );
      switch (decision.action) {
        case 'none':
          break;
        case 'raise': {
          const bound = decision.level === 'failing' ? metric.critical : metric.normal;
          this.raise(reading.deviceId, cause, severityOfLevel(decision.level), {
            message: `${metric.description} ${value} ${metric.unit} is outside the ${decision.level === 'failing' ? 'critical' : 'normal'} range (${formatBand(bound)} ${metric.unit})`,
            details: {
              metric: name,
              value,
              unit: metric.unit,
              normal: metric.normal,
              critical: metric.critical,
              ts: reading.tsMs,
            },
          });
          break;
        }
        case 'clear':
          this.resolve(reading.deviceId, cause, { metric: name, value, ts: reading.tsMs });
          break;
      }
    }
  }

  /** The device's watches, made for its type (a type without a profile watches nothing). */
  private watchesFor(deviceId: string, type: string): DeviceWatches {
    const typeWatch = this.typeWatches.get(type) ?? NO_METRICS;
    const watches = new DeviceWatches(
      typeWatch,
      new Array<number>(typeWatch.metrics.length * THRESHOLD_STATE_SLOTS).fill(0),
    );
    this.watches.set(deviceId, watches);
    return watches;
  }

  /**
   * Scale-out (REDIS_URL): a device that reconnects to this instance may have had alarms raised or
   * cleared by another one while it was connected there. Its open alarms are read back from the
   * shared database, and its threshold watches take up their state: a threshold alarm raised on
   * the other instance clears here once the readings are normal for the hold time, and one cleared
   * there can be raised again here. One instance alone keeps them in memory and needs none of it.
   */
  adoptDevice(deviceId: string): void {
    if (!this.config.redisUrl || this.adopting.has(deviceId)) return;
    this.adopting.add(deviceId);
    void (async () => {
      try {
        // this instance's own changes first, so the rows read are not older than its memory
        await this.writes.settled();
        const open = await this.repository.openForDevice(deviceId);
        const type = this.devices.find(deviceId)?.type;
        for (const [alarmKey, alarm] of this.openAlarms)
          if (alarm.deviceId === deviceId && !open.some((o) => o.cause === alarm.cause)) {
            this.openAlarms.delete(alarmKey);
            if (alarm.cause === NO_DATA_CAUSE) this.silentDevices.delete(deviceId);
          }
        // a device not found (deleted meanwhile) gets its watches with its next reading
        const deviceWatches =
          this.watches.get(deviceId) ?? (type === undefined ? undefined : this.watchesFor(deviceId, type));
        const raisedSlots = new Set<number>();
        for (const alarm of open) {
          this.openAlarms.set(key(deviceId, alarm.cause), alarm);
          if (alarm.cause === NO_DATA_CAUSE) this.silentDevices.add(deviceId);
          const cause = parseAlarmCause(alarm.cause);
          if (cause?.kind !== 'threshold' || !deviceWatches) continue;
          const at = deviceWatches.type.slotOf.get(cause.metric);
          if (at === undefined) continue;
          adoptThreshold(deviceWatches.state, at, alarm.severity === 'major' ? 'failing' : 'degraded');
          raisedSlots.add(at);
        }
        if (deviceWatches) {
          for (let at = 0; at < deviceWatches.state.length; at += THRESHOLD_STATE_SLOTS)
            if (!raisedSlots.has(at)) resetThreshold(deviceWatches.state, at);
        }
      } catch (error) {
        this.logger.warn({ err: error, deviceId }, 'reading back the open alarms of a device failed');
      } finally {
        this.adopting.delete(deviceId);
      }
    })();
  }

  private onDeviceEvent(event: DomainEventMap['device.event']): void {
    const profile = APPLIANCE_PROFILES[event.type as ApplianceType];
    const code = profile?.errorCodes.find((c) => c.code === event.code);
    if (!code) return;
    this.raise(event.deviceId, { kind: 'code', code: event.code }, code.severity, {
      message: `${event.code}: ${code.meaning}${event.message ? ` (${event.message})` : ''}`,
      details: {
        code: event.code,
        meaning: code.meaning,
        deviceMessage: event.message ?? null,
        ts: event.tsMs,
      },
    });
  }

  /** Raises an alarm, or updates the open one of the same device and cause (count, severity). */
  raise(
    deviceId: string,
    raisedBy: AlarmCause,
    severity: Severity,
    content: {
      message: string;
      details: Record<string, unknown>;
      /** A repeat also replaces the message (an estimate that moves on); else only an escalation does. */
      replaceMessage?: boolean;
    },
  ): void {
    const now = this.clock.now();
    const cause = formatAlarmCause(raisedBy);
    const alarmKey = key(deviceId, cause);
    const open = this.openAlarms.get(alarmKey);
    let alarm: Alarm;
    let step: AlarmHistoryEntry | undefined;
    if (open) {
      const escalates = SEVERITY_RANK[severity] > SEVERITY_RANK[open.severity];
      // Only a repeat that escalates is a step in the history; the others only count.
      if (escalates) step = systemStep(now, 'repeated', `severity ${open.severity} → ${severity}`);
      alarm = {
        ...open,
        severity: escalates ? severity : open.severity,
        // An escalation needs attention again even if the milder alarm was acknowledged.
        state: escalates ? 'active' : open.state,
        message: escalates || content.replaceMessage ? content.message : open.message,
        details: content.details,
        updatedAt: now,
        count: open.count + 1,
      };
    } else {
      alarm = {
        id: randomUUID(),
        deviceId,
        cause,
        severity,
        state: 'active',
        message: content.message,
        details: content.details,
        raisedAt: now,
        updatedAt: now,
        clearedAt: null,
        count: 1,
      };
      step = systemStep(now, 'raised', null);
      this.logger.info({ deviceId, alarmId: alarm.id, cause, severity }, 'alarm raised');
    }
    this.openAlarms.set(alarmKey, alarm);
    if (cause === NO_DATA_CAUSE) this.silentDevices.add(deviceId);
    this.save(alarm, step);
  }

  /**
   * Brings the open alarm of this device and cause up to date (message replaced, details merged)
   * without counting a repeat or adding a history step: a model's estimate that moved on while
   * the condition holds. Live views hear it at once (`alarm.changed`); incidents and tickets do
   * not, since nothing new was detected. False when there is no open alarm.
   */
  refresh(
    deviceId: string,
    cause: AlarmCause,
    content: { message?: string; details: Record<string, unknown> },
  ): boolean {
    const alarmKey = key(deviceId, formatAlarmCause(cause));
    const open = this.openAlarms.get(alarmKey);
    if (!open) return false;
    const alarm: Alarm = {
      ...open,
      message: content.message ?? open.message,
      details: { ...open.details, ...content.details },
      updatedAt: this.clock.now(),
    };
    this.openAlarms.set(alarmKey, alarm);
    this.save(alarm, undefined, { announceStored: false });
    return true;
  }

  /** Clears the open alarm of this device and cause, if any, because its condition ended. */
  resolve(deviceId: string, cause: AlarmCause, details: Record<string, unknown>): void {
    const open = this.openAlarms.get(key(deviceId, formatAlarmCause(cause)));
    if (!open) return;
    this.close(
      open,
      { ...open.details, clearedBy: 'automatic', clearReading: details },
      systemStep(this.clock.now(), 'cleared', null),
    );
  }

  private close(open: Alarm, details: Record<string, unknown>, step: AlarmHistoryEntry): Alarm {
    const now = step.at;
    const alarm: Alarm = { ...open, state: 'cleared', clearedAt: now, updatedAt: now, details };
    this.openAlarms.delete(key(open.deviceId, open.cause));
    if (open.cause === NO_DATA_CAUSE) this.silentDevices.delete(open.deviceId);
    this.logger.info({ deviceId: open.deviceId, alarmId: open.id, cause: open.cause }, 'alarm cleared');
    this.save(alarm, step);
    return alarm;
  }

  /**
   * Announces the change at once (live views must not wait behind the database: at thousands of
   * messages a second the chain of saves is what made an alarm late) and stores it in order;
   * `alarm.stored` follows for the features whose rows refer to the alarm's row (unless
   * `announceStored` is false: a refresh that changes nothing they keep).
   */
  private save(alarm: Alarm, step?: AlarmHistoryEntry, options = { announceStored: true }): void {
    this.events.emit('alarm.changed', alarm);
    void this.writes.run(async () => {
      try {
        await this.repository.upsert(alarm, step);
      } catch (error) {
        this.logger.error({ err: error, alarmId: alarm.id }, 'saving alarm failed');
        return;
      }
      if (options.announceStored) this.events.emit('alarm.stored', alarm);
    });
  }

  async list(principal: Principal, filter: { deviceId?: string; state?: AlarmState }): Promise<Alarm[]> {
    const deviceIds = filter.deviceId
      ? [this.devices.requireVisible(filter.deviceId, principal).id]
      : principal.role === 'admin' || principal.role === 'engineer'
        ? undefined
        : this.devices.list(principal).map((d) => d.id);
    await this.writes.settled();
    return this.repository.list({ deviceIds, state: filter.state, limit: 500 });
  }

  /** One alarm with its history (who raised, acknowledged, cleared it, when, and their comments). */
  async detail(id: string, principal: Principal): Promise<AlarmDetail> {
    return this.withHistory(await this.requireVisible(id, principal));
  }

  async acknowledge(id: string, principal: Principal, comment?: string): Promise<AlarmDetail> {
    const alarm = await this.requireVisible(id, principal);
    if (alarm.state === 'cleared') throw AlarmErrors.alreadyCleared(id);
    const now = this.clock.now();
    const updated: Alarm = { ...alarm, state: 'acknowledged', updatedAt: now };
    this.openAlarms.set(key(alarm.deviceId, alarm.cause), updated);
    this.save(updated, userStep(now, 'acknowledged', principal, comment));
    await this.writes.settled();
    return this.withHistory(updated);
  }

  async clear(id: string, principal: Principal, comment?: string): Promise<AlarmDetail> {
    const alarm = await this.requireVisible(id, principal);
    if (alarm.state === 'cleared') throw AlarmErrors.alreadyCleared(id);
    const cleared = this.close(
      this.openAlarms.get(key(alarm.deviceId, alarm.cause)) ?? alarm,
      { ...alarm.details, clearedBy: principal.userId },
      userStep(this.clock.now(), 'cleared', principal, comment),
    );
    const cause = parseAlarmCause(alarm.cause);
    const watches = this.watches.get(alarm.deviceId);
    const at = cause?.kind === 'threshold' ? watches?.type.slotOf.get(cause.metric) : undefined;
    if (watches && at !== undefined) resetThreshold(watches.state, at);
    await this.writes.settled();
    return this.withHistory(cleared);
  }

  private async withHistory(alarm: Alarm): Promise<AlarmDetail> {
    const history = await this.repository.history(alarm.id);
    // Alarms stored before their history was kept have no `raised` step: it is their start.
    if (history[0]?.action !== 'raised') history.unshift(systemStep(alarm.raisedAt, 'raised', null));
    return { ...alarm, history };
  }

  private async requireVisible(id: string, principal: Principal): Promise<Alarm> {
    await this.writes.settled();
    const alarm = await this.repository.find(id);
    const device = alarm && this.devices.find(alarm.deviceId);
    // one answer whether it does not exist or is not the caller's to see, so ids do not leak
    if (!alarm || !device || !this.devices.canSee(principal, device)) throw AlarmErrors.notFound(id);
    return alarm;
  }
}

const key = (deviceId: string, cause: string) => `${deviceId}|${cause}`;

const systemStep = (
  at: number,
  action: AlarmHistoryEntry['action'],
  comment: string | null,
): AlarmHistoryEntry => ({ at, action, actorId: 'system', actorRole: 'system', comment });

const userStep = (
  at: number,
  action: AlarmHistoryEntry['action'],
  principal: Principal,
  comment: string | undefined,
): AlarmHistoryEntry => ({
  at,
  action,
  actorId: principal.userId,
  // managers follow alarms but have no alarm action route; recorded as staff if one ever does
  actorRole: principal.role === 'manager' ? 'engineer' : principal.role,
  comment: comment ?? null,
});

function formatBand(band: { low?: number; high?: number }): string {
  if (band.low !== undefined && band.high !== undefined) return `${band.low}–${band.high}`;
  if (band.low !== undefined) return `≥ ${band.low}`;
  return `≤ ${band.high}`;
}
