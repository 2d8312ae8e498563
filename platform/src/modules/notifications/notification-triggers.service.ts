import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type {
  Language,
  NotificationChannel,
  NotificationKind,
  ServiceRequest,
  Ticket,
} from '../../../../contracts/src';
import { KeyedQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents, type DomainEventMap } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { DevicesService } from '../devices/devices.service';
import { TicketEtaService } from '../tickets/ticket-eta.service';
import { TicketState } from '../tickets/ticket-state.service';
import { formatTime, formatWindow, renderNotification, type TemplateVars } from './notification-templates';
import type { OutboxMessage } from './outbox-port';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { RecipientsRepository, type Recipient } from './recipients.repository';

/** Ticket statuses during which a prediction ticket's alert is still worth sending. */
const ALERT_STATUSES: Ticket['status'][] = ['new', 'acknowledged', 'dispatched', 'reopened'];

type Subject = Pick<OutboxMessage, 'ticketId' | 'requestId' | 'deviceId' | 'action'>;

export interface Send {
  kind: NotificationKind;
  /** The message's identity across replays; the channel is appended. */
  key: string;
  urgent: boolean;
  subject: Subject;
  /** The template's words, given the recipient's language and time zone. */
  vars: (language: Language, timeZone: string) => TemplateVars;
  customerId?: string | null;
  ref?: string | null;
}

/**
 * Turns what happens to requests, tickets and SLA clocks into messages: the customer hears of
 * each step once, in their language (inbox with an account, e-mail to their address, push when
 * subscribed); staff hear of new offers and SLA warnings and breaches. Every message is keyed
 * deterministically, so a replayed event sends nothing twice.
 */
@Injectable()
export class NotificationTriggers implements OnModuleInit {
  /** One event at a time per ticket or request: appointment changes are read against the last one. */
  private readonly turns = new KeyedQueue();

  constructor(
    private readonly outbox: OutboxService,
    private readonly stored: OutboxRepository,
    private readonly recipients: RecipientsRepository,
    private readonly devices: DevicesService,
    private readonly tickets: TicketState,
    private readonly events: DomainEvents,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly eta?: TicketEtaService,
  ) {}

  onModuleInit(): void {
    this.events.on('service_request.changed', (r) =>
      this.turns.run(`request:${r.id}`, () => this.onRequest(r)),
    );
    this.events.on('ticket.changed', (t) => this.turns.run(`ticket:${t.id}`, () => this.onTicket(t)));
    this.events.on('sla.event', (e) => this.turns.run(`ticket:${e.ticketId}`, () => this.onSla(e)));
  }

  /** Resolves once every event seen so far has been turned into stored messages. */
  settled(): Promise<void> {
    return this.turns.settled();
  }

  private applianceOf(deviceId: string | null | undefined): string | null {
    return deviceId ? (this.devices.find(deviceId)?.type ?? null) : null;
  }

  async onRequest(r: ServiceRequest): Promise<void> {
    const appliance = this.applianceOf(r.deviceId);
    const subject: Subject = {
      requestId: r.id,
      ticketId: r.ticketId ?? null,
      deviceId: r.deviceId,
      action: { kind: 'open_request', id: r.id },
    };
    const base = { requestNumber: r.number, appliance };
    const urgent = r.urgency === 'safety';
    const to = { customerId: r.customerId, contactEmail: r.contact.email ?? null, language: r.language };
    await this.toCustomer(to, {
      kind: 'request_received',
      key: `request_received:${r.id}`,
      urgent,
      subject,
      vars: () => base,
    });
    if (r.status === 'self_help_offered') {
      await this.toCustomer(to, {
        kind: 'self_help_offered',
        key: `self_help_offered:${r.id}:${r.triage?.startedAt ?? ''}`,
        urgent,
        subject,
        vars: () => ({ ...base, fault: r.triage?.cause ?? null }),
      });
    }
    for (const message of r.messages) {
      if (message.from !== 'staff') continue;
      await this.toCustomer(to, {
        kind: 'request_reply',
        key: `request_reply:${r.id}:${message.at}`,
        urgent,
        subject,
        vars: () => ({ ...base, text: message.text }),
      });
    }
  }

  async onTicket(t: Ticket): Promise<void> {
    await this.offerToTechnician(t);
    if (!t.customerId) return;
    const appliance = this.applianceOf(t.deviceId);
    const subject: Subject = {
      ticketId: t.id,
      requestId: t.requestId ?? null,
      deviceId: t.deviceId,
      action: { kind: 'open_ticket', id: t.id },
    };
    const to = { customerId: t.customerId, contactEmail: null };
    const step = `${t.id}:${t.reopenCount}`;
    const vars =
      (extra: TemplateVars = {}) =>
      () => ({ ticketId: t.id, appliance, ...extra });
    if (t.source === 'prediction' && ALERT_STATUSES.includes(t.status)) {
      await this.toCustomer(to, {
        kind: 'maintenance_alert',
        key: `maintenance_alert:${t.id}`,
        urgent: false,
        subject: { ...subject, action: { kind: 'book_visit', id: t.id } },
        vars: vars({ fault: t.faultMode, hoursToFailure: t.hoursToFailure }),
      });
    }
    await this.appointment(t, subject, appliance);
    switch (t.status) {
      case 'dispatched':
        if (!t.assigneeId) return;
        await this.toCustomer(to, {
          kind: 'technician_assigned',
          key: `technician_assigned:${step}:${t.assigneeId}`,
          urgent: false,
          subject,
          vars: vars(),
        });
        return;
      case 'en_route': {
        const etaMs = await this.etaMs(t);
        await this.toCustomer(to, {
          kind: 'technician_en_route',
          key: `technician_en_route:${step}:${t.assigneeId ?? ''}`,
          urgent: true,
          subject,
          vars: (_language, timeZone) => ({
            ticketId: t.id,
            appliance,
            eta: etaMs === null ? null : formatTime(etaMs, timeZone),
          }),
        });
        return;
      }
      case 'on_site':
        await this.toCustomer(to, {
          kind: 'technician_arrived',
          key: `technician_arrived:${step}:${t.assigneeId ?? ''}`,
          urgent: true,
          subject,
          vars: vars(),
        });
        return;
      case 'resolved':
        await this.toCustomer(to, {
          kind: 'repaired',
          key: `repaired:${step}`,
          urgent: false,
          subject,
          vars: vars(),
        });
        return;
      case 'verified':
        await this.toCustomer(to, {
          kind: 'fix_verified',
          key: `fix_verified:${step}`,
          urgent: false,
          subject,
          vars: vars(),
        });
        return;
      case 'new':
      case 'acknowledged':
      case 'waiting_parts':
      case 'reopened':
      case 'closed':
      case 'cancelled':
        return;
    }
  }

  /** A booked (or moved) window, once per window start; a window that went, once. */
  private async appointment(t: Ticket, subject: Subject, appliance: string | null): Promise<void> {
    const to = { customerId: t.customerId, contactEmail: null };
    const windowVars = (startIso: string, endIso: string) => (language: Language, timeZone: string) => ({
      ticketId: t.id,
      appliance,
      window: formatWindow(Date.parse(startIso), Date.parse(endIso), language, timeZone),
    });
    if (t.appointment) {
      const { start, end } = t.appointment;
      await this.toCustomer(to, {
        kind: 'appointment_booked',
        key: `appointment_booked:${t.id}:${start}`,
        urgent: false,
        subject,
        vars: windowVars(start, end),
        ref: `${start}/${end}`,
      });
      return;
    }
    const booked = await this.stored.latest('appointment_booked', t.id);
    const [start, end] = booked?.ref?.split('/') ?? [];
    if (!start || !end) return;
    await this.toCustomer(to, {
      kind: 'appointment_cancelled',
      key: `appointment_cancelled:${t.id}:${start}`,
      urgent: false,
      subject,
      vars: windowVars(start, end),
      ref: `${start}/${end}`,
    });
  }

  private async offerToTechnician(t: Ticket): Promise<void> {
    if (t.status !== 'dispatched' || !t.assigneeId) return;
    const record = await this.tickets.find(t.id);
    const offer = record?.offer;
    if (!offer || offer.acceptedAtMs !== null || offer.technicianId !== t.assigneeId) return;
    const userId = await this.recipients.technicianUserId(offer.technicianId);
    if (!userId) return;
    await this.toUser(userId, ['inbox', 'push'], {
      kind: 'new_offer',
      key: `new_offer:${t.id}:${offer.technicianId}:${offer.offeredAtMs}`,
      urgent: true,
      subject: {
        ticketId: t.id,
        requestId: t.requestId ?? null,
        deviceId: t.deviceId,
        action: { kind: 'open_ticket', id: t.id },
      },
      vars: () => ({ ticketId: t.id, appliance: this.applianceOf(t.deviceId) }),
    });
  }

  private async etaMs(t: Ticket): Promise<number | null> {
    if (!this.eta) return null;
    try {
      const record = await this.tickets.find(t.id);
      return record ? ((await this.eta.forTicket(record))?.etaMs ?? null) : null;
    } catch (error) {
      this.logger.warn({ err: error, ticketId: t.id }, 'no ETA for the en-route notification');
      return null;
    }
  }

  async onSla(e: DomainEventMap['sla.event']): Promise<void> {
    const breach = e.type === 'sla.breach';
    const ticket = await this.tickets.find(e.ticketId);
    const pct = Math.round((e.elapsedMs / e.targetMs) * 100);
    for (const n of e.notifications) {
      const userId =
        n.role === 'assignee' ? await this.recipients.technicianUserId(n.recipientId) : n.recipientId;
      if (!userId) continue;
      await this.toUser(userId, ['inbox', 'email', 'push'], {
        kind: breach ? 'sla_breach' : 'sla_warning',
        key: `${breach ? 'sla_breach' : 'sla_warning'}:${e.ticketId}:${e.clock}:${e.atMs}:${userId}`,
        urgent: breach,
        subject: {
          ticketId: e.ticketId,
          requestId: ticket?.requestId ?? null,
          deviceId: ticket?.deviceId ?? null,
          action: { kind: 'open_ticket', id: e.ticketId },
        },
        vars: () => ({
          ticketId: e.ticketId,
          appliance: this.applianceOf(ticket?.deviceId),
          clock: e.clock,
          pct,
        }),
      });
    }
  }

  /** `CareNotifier`'s way in: the same delivery as the triggers' own messages. */
  sendToCustomer(to: { customerId: string | null; contactEmail: string | null }, send: Send): Promise<void> {
    return this.toCustomer(to, send);
  }

  /** `CareNotifier`'s way in for staff. */
  sendToUser(userId: string, channels: NotificationChannel[], send: Send): Promise<void> {
    return this.toUser(userId, channels, send);
  }

  /**
   * A customer: inbox and push (when subscribed) with an account, e-mail to their address on
   * file (or the request's contact address when the sender is not a known customer).
   */
  private async toCustomer(
    to: { customerId: string | null; contactEmail: string | null; language?: Language | null },
    send: Send,
  ): Promise<void> {
    const customer: Recipient | undefined = to.customerId
      ? await this.recipients.customer(to.customerId, to.language ?? null)
      : undefined;
    const email = customer?.email ?? to.contactEmail;
    if (!customer?.userId && !email) return;
    const language = customer?.language ?? to.language ?? 'en';
    const channels: NotificationChannel[] = [];
    if (customer?.userId) channels.push('inbox', 'push');
    if (email) channels.push('email');
    await this.deliver({ userId: customer?.userId ?? null, email, language }, channels, {
      ...send,
      customerId: to.customerId,
    });
  }

  private async toUser(userId: string, channels: NotificationChannel[], send: Send): Promise<void> {
    const user = await this.recipients.user(userId);
    if (!user || user.disabled) return;
    await this.deliver(user, channels, send);
  }

  private async deliver(recipient: Recipient, channels: NotificationChannel[], send: Send): Promise<void> {
    const timeZone = recipient.userId
      ? (await this.recipients.preferences(recipient.userId)).timeZone
      : 'UTC';
    const text = renderNotification(send.kind, recipient.language, send.vars(recipient.language, timeZone));
    for (const channel of channels) {
      if (
        channel === 'push' &&
        (!recipient.userId || (await this.recipients.pushSubscriptions(recipient.userId)).length === 0)
      )
        continue;
      if (channel === 'email' && !recipient.email) continue;
      if (channel === 'inbox' && !recipient.userId) continue;
      await this.outbox.store(
        {
          idempotencyKey: `${send.key}:${channel}`,
          kind: send.kind,
          channel,
          recipientUserId: recipient.userId,
          address: channel === 'email' ? recipient.email : null,
          language: recipient.language,
          subject: text.subject,
          body: text.body,
          urgent: send.urgent,
          ...send.subject,
        },
        { customerId: send.customerId ?? null, ref: send.ref ?? null },
      );
    }
  }
}
