import { Injectable } from '@nestjs/common';
import type {
  LocationRequest,
  ResolveRequest,
  Ticket,
  TicketDetail,
  TicketListItem,
  TicketListQuery,
  TicketStatus,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import { PartsService } from '../parts/parts.service';
import { clockStatus } from '../sla/sla-clock';
import { slaRisk } from '../sla/sla-risk';
import { TechniciansService } from '../technicians/technicians.service';
import type { Actor } from './ticket-lifecycle';
import { TicketEtaService } from './ticket-eta.service';
import { TicketIntake } from './ticket-intake.service';
import { TicketState, actorOf } from './ticket-state.service';
import { ticketError } from './tickets.errors';
import { TicketsRepository, toTicket, type AuditEntry, type TicketRecord } from './tickets.repository';

/** `GET /api/tickets/{id}`: the wire type, defined in contracts. */
export type { TicketDetail };

/** With an SLA risk filter, the matches are read in pages of this many, newest first. */
const RISK_SCAN_PAGE = 500;

/**
 * The tickets API: reads (as far as the caller may see) and the lifecycle steps people take.
 * Each change runs in the ticket's own turn (`TicketState`); dispatch, SLA clocks and fix
 * verification keep their timed work in their own features.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly state: TicketState,
    private readonly intake: TicketIntake,
    private readonly repository: TicketsRepository,
    private readonly parts: PartsService,
    private readonly technicians: TechniciansService,
    private readonly access: AccessPolicy,
    private readonly eta: TicketEtaService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  /**
   * Tickets the caller may see (technicians their own, customers theirs), newest first, narrowed
   * by every filter given, each with its SLA risk now. The risk depends on the clock, so with a
   * risk filter the matches are read page by page and `limit`/`offset` count the risky ones.
   */
  async list(principal: Principal, filter: Partial<TicketListQuery>): Promise<TicketListItem[]> {
    const query = {
      deviceId: filter.deviceId,
      status: filter.status,
      priority: filter.priority,
      assigneeId: filter.assigneeId,
      customerId: filter.customerId,
      region: filter.region,
      open: filter.open,
      scopeAssigneeId: principal.role === 'technician' ? (principal.technicianId ?? '\u0000none') : undefined,
      scopeCustomerId: principal.role === 'customer' ? (principal.customerId ?? '\u0000none') : undefined,
    };
    const limit = filter.limit ?? 500;
    const offset = filter.offset ?? 0;
    const now = this.clock.now();
    const withRisk = (r: TicketRecord): TicketListItem => ({
      ...toTicket(r),
      slaRisk: slaRisk(r.slaClocks, now),
    });
    if (filter.slaRisk === undefined)
      return (await this.repository.list({ ...query, limit, offset })).map(withRisk);
    const found: TicketListItem[] = [];
    let skip = offset;
    for (let page = 0; ; page += RISK_SCAN_PAGE) {
      const rows = await this.repository.list({ ...query, limit: RISK_SCAN_PAGE, offset: page });
      for (const row of rows) {
        const item = withRisk(row);
        if (item.slaRisk !== filter.slaRisk) continue;
        if (skip > 0) skip--;
        else if (found.push(item) === limit) return found;
      }
      if (rows.length < RISK_SCAN_PAGE) return found;
    }
  }

  /** Whether the caller may see the ticket (and so follow its room). */
  async isVisible(id: string, principal: Principal): Promise<boolean> {
    const ticket = await this.state.find(id);
    return ticket !== undefined && this.access.canSeeTicket(principal, ticket);
  }

  async get(id: string, principal: Principal): Promise<TicketDetail> {
    const ticket = await this.state.require(id, principal);
    const now = this.clock.now();
    const [audit, reservations, consumptions] = await Promise.all([
      this.repository.audit(id),
      this.parts.heldFor(id),
      this.parts.consumptions({ ticketId: id }),
    ]);
    return {
      ...toTicket(ticket),
      audit,
      sla: ticket.slaClocks.map((c) => {
        const status = clockStatus(c, now);
        return {
          kind: status.kind,
          state: status.state,
          targetMs: status.targetMs,
          elapsedMs: status.elapsedMs,
          remainingMs: status.remainingMs,
          fraction: status.fraction,
          dueAt: status.dueAtMs,
          pauseReason: status.pauseReason,
        };
      }),
      assignment: ticket.assignment,
      offer: ticket.offer,
      declinedBy: ticket.declinedBy,
      resolution: ticket.resolution,
      escalation: ticket.escalation,
      reservations: reservations.map((r) => ({
        id: r.id,
        sku: r.sku,
        locationId: r.locationId,
        lots: r.lots,
      })),
      consumptions: consumptions.map((c) => ({
        sku: c.sku,
        locationId: c.locationId,
        lot: c.lot,
        qty: c.qty,
        at: c.at,
      })),
      eta: this.access.canTrackTechnician(principal, ticket) ? await this.eta.forTicket(ticket) : null,
      // the customer and the desk greet the technician by name; the record itself stays staff-only
      assigneeName: ticket.assigneeId
        ? ((await this.technicians.find(ticket.assigneeId))?.name ?? null)
        : null,
    };
  }

  /** A plain lifecycle step; dispatch and resolution have their own calls. */
  transitionTo(id: string, principal: Principal, to: TicketStatus, reason?: string): Promise<Ticket> {
    switch (to) {
      case 'dispatched':
        throw ticketError('ticket.use_dispatch', 'Dispatch through POST /api/tickets/{id}/dispatch', {
          field: 'to',
        });
      case 'resolved':
        throw ticketError('ticket.use_resolve', 'Resolve through POST /api/tickets/{id}/resolve', {
          field: 'to',
        });
      case 'reopened':
        return this.reopen(id, principal, reason);
      case 'new':
      case 'acknowledged':
      case 'en_route':
      case 'on_site':
      case 'waiting_parts':
      case 'verified':
      case 'closed':
      case 'cancelled':
        break;
    }
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      // the technician hands it back: dispatch offers it to the next best
      if (to === 'acknowledged' && ticket.status === 'dispatched')
        return toTicket(await this.backToPool(ticket, actorOf(principal), reason ?? ''));
      const stepped = this.state.step(ticket, to, actorOf(principal), reason);
      let next = stepped.ticket;
      if (to === 'cancelled') await this.parts.releaseForTicket(id);
      if (to === 'en_route' && next.offer)
        next = { ...next, offer: { ...next.offer, acceptedAtMs: this.clock.now() } };
      return toTicket(await this.state.save(next, [stepped.entry]));
    });
  }

  /** The first human response: stops the 10-minute respond clock. */
  acknowledge(id: string, principal: Principal): Promise<Ticket> {
    return this.transitionTo(id, principal, 'acknowledged');
  }

  cancel(id: string, principal: Principal, reason: string): Promise<Ticket> {
    return this.transitionTo(id, principal, 'cancelled', reason);
  }

  waitForParts(id: string, principal: Principal, reason: string): Promise<Ticket> {
    return this.transitionTo(id, principal, 'waiting_parts', reason);
  }

  partsArrived(id: string, principal: Principal): Promise<Ticket> {
    return this.transitionTo(id, principal, 'on_site', 'the part arrived');
  }

  arrive(id: string, principal: Principal): Promise<Ticket> {
    return this.transitionTo(id, principal, 'on_site');
  }

  reopen(id: string, principal: Principal, reason?: string): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      // the lifecycle checks the actor, the reason and the 30-day window
      this.state.step(ticket, 'reopened', actorOf(principal), reason);
      return toTicket(await this.intake.reopenAsRepeat(ticket, reason ?? ''));
    });
  }

  /** The technician sets off; the ticket's offer counts as accepted. */
  enRoute(id: string, principal: Principal, location: LocationRequest): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      const stepped = this.state.step(ticket, 'en_route', actorOf(principal), 'accepted and driving');
      const now = this.clock.now();
      if (stepped.ticket.assigneeId)
        await this.technicians.setLocation(stepped.ticket.assigneeId, location, now);
      const next = {
        ...stepped.ticket,
        offer: stepped.ticket.offer && {
          ...stepped.ticket.offer,
          acceptedAtMs: stepped.ticket.offer.acceptedAtMs ?? now,
        },
      };
      const saved = await this.state.save(next, [stepped.entry]);
      await this.announceLocation(saved, location, now);
      return toTicket(saved);
    });
  }

  /** Where the assigned technician is now; for dispatch's travel times and the customer's view. */
  updateLocation(id: string, principal: Principal, location: LocationRequest): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      if (
        principal.role !== 'technician' ||
        !principal.technicianId ||
        ticket.assigneeId !== principal.technicianId
      ) {
        throw ticketError('ticket.not_assignee', 'Only the assigned technician reports a location', {
          ticketId: id,
        });
      }
      const now = this.clock.now();
      await this.technicians.setLocation(principal.technicianId, location, now);
      await this.announceLocation(ticket, location, now);
      return toTicket(ticket);
    });
  }

  /** Live views learn where the ticket's technician is and when they should arrive. */
  private async announceLocation(
    ticket: TicketRecord,
    location: LocationRequest,
    atMs: number,
  ): Promise<void> {
    if (!ticket.assigneeId) return;
    this.events.emit('technician.location', {
      ticketId: ticket.id,
      technicianId: ticket.assigneeId,
      lat: location.lat,
      lon: location.lon,
      ts: atMs,
      etaMs: await this.eta.arrivalMs(ticket, location, atMs),
      deviceId: ticket.deviceId,
      customerId: ticket.customerId,
      status: ticket.status,
    });
  }

  /**
   * Resolution with the confirmed root cause and the parts fitted (consumed with their lot
   * numbers; unused reservations go back). `remote`: fixed without a visit; the service desk
   * may then resolve a ticket that is still dispatched or en route.
   */
  resolve(id: string, principal: Principal, request: ResolveRequest): Promise<Ticket> {
    return this.state.withTicket(id, async () => {
      const ticket = await this.state.require(id, principal);
      const actor = actorOf(principal);
      const remote = request.remote ?? false;
      const technician = ticket.assigneeId ? await this.technicians.find(ticket.assigneeId) : undefined;
      const entries: AuditEntry[] = [];
      // before the visit only a remote fix resolves (the assigned technician's or the desk's)
      if (!remote && (ticket.status === 'dispatched' || ticket.status === 'en_route')) {
        throw ticketError(
          'ticket.bad_transition',
          'Resolve on site, or say it was fixed remotely (remote: true)',
          {
            ticketId: id,
            from: ticket.status,
            to: 'resolved',
            field: 'remote',
          },
        );
      }
      const stepped = this.state.step(ticket, 'resolved', actor, request.rootCause);
      const held = await this.parts.heldFor(id);
      const van = await this.parts.vanStock(technician?.vanId ?? null);
      const partsAtFirstVisit = [
        ...new Set([...held.map((r) => r.sku), ...Object.keys(van).filter((sku) => (van[sku] ?? 0) > 0)]),
      ];
      const partsUsed = await this.parts.consumeForTicket({
        ticketId: id,
        partsUsed: request.partsUsed,
        vanId: technician?.vanId ?? null,
      });
      const resolved: TicketRecord = {
        ...stepped.ticket,
        remote,
        offer: null,
        resolution: {
          rootCause: request.rootCause,
          partsUsed,
          partsAtFirstVisit: remote ? [] : partsAtFirstVisit,
          remote,
          resolvedBy: `${actor.kind}:${actor.id}`,
        },
      };
      entries.push({
        ...stepped.entry,
        reason: `${remote ? 'resolved remotely' : 'resolved'}: ${request.rootCause}${
          partsUsed.length
            ? `; parts ${partsUsed.map((p) => `${p.qty} × ${p.sku} (lots ${p.lots.map((l) => l.lot).join(', ')})`).join('; ')}`
            : ''
        }`,
      });
      return toTicket(await this.state.save(resolved, entries));
    });
  }

  /** Hands a dispatched ticket back to the pool: parts released, the decliner remembered. */
  async backToPool(ticket: TicketRecord, actor: Actor, reason: string): Promise<TicketRecord> {
    const decliner = ticket.assigneeId;
    const stepped = this.state.step(ticket, 'acknowledged', actor, reason);
    await this.parts.releaseForTicket(ticket.id);
    const declinedBy = decliner ? [...new Set([...ticket.declinedBy, decliner])] : ticket.declinedBy;
    return this.state.save({ ...stepped.ticket, offer: null, assignment: null, declinedBy }, [stepped.entry]);
  }
}
