import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Alarm, Incident, Severity, Ticket } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { SerialQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { faultOfAlarm } from './fault-attribution';
import { IncidentsRepository } from './incidents.repository';

const SEVERITY_RANK: Record<Severity, number> = { warning: 0, minor: 1, major: 2, critical: 3 };

/**
 * One incident per device and fault: every alarm is attributed to a fault and joins that
 * fault's open incident, so repeated detections update it instead of starting over. An
 * incident closes when all its alarms have cleared.
 */
@Injectable()
export class IncidentsService implements OnModuleInit, OnApplicationShutdown {
  /** Open incidents by `${deviceId}|${fault}`, with the ids of their alarms still open. */
  private readonly open = new Map<string, { incident: Incident; openAlarmIds: Set<string> }>();
  /** Incident changes are stored one at a time, in the order they happened. */
  private readonly writes = new SerialQueue();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly repository: IncidentsRepository,
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const incident of await this.repository.open()) {
      // Alarms still open at shutdown are re-announced when they change; until then assume all open.
      this.open.set(key(incident.deviceId, incident.fault), {
        incident,
        openAlarmIds: new Set(incident.alarmIds),
      });
    }
    this.unsubscribe.push(
      // Stored, not just announced: the ticket an incident opens refers to the alarm's row.
      this.events.on('alarm.stored', (alarm) => this.onAlarm(alarm)),
      this.events.on('ticket.changed', (ticket) => this.onTicket(ticket)),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const off of this.unsubscribe) off();
    await this.writes.settled();
  }

  settled(): Promise<void> {
    return this.writes.settled();
  }

  private openFaultsOf(deviceId: string): string[] {
    const faults: string[] = [];
    for (const { incident } of this.open.values())
      if (incident.deviceId === deviceId) faults.push(incident.fault);
    return faults;
  }

  private onAlarm(alarm: Alarm): void {
    const device = this.devices.find(alarm.deviceId);
    if (!device) return;
    const existing = [...this.open.values()].find((o) => o.incident.alarmIds.includes(alarm.id));
    const fault =
      existing?.incident.fault ?? faultOfAlarm(device.type, alarm.cause, this.openFaultsOf(alarm.deviceId));
    const now = this.clock.now();
    const incidentKey = key(alarm.deviceId, fault);
    const entry = existing ?? this.open.get(incidentKey);

    if (alarm.state === 'cleared') {
      if (!entry) return;
      entry.openAlarmIds.delete(alarm.id);
      if (entry.openAlarmIds.size > 0) return;
      const closed: Incident = { ...entry.incident, state: 'closed', closedAt: now, updatedAt: now };
      this.open.delete(incidentKey);
      this.save(closed, alarm);
      return;
    }

    const confidence = typeof alarm.details.confidence === 'number' ? alarm.details.confidence : null;
    if (entry) {
      const { incident } = entry;
      entry.openAlarmIds.add(alarm.id);
      const updated: Incident = {
        ...incident,
        severity:
          SEVERITY_RANK[alarm.severity] > SEVERITY_RANK[incident.severity]
            ? alarm.severity
            : incident.severity,
        updatedAt: now,
        detections: incident.detections + 1,
        alarmIds: incident.alarmIds.includes(alarm.id) ? incident.alarmIds : [...incident.alarmIds, alarm.id],
        confidence: confidence ?? incident.confidence,
      };
      entry.incident = updated;
      this.save(updated, alarm);
      return;
    }
    const incident: Incident = {
      id: randomUUID(),
      deviceId: alarm.deviceId,
      fault,
      state: 'open',
      severity: alarm.severity,
      openedAt: now,
      updatedAt: now,
      closedAt: null,
      detections: 1,
      alarmIds: [alarm.id],
      ticketId: null,
      confidence,
      summary: alarm.message,
    };
    this.open.set(incidentKey, { incident, openAlarmIds: new Set([alarm.id]) });
    this.logger.info({ deviceId: alarm.deviceId, incidentId: incident.id, fault }, 'incident opened');
    this.save(incident, alarm);
  }

  private onTicket(ticket: Ticket): void {
    if (!ticket.incidentId) return;
    const entry = [...this.open.values()].find((o) => o.incident.id === ticket.incidentId);
    if (!entry || entry.incident.ticketId === ticket.id) return;
    entry.incident = { ...entry.incident, ticketId: ticket.id };
    const incident = entry.incident;
    void this.writes
      .run(() => this.repository.upsert(incident))
      .catch((error: unknown) =>
        this.logger.error({ err: error, incidentId: incident.id }, 'saving incident failed'),
      );
  }

  private save(incident: Incident, alarm: Alarm): void {
    void this.writes.run(async () => {
      try {
        await this.repository.upsert(incident);
      } catch (error) {
        this.logger.error({ err: error, incidentId: incident.id }, 'saving incident failed');
        return;
      }
      this.events.emit('incident.changed', { incident, alarm });
    });
  }

  async list(
    principal: Principal,
    filter: { deviceId?: string; state?: Incident['state'] },
  ): Promise<Incident[]> {
    const deviceIds = filter.deviceId
      ? [this.devices.requireVisible(filter.deviceId, principal).id]
      : principal.role === 'admin' || principal.role === 'engineer'
        ? undefined
        : this.devices.list(principal).map((d) => d.id);
    await this.writes.settled();
    return this.repository.list({ deviceIds, state: filter.state, limit: 500 });
  }
}

const key = (deviceId: string, fault: string) => `${deviceId}|${fault}`;
