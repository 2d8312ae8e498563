import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Language } from '../../../../contracts/src';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { UsersRepository } from '../auth/users.repository';
import { DevicesService } from '../devices/devices.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { EscalationContacts } from '../notifications/escalation-contacts.service';
import { OutboxPort } from '../notifications/outbox-port';
import type { ServiceRequestRecord } from './service-requests.repository';

/** The scheduled job that checks a request's first response (keys `<requestId>:warning|breach`). */
export const RESPONSE_JOB = 'service_request.response';
export type ResponsePoint = 'warning' | 'breach';

/** Who is told when a department's request goes unanswered. */
export interface EscalationContact {
  userId: string;
  email: string;
  language: Language;
}

/**
 * The response deadline of a request as two scheduled jobs (the 80 % warning and the deadline
 * itself), and the message to the department's escalation contact when one of them finds the
 * request still unanswered.
 */
@Injectable()
export class RequestEscalation {
  constructor(
    private readonly jobs: JobScheduler,
    private readonly users: UsersRepository,
    private readonly devices: DevicesService,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly outbox?: OutboxPort,
    @Optional() private readonly contacts?: EscalationContacts,
  ) {}

  async schedule(
    request: Pick<ServiceRequestRecord, 'id'>,
    warnAtMs: number,
    respondByMs: number,
  ): Promise<void> {
    await this.jobs.schedule(RESPONSE_JOB, `${request.id}:warning`, warnAtMs, {
      requestId: request.id,
      point: 'warning',
    });
    await this.jobs.schedule(RESPONSE_JOB, `${request.id}:breach`, respondByMs, {
      requestId: request.id,
      point: 'breach',
    });
  }

  async cancel(requestId: string): Promise<void> {
    await this.jobs.cancel(RESPONSE_JOB, `${requestId}:warning`);
    await this.jobs.cancel(RESPONSE_JOB, `${requestId}:breach`);
  }

  /**
   * Who answers for an unanswered request: the senior engineer on the escalation ladder of the
   * appliance's region (the same real users the tickets' SLA escalates to); without a ladder
   * (no notifications module, nobody on the rung) the first active engineer account.
   */
  async contactFor(
    request: Pick<ServiceRequestRecord, 'deviceId' | 'department'>,
  ): Promise<EscalationContact | undefined> {
    const region = request.deviceId ? (this.devices.find(request.deviceId)?.region ?? null) : null;
    const ladder = await this.contacts?.forTicket(null, region);
    const onCall = ladder?.seniorEngineerId ? await this.users.find(ladder.seniorEngineerId) : undefined;
    if (onCall && onCall.disabledAt === null)
      return { userId: onCall.id, email: onCall.email, language: onCall.language ?? 'en' };
    const [engineer] = (await this.users.list({ role: 'engineer', limit: 20, offset: 0 })).filter(
      (u) => u.disabledAt === null,
    );
    if (!engineer) return undefined;
    return { userId: engineer.id, email: engineer.email, language: engineer.language ?? 'en' };
  }

  /** Tells the contact (inbox and e-mail, once per request and point); answers the contact told, if any. */
  async notify(point: ResponsePoint, request: ServiceRequestRecord): Promise<EscalationContact | undefined> {
    const contact = await this.contactFor(request);
    if (!contact) {
      this.logger.warn({ requestId: request.id, point }, 'no escalation contact for an unanswered request');
      return undefined;
    }
    if (!this.outbox) return contact;
    const kind = point === 'warning' ? 'sla_warning' : 'sla_breach';
    const { subject, body } = escalationText(point, request, contact.language);
    for (const channel of ['inbox', 'email'] as const)
      await this.outbox.enqueue({
        idempotencyKey: `${kind}:${request.id}:${channel}`,
        kind,
        channel,
        recipientUserId: contact.userId,
        address: channel === 'email' ? contact.email : null,
        language: contact.language,
        subject,
        body,
        urgent: true,
        requestId: request.id,
        deviceId: request.deviceId,
        ticketId: request.ticketId,
        action: { kind: 'open_request', id: request.id },
      });
    return contact;
  }
}

function escalationText(
  point: ResponsePoint,
  r: ServiceRequestRecord,
  language: Language,
): { subject: string; body: string } {
  const due = new Date(r.respondBy).toISOString();
  if (language === 'zh-CN')
    return point === 'warning'
      ? {
          subject: `服务请求 ${r.number} 即将超过响应时限`,
          body: `服务请求 ${r.number}（${r.urgency}，${r.department}）尚未答复，须在 ${due} 前响应。`,
        }
      : {
          subject: `服务请求 ${r.number} 已超过响应时限`,
          body: `服务请求 ${r.number}（${r.urgency}，${r.department}）在 ${due} 前未得到答复。`,
        };
  return point === 'warning'
    ? {
        subject: `Service request ${r.number} is close to its response deadline`,
        body: `Service request ${r.number} (${r.urgency}, ${r.department}) has no answer yet; respond by ${due}.`,
      }
    : {
        subject: `Service request ${r.number} missed its response deadline`,
        body: `Service request ${r.number} (${r.urgency}, ${r.department}) got no answer by ${due}.`,
      };
}
