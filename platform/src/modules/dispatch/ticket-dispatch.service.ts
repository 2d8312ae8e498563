import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { DispatchRequest, GuidanceEvent, Ticket, TicketStatus } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { guidanceError } from '../guidance/guidance.errors';
import { GuidanceService } from '../guidance/guidance.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { partSkuFor } from '../parts/inventory';
import { PartsService } from '../parts/parts.service';
import { clockStatus } from '../sla/sla-clock';
import type { Actor } from '../tickets/ticket-lifecycle';
import { SYSTEM_ACTOR, TicketState, actorOf } from '../tickets/ticket-state.service';
import { ticketError } from '../tickets/tickets.errors';
import { TicketsRepository, toTicket, type TicketRecord } from '../tickets/tickets.repository';
import { TicketsService } from '../tickets/tickets.service';
import {
  isAssignment,
  makeOffer,
  offerExpired,
  type Assignment,
  type DispatchTicket,
} from './dispatch-rules';
import { dispatchError } from './dispatch.errors';
import { DispatchService } from './dispatch.service';

/** Statuses a ticket waits in for (re-)dispatch. */
const DISPATCHABLE = new Set<TicketStatus>(['new', 'acknowledged', 'reopened']);
/** A ticket nobody could take is offered again this much later (clock time). */
export const DISPATCH_RETRY_MS = 60_000;
export const DISPATCH_JOB = 'ticket.dispatch';
export const OFFER_TIMEOUT_JOB = 'ticket.offer-timeout';

/**
 * Tickets to technicians: a ticket waiting for one is dispatched at once (job `ticket.dispatch`,
 * retried while nobody can take it) to the best technician, with an offer to accept within
 * 15 minutes (job `ticket.offer-timeout`), the likely part reserved (van first, then the
 * nearest warehouse) and the remote guidance pushed. A decline or a lapsed offer goes to the
 * next best technician, never one who declined; the service desk may override the choice.
 */
@Injectable()
export class TicketDispatch implements OnModuleInit {
  constructor(
    private readonly state: TicketState,
    private readonly tickets: TicketsService,
    private readonly repository: TicketsRepository,
    private readonly dispatcher: DispatchService,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly parts: PartsService,
    private readonly guidance: GuidanceService,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.jobs.register(DISPATCH_JOB, (ticketId) =>
      this.state.withTicket(ticketId, () => this.dispatchWaiting(ticketId)),
    );
    this.jobs.register(OFFER_TIMEOUT_JOB, (ticketId) =>
      this.state.withTicket(ticketId, () => this.expireOffer(ticketId)),
    );
    this.state.onSaved((ticket) => this.scheduleFor(ticket));
  }

  /** Keeps the ticket's dispatch jobs in step with its state. */
  private async scheduleFor(ticket: TicketRecord): Promise<void> {
    if (DISPATCHABLE.has(ticket.status) && ticket.assigneeId === null) {
      await this.jobs.schedule(DISPATCH_JOB, ticket.id, this.clock.now());
    } else {
      await this.jobs.cancel(DISPATCH_JOB, ticket.id);
    }
    if (ticket.status === 'dispatched' && ticket.offer && ticket.offer.acceptedAtMs === null) {
      await this.jobs.schedule(OFFER_TIMEOUT_JOB, ticket.id, ticket.offer.acceptByMs);
    } else {
      await this.jobs.cancel(OFFER_TIMEOUT_JOB, ticket.id);
    }
  }

  // ---- jobs ----------------------------------------------------------------------------

  private async dispatchWaiting(ticketId: string): Promise<void> {
    const ticket = await this.state.find(ticketId);
    if (!ticket || !DISPATCHABLE.has(ticket.status) || ticket.assigneeId !== null) return;
    const view = await this.dispatchView(ticket);
    // no site (a device without an owner, or an owner without an address): nobody can go there
    if (!view) return;
    const result = await this.dispatcher.redispatch(
      view,
      await this.repository.openCountByAssignee(),
      ticket.declinedBy,
    );
    if (isAssignment(result)) {
      await this.assign(ticket, result, SYSTEM_ACTOR, view);
      return;
    }
    // nobody can take it now: try again later (shifts start, technicians free up)
    await this.jobs.schedule(DISPATCH_JOB, ticket.id, this.clock.now() + DISPATCH_RETRY_MS);
  }

  private async expireOffer(ticketId: string): Promise<void> {
    const ticket = await this.state.find(ticketId);
    const offer = ticket?.offer;
    if (!ticket || ticket.status !== 'dispatched' || !offer || offer.acceptedAtMs !== null) return;
    if (!offerExpired(offer, this.clock.now())) {
      await this.jobs.schedule(OFFER_TIMEOUT_JOB, ticket.id, offer.acceptByMs);
      return;
    }
    await this.declineAndRedispatch(
      ticket,
      SYSTEM_ACTOR,
      `offer to ${offer.technicianId} not accepted by ${new Date(offer.acceptByMs).toISOString()}`,
    );
  }

  // ---- API -----------------------------------------------------------------------------

  /** Automatic choice, or a manual override naming the technician and why. */
  dispatch(id: string, principal: Principal, request: DispatchRequest): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      let ticket = await this.state.require(id, principal);
      const actor = actorOf(principal);
      if (request.technicianId && (ticket.status === 'dispatched' || ticket.status === 'en_route')) {
        const back = this.state.step(ticket, 'acknowledged', actor, `reassigned: ${request.reason ?? ''}`);
        await this.parts.releaseForTicket(id);
        ticket = await this.state.save({ ...back.ticket, offer: null, assignment: null }, [back.entry]);
      }
      const view = await this.dispatchView(ticket);
      if (!view)
        throw dispatchError(
          'dispatch.no_site',
          'The ticket has no site to dispatch to: its device or customer address is unknown',
          { ticketId: ticket.id, field: 'customerId' },
        );
      const counts = await this.repository.openCountByAssignee();
      let assignment: Assignment;
      if (request.technicianId) {
        assignment = await this.dispatcher.manual(view, request.technicianId, counts, {
          actor: `${actor.kind}:${actor.id}`,
          reason: request.reason ?? '',
        });
      } else {
        const result = await this.dispatcher.redispatch(view, counts, ticket.declinedBy);
        if (!isAssignment(result))
          throw dispatchError('dispatch.no_technician', result.explanation, {
            ticketId: id,
            reason: result.reason,
          });
        assignment = result;
      }
      return toTicket(await this.assign(ticket, assignment, actor, view));
    });
  }

  /** The technician takes the offer; the ticket stays dispatched until they set off. */
  accept(id: string, principal: Principal): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      if (ticket.status !== 'dispatched' || !ticket.offer || ticket.assigneeId !== principal.technicianId) {
        throw ticketError('ticket.bad_transition', 'Only an offered, dispatched ticket can be accepted', {
          ticketId: id,
          field: 'status',
          status: ticket.status,
        });
      }
      const accepted = { ...ticket, offer: { ...ticket.offer, acceptedAtMs: this.clock.now() } };
      return toTicket(
        await this.state.save(accepted, [this.state.note(accepted, actorOf(principal), 'offer accepted')]),
      );
    });
  }

  decline(id: string, principal: Principal, reason: string): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      return toTicket(await this.declineAndRedispatch(ticket, actorOf(principal), reason));
    });
  }

  /**
   * The guidance last pushed to the ticket's technician, as the `guidance` event carried it, so
   * a job opened later shows it. A ticket dispatched before pushes were kept gets the same
   * guidance composed now.
   */
  async guidanceFor(id: string, principal: Principal): Promise<GuidanceEvent> {
    const ticket = await this.state.require(id, principal);
    const pushed = await this.guidance.lastPushed(ticket.id);
    if (pushed) return pushed;
    const composed = ticket.assigneeId ? await this.composeGuidance(ticket, ticket.assigneeId) : undefined;
    if (composed) return composed;
    throw guidanceError(
      'guidance.not_pushed',
      `No guidance was pushed for ticket "${id}": it was never dispatched`,
      {
        ticketId: id,
      },
    );
  }

  // ---- the work ------------------------------------------------------------------------

  private async dispatchView(ticket: TicketRecord): Promise<DispatchTicket | undefined> {
    const device = this.devices.find(ticket.deviceId);
    const customer = ticket.customerId ? await this.customers.find(ticket.customerId) : undefined;
    if (!device || !customer?.location) return undefined;
    const onSite = ticket.slaClocks.find((c) => c.kind === 'onSite');
    return {
      id: ticket.id,
      priority: ticket.priority,
      applianceType: device.type,
      faultMode: ticket.faultMode,
      partSku: ticket.likelyPart ? partSkuFor(device.type, ticket.likelyPart) : null,
      location: customer.location,
      region: customer.region ?? device.region ?? 'unknown',
      onSiteDueAtMs: (onSite && clockStatus(onSite, this.clock.now()).dueAtMs) ?? ticket.onSiteBy,
      window: this.bookedWindow(ticket),
    };
  }

  /** A booked visit goes only to a technician free in its window; a window already over binds nobody. */
  private bookedWindow(ticket: TicketRecord): DispatchTicket['window'] {
    if (!ticket.appointment) return null;
    const window = {
      startMs: Date.parse(ticket.appointment.start),
      endMs: Date.parse(ticket.appointment.end),
    };
    return window.endMs > this.clock.now() ? window : null;
  }

  /** Back to the pool and on to the next best technician, never one who declined. */
  private async declineAndRedispatch(
    ticket: TicketRecord,
    actor: Actor,
    reason: string,
  ): Promise<TicketRecord> {
    const back = await this.tickets.backToPool(ticket, actor, reason);
    const view = await this.dispatchView(back);
    if (!view) return back;
    const next = await this.dispatcher.redispatch(
      view,
      await this.repository.openCountByAssignee(),
      back.declinedBy,
    );
    if (!isAssignment(next))
      return this.state.save(back, [this.state.note(back, SYSTEM_ACTOR, next.explanation)]);
    return this.assign(back, next, SYSTEM_ACTOR, view);
  }

  /**
   * Dispatches to the assignment's technician: offer with an accept deadline, the likely part
   * reserved (van first, then the nearest warehouse), the guidance pushed to the technician.
   */
  private async assign(
    ticket: TicketRecord,
    assignment: Assignment,
    actor: Actor,
    view: DispatchTicket,
  ): Promise<TicketRecord> {
    const now = this.clock.now();
    const stepped = this.state.step(
      ticket,
      'dispatched',
      actor,
      assignment.explanation,
      assignment.technicianId,
    );
    const technician = await this.dispatcher.technician(assignment.technicianId);
    await this.parts.releaseForTicket(ticket.id);
    let partNote = '';
    if (view.partSku) {
      const { plan, reservation } = await this.parts.reserveForTicket({
        ticketId: ticket.id,
        sku: view.partSku,
        vanId: technician?.vanId ?? null,
        site: view.location,
        technicianId: assignment.technicianId,
      });
      partNote = reservation
        ? ` Part ${view.partSku} reserved from ${plan.ok ? plan.source : ''} ${reservation.locationId}.`
        : ` Part ${view.partSku} not reserved: ${plan.ok ? '' : plan.reason}.`;
    }
    const updated: TicketRecord = {
      ...stepped.ticket,
      assignment,
      offer: { ...makeOffer(assignment, now), acceptedAtMs: null },
    };
    await this.state.save(updated, [
      { ...stepped.entry, reason: `${stepped.entry.reason}${partNote}`.slice(0, 2000) },
    ]);
    await this.pushGuidance(updated, assignment.technicianId);
    return updated;
  }

  private async pushGuidance(ticket: TicketRecord, technicianId: string): Promise<void> {
    const guidance = await this.composeGuidance(ticket, technicianId);
    if (!guidance) return;
    this.events.emit('guidance.pushed', guidance);
    try {
      await this.guidance.recordPushed(guidance);
    } catch (error) {
      // the push reached the technician live; only reading it again later is lost
      this.logger.error({ err: error, ticketId: ticket.id }, 'keeping the pushed guidance failed');
    }
  }

  private async composeGuidance(
    ticket: TicketRecord,
    technicianId: string,
  ): Promise<GuidanceEvent | undefined> {
    const device = this.devices.find(ticket.deviceId);
    if (!device) return undefined;
    return {
      ticketId: ticket.id,
      deviceId: ticket.deviceId,
      technicianId,
      faultMode: ticket.faultMode,
      article: await this.guidance.current(device.type, ticket.faultMode),
      // copies: the twin's readings are updated in place by the next ones
      liveReadings: device.latest.toJSON(),
    };
  }
}
