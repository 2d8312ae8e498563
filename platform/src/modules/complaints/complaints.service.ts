import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type { z } from 'zod';
import type {
  CareAuditEntry,
  Compensation,
  CompensationOffer,
  Complaint,
  ComplaintAction,
  ComplaintAnalysis,
  ComplaintCategory,
  ComplaintSource,
  ComplaintUrgency,
  CreateComplaint,
  Language,
} from '../../../../contracts/src';
import type { complaintActionSchemas } from '../../../../contracts/src';
import {
  CareNotifier,
  ComplaintIntake,
  Compensations,
  LoyaltyPort,
  SentimentPort,
  type CareNotice,
} from '../../common/care/aftercare-ports';
import { Clock } from '../../common/clock/clock';
import { KeyedQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import { UsersRepository } from '../auth/users.repository';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { EscalationContacts } from '../notifications/escalation-contacts.service';
import { PartnerScope } from '../service-requests/partner-scope';
import { startCareClock, toCareClockView, type CareClockKind, type CareSlaClock } from '../sla/care-clock';
import { evaluate, nextEventAtMs, stopClock } from '../sla/sla-clock';
import { TicketsRepository } from '../tickets/tickets.repository';
import { classifyComplaint } from './complaint-classification';
import { fitsStep, mayTake, stepOf } from './complaint-steps';
import { complaintError } from './complaints.errors';
import { ComplaintsRepository, type ComplaintRecord } from './complaints.repository';

const HOUR_MS = 3_600_000;
/** Step 4: the investigation is due 48 h after the complaint is registered. */
export const INVESTIGATE_TARGET_MS = 48 * HOUR_MS;
/** Step 5: the solution is due 24 h after the investigation. */
export const SOLVE_TARGET_MS = 24 * HOUR_MS;
/** Points a customer earns when staff mark their complaint as useful feedback. */
export const USEFUL_FEEDBACK_POINTS = 100;
/** One job per complaint: its next clock warning (80 %) or breach. */
export const COMPLAINT_CLOCK_JOB = 'complaint.clock';
const SYSTEM = 'system';
const LIST_LIMIT = 500;

export type ComplaintActionBody = { [A in ComplaintAction]: z.output<(typeof complaintActionSchemas)[A]> };

/** Who is asking: a signed-in user, or a partner system with its API key. */
export interface ComplaintCaller {
  principal?: Principal;
  partner?: PartnerPrincipal;
}

/** What a change does besides the row: notices to send once it is saved. */
type Outcome = { record: ComplaintRecord; notices?: Array<() => Promise<void>> };

/** What `open` (the intake port) and `create` (the API) both store. */
interface NewComplaint {
  customerId: string | null;
  deviceId: string | null;
  ticketId: string | null;
  surveyId: string | null;
  partnerId: string | null;
  description: string;
  source: ComplaintSource;
  language: Language;
  category?: ComplaintCategory;
  urgency?: ComplaintUrgency;
  actor: string;
}

/**
 * Complaints in the documents' eight steps: received, classified (automatically, from the
 * words), registered with a number and acknowledged; investigated against a 48 h clock; a
 * solution within 24 h of the investigation, with a compensation that may need approval; the
 * customer agrees, asks or disagrees (a disagreement goes to the supervisor, a second to a
 * cross-department review); carried out once the compensation is approved; closed. Every step
 * is in the complaint's audit; every change is emitted as `complaint.changed`. Changes to one
 * complaint run one at a time. Also the `ComplaintIntake` port (a survey's low score).
 */
@Injectable()
export class ComplaintsService implements ComplaintIntake, OnModuleInit {
  private readonly queue = new KeyedQueue();

  constructor(
    private readonly repository: ComplaintsRepository,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly tickets: TicketsRepository,
    private readonly users: UsersRepository,
    private readonly access: AccessPolicy,
    private readonly partnerScope: PartnerScope,
    private readonly contacts: EscalationContacts,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    // provided by the notifications, compensation, loyalty and feedback-analysis modules; the
    // complaints start without them (a compensation is then refused with 503, no points, no score)
    @Optional() private readonly notifier?: CareNotifier,
    @Optional() private readonly compensations?: Compensations,
    @Optional() private readonly loyalty?: LoyaltyPort,
    @Optional() private readonly sentiment?: SentimentPort,
  ) {}

  onModuleInit(): void {
    this.jobs.register(COMPLAINT_CLOCK_JOB, (complaintId) => this.onClockDue(complaintId));
    this.events.on('compensation.changed', (compensation) => this.onCompensationChanged(compensation));
  }

  /** Resolves once every change queued so far has been saved and its notices sent. */
  settled(): Promise<void> {
    return this.queue.settled();
  }

  // ---- steps 1-3: receive, classify, register ------------------------------------------------

  /** `ComplaintIntake`: a complaint from another feature (a survey's low score). */
  async open(input: Parameters<ComplaintIntake['open']>[0]): Promise<{ id: string; number: string }> {
    const record = await this.register({
      customerId: input.customerId,
      deviceId: input.deviceId,
      ticketId: input.ticketId,
      surveyId: input.surveyId ?? null,
      partnerId: null,
      description: input.description,
      source: input.source,
      language: input.language,
      category: input.category,
      urgency: input.urgency,
      actor: SYSTEM,
    });
    return { id: record.id, number: record.number };
  }

  /** `POST /api/complaints`: a customer's (own appliance or ticket), staff's on a customer's behalf, or a partner's. */
  async create(body: CreateComplaint, caller: ComplaintCaller): Promise<Complaint> {
    let principal = caller.principal;
    if (caller.partner) {
      const subject = body.ticketId
        ? { ticketId: body.ticketId }
        : body.deviceId
          ? { deviceId: body.deviceId }
          : null;
      if (!subject)
        throw complaintError(
          'complaint.unknown_device',
          'deviceId: a partner names the appliance or the ticket',
          {
            field: 'deviceId',
          },
        );
      principal = await this.partnerScope.actingFor(caller.partner, subject, () =>
        body.ticketId ? unknownTicket() : unknownDevice(),
      );
    }
    if (!principal) throw complaintError('complaint.role_not_allowed', 'Sign in to file a complaint');
    if (principal.role === 'technician')
      throw complaintError('complaint.role_not_allowed', 'Technicians do not file complaints', {
        role: principal.role,
      });
    const asCustomer = principal.role === 'customer';
    const ticket = body.ticketId ? await this.tickets.find(body.ticketId) : undefined;
    if (body.ticketId && (!ticket || (asCustomer && ticket.customerId !== principal.customerId)))
      throw unknownTicket();
    const deviceId = body.deviceId ?? ticket?.deviceId;
    const device = deviceId ? this.devices.find(deviceId) : undefined;
    if (deviceId && (!device || (asCustomer && device.customerId !== principal.customerId)))
      throw unknownDevice();
    if (ticket && device && ticket.deviceId !== device.id)
      throw complaintError('complaint.subject_mismatch', 'ticketId: the ticket is about another appliance', {
        field: 'ticketId',
      });
    let customerId: string | null;
    if (asCustomer) {
      if (body.customerId !== undefined && body.customerId !== principal.customerId) throw unknownCustomer();
      customerId = principal.customerId;
    } else {
      customerId = body.customerId ?? device?.customerId ?? ticket?.customerId ?? null;
      if (body.customerId !== undefined && !(await this.customers.find(body.customerId)))
        throw unknownCustomer();
    }
    if (customerId !== null && device?.customerId && device.customerId !== customerId)
      throw complaintError('complaint.subject_mismatch', "deviceId: the appliance is not the customer's", {
        field: 'deviceId',
      });
    const source: ComplaintSource = caller.partner
      ? 'partner'
      : asCustomer
        ? 'portal'
        : (body.source ?? 'engineer');
    const record = await this.register({
      customerId,
      deviceId: device?.id ?? null,
      ticketId: ticket?.id ?? null,
      surveyId: null,
      partnerId: caller.partner?.partnerId ?? null,
      description: body.description,
      source,
      language: body.language ?? guessLanguage(body.description),
      category: body.category,
      urgency: body.urgency,
      actor: caller.partner ? `partner:${caller.partner.partnerId}` : principal.userId,
    });
    return this.view(record);
  }

  private async register(input: NewComplaint): Promise<ComplaintRecord> {
    const now = this.clock.now();
    const device = input.deviceId ? this.devices.find(input.deviceId) : undefined;
    const customer = input.customerId ? await this.customers.find(input.customerId) : undefined;
    // a low survey score that says nothing recognisable is about the service it scored
    const automatic = classifyComplaint(input.description, input.source === 'survey' ? 'service' : 'other');
    const category = input.category ?? automatic.category;
    const urgency = input.urgency ?? automatic.urgency;
    const id = `cp-${randomBytes(8).toString('hex')}`;
    const number = await this.repository.nextNumber();
    const given = input.category !== undefined || input.urgency !== undefined;
    const record: ComplaintRecord = {
      id,
      number,
      customerId: input.customerId,
      deviceId: input.deviceId,
      ticketId: input.ticketId,
      surveyId: input.surveyId,
      requestId: input.ticketId ? ((await this.tickets.find(input.ticketId))?.requestId ?? null) : null,
      partnerId: input.partnerId,
      source: input.source,
      category,
      urgency,
      status: 'registered',
      description: input.description,
      language: input.language,
      region: device?.region ?? customer?.region ?? null,
      investigatorId: null,
      findings: null,
      cause: null,
      solution: null,
      compensationId: null,
      lastAnswer: null,
      escalation: 'none',
      sentiment: this.score(input.description, input.language),
      useful: false,
      createdAt: now,
      updatedAt: now,
      investigateBy: now + INVESTIGATE_TARGET_MS,
      solveBy: null,
      executedAt: null,
      closedAt: null,
      clocks: [
        startCareClock({
          subjectId: id,
          kind: 'investigate',
          targetMs: INVESTIGATE_TARGET_MS,
          startedAtMs: now,
        }),
      ],
      audit: [
        entry(now, input.actor, 'received', `source ${input.source}`),
        entry(now, SYSTEM, 'classified', `${category}, ${urgency}${given ? '' : ' (automatic)'}`),
        entry(now, SYSTEM, 'registered', number),
      ],
    };
    await this.repository.insert(record);
    await this.scheduleClock(record);
    this.logger.info(
      { complaintId: id, number, source: input.source, deviceId: input.deviceId },
      'complaint registered',
    );
    this.events.emit('complaint.changed', this.view(record));
    const supervisorId = await this.supervisorOf(record);
    await this.send([
      () =>
        this.toCustomer(record, {
          kind: 'complaint_registered',
          key: `complaint_registered:${id}`,
          vars: { number, dueAtMs: record.investigateBy, appliance: device?.type ?? null },
        }),
      // until an investigator takes it, the supervisor answers for it
      () =>
        this.toStaff(supervisorId, record, {
          kind: 'complaint_assigned',
          key: `complaint_assigned:${id}:registered`,
          vars: { number, dueAtMs: record.investigateBy, text: record.description },
        }),
    ]);
    return record;
  }

  // ---- reading ------------------------------------------------------------------------------

  async list(
    caller: ComplaintCaller,
    query: {
      ticketId?: string;
      customerId?: string;
      status?: Complaint['status'];
      state?: 'open' | 'closed';
    },
  ): Promise<Complaint[]> {
    const { principal, partner } = caller;
    if (principal?.role === 'technician') return [];
    if (principal?.role === 'customer' && !principal.customerId) return [];
    const records = await this.repository.list({
      ...query,
      scopeCustomerId: principal?.role === 'customer' ? (principal.customerId ?? undefined) : undefined,
      scopePartnerId: partner ? partner.partnerId : undefined,
      limit: LIST_LIMIT,
    });
    return records.map((r) => this.view(r));
  }

  async get(id: string, caller: ComplaintCaller): Promise<Complaint> {
    return this.view(await this.requireVisible(id, caller));
  }

  /** The record, if the caller may see it; else the same 404 as a complaint that does not exist. */
  async requireVisible(id: string, caller: ComplaintCaller): Promise<ComplaintRecord> {
    const record = await this.repository.find(id);
    const visible =
      record !== undefined &&
      (caller.partner
        ? record.partnerId === caller.partner.partnerId
        : caller.principal !== undefined && this.access.canSeeComplaint(caller.principal, record));
    if (!visible) throw notFound(id);
    return record;
  }

  /** `GET /api/complaints/analysis`: counts for the complaints board, over complaints created in [from, to). */
  async analysis(
    principal: Principal,
    range: { fromMs?: number; toMs?: number },
  ): Promise<ComplaintAnalysis> {
    requireStaff(principal);
    const groups = await this.repository.analysisGroups(range);
    const count = (into: Record<string, number>, key: string, n: number) =>
      (into[key] = (into[key] ?? 0) + n);
    const bySource: Record<string, number> = {};
    const byCategory: Record<string, number> = {};
    const byRegion: Record<string, number> = {};
    const byCause: Record<string, number> = {};
    const months = new Map<string, { count: number; closed: number }>();
    const byState = { solved: 0, unsolved: 0, inProgress: 0 };
    let total = 0;
    let investigationBreaches = 0;
    let solutionBreaches = 0;
    for (const g of groups) {
      total += g.count;
      count(bySource, g.source, g.count);
      count(byCategory, g.category, g.count);
      count(byRegion, g.region ?? 'unknown', g.count);
      if (g.cause) count(byCause, g.cause, g.count);
      const m = months.get(g.month) ?? { count: 0, closed: 0 };
      m.count += g.count;
      if (g.status === 'closed') m.closed += g.count;
      months.set(g.month, m);
      byState[stateOf(g.status)] += g.count;
      if (g.investigateBreached) investigationBreaches += g.count;
      if (g.solveBreached) solutionBreaches += g.count;
    }
    return {
      total,
      byState,
      bySource,
      byCategory,
      byMonth: [...months.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([month, m]) => ({ month, count: m.count, closed: m.closed })),
      byRegion,
      byCause,
      investigationBreaches,
      solutionBreaches,
    };
  }

  // ---- steps 4-8: the actions ---------------------------------------------------------------

  /** `POST /api/complaints/{id}/{action}` with the action's body, already parsed. */
  async act(
    id: string,
    action: ComplaintAction,
    body: ComplaintActionBody[ComplaintAction],
    principal: Principal,
  ): Promise<Complaint> {
    await this.requireVisible(id, { principal });
    if (!mayTake(principal.role, action))
      throw complaintError('complaint.role_not_allowed', `A ${principal.role} cannot ${action} a complaint`, {
        action,
        role: principal.role,
      });
    const record = await this.change(id, async (c) => {
      if (!fitsStep(action, c))
        throw complaintError(
          'complaint.wrong_step',
          `Cannot ${action} a complaint at step ${stepOf(c)} (${c.status})`,
          { action, status: c.status, step: stepOf(c) },
        );
      return this.apply(c, action, body, principal);
    });
    if (!record) throw notFound(id);
    return this.view(record);
  }

  private async apply(
    c: ComplaintRecord,
    action: ComplaintAction,
    body: ComplaintActionBody[ComplaintAction],
    principal: Principal,
  ): Promise<Outcome> {
    const now = this.clock.now();
    const actor = principal.userId;
    switch (action) {
      case 'classify': {
        const b = body as ComplaintActionBody['classify'];
        return {
          record: {
            ...c,
            category: b.category,
            urgency: b.urgency,
            audit: [...c.audit, entry(now, actor, 'classified', `${b.category}, ${b.urgency}`)],
          },
        };
      }
      case 'assign':
        return this.assign(
          c,
          (body as ComplaintActionBody['assign']).investigatorId ?? actor,
          principal,
          now,
        );
      case 'investigate': {
        const b = body as ComplaintActionBody['investigate'];
        const clocks = [
          ...c.clocks.map((k) => (k.kind === 'investigate' ? stopClock(k, now) : k)),
          startCareClock({ subjectId: c.id, kind: 'solve', targetMs: SOLVE_TARGET_MS, startedAtMs: now }),
        ];
        return {
          record: {
            ...c,
            findings: b.findings,
            cause: b.cause,
            solveBy: now + SOLVE_TARGET_MS,
            clocks,
            audit: [...c.audit, entry(now, actor, 'investigated', `cause: ${b.cause}. ${b.findings}`)],
          },
        };
      }
      case 'propose': {
        const b = body as ComplaintActionBody['propose'];
        return this.offer(
          { ...c, clocks: c.clocks.map((k) => (k.kind === 'solve' ? stopClock(k, now) : k)) },
          b.solution,
          b.compensation,
          principal,
          entry(now, actor, 'solution_proposed', b.solution),
        );
      }
      case 'answer':
        return this.answer(c, body as ComplaintActionBody['answer'], actor, now);
      case 'review': {
        const b = body as ComplaintActionBody['review'];
        if (c.escalation === 'review' && b.departments.length === 0)
          throw complaintError(
            'complaint.departments_required',
            'departments: a cross-department review names the departments that took part',
            { field: 'departments' },
          );
        const departments = b.departments.length ? `departments: ${b.departments.join(', ')}. ` : '';
        const decided = c.escalation === 'review' ? 'review_decision' : 'supervisor_decision';
        return this.offer(
          c,
          b.decision,
          b.compensation,
          principal,
          entry(now, actor, decided, `${departments}${b.decision}`),
        );
      }
      case 'execute': {
        const b = body as ComplaintActionBody['execute'];
        await this.requireCompensationGranted(c);
        return {
          record: { ...c, executedAt: now, audit: [...c.audit, entry(now, actor, 'executed', b.note)] },
        };
      }
      case 'close': {
        const b = body as ComplaintActionBody['close'];
        const record: ComplaintRecord = {
          ...c,
          status: 'closed',
          closedAt: now,
          clocks: c.clocks.map((k) => stopClock(k, now, 'cancelled')),
          audit: [...c.audit, entry(now, actor, 'closed', b.note ?? null)],
        };
        return {
          record,
          notices: [
            () =>
              this.toCustomer(record, {
                kind: 'complaint_closed',
                key: `complaint_closed:${c.id}`,
                vars: { number: c.number, text: b.note ?? null },
              }),
          ],
        };
      }
      case 'useful':
        return this.markUseful(c, actor, now);
    }
    throw new Error(`unknown complaint action ${String(action)}`);
  }

  private async assign(
    c: ComplaintRecord,
    investigatorId: string,
    principal: Principal,
    now: number,
  ): Promise<Outcome> {
    const user = await this.users.find(investigatorId);
    if (!user || user.disabledAt !== null || (user.role !== 'engineer' && user.role !== 'admin'))
      throw complaintError(
        'complaint.unknown_investigator',
        'investigatorId: not an engineer or admin account',
        {
          field: 'investigatorId',
        },
      );
    const record: ComplaintRecord = {
      ...c,
      status: c.status === 'registered' ? 'investigating' : c.status,
      investigatorId,
      audit: [...c.audit, entry(now, principal.userId, 'assigned', investigatorId)],
    };
    return {
      record,
      notices:
        investigatorId === principal.userId
          ? []
          : [
              () =>
                this.toStaff(investigatorId, record, {
                  kind: 'complaint_assigned',
                  key: `complaint_assigned:${c.id}:${record.audit.length}`,
                  vars: { number: c.number, dueAtMs: nextDue(record, now), text: c.description },
                }),
            ],
    };
  }

  /** Steps 5 and 6: a solution (proposed, or decided after a disagreement) goes to the customer. */
  private async offer(
    c: ComplaintRecord,
    solution: string,
    offer: CompensationOffer | undefined,
    principal: Principal,
    step: CareAuditEntry,
  ): Promise<Outcome> {
    const audit = [...c.audit, step];
    let compensation: Compensation | undefined;
    if (offer) {
      if (!c.customerId)
        throw complaintError(
          'complaint.no_customer',
          'compensation: the complaint has no customer to compensate',
          {
            field: 'compensation',
          },
        );
      if (!this.compensations)
        throw complaintError(
          'complaint.compensation_unavailable',
          'Compensations cannot be requested right now',
          {
            field: 'compensation',
          },
        );
      compensation = await this.compensations.request({
        customerId: c.customerId,
        complaintId: c.id,
        offer,
        requestedBy: { userId: principal.userId, role: principal.role },
      });
      audit.push(
        entry(
          Date.parse(step.at),
          principal.userId,
          'compensation_requested',
          `${compensation.type} ${compensation.amountMinor} ${compensation.currency}: ${compensation.status}`,
        ),
      );
    }
    const record: ComplaintRecord = {
      ...c,
      status: 'solution_proposed',
      solution,
      lastAnswer: null,
      compensationId: compensation?.id ?? c.compensationId,
      audit,
    };
    return {
      record,
      notices: [
        () =>
          this.toCustomer(record, {
            kind: 'complaint_solution',
            key: `complaint_solution:${c.id}:${audit.length}`,
            vars: {
              number: c.number,
              text: solution,
              amountMinor: compensation?.amountMinor ?? null,
              currency: compensation?.currency ?? null,
            },
          }),
      ],
    };
  }

  /** Step 6: agree (carry it out), question (the investigator answers), disagree (escalate). */
  private async answer(
    c: ComplaintRecord,
    b: ComplaintActionBody['answer'],
    actor: string,
    now: number,
  ): Promise<Outcome> {
    const comment = b.comment ?? null;
    if (b.answer === 'agree')
      return {
        record: {
          ...c,
          status: 'executing',
          lastAnswer: 'agree',
          audit: [...c.audit, entry(now, actor, 'customer_agreed', comment)],
        },
      };
    if (b.answer === 'question') {
      const record: ComplaintRecord = {
        ...c,
        lastAnswer: 'question',
        audit: [...c.audit, entry(now, actor, 'customer_question', comment)],
      };
      return {
        record,
        notices: [
          () =>
            this.toStaff(c.investigatorId, record, {
              kind: 'complaint_assigned',
              key: `complaint_assigned:${c.id}:${record.audit.length}`,
              vars: { number: c.number, text: comment },
            }),
        ],
      };
    }
    const contacts = await this.contacts.forTicket(c.investigatorId, c.region);
    const audit = [...c.audit, entry(now, actor, 'customer_disagreed', comment)];
    if (c.escalation === 'none') {
      // the first disagreement: the supervisor (the senior engineer on the ladder) takes it over
      const supervisorId = contacts.seniorEngineerId;
      audit.push(entry(now, SYSTEM, 'escalated_supervisor', supervisorId));
      const record: ComplaintRecord = {
        ...c,
        status: 'escalated',
        escalation: 'supervisor',
        lastAnswer: 'disagree',
        investigatorId: supervisorId ?? c.investigatorId,
        audit,
      };
      return {
        record,
        notices: [
          () =>
            this.toStaff(supervisorId, record, {
              kind: 'complaint_assigned',
              key: `complaint_assigned:${c.id}:${audit.length}`,
              urgent: true,
              vars: { number: c.number, text: comment ?? c.solution },
            }),
        ],
      };
    }
    // a second disagreement: a cross-department review, chaired by the regional manager
    const chairId = contacts.regionalManagerId;
    audit.push(entry(now, SYSTEM, 'escalated_review', chairId));
    const record: ComplaintRecord = {
      ...c,
      status: 'escalated',
      escalation: 'review',
      lastAnswer: 'disagree',
      audit,
    };
    return {
      record,
      notices: [chairId, c.investigatorId]
        .filter((u, i, all): u is string => u !== null && all.indexOf(u) === i)
        .map(
          (userId) => () =>
            this.toStaff(userId, record, {
              kind: 'complaint_assigned',
              key: `complaint_assigned:${c.id}:${audit.length}:${userId}`,
              urgent: true,
              vars: { number: c.number, text: comment ?? c.solution },
            }),
        ),
    };
  }

  /** Step 7 waits for the compensation: approved or granted, not waiting, not rejected. */
  private async requireCompensationGranted(c: ComplaintRecord): Promise<void> {
    if (!c.compensationId || !this.compensations) return;
    const compensation = await this.compensations.find(c.compensationId);
    if (compensation?.status === 'pending_approval')
      throw complaintError('complaint.compensation_pending', 'The compensation waits for approval', {
        compensationId: c.compensationId,
      });
    if (compensation?.status === 'rejected' || compensation?.status === 'cancelled')
      throw complaintError(
        'complaint.compensation_rejected',
        'The compensation was rejected: propose a new solution',
        {
          compensationId: c.compensationId,
        },
      );
  }

  private async markUseful(c: ComplaintRecord, actor: string, now: number): Promise<Outcome> {
    if (!c.customerId)
      throw complaintError('complaint.no_customer', 'The complaint has no customer to reward', {
        field: 'useful',
      });
    if (c.useful) return { record: c };
    let note: string;
    if (this.loyalty) {
      const { awarded } = await this.loyalty.awardPoints({
        customerId: c.customerId,
        points: USEFUL_FEEDBACK_POINTS,
        kind: 'feedback_points',
        reference: `complaint:${c.id}`,
      });
      note = `${awarded} points`;
    } else note = 'no points: loyalty unavailable';
    return { record: { ...c, useful: true, audit: [...c.audit, entry(now, actor, 'marked_useful', note)] } };
  }

  // ---- clocks and compensation --------------------------------------------------------------

  private async onClockDue(complaintId: string): Promise<void> {
    await this.change(complaintId, async (c) => {
      const now = this.clock.now();
      const { clocks, events } = evaluate<CareClockKind>(c.clocks, now);
      if (events.length === 0) return { record: c };
      const supervisorId = await this.supervisorOf(c);
      const recipients = [c.investigatorId, supervisorId].filter(
        (u, i, all): u is string => u !== null && all.indexOf(u) === i,
      );
      const audit = [...c.audit];
      const notices: Array<() => Promise<void>> = [];
      for (const event of events) {
        const level = event.type === 'sla.breach' ? 'breach' : 'warning';
        audit.push(
          entry(
            now,
            SYSTEM,
            `${event.clock}_clock_${level}`,
            `${Math.round(event.elapsedMs / 60_000)} of ${Math.round(event.targetMs / 60_000)} min; notified ${recipients.join(', ') || 'nobody'}`,
          ),
        );
        const clock = event.clock === 'solve' ? 'solve' : 'investigate';
        const dueAtMs = clock === 'solve' ? c.solveBy : c.investigateBy;
        for (const userId of recipients)
          notices.push(() =>
            this.toStaff(userId, c, {
              kind: 'complaint_clock',
              key: `complaint_clock:${c.id}:${event.clock}:${level}:${c.clocks.filter((k) => k.kind === event.clock).length}:${userId}`,
              urgent: level === 'breach',
              vars: { number: c.number, clock, level, dueAtMs },
            }),
          );
      }
      return { record: { ...c, clocks, audit }, notices };
    });
  }

  /**
   * A compensation of a complaint was decided. Rejected (or cancelled) before the solution was
   * carried out: the complaint goes back to step 5 for a new proposal, with a fresh 24 h clock.
   */
  private async onCompensationChanged(compensation: Compensation): Promise<void> {
    const complaintId = compensation.complaintId;
    if (!complaintId || compensation.status === 'pending_approval') return;
    await this.change(
      complaintId,
      async (c) => {
        if (c.compensationId !== compensation.id) return { record: c };
        const now = this.clock.now();
        const action = `compensation_${compensation.status}`;
        if (c.audit.some((a) => a.action === action && a.note?.startsWith(compensation.id)))
          return { record: c };
        const note = `${compensation.id}${compensation.decisionNote ? `: ${compensation.decisionNote}` : ''}`;
        const rejected = compensation.status === 'rejected' || compensation.status === 'cancelled';
        if (!rejected || c.status === 'closed' || c.executedAt !== null)
          return {
            record: { ...c, audit: [...c.audit, entry(now, compensation.decidedBy ?? SYSTEM, action, note)] },
          };
        const record: ComplaintRecord = {
          ...c,
          status: 'investigating',
          solution: null,
          lastAnswer: null,
          compensationId: null,
          solveBy: now + SOLVE_TARGET_MS,
          clocks: [
            ...c.clocks,
            startCareClock({ subjectId: c.id, kind: 'solve', targetMs: SOLVE_TARGET_MS, startedAtMs: now }),
          ],
          audit: [
            ...c.audit,
            entry(now, compensation.decidedBy ?? SYSTEM, action, note),
            entry(now, SYSTEM, 'back_to_solution', 'a new proposal is needed'),
          ],
        };
        return {
          record,
          notices: [
            () =>
              this.toStaff(c.investigatorId, record, {
                kind: 'complaint_assigned',
                key: `complaint_assigned:${c.id}:${record.audit.length}`,
                vars: { number: c.number, dueAtMs: record.solveBy, text: compensation.decisionNote },
              }),
          ],
        };
      },
      { missing: 'skip' },
    );
  }

  private async scheduleClock(c: ComplaintRecord): Promise<void> {
    const dueAt = c.status === 'closed' ? null : nextEventAtMs(c.clocks, this.clock.now());
    if (dueAt === null) await this.jobs.cancel(COMPLAINT_CLOCK_JOB, c.id);
    else await this.jobs.schedule(COMPLAINT_CLOCK_JOB, c.id, dueAt);
  }

  // ---- plumbing -----------------------------------------------------------------------------

  /** One change of one complaint at a time: read, change, save, move its clock job, announce, notify. */
  private async change(
    id: string,
    work: (c: ComplaintRecord) => Promise<Outcome>,
    options: { missing: 'throw' | 'skip' } = { missing: 'throw' },
  ): Promise<ComplaintRecord | undefined> {
    const outcome = await this.queue.run(id, async () => {
      const current = await this.repository.find(id);
      if (!current) {
        if (options.missing === 'skip') return undefined;
        throw notFound(id);
      }
      const result = await work(current);
      if (result.record === current) return result;
      const record = { ...result.record, updatedAt: this.clock.now() };
      await this.repository.update(record);
      await this.scheduleClock(record);
      this.events.emit('complaint.changed', this.view(record));
      return { ...result, record };
    });
    if (!outcome) return undefined;
    await this.send(outcome.notices ?? []);
    return outcome.record;
  }

  /** Notices never undo the step they report: a failure is logged. */
  private async send(notices: Array<() => Promise<void>>): Promise<void> {
    for (const notice of notices) {
      try {
        await notice();
      } catch (error) {
        this.logger.error({ err: error }, 'complaint notification failed');
      }
    }
  }

  private async toCustomer(c: ComplaintRecord, notice: Omit<CareNotice, 'action' | 'ticketId' | 'deviceId'>) {
    if (!this.notifier || !c.customerId) return;
    await this.notifier.toCustomer(c.customerId, this.notice(c, notice));
  }

  private async toStaff(
    userId: string | null,
    c: ComplaintRecord,
    notice: Omit<CareNotice, 'action' | 'ticketId' | 'deviceId'>,
  ) {
    if (!this.notifier || !userId) return;
    await this.notifier.toStaff(userId, this.notice(c, notice));
  }

  private notice(
    c: ComplaintRecord,
    notice: Omit<CareNotice, 'action' | 'ticketId' | 'deviceId'>,
  ): CareNotice {
    return {
      ...notice,
      vars: { ticketId: c.ticketId, ...notice.vars },
      ticketId: c.ticketId,
      deviceId: c.deviceId,
      action: { kind: 'open_complaint', id: c.id },
    };
  }

  private async supervisorOf(c: ComplaintRecord): Promise<string | null> {
    return (await this.contacts.forTicket(c.investigatorId, c.region)).seniorEngineerId;
  }

  private score(text: string, language: Language): number | null {
    if (!this.sentiment) return null;
    try {
      return this.sentiment.score(text, language).score;
    } catch (error) {
      this.logger.warn({ err: error }, 'complaint sentiment failed');
      return null;
    }
  }

  view(c: ComplaintRecord): Complaint {
    const now = this.clock.now();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      id: c.id,
      number: c.number,
      customerId: c.customerId,
      deviceId: c.deviceId,
      ticketId: c.ticketId,
      surveyId: c.surveyId,
      requestId: c.requestId,
      source: c.source,
      category: c.category,
      urgency: c.urgency,
      status: c.status,
      step: stepOf(c),
      description: c.description,
      language: c.language,
      region: c.region,
      investigatorId: c.investigatorId,
      findings: c.findings,
      cause: c.cause,
      solution: c.solution,
      compensationId: c.compensationId,
      lastAnswer: c.lastAnswer,
      escalation: c.escalation,
      sentiment: c.sentiment,
      useful: c.useful,
      createdAt: new Date(c.createdAt).toISOString(),
      updatedAt: new Date(c.updatedAt).toISOString(),
      investigateBy: new Date(c.investigateBy).toISOString(),
      solveBy: iso(c.solveBy),
      closedAt: iso(c.closedAt),
      clocks: c.clocks.map((k: CareSlaClock) => toCareClockView(k, now)),
      audit: c.audit,
    };
  }
}

/**
 * The complaints board's three states: solved (closed); in progress (someone works on it:
 * investigating, a solution with the customer, carrying it out); unsolved (nobody has taken it
 * up yet, or the customer disputes the solution).
 */
function stateOf(status: ComplaintRecord['status']): keyof ComplaintAnalysis['byState'] {
  switch (status) {
    case 'closed':
      return 'solved';
    case 'investigating':
    case 'solution_proposed':
    case 'executing':
      return 'inProgress';
    case 'received':
    case 'classified':
    case 'registered':
    case 'escalated':
      return 'unsolved';
  }
}

/** The deadline of the clock still running, for a notice. */
function nextDue(c: ComplaintRecord, now: number): number | null {
  const running = c.clocks.filter((k) => k.stoppedAtMs === null);
  if (running.length === 0) return null;
  return Math.max(now, Math.min(...running.map((k) => k.startedAtMs + k.targetMs)));
}

function entry(atMs: number, actor: string, action: string, note: string | null): CareAuditEntry {
  return { at: new Date(atMs).toISOString(), actor, action, note };
}

/** Chinese characters say the customer wrote in Chinese; anything else is answered in English. */
function guessLanguage(text: string): Language {
  return /[\u4e00-\u9fff]/.test(text) ? 'zh-CN' : 'en';
}

export function requireStaff(principal: Principal): void {
  if (principal.role !== 'admin' && principal.role !== 'engineer')
    throw complaintError('complaint.role_not_allowed', `A ${principal.role} cannot read this`, {
      role: principal.role,
    });
}

const notFound = (id: string) => complaintError('complaint.not_found', `No complaint ${id}`, { id });
const unknownTicket = () =>
  complaintError('complaint.unknown_ticket', 'ticketId: no such ticket of yours', { field: 'ticketId' });
const unknownDevice = () =>
  complaintError('complaint.unknown_device', 'deviceId: no such appliance of yours', { field: 'deviceId' });
const unknownCustomer = () =>
  complaintError('complaint.unknown_customer', 'customerId: no such customer', { field: 'customerId' });
