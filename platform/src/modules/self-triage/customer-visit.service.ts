import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  findSymptom,
  type RequestUrgency,
  type Triage,
  type TicketPriority,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { AppointmentsService } from '../appointments/appointments.service';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { VisitPort, type TriageSubject } from '../service-requests/care-ports';
import { initialEscalation } from '../sla/escalation';
import { startClocks } from '../sla/sla-clock';
import { slaDeadlines } from '../sla/sla-policy';
import type { Actor } from '../tickets/ticket-lifecycle';
import { SYSTEM_ACTOR, TicketState } from '../tickets/ticket-state.service';
import type { TicketRecord } from '../tickets/tickets.repository';
import { selfTriageError } from './self-triage.errors';
import { SELF_TRIAGE_PRINCIPAL } from './system-principal';

const DAY_MS = 86_400_000;

/** A safety hazard first; a lost core function the same day; a minor issue in the normal queue. */
export const PRIORITY_FOR_URGENCY: Record<RequestUrgency, TicketPriority> = {
  safety: 'P1',
  core_function: 'P2',
  minor: 'P3',
};

const minPriority = (a: TicketPriority, b: TicketPriority): TicketPriority => (a < b ? a : b);

/** The marker that says a request is already on a ticket (its number is unique). */
const requestMarker = (number: string) => `[request ${number}]`;

/**
 * The visit a customer's request needs: a customer-sourced ticket that carries the customer's
 * words and everything the self-triage found, so the technician arrives knowing. A device has
 * one open ticket: a request about a device that already has one joins it (a note and its text)
 * instead of opening a second. Dispatch follows as for every ticket (TicketState's hooks).
 */
@Injectable()
export class CustomerVisitService extends VisitPort {
  constructor(
    private readonly state: TicketState,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly appointments?: AppointmentsService,
  ) {
    super();
  }

  async openVisit(subject: TriageSubject, triage: Triage | null, reason: string): Promise<string> {
    const ticketId = await this.state.withDevice(subject.deviceId, async () => {
      const open = this.state.openFor(subject.deviceId);
      if (open) return this.state.withTicket(open.id, () => this.join(open.id, subject, triage, reason));
      return this.open(subject, triage, reason);
    });
    await this.bookPreferredWindow(ticketId, subject);
    return ticketId;
  }

  /**
   * The first free visit window inside one of the customer's preferred windows is booked for
   * them; when none is free the customer picks one from the availability (nothing is booked).
   */
  private async bookPreferredWindow(ticketId: string, subject: TriageSubject): Promise<void> {
    const preferred = subject.preferredWindows.map((w) => ({
      start: Date.parse(w.start),
      end: Date.parse(w.end),
    }));
    if (!this.appointments || preferred.length === 0) return;
    const ticket = await this.state.find(ticketId);
    if (!ticket || ticket.appointment) return;
    const now = this.clock.now();
    const from = Math.max(now, Math.min(...preferred.map((w) => w.start)));
    const days = Math.min(
      14,
      Math.max(1, Math.ceil((Math.max(...preferred.map((w) => w.end)) - from) / DAY_MS)),
    );
    try {
      const { slots } = await this.appointments.availability(SELF_TRIAGE_PRINCIPAL, {
        deviceId: subject.deviceId,
        from: new Date(from).toISOString(),
        days,
      });
      const slot = slots.find((s) =>
        preferred.some((w) => Date.parse(s.start) >= w.start && Date.parse(s.end) <= w.end),
      );
      if (!slot) return;
      await this.appointments.book(ticketId, SELF_TRIAGE_PRINCIPAL, { start: slot.start, end: slot.end });
    } catch (error) {
      // a window taken meanwhile: the customer picks another one in the portal
      this.logger.warn({ err: error, ticketId }, 'booking a preferred visit window failed');
    }
  }

  private facts(subject: TriageSubject, triage: Triage | null) {
    const device = this.devices.find(subject.deviceId);
    if (!device) throw selfTriageError('self_triage.unknown_device', `No device "${subject.deviceId}"`);
    const symptom = subject.symptom ? findSymptom(device.type, subject.symptom) : undefined;
    const faults = APPLIANCE_PROFILES[device.type].faultModes;
    // the triage's cause when it is a fault of the appliance; else the symptom's only fault
    const fault =
      faults.find((f) => f.mode === triage?.cause) ??
      (symptom?.faultModes.length === 1 ? faults.find((f) => f.mode === symptom.faultModes[0]) : undefined);
    const priority = PRIORITY_FOR_URGENCY[symptom?.urgency ?? 'minor'];
    return { device, symptom, fault, priority };
  }

  /** The customer's words, why a visit, what the triage found and the likely fault, one per line. */
  private lines(
    subject: TriageSubject,
    triage: Triage | null,
    reason: string,
    fault?: { mode: string; description: string; part: string },
  ): string[] {
    const said = subject.description ? `: "${subject.description}"` : '';
    const lines = [
      `${requestMarker(subject.number)} Customer request${subject.symptom ? ` (symptom ${subject.symptom})` : ''}${said}`,
      `Visit because: ${reason}`,
    ];
    if (triage) {
      lines.push(
        `Self-triage ${triage.status}${triage.cause ? `, likely cause ${triage.cause}` : ''}${triage.findings.length ? ':' : ''}`,
      );
      for (const finding of triage.findings) lines.push(`- ${finding.text}`);
    } else {
      lines.push('No self-triage was run.');
    }
    if (fault)
      lines.push(
        `Likely fault: ${fault.description} (${fault.mode}); part most likely needed: ${fault.part}.`,
      );
    if (subject.preferredWindows.length > 0)
      lines.push(
        `Preferred visit windows: ${subject.preferredWindows.map((w) => `${w.start} to ${w.end}`).join('; ')}`,
      );
    return lines;
  }

  private actor(subject: TriageSubject): Actor {
    return subject.customerId ? { kind: 'customer', id: subject.customerId } : SYSTEM_ACTOR;
  }

  private async open(subject: TriageSubject, triage: Triage | null, reason: string): Promise<string> {
    const { device, symptom, fault, priority } = this.facts(subject, triage);
    const { customerId, customer } = await this.customers.forDevice({
      customerId: device.customerId ?? subject.customerId,
    });
    const now = this.clock.now();
    const id = randomUUID();
    const tier = customer?.tier ?? 'standard';
    const slaClocks = startClocks({ ticketId: id, priority, tier, startedAtMs: now });
    const what =
      fault?.description ?? symptom?.id.replaceAll('_', ' ') ?? subject.description ?? 'customer request';
    const ticket: TicketRecord = {
      id,
      deviceId: device.id,
      alarmId: null,
      customerId,
      source: 'customer',
      priority,
      status: 'new',
      title: `${device.type.replace('_', ' ')} ${device.id}: ${what} (${subject.number})`.slice(0, 200),
      description: this.lines(subject, triage, reason, fault).join('\n'),
      createdAt: now,
      updatedAt: now,
      ...slaDeadlines(slaClocks, now),
      incidentId: null,
      faultMode: fault?.mode ?? null,
      failureProbability: null,
      hoursToFailure: null,
      likelyPart: fault?.part ?? null,
      assigneeId: null,
      tier,
      remote: false,
      reopenCount: 0,
      resolvedAt: null,
      requestId: subject.requestId,
      slaClocks,
      escalation: initialEscalation(id),
      offer: null,
      assignment: null,
      declinedBy: [],
      resolution: null,
      repeatOf: null,
    };
    const actor = this.actor(subject);
    await this.state.save(ticket, [
      {
        ticketId: id,
        at: now,
        actor: `${actor.kind}:${actor.id}`,
        actorKind: actor.kind,
        fromStatus: null,
        toStatus: 'new',
        reason: `opened from customer request ${subject.number}: ${reason}`.slice(0, 500),
      },
    ]);
    this.logger.info(
      { deviceId: device.id, ticketId: id, requestId: subject.requestId, priority },
      'customer ticket opened',
    );
    return id;
  }

  /** The request joins the device's open ticket: its text in the description, a note in the audit. */
  private async join(
    ticketId: string,
    subject: TriageSubject,
    triage: Triage | null,
    reason: string,
  ): Promise<string> {
    const open = this.state.openFor(subject.deviceId);
    // closed meanwhile (its turn came after ours was queued): a ticket of its own then
    if (!open || open.id !== ticketId) return this.open(subject, triage, reason);
    if (open.description.includes(requestMarker(subject.number))) return open.id;
    const { fault, priority } = this.facts(subject, triage);
    const updated: TicketRecord = {
      ...open,
      description: `${open.description}\n${this.lines(subject, triage, reason, fault).join('\n')}`,
      priority: minPriority(open.priority, priority),
      faultMode: open.faultMode ?? fault?.mode ?? null,
      likelyPart: open.likelyPart ?? fault?.part ?? null,
      requestId: open.requestId ?? subject.requestId,
      updatedAt: this.clock.now(),
    };
    await this.state.save(updated, [
      this.state.note(
        updated,
        this.actor(subject),
        `customer request ${subject.number} added: ${reason}`.slice(0, 500),
      ),
    ]);
    this.logger.info(
      { deviceId: open.deviceId, ticketId: open.id, requestId: subject.requestId },
      'customer request joined the open ticket',
    );
    return open.id;
  }
}
