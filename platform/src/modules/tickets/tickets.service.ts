import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  type Alarm,
  type Incident,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { AppError } from '../../common/errors/app-error';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { priorityForSeverity, slaDeadlines } from './sla-policy';
import { OPEN_STATUSES, TicketsRepository, type AuditEntry } from './tickets.repository';

const TICKET_SEVERITIES = new Set<Alarm['severity']>(['major', 'critical']);

const minPriority = (a: TicketPriority, b: TicketPriority): TicketPriority => (a < b ? a : b);

/** A model's estimate carried by a prediction alarm's details. */
function predictionOf(alarm: Alarm): { probability: number; hoursToFailure: number | null } | undefined {
  if (!alarm.cause.startsWith('prediction:')) return undefined;
  const { probability, hoursToFailure } = alarm.details;
  if (typeof probability !== 'number') return undefined;
  return { probability, hoursToFailure: typeof hoursToFailure === 'number' ? hoursToFailure : null };
}

function formatHours(hours: number | null): string {
  if (hours === null) return '7 days';
  return hours >= 48 ? `${Math.round(hours / 24)} days` : `${Math.round(hours)} h`;
}

/**
 * Repair tickets. A major or critical incident opens one proactive ticket for its device,
 * stating the likely fault, the part and (for predictions) the probability and time to
 * failure; further incidents on a device whose ticket is still open are added to that ticket,
 * so one visit handles them.
 */
@Injectable()
export class TicketsService implements OnModuleInit, OnApplicationShutdown {
  private readonly openByDevice = new Map<string, Ticket>();
  private persisting: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;

  constructor(
    private readonly repository: TicketsRepository,
    private readonly devices: DevicesService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const ticket of await this.repository.openTickets()) this.openByDevice.set(ticket.deviceId, ticket);
    this.unsubscribe = this.events.on('incident.changed', (change) => this.onIncident(change));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.persisting;
  }

  settled(): Promise<void> {
    return this.persisting;
  }

  private onIncident({ incident, alarm }: { incident: Incident; alarm: Alarm }): void {
    if (incident.state === 'closed' || alarm.state === 'cleared' || !TICKET_SEVERITIES.has(incident.severity))
      return;
    const device = this.devices.find(incident.deviceId);
    const fault = device
      ? APPLIANCE_PROFILES[device.type].faultModes.find((f) => f.mode === incident.fault)
      : undefined;
    const prediction = predictionOf(alarm);
    const open = this.openByDevice.get(incident.deviceId);
    const now = this.clock.now();
    if (open) {
      const known = open.alarmId === alarm.id || open.description.includes(`[alarm ${alarm.id}]`);
      const sameIncident = open.incidentId === incident.id;
      const updated: Ticket = {
        ...open,
        description: known ? open.description : `${open.description}\n[alarm ${alarm.id}] ${alarm.message}`,
        priority: minPriority(open.priority, priorityForSeverity(incident.severity)),
        faultMode: open.faultMode ?? fault?.mode ?? null,
        likelyPart: open.likelyPart ?? fault?.part ?? null,
        // the latest model estimate for the ticket's own fault replaces the earlier one
        failureProbability: sameIncident && prediction ? prediction.probability : open.failureProbability,
        hoursToFailure: sameIncident && prediction ? prediction.hoursToFailure : open.hoursToFailure,
        updatedAt: now,
      };
      if (JSON.stringify({ ...updated, updatedAt: 0 }) === JSON.stringify({ ...open, updatedAt: 0 })) return;
      this.save(updated, {
        actor: 'system',
        fromStatus: open.status,
        reason: `incident ${incident.fault} updated`,
      });
      return;
    }
    const source: Ticket['source'] = prediction ? 'prediction' : 'alarm';
    const lines = [`[alarm ${alarm.id}] ${alarm.message}`];
    if (fault)
      lines.push(
        `Likely fault: ${fault.description} (${fault.mode}); part most likely needed: ${fault.part}.`,
      );
    if (prediction) {
      lines.push(
        `Predicted failure probability ${Math.round(prediction.probability * 100)} % within ${formatHours(prediction.hoursToFailure)}.`,
      );
    }
    const ticket: Ticket = {
      id: randomUUID(),
      deviceId: incident.deviceId,
      alarmId: alarm.id,
      customerId: device?.customerId ?? null,
      source,
      priority: priorityForSeverity(incident.severity),
      status: 'new',
      title:
        `${device?.type.replace('_', ' ') ?? 'device'} ${incident.deviceId}: ${fault?.description ?? alarm.message.split(' (')[0]}`.slice(
          0,
          200,
        ),
      description: lines.join('\n'),
      createdAt: now,
      updatedAt: now,
      ...slaDeadlines(now),
      incidentId: incident.id,
      faultMode: fault?.mode ?? null,
      failureProbability: prediction?.probability ?? null,
      hoursToFailure: prediction?.hoursToFailure ?? null,
      likelyPart: fault?.part ?? null,
    };
    this.logger.info(
      { deviceId: ticket.deviceId, ticketId: ticket.id, incidentId: incident.id, source },
      'proactive ticket opened',
    );
    this.save(ticket, {
      actor: 'system',
      fromStatus: null,
      reason: `opened from ${incident.severity} incident ${incident.fault}`,
    });
  }

  private save(ticket: Ticket, entry: Omit<AuditEntry, 'ticketId' | 'at' | 'toStatus'>): void {
    if (OPEN_STATUSES.includes(ticket.status)) this.openByDevice.set(ticket.deviceId, ticket);
    else if (this.openByDevice.get(ticket.deviceId)?.id === ticket.id)
      this.openByDevice.delete(ticket.deviceId);
    const audit: AuditEntry = {
      ...entry,
      ticketId: ticket.id,
      at: ticket.updatedAt,
      toStatus: ticket.status,
    };
    this.persisting = this.persisting
      .then(() => this.repository.save(ticket, audit))
      .then(
        () => this.events.emit('ticket.changed', ticket),
        (error: unknown) => this.logger.error({ err: error, ticketId: ticket.id }, 'saving ticket failed'),
      );
  }

  async list(principal: Principal, filter: { deviceId?: string; status?: TicketStatus }): Promise<Ticket[]> {
    const deviceIds = filter.deviceId
      ? [this.devices.requireVisible(filter.deviceId, principal).id]
      : principal.role === 'customer'
        ? this.devices.list(principal).map((d) => d.id)
        : undefined;
    await this.persisting;
    return this.repository.list({ deviceIds, status: filter.status, limit: 500 });
  }

  async get(id: string, principal: Principal): Promise<Ticket & { audit: AuditEntry[] }> {
    await this.persisting;
    const ticket = await this.repository.find(id);
    if (!ticket) throw new AppError('ticket.not_found', 'not_found', `No ticket "${id}"`, { ticketId: id });
    this.devices.requireVisible(ticket.deviceId, principal);
    return { ...ticket, audit: await this.repository.audit(id) };
  }

  /** The first human response: stops the 10-minute respond clock. */
  async acknowledge(id: string, principal: Principal): Promise<Ticket> {
    const ticket = await this.get(id, principal);
    if (ticket.status !== 'new' && ticket.status !== 'reopened') {
      throw new AppError(
        'ticket.bad_transition',
        'conflict',
        `A ${ticket.status} ticket cannot be acknowledged`,
        {
          field: 'status',
        },
      );
    }
    const { audit: _audit, ...current } = ticket;
    const updated: Ticket = { ...current, status: 'acknowledged', updatedAt: this.clock.now() };
    this.save(updated, { actor: principal.userId, fromStatus: ticket.status, reason: 'acknowledged' });
    await this.persisting;
    return updated;
  }
}
