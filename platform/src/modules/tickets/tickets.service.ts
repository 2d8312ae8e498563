import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import {
  APPLIANCE_PROFILES,
  type Alarm,
  type DispatchRequest,
  type Incident,
  type LocationRequest,
  type ResolveRequest,
  type SlaClockView,
  type Ticket,
  type TicketPriority,
  type TicketStatus,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { AppError } from '../../common/errors/app-error';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { DispatchService } from '../dispatch/dispatch.service';
import { GuidanceService } from '../guidance/guidance.service';
import { PartsService } from '../parts/parts.service';
import {
  REPEAT_WINDOW_MS,
  applyStatusToClocks,
  clockStatus,
  escalate,
  evaluate,
  initialEscalation,
  isAssignment,
  makeOffer,
  offerExpired,
  partSkuFor,
  startClocks,
  transition,
  verifyFix,
  type Actor,
  type Assignment,
  type DispatchTicket,
} from '../service-domain';
import { TechniciansService } from '../technicians/technicians.service';
import { FixSignalsRepository } from './fix-signals.repository';
import { priorityForSeverity, slaDeadlines } from './sla-policy';
import {
  OPEN_STATUSES,
  TicketsRepository,
  toTicket,
  type AuditEntry,
  type Resolution,
  type TicketRecord,
} from './tickets.repository';

const TICKET_SEVERITIES = new Set<Alarm['severity']>(['major', 'critical']);
/** How often SLA clocks, offers, undispatched tickets and repairs awaiting verification are checked. */
const TICK_INTERVAL_MS = 5_000;
const SYSTEM: Actor = { kind: 'system', id: 'platform' };
/** Statuses a ticket waits in for (re-)dispatch. */
const DISPATCHABLE = new Set<TicketStatus>(['new', 'acknowledged', 'reopened']);

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

function actorOf(principal: Principal): Actor {
  switch (principal.role) {
    case 'technician':
      return { kind: 'technician', id: principal.technicianId ?? principal.userId };
    case 'customer':
      return { kind: 'customer', id: principal.customerId ?? principal.userId };
    case 'admin':
    case 'engineer':
      return { kind: principal.role, id: principal.userId };
  }
}

export interface TicketDetail extends Ticket {
  audit: AuditEntry[];
  sla: SlaClockView[];
  assignment: Assignment | null;
  offer: TicketRecord['offer'];
  declinedBy: string[];
  resolution: Resolution | null;
  escalation: TicketRecord['escalation'];
  reservations: Array<{
    id: string;
    sku: string;
    locationId: string;
    lots: Array<{ lot: string; qty: number }>;
  }>;
  consumptions: Array<{ sku: string; locationId: string; lot: string; qty: number; at: number }>;
}

/**
 * Repair tickets and their life: a major or critical incident opens one proactive ticket per
 * device (further incidents join it); the ticket gets the SLA clocks of its priority and the
 * customer's tier, is dispatched at once to the best technician (with the likely part reserved
 * and the remote guidance pushed), and moves through the lifecycle by the technician's and the
 * service desk's actions. A timer (`tick`, time from the injected clock) raises SLA warnings
 * and breaches up the escalation ladder, re-dispatches offers not accepted in time, retries
 * tickets nobody could take, and verifies repairs from the device's alarms after the hold
 * time, reopening them as repeats when the fault comes back.
 *
 * Every change runs through one queue, so the timer, the incident stream and API calls never
 * act on a stale copy of a ticket.
 */
@Injectable()
export class TicketsService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly openByDevice = new Map<string, TicketRecord>();
  private queue: Promise<unknown> = Promise.resolve();
  private unsubscribe?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: TicketsRepository,
    private readonly signals: FixSignalsRepository,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly dispatcher: DispatchService,
    private readonly technicians: TechniciansService,
    private readonly parts: PartsService,
    private readonly guidance: GuidanceService,
    private readonly access: AccessPolicy,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const ticket of await this.repository.withStatus([...OPEN_STATUSES, 'resolved'])) {
      this.access.trackTicket(ticket);
      if (OPEN_STATUSES.includes(ticket.status)) this.openByDevice.set(ticket.deviceId, ticket);
    }
    this.unsubscribe = this.events.on('incident.changed', (change) => {
      this.exclusive(() => this.onIncident(change)).catch((error: unknown) =>
        this.logger.error({ err: error, deviceId: change.incident.deviceId }, 'ticket from incident failed'),
      );
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.logger.error({ err: error }, 'ticket tick failed'));
    }, TICK_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.unsubscribe?.();
    await this.settled();
  }

  /** Resolves once every queued change is saved. */
  async settled(): Promise<void> {
    let seen: Promise<unknown> | undefined;
    while (seen !== this.queue) {
      seen = this.queue;
      await seen;
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  // ---- incidents → tickets -------------------------------------------------------------

  private async onIncident({ incident, alarm }: { incident: Incident; alarm: Alarm }): Promise<void> {
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
      const updated: TicketRecord = {
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
      await this.save(updated, [
        this.note(updated, SYSTEM, `incident ${incident.fault} updated`, open.status),
      ]);
      return;
    }
    // an alarm that already has its ticket (repaired, or still being verified) opens no other
    if (await this.repository.hasAlarm(alarm.id)) return;
    if (fault) {
      const previous = await this.repository.lastResolved(incident.deviceId, fault.mode);
      if (previous?.resolvedAt && alarm.raisedAt <= previous.resolvedAt) return;
      if (previous?.resolvedAt && now - previous.resolvedAt <= REPEAT_WINDOW_MS) {
        await this.reopenAsRepeat(previous, `${fault.mode} came back after the repair: ${alarm.message}`);
        return;
      }
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
    const { customerId, customer } = await this.customers.forDevice(
      device ?? { id: incident.deviceId, customerId: null, region: null },
    );
    const id = randomUUID();
    const priority = priorityForSeverity(incident.severity);
    const tier = customer?.tier ?? 'standard';
    const slaClocks = startClocks({ ticketId: id, priority, tier, startedAtMs: now });
    const ticket: TicketRecord = {
      id,
      deviceId: incident.deviceId,
      alarmId: alarm.id,
      customerId,
      source,
      priority,
      status: 'new',
      title:
        `${device?.type.replace('_', ' ') ?? 'device'} ${incident.deviceId}: ${fault?.description ?? alarm.message.split(' (')[0]}`.slice(
          0,
          200,
        ),
      description: lines.join('\n'),
      createdAt: now,
      updatedAt: now,
      ...slaDeadlines(slaClocks, now),
      incidentId: incident.id,
      faultMode: fault?.mode ?? null,
      failureProbability: prediction?.probability ?? null,
      hoursToFailure: prediction?.hoursToFailure ?? null,
      likelyPart: fault?.part ?? null,
      assigneeId: null,
      tier,
      remote: false,
      reopenCount: 0,
      resolvedAt: null,
      slaClocks,
      escalation: initialEscalation(id),
      offer: null,
      assignment: null,
      declinedBy: [],
      resolution: null,
      repeatOf: null,
    };
    this.logger.info(
      { deviceId: ticket.deviceId, ticketId: ticket.id, incidentId: incident.id, source },
      'proactive ticket opened',
    );
    await this.save(ticket, [
      {
        ticketId: id,
        at: now,
        actor: 'system:platform',
        actorKind: 'system',
        fromStatus: null,
        toStatus: 'new',
        reason: `opened from ${incident.severity} incident ${incident.fault}`,
      },
    ]);
    await this.autoDispatch([ticket]);
  }

  // ---- persistence helpers -------------------------------------------------------------

  private note(ticket: TicketRecord, actor: Actor, reason: string, status = ticket.status): AuditEntry {
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

  private async save(ticket: TicketRecord, entries: AuditEntry[]): Promise<TicketRecord> {
    await this.repository.save(ticket, entries);
    this.access.trackTicket(ticket);
    if (OPEN_STATUSES.includes(ticket.status)) this.openByDevice.set(ticket.deviceId, ticket);
    else if (this.openByDevice.get(ticket.deviceId)?.id === ticket.id)
      this.openByDevice.delete(ticket.deviceId);
    this.events.emit('ticket.changed', toTicket(ticket));
    return ticket;
  }

  /** One lifecycle step with its clocks and deadlines; throws the rule it breaks. */
  private step(
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

  /** Whether the caller may see the ticket (and so follow its room). */
  async isVisible(id: string, principal: Principal): Promise<boolean> {
    const ticket = await this.repository.find(id);
    return ticket !== undefined && this.access.canSeeTicket(principal, ticket);
  }

  /** Not found also for tickets the caller may not see, so ids do not leak. */
  private async require(id: string, principal: Principal): Promise<TicketRecord> {
    const ticket = await this.repository.find(id);
    if (!ticket || !this.access.canSeeTicket(principal, ticket))
      throw new AppError('ticket.not_found', 'not_found', `No ticket "${id}"`, { ticketId: id });
    return ticket;
  }

  // ---- dispatch ------------------------------------------------------------------------

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
    };
  }

  private requireDispatchView(view: DispatchTicket | undefined, ticket: TicketRecord): DispatchTicket {
    if (!view) {
      throw new AppError(
        'dispatch.no_site',
        'conflict',
        'The ticket has no site to dispatch to: its device or customer address is unknown',
        { ticketId: ticket.id, field: 'customerId' },
      );
    }
    return view;
  }

  /** One dispatch round over tickets waiting for a technician; those nobody can take wait for the next tick. */
  private async autoDispatch(tickets: TicketRecord[]): Promise<void> {
    const views = new Map<string, DispatchTicket>();
    for (const t of tickets) {
      const view = await this.dispatchView(t);
      if (view) views.set(t.id, view);
    }
    if (views.size === 0) return;
    const { assignments } = await this.dispatcher.round(
      [...views.values()],
      await this.repository.openCountByAssignee(),
    );
    for (const assignment of assignments) {
      const ticket = tickets.find((t) => t.id === assignment.ticketId) as TicketRecord;
      await this.assign(ticket, assignment, SYSTEM, views.get(ticket.id) as DispatchTicket);
    }
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
    const stepped = this.step(ticket, 'dispatched', actor, assignment.explanation, assignment.technicianId);
    const technician = await this.technicians.find(assignment.technicianId);
    await this.parts.releaseForTicket(ticket.id);
    let partNote = '';
    if (view.partSku) {
      const { plan, reservation } = await this.parts.reserveForTicket({
        ticketId: ticket.id,
        sku: view.partSku,
        vanId: technician?.vanId ?? null,
        site: view.location,
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
    await this.save(updated, [
      { ...stepped.entry, reason: `${stepped.entry.reason}${partNote}`.slice(0, 2000) },
    ]);
    await this.pushGuidance(updated, assignment.technicianId);
    return updated;
  }

  private async pushGuidance(ticket: TicketRecord, technicianId: string): Promise<void> {
    const device = this.devices.find(ticket.deviceId);
    if (!device) return;
    this.events.emit('guidance.pushed', {
      ticketId: ticket.id,
      deviceId: ticket.deviceId,
      technicianId,
      faultMode: ticket.faultMode,
      article: await this.guidance.current(device.type, ticket.faultMode),
      liveReadings: { ...device.latest },
    });
  }

  /** Back to the pool and on to the next best technician, never one who declined. */
  private async declineAndRedispatch(
    ticket: TicketRecord,
    actor: Actor,
    reason: string,
  ): Promise<TicketRecord> {
    const decliner = ticket.assigneeId;
    const stepped = this.step(ticket, 'acknowledged', actor, reason);
    await this.parts.releaseForTicket(ticket.id);
    const declinedBy = decliner ? [...new Set([...ticket.declinedBy, decliner])] : ticket.declinedBy;
    const back = await this.save({ ...stepped.ticket, offer: null, assignment: null, declinedBy }, [
      stepped.entry,
    ]);
    const view = await this.dispatchView(back);
    if (!view) return back;
    const next = await this.dispatcher.redispatch(
      view,
      await this.repository.openCountByAssignee(),
      declinedBy,
    );
    if (!isAssignment(next)) {
      await this.save(back, [this.note(back, SYSTEM, next.explanation)]);
      return back;
    }
    return this.assign(back, next, SYSTEM, view);
  }

  private async reopenAsRepeat(ticket: TicketRecord, reason: string): Promise<TicketRecord> {
    const stepped = this.step(ticket, 'reopened', SYSTEM, reason);
    const reopened = await this.save(
      {
        ...stepped.ticket,
        assigneeId: null,
        offer: null,
        assignment: null,
        declinedBy: [],
        escalation: initialEscalation(ticket.id),
        repeatOf: ticket.id,
      },
      [stepped.entry],
    );
    this.logger.info({ ticketId: ticket.id, deviceId: ticket.deviceId }, 'ticket reopened as a repeat');
    await this.autoDispatch([reopened]);
    return (await this.repository.find(ticket.id)) ?? reopened;
  }

  // ---- timer ---------------------------------------------------------------------------

  /** SLA warnings and breaches, lapsed offers, waiting tickets, fix verification. */
  tick(): Promise<void> {
    return this.exclusive(async () => {
      const now = this.clock.now();
      const tickets = await this.repository.withStatus([...OPEN_STATUSES, 'resolved']);
      const waiting: TicketRecord[] = [];
      for (let ticket of tickets) {
        ticket = await this.evaluateSla(ticket);
        if (
          ticket.status === 'dispatched' &&
          ticket.offer &&
          ticket.offer.acceptedAtMs === null &&
          offerExpired(ticket.offer, now)
        ) {
          await this.declineAndRedispatch(
            ticket,
            SYSTEM,
            `offer to ${ticket.offer.technicianId} not accepted by ${new Date(ticket.offer.acceptByMs).toISOString()}`,
          );
        } else if (DISPATCHABLE.has(ticket.status) && ticket.assigneeId === null) {
          waiting.push(ticket);
        } else if (ticket.status === 'resolved') {
          await this.verify(ticket);
        }
      }
      await this.autoDispatch(waiting);
    });
  }

  private async evaluateSla(ticket: TicketRecord): Promise<TicketRecord> {
    const { clocks, events } = evaluate(ticket.slaClocks, this.clock.now());
    if (events.length === 0) return ticket;
    const region = this.devices.find(ticket.deviceId)?.region ?? 'all';
    let escalation = ticket.escalation ?? initialEscalation(ticket.id);
    const entries: AuditEntry[] = [];
    for (const event of events) {
      const result = escalate(escalation, event, ticket.priority, {
        assigneeId: ticket.assigneeId,
        seniorEngineerId: 'senior-engineer',
        regionalManagerId: `regional-manager-${region}`,
      });
      escalation = result.state;
      const notifications = result.notifications.map((n) => ({
        role: n.role,
        recipientId: n.recipientId,
        kind: n.kind,
        message: n.message,
      }));
      entries.push(
        this.note(
          ticket,
          SYSTEM,
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
    return this.save({ ...ticket, slaClocks: clocks, escalation }, entries);
  }

  private async verify(ticket: TicketRecord): Promise<void> {
    if (ticket.resolvedAt === null) return;
    const device = this.devices.find(ticket.deviceId);
    const fault = device
      ? APPLIANCE_PROFILES[device.type].faultModes.find((f) => f.mode === ticket.faultMode)
      : undefined;
    const result = verifyFix({
      resolvedAtMs: ticket.resolvedAt,
      holdMs: this.config.fixVerifyHoldMs,
      faultMode: ticket.faultMode,
      errorCode: fault?.errorCode ?? null,
      affectedMetrics: fault?.affects ?? [],
      signals: await this.signals.since(ticket.deviceId, ticket.resolvedAt),
      lastTelemetryAtMs: device?.lastSeen ?? null,
      nowMs: this.clock.now(),
    });
    switch (result.outcome) {
      case 'waiting':
        return;
      case 'verified': {
        const hours = (this.config.fixVerifyHoldMs / 3_600_000).toFixed(1);
        const stepped = this.step(
          ticket,
          'verified',
          SYSTEM,
          `telemetry normal for ${hours} h after the repair`,
        );
        await this.save(
          {
            ...stepped.ticket,
            resolution: ticket.resolution && {
              ...ticket.resolution,
              verification: { outcome: 'verified', atMs: result.verifiedAtMs },
            },
          },
          [stepped.entry],
        );
        return;
      }
      case 'recurrence':
        await this.reopenAsRepeat(ticket, result.explanation);
        return;
    }
  }

  // ---- API -----------------------------------------------------------------------------

  async list(
    principal: Principal,
    filter: {
      deviceId?: string;
      status?: TicketStatus;
      assigneeId?: string;
      limit?: number;
      offset?: number;
    },
  ): Promise<Ticket[]> {
    await this.settled();
    const rows = await this.repository.list({
      deviceId: filter.deviceId,
      status: filter.status,
      assigneeId:
        principal.role === 'technician' ? (principal.technicianId ?? '\u0000none') : filter.assigneeId,
      customerId: principal.role === 'customer' ? (principal.customerId ?? '\u0000none') : undefined,
      limit: filter.limit ?? 500,
      offset: filter.offset ?? 0,
    });
    return rows.map(toTicket);
  }

  async get(id: string, principal: Principal): Promise<TicketDetail> {
    await this.settled();
    const ticket = await this.require(id, principal);
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
    };
  }

  /** A plain lifecycle step; dispatch and resolution have their own calls. */
  transitionTo(id: string, principal: Principal, to: TicketStatus, reason?: string): Promise<Ticket> {
    switch (to) {
      case 'dispatched':
        throw new AppError(
          'ticket.use_dispatch',
          'invalid',
          'Dispatch through POST /api/tickets/{id}/dispatch',
          {
            field: 'to',
          },
        );
      case 'resolved':
        throw new AppError(
          'ticket.use_resolve',
          'invalid',
          'Resolve through POST /api/tickets/{id}/resolve',
          {
            field: 'to',
          },
        );
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
    return this.exclusive(async () => {
      const ticket = await this.require(id, principal);
      if (to === 'acknowledged' && ticket.status === 'dispatched')
        return toTicket(await this.declineAndRedispatch(ticket, actorOf(principal), reason ?? ''));
      const stepped = this.step(ticket, to, actorOf(principal), reason);
      let next = stepped.ticket;
      if (to === 'cancelled') await this.parts.releaseForTicket(id);
      if (to === 'en_route' && next.offer)
        next = { ...next, offer: { ...next.offer, acceptedAtMs: this.clock.now() } };
      return toTicket(await this.save(next, [stepped.entry]));
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
    return this.exclusive(async () => {
      const ticket = await this.require(id, principal);
      // the lifecycle checks the actor, the reason and the 30-day window
      this.step(ticket, 'reopened', actorOf(principal), reason);
      return toTicket(await this.reopenAsRepeat(ticket, reason ?? ''));
    });
  }

  /** Automatic choice, or a manual override naming the technician and why. */
  dispatch(id: string, principal: Principal, request: DispatchRequest): Promise<Ticket> {
    return this.exclusive(async () => {
      let ticket = await this.require(id, principal);
      const actor = actorOf(principal);
      if (request.technicianId && (ticket.status === 'dispatched' || ticket.status === 'en_route')) {
        const back = this.step(ticket, 'acknowledged', actor, `reassigned: ${request.reason ?? ''}`);
        await this.parts.releaseForTicket(id);
        ticket = await this.save({ ...back.ticket, offer: null, assignment: null }, [back.entry]);
      }
      const view = this.requireDispatchView(await this.dispatchView(ticket), ticket);
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
          throw new AppError('dispatch.no_technician', 'conflict', result.explanation, {
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
    return this.exclusive(async () => {
      const ticket = await this.require(id, principal);
      if (ticket.status !== 'dispatched' || !ticket.offer || ticket.assigneeId !== principal.technicianId) {
        throw new AppError(
          'ticket.bad_transition',
          'conflict',
          'Only an offered, dispatched ticket can be accepted',
          {
            ticketId: id,
            field: 'status',
            status: ticket.status,
          },
        );
      }
      const accepted = { ...ticket, offer: { ...ticket.offer, acceptedAtMs: this.clock.now() } };
      return toTicket(await this.save(accepted, [this.note(accepted, actorOf(principal), 'offer accepted')]));
    });
  }

  decline(id: string, principal: Principal, reason: string): Promise<Ticket> {
    return this.exclusive(async () => {
      const ticket = await this.require(id, principal);
      return toTicket(await this.declineAndRedispatch(ticket, actorOf(principal), reason));
    });
  }

  enRoute(id: string, principal: Principal, location: LocationRequest): Promise<Ticket> {
    return this.exclusive(async () => {
      const ticket = await this.require(id, principal);
      const stepped = this.step(ticket, 'en_route', actorOf(principal), 'accepted and driving');
      if (stepped.ticket.assigneeId) await this.technicians.setLocation(stepped.ticket.assigneeId, location);
      const next = {
        ...stepped.ticket,
        offer: stepped.ticket.offer && {
          ...stepped.ticket.offer,
          acceptedAtMs: stepped.ticket.offer.acceptedAtMs ?? this.clock.now(),
        },
      };
      return toTicket(await this.save(next, [stepped.entry]));
    });
  }

  /** Where the assigned technician is now; for dispatch's travel times and the customer's view. */
  updateLocation(id: string, principal: Principal, location: LocationRequest): Promise<Ticket> {
    return this.exclusive(async () => {
      const ticket = await this.require(id, principal);
      if (
        principal.role !== 'technician' ||
        !principal.technicianId ||
        ticket.assigneeId !== principal.technicianId
      ) {
        throw new AppError(
          'ticket.not_assignee',
          'forbidden',
          'Only the assigned technician reports a location',
          {
            ticketId: id,
          },
        );
      }
      await this.technicians.setLocation(principal.technicianId, location);
      return toTicket(ticket);
    });
  }

  /**
   * Resolution with the confirmed root cause and the parts fitted (consumed with their lot
   * numbers; unused reservations go back). `remote`: fixed without a visit; the service desk
   * may then resolve a ticket that is still dispatched or en route.
   */
  resolve(id: string, principal: Principal, request: ResolveRequest): Promise<Ticket> {
    return this.exclusive(async () => {
      let ticket = await this.require(id, principal);
      const actor = actorOf(principal);
      const remote = request.remote ?? false;
      const technician = ticket.assigneeId ? await this.technicians.find(ticket.assigneeId) : undefined;
      const entries: AuditEntry[] = [];
      if (remote && (ticket.status === 'dispatched' || ticket.status === 'en_route')) {
        const back = this.step(
          ticket,
          'acknowledged',
          actor,
          'resolved remotely: the visit is no longer needed',
        );
        ticket = back.ticket;
        entries.push(back.entry);
      }
      const stepped = this.step(ticket, 'resolved', actor, request.rootCause);
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
      return toTicket(await this.save(resolved, entries));
    });
  }
}
