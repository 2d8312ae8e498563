import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Alarm, Ticket, TicketStatus } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { AppError } from '../../common/errors/app-error';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DevicesService } from '../devices/devices.service';
import { priorityForSeverity, slaDeadlines } from './sla-policy';
import { OPEN_STATUSES, TicketsRepository, type AuditEntry } from './tickets.repository';

const TICKET_SEVERITIES = new Set<Alarm['severity']>(['major', 'critical']);

/**
 * Repair tickets. A major or critical alarm opens one proactive ticket for its device; further
 * major alarms on a device whose ticket is still open are added to that ticket, so one visit
 * handles them.
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
    this.unsubscribe = this.events.on('alarm.changed', (alarm) => this.onAlarm(alarm));
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.persisting;
  }

  settled(): Promise<void> {
    return this.persisting;
  }

  private onAlarm(alarm: Alarm): void {
    if (alarm.state === 'cleared' || !TICKET_SEVERITIES.has(alarm.severity)) return;
    const open = this.openByDevice.get(alarm.deviceId);
    const now = this.clock.now();
    if (open) {
      if (open.alarmId === alarm.id || open.description.includes(`[alarm ${alarm.id}]`)) return;
      const updated: Ticket = {
        ...open,
        description: `${open.description}\n[alarm ${alarm.id}] ${alarm.message}`,
        priority:
          priorityForSeverity(alarm.severity) < open.priority
            ? priorityForSeverity(alarm.severity)
            : open.priority,
        updatedAt: now,
      };
      this.save(updated, { actor: 'system', fromStatus: open.status, reason: `alarm ${alarm.cause} added` });
      return;
    }
    const device = this.devices.find(alarm.deviceId);
    const ticket: Ticket = {
      id: randomUUID(),
      deviceId: alarm.deviceId,
      alarmId: alarm.id,
      customerId: device?.customerId ?? null,
      source: 'alarm',
      priority: priorityForSeverity(alarm.severity),
      status: 'new',
      title:
        `${device?.type.replace('_', ' ') ?? 'device'} ${alarm.deviceId}: ${alarm.message.split(' (')[0]}`.slice(
          0,
          200,
        ),
      description: `[alarm ${alarm.id}] ${alarm.message}`,
      createdAt: now,
      updatedAt: now,
      ...slaDeadlines(now),
    };
    this.logger.info(
      { deviceId: ticket.deviceId, ticketId: ticket.id, alarmId: alarm.id },
      'proactive ticket opened',
    );
    this.save(ticket, {
      actor: 'system',
      fromStatus: null,
      reason: `opened from ${alarm.severity} alarm ${alarm.cause}`,
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
