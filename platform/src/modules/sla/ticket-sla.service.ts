import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { EscalationContacts } from '../notifications/escalation-contacts.service';
import { SYSTEM_ACTOR, TicketState } from '../tickets/ticket-state.service';
import type { AuditEntry, TicketRecord } from '../tickets/tickets.repository';
import { escalate, initialEscalation } from './escalation';
import { evaluate, nextEventAtMs } from './sla-clock';

export const SLA_JOB = 'ticket.sla';

/**
 * A ticket's SLA clocks over time: one job per ticket (`ticket.sla`) falls due at the next
 * warning (80 %) or breach of any running clock, raises it up the escalation ladder with its
 * notifications, and is moved whenever the ticket changes (a pause pushes it out, a met clock
 * drops it).
 */
@Injectable()
export class TicketSla implements OnModuleInit {
  constructor(
    private readonly state: TicketState,
    private readonly devices: DevicesService,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly contacts: EscalationContacts,
  ) {}

  onModuleInit(): void {
    this.jobs.register(SLA_JOB, (ticketId) =>
      this.state.withTicket(ticketId, async () => {
        const ticket = await this.state.find(ticketId);
        if (!ticket) return;
        const saved = await this.evaluate(ticket);
        // nothing was due after all (a clock paused meanwhile, or rounding): keep the next point
        if (saved === ticket) await this.scheduleFor(ticket);
      }),
    );
    this.state.onSaved((ticket) => this.scheduleFor(ticket));
  }

  private async scheduleFor(ticket: TicketRecord): Promise<void> {
    const dueAt = nextEventAtMs(ticket.slaClocks, this.clock.now());
    if (dueAt === null) await this.jobs.cancel(SLA_JOB, ticket.id);
    else await this.jobs.schedule(SLA_JOB, ticket.id, dueAt);
  }

  private async evaluate(ticket: TicketRecord): Promise<TicketRecord> {
    const { clocks, events } = evaluate(ticket.slaClocks, this.clock.now());
    if (events.length === 0) return ticket;
    const region = this.devices.find(ticket.deviceId)?.region ?? null;
    let escalation = ticket.escalation ?? initialEscalation(ticket.id);
    const entries: AuditEntry[] = [];
    for (const event of events) {
      const result = escalate(
        escalation,
        event,
        ticket.priority,
        await this.contacts.forTicket(ticket.assigneeId, region),
      );
      escalation = result.state;
      const notifications = result.notifications.map((n) => ({
        role: n.role,
        recipientId: n.recipientId,
        kind: n.kind,
        message: n.message,
      }));
      entries.push(
        this.state.note(
          ticket,
          SYSTEM_ACTOR,
          `${event.type} on the ${event.clock} clock; escalation level ${escalation.level}` +
            (notifications.length ? `; notified ${notifications.map((n) => n.recipientId).join(', ')}` : ''),
        ),
      );
      this.events.emit('sla.event', {
        ...event,
        level: escalation.level,
        notifications,
        assigneeId: ticket.assigneeId,
      });
    }
    return this.state.save({ ...ticket, slaClocks: clocks, escalation }, entries);
  }
}
