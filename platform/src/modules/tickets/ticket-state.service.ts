import { Inject, Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import type { TicketStatus } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { KeyedQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import { JobScheduler } from '../jobs/job-scheduler.service';
import type { Principal } from '../auth/auth.service';
import { applyStatusToClocks } from '../sla/sla-clock';
import { slaDeadlines } from '../sla/sla-policy';
import { transition, type Actor } from './ticket-lifecycle';
import { ticketError } from './tickets.errors';
import {
  OPEN_STATUSES,
  TicketsRepository,
  toTicket,
  type AuditEntry,
  type TicketRecord,
} from './tickets.repository';

/** Run after every saved ticket change, inside the ticket's turn: features schedule their timed work here. */
export type TicketSavedHook = (ticket: TicketRecord) => Promise<void>;

export const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'platform' };

export function actorOf(principal: Principal): Actor {
  switch (principal.role) {
    case 'technician':
      return { kind: 'technician', id: principal.technicianId ?? principal.userId };
    case 'customer':
      return { kind: 'customer', id: principal.customerId ?? principal.userId };
    case 'admin':
    case 'engineer':
      return { kind: principal.role, id: principal.userId };
    case 'manager':
      // managers read and follow up; no route lets them act on a ticket (the Roles guard), but a
      // note they could ever leave is theirs as staff
      return { kind: 'engineer', id: principal.userId };
  }
}

/**
 * A ticket's state and its one way to change: every change to a ticket runs in that ticket's
 * turn (`withTicket`), is saved with its audit entries, tracked for visibility, announced
 * (`ticket.changed`) and handed to the features that keep timed work for it (SLA, dispatch,
 * verification). Different tickets change side by side; reads never wait.
 */
@Injectable()
export class TicketState implements OnModuleInit, OnApplicationBootstrap {
  private readonly openByDevice = new Map<string, TicketRecord>();
  private readonly turns = new KeyedQueue();
  private readonly savedHooks: TicketSavedHook[] = [];

  constructor(
    private readonly repository: TicketsRepository,
    private readonly access: AccessPolicy,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const ticket of await this.repository.withStatus([...OPEN_STATUSES, 'resolved'])) {
      this.access.trackTicket(ticket);
      if (OPEN_STATUSES.includes(ticket.status)) this.openByDevice.set(ticket.deviceId, ticket);
    }
  }

  /**
   * Tickets with no timed work scheduled (saved before scheduled jobs existed, or by an
   * instance that died between its write and its scheduling) get it now, once every feature
   * has registered its hook.
   */
  async onApplicationBootstrap(): Promise<void> {
    const scheduled = new Set((await this.jobs.pending()).map((job) => job.key));
    for (const ticket of await this.repository.withStatus([...OPEN_STATUSES, 'resolved'])) {
      if (!scheduled.has(ticket.id)) await this.withTicket(ticket.id, () => this.runHooks(ticket));
    }
  }

  onSaved(hook: TicketSavedHook): void {
    this.savedHooks.push(hook);
  }

  /** The device's one open ticket, if any. */
  openFor(deviceId: string): TicketRecord | undefined {
    return this.openByDevice.get(deviceId);
  }

  find(id: string): Promise<TicketRecord | undefined> {
    return this.repository.find(id);
  }

  /** Not found also for tickets the caller may not see, so ids do not leak. */
  async require(id: string, principal: Principal): Promise<TicketRecord> {
    const ticket = await this.repository.find(id);
    if (!ticket || !this.access.canSeeTicket(principal, ticket))
      throw ticketError('ticket.not_found', `No ticket "${id}"`, { ticketId: id });
    return ticket;
  }

  /** Runs `work` in the ticket's turn, after every change queued before it. */
  withTicket<T>(id: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(`ticket:${id}`, work);
  }

  /** Runs `work` in the device's turn: tickets opened for one device never race each other. */
  withDevice<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    return this.turns.run(`device:${deviceId}`, work);
  }

  /** Resolves once every queued change is saved. */
  settled(): Promise<void> {
    return this.turns.settled();
  }

  async save(ticket: TicketRecord, entries: AuditEntry[]): Promise<TicketRecord> {
    await this.repository.save(ticket, entries);
    this.access.trackTicket(ticket);
    if (OPEN_STATUSES.includes(ticket.status)) this.openByDevice.set(ticket.deviceId, ticket);
    else if (this.openByDevice.get(ticket.deviceId)?.id === ticket.id)
      this.openByDevice.delete(ticket.deviceId);
    this.events.emit('ticket.changed', toTicket(ticket));
    await this.runHooks(ticket);
    return ticket;
  }

  private async runHooks(ticket: TicketRecord): Promise<void> {
    for (const hook of this.savedHooks) {
      await hook(ticket).catch((error: unknown) =>
        this.logger.error({ err: error, ticketId: ticket.id }, 'scheduling work for a ticket failed'),
      );
    }
  }

  note(ticket: TicketRecord, actor: Actor, reason: string, status = ticket.status): AuditEntry {
    return {
      ticketId: ticket.id,
      at: this.clock.now(),
      actor: `${actor.kind}:${actor.id}`,
      actorKind: actor.kind,
      fromStatus: status,
      toStatus: ticket.status,
      reason,
    };
  }

  /** One lifecycle step with its clocks and deadlines; throws the rule it breaks. */
  step(
    ticket: TicketRecord,
    to: TicketStatus,
    actor: Actor,
    reason?: string,
    assigneeId?: string,
  ): { ticket: TicketRecord; entry: AuditEntry } {
    const nowMs = this.clock.now();
    const result = transition(ticket, to, { actor, reason, nowMs, assigneeId });
    const slaClocks = applyStatusToClocks(ticket.slaClocks, ticket.status, to, nowMs);
    return {
      ticket: { ...result.ticket, slaClocks, ...slaDeadlines(slaClocks, nowMs) },
      entry: { ...result.audit },
    };
  }
}
