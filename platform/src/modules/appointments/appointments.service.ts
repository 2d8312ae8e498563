import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleInit } from '@nestjs/common';
import type { Appointment, Availability, TicketStatus, VisitWindow } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { KeyedQueue } from '../../common/concurrency/serial-queue';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import type { DeviceRecord } from '../devices/devices.repository';
import { DevicesService } from '../devices/devices.service';
import type { VisitWindowMs, WindowNeed } from '../dispatch/dispatch-rules';
import { DispatchService } from '../dispatch/dispatch.service';
import { PartsService } from '../parts/parts.service';
import { holdForAppointment, releaseAppointment, slaTargets } from '../sla/sla-clock';
import { slaDeadlines } from '../sla/sla-policy';
import { SYSTEM_ACTOR, TicketState, actorOf } from '../tickets/ticket-state.service';
import {
  ASSIGNED_STATUSES,
  TicketsRepository,
  type AuditEntry,
  type TicketRecord,
} from '../tickets/tickets.repository';
import { appointmentError, type UnavailableReason } from './appointments.errors';
import { AppointmentsRepository, type AppointmentRecord } from './appointments.repository';
import { slotShapeProblem, slotWindows } from './visit-windows';
import { WindowCounter, type OwnTicket } from './window-counter';

/** A visit can be booked or moved until the technician sets off. */
const BOOKABLE = new Set<TicketStatus>(['new', 'acknowledged', 'dispatched', 'reopened']);
/** ... and cancelled until they are on site. */
const CANCELLABLE = new Set<TicketStatus>([...BOOKABLE, 'en_route']);

const iso = (ms: number) => new Date(ms).toISOString();
const fmt = (w: VisitWindowMs) =>
  `${iso(w.startMs).slice(0, 16).replace('T', ' ')}–${iso(w.endMs).slice(11, 16)} UTC`;

/**
 * Appointments: the visit windows a customer can book for an appliance (technicians with the
 * skill, on shift for the whole window, in the region, not on leave, free then and with room in
 * their workload: the same rule dispatch applies, `windowRejection`), booking, moving and
 * cancelling a ticket's window. The current window rides on the ticket (`appointment`), so
 * dispatch, the SLA clocks and the ticket's watchers see it; every window ever booked stays in
 * `appointments` with who booked and who ended it.
 */
@Injectable()
export class AppointmentsService implements OnModuleInit {
  /** Bookings one at a time, so two customers are never both given the last free technician. */
  private readonly bookings = new KeyedQueue();

  constructor(
    private readonly repository: AppointmentsRepository,
    private readonly state: TicketState,
    private readonly tickets: TicketsRepository,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly dispatcher: DispatchService,
    private readonly parts: PartsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.state.onSaved((ticket) => this.followTicket(ticket));
  }

  /** Keeps the window's history in step with the ticket: who holds it, and its end with the ticket. */
  private async followTicket(ticket: TicketRecord): Promise<void> {
    if (!ticket.appointment) return;
    if (ticket.status === 'cancelled') {
      await this.repository.cancel(ticket.id, {
        at: this.clock.now(),
        by: `${SYSTEM_ACTOR.kind}:${SYSTEM_ACTOR.id}`,
        reason: 'the ticket was cancelled',
      });
      return;
    }
    await this.repository.setTechnician(ticket.id, ticket.assigneeId);
  }

  // ---- availability ----------------------------------------------------------------------

  async availability(
    principal: Principal,
    query: { deviceId: string; from?: string; days: number },
  ): Promise<Availability> {
    const device = this.devices.requireVisible(query.deviceId, principal);
    const now = this.clock.now();
    const windows = slotWindows(query.from ? Date.parse(query.from) : now, query.days, now);
    const region = await this.regionOf(device);
    if (!region || windows.length === 0) return { deviceId: device.id, slots: [] };
    const counter = await this.counter(windows[windows.length - 1].endMs);
    const slots = windows
      .map((window) => ({
        start: iso(window.startMs),
        end: iso(window.endMs),
        technicians: counter.count({ applianceType: device.type, region, window }),
      }))
      .filter((slot) => slot.technicians > 0);
    return { deviceId: device.id, slots };
  }

  // ---- booking ---------------------------------------------------------------------------

  /** Books the ticket's visit window, or moves it (the old one is released). */
  book(ticketId: string, principal: Principal, request: VisitWindow): Promise<Appointment> {
    return this.bookings.run('bookings', () =>
      this.state.withTicket(ticketId, async () => {
        const ticket = await this.state.require(ticketId, principal);
        if (!BOOKABLE.has(ticket.status))
          throw appointmentError(
            'appointment.not_bookable',
            `A visit can be booked only before the technician sets off; the ticket is ${ticket.status}`,
            { ticketId, status: ticket.status, field: 'status' },
          );
        const now = this.clock.now();
        const window = { startMs: Date.parse(request.start), endMs: Date.parse(request.end) };
        const shape = slotShapeProblem(window, now);
        if (shape) throw this.unavailable(ticketId, window, shape);
        const device = this.devices.find(ticket.deviceId);
        const region = device && (await this.regionOf(device));
        if (!device || !region) throw this.unavailable(ticketId, window, 'no_site');
        const need: WindowNeed = { ticketId, applianceType: device.type, region, window };
        const own = this.own(ticket);
        const counter = await this.counter(window.endMs);
        if (counter.count(need, own) === 0) throw this.unavailable(ticketId, window, 'no_technician');

        const actor = actorOf(principal);
        const by = `${actor.kind}:${actor.id}`;
        const previous = ticket.appointment;
        const record: AppointmentRecord = {
          id: randomUUID(),
          ticketId,
          startMs: window.startMs,
          endMs: window.endMs,
          status: 'booked',
          bookedAt: now,
          bookedBy: by,
          technicianId: null,
          endedAt: null,
          endedBy: null,
          endReason: null,
        };
        await this.repository.book(
          record,
          previous ? { at: now, by, reason: `moved to ${fmt(window)}` } : undefined,
        );

        const slaClocks = holdForAppointment(ticket.slaClocks, window, now);
        let next: TicketRecord = {
          ...ticket,
          appointment: { start: iso(window.startMs), end: iso(window.endMs) },
          slaClocks,
          ...slaDeadlines(slaClocks, now),
        };
        const entries: AuditEntry[] = [
          this.state.note(
            next,
            actor,
            previous
              ? `visit moved from ${fmt({ startMs: Date.parse(previous.start), endMs: Date.parse(previous.end) })} to ${fmt(window)}`
              : `visit booked for ${fmt(window)}`,
          ),
        ];
        // the technician dispatched before must be free in the (new) window; else dispatch again
        if (ticket.status === 'dispatched' && ticket.assigneeId) {
          const rejection = counter.rejection(ticket.assigneeId, need, own);
          if (rejection) {
            const stepped = this.state.step(
              next,
              'acknowledged',
              SYSTEM_ACTOR,
              `${ticket.assigneeId} cannot take the visit in ${fmt(window)} (${rejection}): dispatching again`,
            );
            await this.parts.releaseForTicket(ticketId);
            next = { ...stepped.ticket, offer: null, assignment: null };
            entries.push(stepped.entry);
          }
        }
        const saved = await this.state.save(next, entries);
        return this.view({ ...record, technicianId: saved.assigneeId });
      }),
    );
  }

  /**
   * Cancels the visit: the window is released. A ticket the customer asked for (source
   * `customer`) is cancelled with it (the customer withdrew their request); a proactive ticket
   * loses only the appointment and goes back to the default on-site target.
   */
  cancel(ticketId: string, principal: Principal, reason?: string): Promise<Appointment> {
    return this.bookings.run('bookings', () =>
      this.state.withTicket(ticketId, async () => {
        const ticket = await this.state.require(ticketId, principal);
        const current = await this.repository.current(ticketId);
        if (!ticket.appointment || !current)
          throw appointmentError('appointment.not_found', `Ticket "${ticketId}" has no visit booked`, {
            ticketId,
          });
        if (!CANCELLABLE.has(ticket.status))
          throw appointmentError(
            'appointment.not_bookable',
            `A visit can be cancelled only before the technician is on site; the ticket is ${ticket.status}`,
            { ticketId, status: ticket.status, field: 'status' },
          );
        const now = this.clock.now();
        const actor = actorOf(principal);
        const by = `${actor.kind}:${actor.id}`;
        const why =
          reason ?? (actor.kind === 'customer' ? 'the customer cancelled the visit' : 'visit cancelled');
        await this.repository.cancel(ticketId, { at: now, by, reason: why });
        const slaClocks = releaseAppointment(
          ticket.slaClocks,
          slaTargets(ticket.priority, ticket.tier).onSiteMs,
          now,
        );
        const released: TicketRecord = {
          ...ticket,
          appointment: null,
          slaClocks,
          ...slaDeadlines(slaClocks, now),
        };
        const window = { startMs: current.startMs, endMs: current.endMs };
        if (ticket.source === 'customer') {
          const stepped = this.state.step(
            released,
            'cancelled',
            actor,
            `visit ${fmt(window)} cancelled: ${why}`,
          );
          await this.parts.releaseForTicket(ticketId);
          await this.state.save(stepped.ticket, [stepped.entry]);
        } else {
          await this.state.save(released, [
            this.state.note(released, actor, `visit ${fmt(window)} cancelled: ${why}`),
          ]);
        }
        return this.view({
          ...current,
          status: 'cancelled',
          technicianId: current.technicianId ?? ticket.assigneeId,
        });
      }),
    );
  }

  // ---- the work --------------------------------------------------------------------------

  private unavailable(ticketId: string, window: VisitWindowMs, reason: UnavailableReason) {
    const why: Record<UnavailableReason, string> = {
      not_a_slot: 'visit windows are two hours long and start on even hours (UTC)',
      too_soon: 'the window starts too soon for a technician to plan the visit',
      too_far_ahead: 'the window is further ahead than visits are booked',
      no_site: "the appliance's address or region is unknown",
      no_technician: 'no technician with the skill is on shift, in the region and free then',
    };
    return appointmentError(
      'appointment.unavailable',
      `The window ${fmt(window)} is not available: ${why[reason]}`,
      {
        ticketId,
        reason,
        field: reason === 'no_site' ? 'deviceId' : 'start',
      },
    );
  }

  private own(ticket: TicketRecord): OwnTicket {
    return {
      ticketId: ticket.id,
      assignedTo: ticket.assigneeId && ASSIGNED_STATUSES.includes(ticket.status) ? ticket.assigneeId : null,
    };
  }

  /** The site's region: the owner's (with an address, else nobody can be sent), or the device's. */
  private async regionOf(device: Pick<DeviceRecord, 'customerId' | 'region'>): Promise<string | undefined> {
    const customer = device.customerId ? await this.customers.find(device.customerId) : undefined;
    if (!customer?.location) return undefined;
    return customer.region ?? device.region ?? undefined;
  }

  /** Who can take a visit when, as of now, for windows ending by `untilMs`. */
  private async counter(untilMs: number): Promise<WindowCounter> {
    const [open, booked] = await Promise.all([
      this.tickets.openCountByAssignee(),
      this.tickets.bookedWindows(),
    ]);
    const technicians = await this.dispatcher.candidates(open, untilMs);
    const unheld: WindowNeed[] = [];
    for (const b of booked) {
      if (b.assigneeId) continue;
      const device = this.devices.find(b.deviceId);
      const region = device && (await this.regionOf(device));
      if (!device || !region) continue;
      unheld.push({
        ticketId: b.ticketId,
        applianceType: device.type,
        region,
        window: { startMs: Date.parse(b.appointment.start), endMs: Date.parse(b.appointment.end) },
      });
    }
    return new WindowCounter(technicians, open, unheld);
  }

  private view(r: AppointmentRecord): Appointment {
    return {
      ticketId: r.ticketId,
      start: iso(r.startMs),
      end: iso(r.endMs),
      status: r.status,
      bookedAt: iso(r.bookedAt),
      bookedBy: r.bookedBy,
      technicianId: r.technicianId,
    };
  }
}
