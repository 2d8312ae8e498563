import { randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type {
  CreateServiceRequest,
  RequestChannel,
  ServiceRequest,
  ServiceRequestQuery,
  Triage,
} from '../../../../contracts/src';
import { findSymptom } from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { KeyedQueue } from '../../common/concurrency/serial-queue';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/auth.service';
import type { PartnerPrincipal } from '../auth/partner-auth.port';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { TriagePort, VisitPort, type IntakeSubmission, type TriageSubject } from './care-ports';
import { classifyRequest } from './request-classification';
import { RESPONSE_JOB, RequestEscalation, type ResponsePoint } from './request-escalation.service';
import { isClosed, judgeAction, type RequestAction } from './request-status';
import { responseDeadlines } from './response-policy';
import { serviceRequestError } from './service-requests.errors';
import {
  ServiceRequestsRepository,
  type AttachmentMeta,
  type RequestChange,
  type RequestContact,
  type RequestMessage,
  type ServiceRequestRecord,
} from './service-requests.repository';

const DAY_MS = 24 * 3600_000;
export const MAX_ATTACHMENTS = 10;
export const ATTACHMENT_CONTENT_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Who is submitting: a signed-in user or a partner system, or an e-mail (no caller). */
type Submitter =
  | { kind: 'user'; principal: Principal }
  | { kind: 'partner'; partner: PartnerPrincipal }
  | { kind: 'intake'; channel: 'email' | 'partner'; partnerId: string | null };

interface NewRequest {
  channel: RequestChannel;
  deviceId: string | null;
  customerId: string | null;
  partnerId: string | null;
  externalRef: string | null;
  symptom: string | null;
  description: string | null;
  contact: RequestContact;
  preferredWindows: ServiceRequestRecord['preferredWindows'];
  language: ServiceRequestRecord['language'];
}

export interface ActionBody {
  text?: string;
  reason?: string;
  customerId?: string;
  deviceId?: string;
}

/**
 * Service requests from every channel, one queue: intake (classification, the 24-hour merge, the
 * response deadline), the follow-up (self-triage for a connected appliance, or a visit), the
 * customer's and staff's actions, and attachments. Every change is emitted as
 * `service_request.changed`. Changes to one request run one at a time.
 */
@Injectable()
export class ServiceRequestsService implements OnModuleInit {
  private readonly queue = new KeyedQueue();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly repository: ServiceRequestsRepository,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly access: AccessPolicy,
    private readonly escalation: RequestEscalation,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly triagePort?: TriagePort,
    @Optional() private readonly visitPort?: VisitPort,
  ) {}

  onModuleInit(): void {
    this.jobs.register(RESPONSE_JOB, (_key, payload) =>
      this.onResponseDue(String(payload.requestId), payload.point === 'breach' ? 'breach' : 'warning'),
    );
  }

  /** Resolves once every follow-up started so far (triage, visit) has finished. */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    await this.queue.settled();
  }

  // ---- intake -------------------------------------------------------------------------------

  /** `POST /api/service-requests`: a new request, or the open one it merges into (`merged`). */
  async create(
    body: CreateServiceRequest,
    caller: { principal?: Principal; partner?: PartnerPrincipal },
  ): Promise<{ request: ServiceRequest; merged: boolean }> {
    const submitter: Submitter = caller.partner
      ? { kind: 'partner', partner: caller.partner }
      : { kind: 'user', principal: caller.principal as Principal };
    const device = this.devices.find(body.deviceId);
    if (submitter.kind === 'user') {
      const { principal } = submitter;
      if (principal.role === 'technician')
        throw serviceRequestError(
          'service_request.role_not_allowed',
          'Technicians do not file service requests',
          {
            role: principal.role,
          },
        );
      if (!device) throw unknownDevice(body.deviceId);
      // another customer's appliance: the same 404 as every other device route
      if (principal.role === 'customer') this.devices.requireVisible(body.deviceId, principal);
    } else if (!device) throw unknownDevice(body.deviceId);
    if (body.symptom !== undefined && !findSymptom(device.type, body.symptom))
      throw serviceRequestError(
        'service_request.unknown_symptom',
        `symptom: a ${device.type} has no symptom "${body.symptom}"`,
        { field: 'symptom', symptom: body.symptom },
      );
    const customerId = device.customerId;
    const contact = { ...(await this.customerContact(customerId)), ...body.contact };
    const channel: RequestChannel =
      submitter.kind === 'partner'
        ? 'partner'
        : submitter.principal.role === 'customer'
          ? 'portal'
          : 'engineer';
    return this.submit(
      {
        channel,
        deviceId: device.id,
        customerId,
        partnerId: submitter.kind === 'partner' ? submitter.partner.partnerId : null,
        externalRef: body.externalRef ?? null,
        symptom: body.symptom ?? null,
        description: body.description ?? null,
        contact,
        preferredWindows: body.preferredWindows,
        language: body.language ?? null,
      },
      [],
    );
  }

  /** An e-mail or a partner's submission handed over by another feature (IntakePort). */
  async intake(submission: IntakeSubmission): Promise<{ id: string; number: string }> {
    let device = submission.deviceId ? this.devices.find(submission.deviceId) : undefined;
    // an appliance that is not the sender's is not theirs to report on: an engineer matches it
    if (device && submission.customerId && device.customerId !== submission.customerId) device = undefined;
    const customerId = submission.customerId ?? device?.customerId ?? null;
    const symptom =
      device && submission.symptom && findSymptom(device.type, submission.symptom)
        ? submission.symptom
        : null;
    const { request } = await this.submit(
      {
        channel: submission.channel,
        deviceId: device?.id ?? null,
        customerId,
        partnerId: submission.partnerId ?? null,
        externalRef: submission.externalRef ?? null,
        symptom,
        description: submission.description,
        contact: submission.contact,
        preferredWindows: [],
        language: submission.language ?? null,
      },
      submission.attachments,
    );
    return { id: request.id, number: request.number };
  }

  /** A customer's e-mail reply on an existing request (by its number). */
  async appendCustomerMessage(
    number: string,
    message: { channel: RequestChannel; text: string; attachments: IntakeSubmission['attachments'] },
  ): Promise<{ id: string } | null> {
    const found = await this.repository.findByNumber(number);
    if (!found) return null;
    await this.change(found.id, async (r) => {
      await this.storeAttachments(r.id, message.attachments);
      return { messages: [...r.messages, this.message('customer', message.channel, message.text)] };
    });
    return { id: found.id };
  }

  private async submit(
    input: NewRequest,
    attachments: IntakeSubmission['attachments'],
  ): Promise<{ request: ServiceRequest; merged: boolean }> {
    const { customerId, deviceId } = input;
    const mergeKey = customerId && deviceId ? `merge:${customerId}\n${deviceId}` : `new:${randomId()}`;
    const outcome = await this.queue.run(mergeKey, async () => {
      const now = this.clock.now();
      const open =
        customerId && deviceId
          ? await this.repository.findMergeable(customerId, deviceId, now - DAY_MS)
          : undefined;
      if (open) {
        const view = await this.change(open.id, async (r) => {
          await this.storeAttachments(r.id, attachments);
          return {
            mergedCount: r.mergedCount + 1,
            messages: [...r.messages, this.message('customer', input.channel, submissionText(input))],
          };
        });
        return { request: view, merged: true };
      }
      const record = await this.insert(input, now);
      await this.storeAttachments(record.id, attachments);
      const view = await this.view(record);
      this.events.emit('service_request.changed', view);
      return { request: view, merged: false };
    });
    if (!outcome.merged) this.followUp(outcome.request.id);
    return outcome;
  }

  private async insert(input: NewRequest, now: number): Promise<ServiceRequestRecord> {
    const device = input.deviceId ? this.devices.find(input.deviceId) : undefined;
    const classification = classifyRequest({
      deviceType: device?.type ?? null,
      symptom: input.symptom,
      description: input.description,
    });
    const customer = input.customerId ? await this.customers.find(input.customerId) : undefined;
    const deadlines = responseDeadlines(now, classification.urgency, customer?.tier ?? 'standard');
    const record: ServiceRequestRecord = {
      ...input,
      ...classification,
      id: randomId(),
      number: await this.repository.nextNumber(),
      status: input.customerId && input.deviceId ? 'received' : 'needs_matching',
      createdAt: now,
      updatedAt: now,
      respondBy: deadlines.respondByMs,
      respondedAt: null,
      ticketId: null,
      mergedCount: 0,
      triage: null,
      messages: [],
    };
    await this.repository.insert(record);
    await this.escalation.schedule(record, deadlines.warnAtMs, deadlines.respondByMs);
    this.logger.info(
      { requestId: record.id, number: record.number, channel: record.channel, deviceId: record.deviceId },
      'service request received',
    );
    return record;
  }

  // ---- reading ------------------------------------------------------------------------------

  async list(
    caller: { principal?: Principal; partner?: PartnerPrincipal },
    query: ServiceRequestQuery,
  ): Promise<ServiceRequest[]> {
    const { principal, partner } = caller;
    if (principal?.role === 'technician') return [];
    if (principal?.role === 'customer' && !principal.customerId) return [];
    const records = await this.repository.list({
      ...query,
      scopeCustomerId: principal?.role === 'customer' ? (principal.customerId ?? undefined) : undefined,
      scopePartnerId: partner ? partner.partnerId : undefined,
    });
    return this.views(records);
  }

  async get(
    id: string,
    caller: { principal?: Principal; partner?: PartnerPrincipal },
  ): Promise<ServiceRequest> {
    return this.view(await this.requireVisible(id, caller));
  }

  private async requireVisible(
    id: string,
    caller: { principal?: Principal; partner?: PartnerPrincipal },
  ): Promise<ServiceRequestRecord> {
    const record = await this.repository.find(id);
    if (!record || !this.canSee(caller, record)) throw notFound(id);
    return record;
  }

  private canSee(
    caller: { principal?: Principal; partner?: PartnerPrincipal },
    record: ServiceRequestRecord,
  ): boolean {
    if (caller.partner) return record.partnerId === caller.partner.partnerId;
    const principal = caller.principal;
    if (!principal) return false;
    if (this.access.isStaff(principal)) return true;
    return (
      principal.role === 'customer' &&
      principal.customerId !== null &&
      record.customerId === principal.customerId
    );
  }

  // ---- actions ------------------------------------------------------------------------------

  async act(
    id: string,
    action: RequestAction,
    body: ActionBody,
    principal: Principal,
  ): Promise<ServiceRequest> {
    await this.requireVisible(id, { principal });
    let followUp = false;
    const view = await this.change(id, async (r) => {
      const verdict = judgeAction(action, principal.role, r.status);
      if (verdict === 'role_not_allowed')
        throw serviceRequestError(
          'service_request.role_not_allowed',
          `A ${principal.role} cannot ${action} a request`,
          {
            action,
            role: principal.role,
          },
        );
      if (verdict === 'cancel_the_visit')
        throw serviceRequestError(
          'service_request.cancel_the_visit',
          'A visit is booked for this request: cancel the visit (the ticket) instead',
          { action, status: r.status, ticketId: r.ticketId },
        );
      if (verdict === 'bad_status')
        throw serviceRequestError(
          'service_request.bad_status',
          `Cannot ${action} a request that is ${r.status}`,
          {
            action,
            status: r.status,
          },
        );
      switch (action) {
        case 'solved':
          return {
            status: 'resolved_by_customer',
            // the customer's own words when they wrote some; else a note for staff, not words put in their mouth
            messages: [
              ...r.messages,
              body.text
                ? this.message('customer', r.channel, body.text)
                : this.message('system', r.channel, 'The customer says the fix worked.'),
            ],
          };
        case 'cancel':
          await this.escalation.cancel(r.id);
          return {
            status: 'cancelled',
            messages: [
              ...r.messages,
              body.reason || body.text
                ? this.message('customer', r.channel, (body.reason ?? body.text) as string)
                : this.message('system', r.channel, 'The customer withdrew the request.'),
            ],
          };
        case 'visit':
          return this.openVisit(r, body.reason ?? 'The customer asked for a technician.');
        case 'ticket':
          return this.openVisit(r, body.reason ?? 'An engineer opened the visit.');
        case 'reply': {
          if (body.text === undefined)
            throw serviceRequestError('service_request.text_required', 'text: a reply needs its text', {
              field: 'text',
            });
          return {
            ...(await this.responded(r)),
            ...(r.type !== 'quality' && r.status !== 'ticket_opened' ? { status: 'answered' as const } : {}),
            messages: [...r.messages, this.message('staff', 'engineer', body.text)],
          };
        }
        case 'match': {
          followUp = true;
          return this.match(r, body);
        }
      }
    });
    if (followUp) this.followUp(id);
    return view;
  }

  private async match(r: ServiceRequestRecord, body: ActionBody): Promise<RequestChange> {
    for (const field of ['customerId', 'deviceId'] as const)
      if (body[field] === undefined)
        throw serviceRequestError(
          'service_request.match_fields_required',
          `${field}: needed to match a request`,
          {
            field,
          },
        );
    const customerId = body.customerId as string;
    await this.customers.require(customerId);
    const device = this.devices.find(body.deviceId as string);
    if (!device) throw unknownDevice(body.deviceId as string);
    if (device.customerId !== customerId)
      throw serviceRequestError(
        'service_request.device_not_customers',
        `deviceId: "${device.id}" is not an appliance of customer "${customerId}"`,
        { field: 'deviceId', deviceId: device.id, customerId },
      );
    const symptom = r.symptom && findSymptom(device.type, r.symptom) ? r.symptom : null;
    const classification = classifyRequest({ deviceType: device.type, symptom, description: r.description });
    return { ...classification, customerId, deviceId: device.id, status: 'received' };
  }

  // ---- follow-up: self-triage or a visit ----------------------------------------------------

  /** Starts the follow-up of a received request in the background; the caller answers at once. */
  private followUp(id: string): void {
    const run = this.runFollowUp(id).catch((error: unknown) =>
      this.logger.error({ err: error, requestId: id }, 'service request follow-up failed'),
    );
    this.background.add(run);
    void run.finally(() => this.background.delete(run));
  }

  private async runFollowUp(id: string): Promise<void> {
    let subject: TriageSubject | undefined;
    await this.change(id, async (r) => {
      if (r.status !== 'received' || r.type !== 'quality' || !r.deviceId) return null;
      const device = this.devices.find(r.deviceId);
      if (device?.online && this.triagePort) {
        subject = toSubject(r);
        return {
          status: 'triaging',
          triage: {
            status: 'running',
            startedAt: this.iso(),
            finishedAt: null,
            cause: null,
            articleId: null,
            findings: [],
          },
        };
      }
      if (!device?.online && this.visitPort)
        return this.openVisit(r, 'The appliance is offline: a technician checks it.');
      return null;
    });
    if (!subject || !this.triagePort) return;
    const startedAt = this.iso();
    const triage = await this.triagePort.triage(subject).catch((error: unknown): Triage => {
      this.logger.warn({ err: error, requestId: id }, 'self-triage failed');
      return {
        status: 'failed',
        startedAt,
        finishedAt: this.iso(),
        cause: null,
        articleId: null,
        findings: [],
      };
    });
    await this.change(id, async (r) => {
      // the customer cancelled or insisted on a visit meanwhile: their word stands
      if (r.status !== 'triaging') return { triage };
      if (triage.status === 'self_fix')
        return {
          ...(await this.responded(r)),
          status: 'self_help_offered',
          triage,
          messages: [
            ...r.messages,
            this.message('system', r.channel, 'Self-triage found a fix the customer can do.'),
          ],
        };
      if (!this.visitPort) return { triage, status: 'received' };
      return this.openVisit(
        { ...r, triage },
        `Self-triage: ${triage.status}${triage.cause ? ` (${triage.cause})` : ''}`,
      );
    });
  }

  /** Opens the visit (a ticket) through the self-triage feature; the request is answered. */
  private async openVisit(r: ServiceRequestRecord, reason: string): Promise<RequestChange> {
    if (!this.visitPort)
      throw serviceRequestError('service_request.visits_unavailable', 'Visits cannot be opened yet', {});
    const ticketId = await this.visitPort.openVisit(toSubject(r), r.triage, reason);
    return {
      ...(await this.responded(r)),
      status: 'ticket_opened',
      ticketId,
      triage: r.triage,
      messages: [...r.messages, this.message('system', r.channel, `A technician visit is opened: ${reason}`)],
    };
  }

  /** The first answer stops the response clock. */
  private async responded(r: ServiceRequestRecord): Promise<RequestChange> {
    if (r.respondedAt !== null) return {};
    await this.escalation.cancel(r.id);
    return { respondedAt: this.clock.now() };
  }

  private async onResponseDue(requestId: string, point: ResponsePoint): Promise<void> {
    await this.change(requestId, async (r) => {
      if (r.respondedAt !== null || isClosed(r.status)) return null;
      const contact = await this.escalation.notify(point, r);
      const who = contact ? ` ${contact.email} was told.` : ' No escalation contact to tell.';
      const text =
        point === 'warning'
          ? `Response deadline close (${new Date(r.respondBy).toISOString()}).${who}`
          : `Response deadline missed (${new Date(r.respondBy).toISOString()}).${who}`;
      return { messages: [...r.messages, this.message('system', r.channel, text)] };
    });
  }

  // ---- attachments --------------------------------------------------------------------------

  async addAttachment(
    id: string,
    principal: Principal,
    file: { name: string | undefined; contentType: string | undefined; content: unknown },
  ): Promise<AttachmentMeta> {
    const record = await this.requireVisible(id, { principal });
    const contentType = (file.contentType ?? '').split(';')[0].trim().toLowerCase();
    if (!(ATTACHMENT_CONTENT_TYPES as readonly string[]).includes(contentType))
      throw serviceRequestError(
        'service_request.attachment_type_unsupported',
        `Attachments are images: ${ATTACHMENT_CONTENT_TYPES.join(', ')}`,
        { contentType, accepted: [...ATTACHMENT_CONTENT_TYPES] },
      );
    const name = file.name?.trim();
    if (!name || name.length > 200)
      throw serviceRequestError(
        'service_request.attachment_name_required',
        'name: the file name (at most 200 characters)',
        {
          field: 'name',
        },
      );
    const content = Buffer.isBuffer(file.content) ? file.content : Buffer.alloc(0);
    this.checkSize(content.length);
    const [meta] = await this.queue.run(record.id, async () => {
      if ((await this.repository.countAttachments(record.id)) >= MAX_ATTACHMENTS)
        throw serviceRequestError(
          'service_request.too_many_attachments',
          `At most ${MAX_ATTACHMENTS} attachments per request`,
          {
            limit: MAX_ATTACHMENTS,
          },
        );
      return this.storeAttachments(record.id, [{ name, contentType, content }]);
    });
    const updated = await this.repository.find(record.id);
    if (updated) this.events.emit('service_request.changed', await this.view(updated));
    return meta;
  }

  async attachment(
    id: string,
    attachmentId: string,
    principal: Principal,
  ): Promise<AttachmentMeta & { content: Buffer }> {
    await this.requireVisible(id, { principal });
    const found = await this.repository.attachmentContent(id, attachmentId);
    if (!found)
      throw serviceRequestError('service_request.attachment_not_found', `No attachment "${attachmentId}"`, {
        attachmentId,
      });
    return found;
  }

  private checkSize(size: number): void {
    if (size === 0)
      throw serviceRequestError('service_request.attachment_empty', 'The attachment is empty', {
        field: '(body)',
      });
    if (size > this.config.attachmentMaxBytes)
      throw serviceRequestError(
        'service_request.attachment_too_large',
        `An attachment may be at most ${this.config.attachmentMaxBytes} bytes`,
        { limitBytes: this.config.attachmentMaxBytes, size },
      );
  }

  /** Stores what fits (size, type, the per-request count); skips the rest. */
  private async storeAttachments(
    requestId: string,
    files: IntakeSubmission['attachments'],
  ): Promise<AttachmentMeta[]> {
    const stored: AttachmentMeta[] = [];
    let count = files.length > 0 ? await this.repository.countAttachments(requestId) : 0;
    for (const file of files) {
      if (count >= MAX_ATTACHMENTS || file.content.length === 0) continue;
      if (file.content.length > this.config.attachmentMaxBytes) continue;
      const meta: AttachmentMeta = {
        id: randomId(),
        requestId,
        name: file.name.slice(0, 200),
        contentType: file.contentType,
        size: file.content.length,
      };
      await this.repository.insertAttachment(meta, file.content, this.clock.now());
      stored.push(meta);
      count++;
    }
    return stored;
  }

  // ---- helpers ------------------------------------------------------------------------------

  /**
   * Applies a change to one request, one at a time per request, saves it with `updatedAt`,
   * and emits the request. `work` answers null for no change.
   */
  private async change(
    id: string,
    work: (r: ServiceRequestRecord) => Promise<RequestChange | null>,
  ): Promise<ServiceRequest> {
    return this.queue.run(id, async () => {
      const current = await this.repository.find(id);
      if (!current) throw notFound(id);
      const change = await work(current);
      if (change === null) return this.view(current);
      const full = { ...change, updatedAt: this.clock.now() };
      await this.repository.update(id, full);
      const view = await this.view({ ...current, ...full });
      this.events.emit('service_request.changed', view);
      return view;
    });
  }

  private async customerContact(customerId: string | null): Promise<RequestContact> {
    if (!customerId) return {};
    const customer = await this.customers.find(customerId);
    if (!customer) return {};
    const contact: RequestContact = { name: customer.name };
    if (customer.email) contact.email = customer.email;
    if (customer.phone) contact.phone = customer.phone;
    return contact;
  }

  private message(from: RequestMessage['from'], channel: RequestChannel, text: string): RequestMessage {
    return { at: this.iso(), from, channel, text };
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private async view(record: ServiceRequestRecord): Promise<ServiceRequest> {
    return (await this.views([record]))[0];
  }

  private async views(records: ServiceRequestRecord[]): Promise<ServiceRequest[]> {
    const attachments = await this.repository.attachments(records.map((r) => r.id));
    return records.map((r) =>
      toView(
        r,
        attachments.filter((a) => a.requestId === r.id),
      ),
    );
  }
}

function toView(r: ServiceRequestRecord, attachments: AttachmentMeta[]): ServiceRequest {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: r.id,
    number: r.number,
    channel: r.channel,
    type: r.type,
    urgency: r.urgency,
    department: r.department,
    status: r.status,
    deviceId: r.deviceId,
    customerId: r.customerId,
    partnerId: r.partnerId,
    externalRef: r.externalRef,
    symptom: r.symptom,
    description: r.description,
    contact: r.contact,
    preferredWindows: r.preferredWindows,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    respondBy: iso(r.respondBy),
    respondedAt: r.respondedAt === null ? null : iso(r.respondedAt),
    ...(r.ticketId !== null ? { ticketId: r.ticketId } : {}),
    mergedCount: r.mergedCount,
    triage: r.triage,
    language: r.language,
    messages: r.messages,
    attachments: attachments.map(({ id, name, contentType, size }) => ({ id, name, contentType, size })),
  };
}

function toSubject(r: ServiceRequestRecord): TriageSubject {
  return {
    requestId: r.id,
    number: r.number,
    deviceId: r.deviceId as string,
    customerId: r.customerId,
    symptom: r.symptom,
    description: r.description,
    preferredWindows: r.preferredWindows,
  };
}

function submissionText(input: Pick<NewRequest, 'description' | 'symptom'>): string {
  return input.description ?? `symptom: ${input.symptom ?? 'unknown'}`;
}

const randomId = () => `sr-${randomBytes(8).toString('hex')}`;

const notFound = (id: string) =>
  serviceRequestError('service_request.not_found', `No service request "${id}"`, { requestId: id });

const unknownDevice = (deviceId: string) =>
  serviceRequestError('service_request.unknown_device', `deviceId: no appliance "${deviceId}"`, {
    field: 'deviceId',
    deviceId,
  });
