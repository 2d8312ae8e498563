import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import type {
  Language,
  Survey,
  SurveyResponseRequest,
  SurveyStats,
  SurveyStatus,
} from '../../../../contracts/src';
import { CareNotifier, ComplaintIntake, LoyaltyPort, SentimentPort } from '../../common/care/aftercare-ports';
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
import { PartnerScope } from '../service-requests/partner-scope';
import { TicketState } from '../tickets/ticket-state.service';
import type { TicketRecord } from '../tickets/tickets.repository';
import { checkSurveyToken, signSurveyToken, surveyLink } from './survey-link';
import { surveyError } from './surveys.errors';
import {
  SurveysRepository,
  type SurveyChannel,
  type SurveyRecord,
  type SurveyResponseRecord,
} from './surveys.repository';

export const SURVEY_JOBS = {
  invite: 'survey.invite',
  remind: 'survey.remind',
  expire: 'survey.expire',
  /** The complaint a low score opens and the points for the answer, retried until done. */
  followUp: 'survey.follow_up',
} as const;

/** Points credited for an answered survey. */
export const SURVEY_POINTS = 50;
/** A score at or under this (on any dimension) is a low score: it opens a complaint. */
export const LOW_SCORE = 2;
const FOLLOW_UP_RETRY_MS = 60_000;
/** Tickets whose verified fix the customer is asked about (not re-repairs a complaint ordered). */
const SURVEYED_SOURCES: ReadonlySet<TicketRecord['source']> = new Set(['customer', 'alarm', 'prediction']);
const OPEN: SurveyStatus[] = ['scheduled', 'sent', 'reminded'];

/** Who calls: a signed-in user, a partner system (X-Api-Key), or the holder of the e-mail link. */
export interface SurveyCaller {
  principal?: Principal;
  partner?: PartnerPrincipal;
  token?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function isLowScore(
  r: Pick<
    SurveyResponseRecord,
    'professionalism' | 'attitude' | 'effect' | 'timeliness' | 'overall' | 'solved'
  >,
): boolean {
  return (
    !r.solved ||
    [r.professionalism, r.attitude, r.effect, r.timeliness, r.overall ?? 5].some(
      (score) => score <= LOW_SCORE,
    )
  );
}

export function toSurvey(s: SurveyRecord): Survey {
  const r = s.response;
  return {
    id: s.id,
    ticketId: s.ticketId,
    customerId: s.customerId,
    deviceId: s.deviceId,
    technicianId: s.technicianId,
    partLots: s.partLots,
    firmware: s.firmware,
    applianceType: s.applianceType,
    model: s.model,
    region: s.region,
    status: s.status,
    createdAt: iso(s.createdAt),
    sendAt: iso(s.sendAt),
    sentAt: isoOrNull(s.sentAt),
    remindedAt: isoOrNull(s.remindedAt),
    dueBy: iso(s.dueBy),
    response: r && {
      professionalism: r.professionalism,
      attitude: r.attitude,
      effect: r.effect,
      timeliness: r.timeliness,
      solved: r.solved,
      comment: r.comment,
      overall: r.overall,
      channel: r.channel,
      answeredAt: iso(r.answeredAt),
      sentiment: r.sentiment,
      complaintId: r.complaintId,
      pointsAwarded: r.pointsAwarded,
    },
  };
}

/**
 * Satisfaction surveys: one per verified fix of a customer's appliance, snapshotting what the
 * answer is linked to (technician, part lots, firmware, type, model, region); the invitation goes
 * out `SURVEY_DELAY_MS` after the verification (inbox, push, e-mail with a signed single-use
 * link), one reminder halfway to `dueBy`, then it expires. Answers come from the portal, the
 * link, a partner's call centre or an engineer recording a call; a low score opens a complaint,
 * an answer earns points. Changes to one survey run one at a time; each is emitted as
 * `survey.changed`.
 */
@Injectable()
export class SurveysService implements OnModuleInit {
  private readonly queue = new KeyedQueue();
  private linkKey?: Promise<string>;

  constructor(
    private readonly repository: SurveysRepository,
    private readonly tickets: TicketState,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly access: AccessPolicy,
    private readonly partnerScope: PartnerScope,
    private readonly jobs: JobScheduler,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly notifier?: CareNotifier,
    @Optional() private readonly complaints?: ComplaintIntake,
    @Optional() private readonly loyalty?: LoyaltyPort,
    @Optional() private readonly sentiment?: SentimentPort,
  ) {}

  onModuleInit(): void {
    this.jobs.register(SURVEY_JOBS.invite, (id) => this.queue.run(id, () => this.invite(id)));
    this.jobs.register(SURVEY_JOBS.remind, (id) => this.queue.run(id, () => this.remind(id)));
    this.jobs.register(SURVEY_JOBS.expire, (id) => this.queue.run(id, () => this.expire(id)));
    this.jobs.register(SURVEY_JOBS.followUp, (id) => this.queue.run(id, () => this.followUp(id, true)));
    // in the ticket's turn, like every feature's timed work for a ticket (errors are logged there)
    this.tickets.onSaved((ticket) => this.onTicketSaved(ticket));
  }

  /** Resolves once every change queued so far has run. */
  settled(): Promise<void> {
    return this.queue.settled();
  }

  // ---- creation and the timed steps ---------------------------------------------------------

  private async onTicketSaved(ticket: TicketRecord): Promise<void> {
    if (ticket.status !== 'verified' || ticket.customerId === null || !SURVEYED_SOURCES.has(ticket.source))
      return;
    await this.create(ticket);
  }

  /** The survey of a verified fix (once per ticket); undefined when the ticket has one already. */
  async create(ticket: TicketRecord): Promise<Survey | undefined> {
    const now = this.clock.now();
    const device = this.devices.find(ticket.deviceId);
    const customer = ticket.customerId ? await this.customers.find(ticket.customerId) : undefined;
    const resolvedBy = ticket.resolution?.resolvedBy ?? '';
    const sendAt = now + this.config.surveyDelayMs;
    const record: SurveyRecord = {
      id: randomUUID(),
      ticketId: ticket.id,
      customerId: ticket.customerId,
      deviceId: ticket.deviceId,
      technicianId:
        ticket.assigneeId ??
        (resolvedBy.startsWith('technician:') ? resolvedBy.slice('technician:'.length) : null),
      partLots: [
        ...new Set((ticket.resolution?.partsUsed ?? []).flatMap((p) => p.lots.map((l) => l.lot))),
      ].sort(),
      firmware: device?.fw ?? null,
      applianceType: device?.type ?? null,
      model: device?.model ?? null,
      region: device?.region ?? customer?.region ?? null,
      status: 'scheduled',
      createdAt: now,
      sendAt,
      sentAt: null,
      remindedAt: null,
      dueBy: sendAt + this.config.surveyTtlMs,
      updatedAt: now,
      response: null,
    };
    if (!(await this.repository.insert(record))) return undefined;
    await this.jobs.schedule(SURVEY_JOBS.invite, record.id, record.sendAt);
    await this.jobs.schedule(SURVEY_JOBS.remind, record.id, record.sendAt + this.config.surveyTtlMs / 2);
    await this.jobs.schedule(SURVEY_JOBS.expire, record.id, record.dueBy);
    this.logger.info({ surveyId: record.id, ticketId: ticket.id }, 'survey scheduled');
    const view = toSurvey(record);
    this.events.emit('survey.changed', view);
    return view;
  }

  private async invite(id: string): Promise<void> {
    const survey = await this.repository.find(id);
    if (survey?.status !== 'scheduled') return;
    const now = this.clock.now();
    if (now >= survey.dueBy) return this.expire(id);
    // notified first: the notifier sends once per key, so a retry after a failed write repeats nothing
    await this.notify(survey, 'survey_invite');
    if (await this.repository.move(id, ['scheduled'], 'sent', now, { sentAt: now })) await this.changed(id);
  }

  private async remind(id: string): Promise<void> {
    const survey = await this.repository.find(id);
    if (survey?.status !== 'sent') return;
    const now = this.clock.now();
    if (now >= survey.dueBy) return this.expire(id);
    await this.notify(survey, 'survey_reminder');
    if (await this.repository.move(id, ['sent'], 'reminded', now, { remindedAt: now }))
      await this.changed(id);
  }

  private async expire(id: string): Promise<void> {
    const now = this.clock.now();
    if (await this.repository.move(id, OPEN, 'expired', now)) {
      await this.jobs.cancel(SURVEY_JOBS.invite, id);
      await this.jobs.cancel(SURVEY_JOBS.remind, id);
      this.logger.info({ surveyId: id }, 'survey expired unanswered');
      await this.changed(id);
    }
  }

  private async notify(survey: SurveyRecord, kind: 'survey_invite' | 'survey_reminder'): Promise<void> {
    if (!this.notifier || !survey.customerId) return;
    const token = signSurveyToken(await this.key(), survey.id, survey.dueBy);
    await this.notifier.toCustomer(survey.customerId, {
      kind,
      key: `${kind}:${survey.id}`,
      vars: {
        ticketId: survey.ticketId,
        appliance: survey.applianceType,
        link: surveyLink(this.config.publicUrl, survey.id, token),
        dueAtMs: survey.dueBy,
      },
      ticketId: survey.ticketId,
      deviceId: survey.deviceId,
      action: { kind: 'open_survey', id: survey.id },
    });
  }

  private key(): Promise<string> {
    if (this.config.jwtSecret) return Promise.resolve(this.config.jwtSecret);
    this.linkKey ??= this.repository.linkKey(this.clock.now());
    this.linkKey.catch(() => (this.linkKey = undefined));
    return this.linkKey;
  }

  /** The signed link of a survey, as its e-mails carry it (for staff to read it out or resend). */
  async linkOf(id: string): Promise<string> {
    const survey = await this.repository.find(id);
    if (!survey) throw notFound(id);
    return surveyLink(this.config.publicUrl, id, signSurveyToken(await this.key(), id, survey.dueBy));
  }

  // ---- reading ------------------------------------------------------------------------------

  async list(
    caller: SurveyCaller,
    query: { ticketId?: string; customerId?: string; status?: SurveyStatus },
  ): Promise<Survey[]> {
    const { principal, partner } = caller;
    if (principal?.role === 'technician') return [];
    if (principal?.role === 'customer' && !principal.customerId) return [];
    const records = await this.repository.list({
      ...query,
      scopeCustomerId: principal?.role === 'customer' ? (principal.customerId ?? undefined) : undefined,
      scopePartnerId: partner?.partnerId,
    });
    return records.map(toSurvey);
  }

  async get(id: string, caller: SurveyCaller): Promise<Survey> {
    const survey = await this.requireReachable(id, caller);
    // the link dies once used: it opens an open survey only
    if (caller.token !== undefined && !caller.principal && !caller.partner) this.requireOpen(survey);
    return toSurvey(survey);
  }

  async stats(): Promise<SurveyStats> {
    const c = await this.repository.counts();
    const sent = c.answered + c.expired + c.pending;
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    return {
      sent,
      answered: c.answered,
      expired: c.expired,
      pending: c.pending,
      responseRate: sent === 0 ? null : c.answered / sent,
      averages: {
        professionalism: round(c.professionalism),
        attitude: round(c.attitude),
        effect: round(c.effect),
        timeliness: round(c.timeliness),
        overall: round(c.overall),
      },
      solvedRate: c.answered === 0 ? null : c.solved / c.answered,
    };
  }

  /**
   * The survey if the caller may reach it: staff, its customer, a partner whose service request
   * the ticket answers, or a valid link (a forged one is 401). Anyone else: 404.
   */
  private async requireReachable(id: string, caller: SurveyCaller): Promise<SurveyRecord> {
    const survey = await this.repository.find(id);
    if (caller.principal) {
      if (!survey || !this.access.canSeeSurvey(caller.principal, survey)) throw notFound(id);
      return survey;
    }
    if (caller.partner) {
      if (!survey) throw notFound(id);
      await this.partnerScope.actingFor(caller.partner, { ticketId: survey.ticketId }, () => notFound(id));
      return survey;
    }
    const check = checkSurveyToken(await this.key(), id, caller.token ?? '');
    if (!check.ok || !survey)
      throw surveyError('survey.link_invalid', 'This survey link is not valid', { field: 'token' });
    if (this.clock.now() >= check.expiresAtMs) throw expired(survey);
    return survey;
  }

  private requireOpen(survey: SurveyRecord): void {
    if (survey.status === 'answered')
      throw surveyError('survey.already_answered', 'This survey has been answered already', {
        surveyId: survey.id,
      });
    if (survey.status === 'expired' || this.clock.now() >= survey.dueBy) throw expired(survey);
  }

  // ---- answering ----------------------------------------------------------------------------

  /** `POST /api/surveys/{id}/responses`: the one answer; a second is 409, after `dueBy` 410. */
  async respond(id: string, body: SurveyResponseRequest, caller: SurveyCaller): Promise<Survey> {
    const { channel, answeredBy } = this.answerer(caller);
    await this.requireReachable(id, caller);
    await this.queue.run(id, async () => {
      const survey = await this.repository.find(id);
      if (!survey) throw notFound(id);
      this.requireOpen(survey);
      const now = this.clock.now();
      const comment = body.comment ? body.comment : null;
      const language = await this.languageOf(survey, comment);
      const response: SurveyResponseRecord = {
        professionalism: body.professionalism,
        attitude: body.attitude,
        effect: body.effect,
        timeliness: body.timeliness,
        overall: body.overall ?? null,
        solved: body.solved,
        comment,
        language,
        sentiment: comment ? this.sentimentOf(comment, language, id) : null,
        channel,
        answeredBy,
        answeredAt: now,
        complaintId: null,
        pointsAwarded: 0,
      };
      // another instance answered first: the same 409 as above
      if (!(await this.repository.answer(survey, response, OPEN)))
        throw surveyError('survey.already_answered', 'This survey has been answered already', {
          surveyId: id,
        });
      for (const kind of [SURVEY_JOBS.invite, SURVEY_JOBS.remind, SURVEY_JOBS.expire])
        await this.jobs.cancel(kind, id);
      this.logger.info(
        { surveyId: id, ticketId: survey.ticketId, channel, low: isLowScore(response) },
        'survey answered',
      );
      await this.followUp(id, false);
    });
    return this.changed(id);
  }

  /** The comment's sentiment, -1..1; null without the analysis (or when it fails: the answer counts more). */
  private sentimentOf(comment: string, language: Language, surveyId: string): number | null {
    if (!this.sentiment) return null;
    try {
      return this.sentiment.score(comment, language).score;
    } catch (error) {
      this.logger.error({ err: error, surveyId }, 'sentiment of a survey comment failed');
      return null;
    }
  }

  /** Channel and actor of an answer; technicians do not answer surveys. */
  private answerer(caller: SurveyCaller): { channel: SurveyChannel; answeredBy: string } {
    if (caller.principal) {
      const p = caller.principal;
      switch (p.role) {
        case 'customer':
          return { channel: 'portal', answeredBy: `customer:${p.customerId ?? p.userId}` };
        case 'engineer':
        case 'admin':
          return { channel: 'engineer', answeredBy: `${p.role}:${p.userId}` };
        case 'technician':
        case 'manager':
          throw surveyError(
            'survey.role_not_allowed',
            'Only customers and support staff answer satisfaction surveys',
            {
              role: p.role,
            },
          );
      }
    }
    if (caller.partner) return { channel: 'partner', answeredBy: `partner:${caller.partner.partnerId}` };
    return { channel: 'email_link', answeredBy: 'link' };
  }

  /** The language of the answer: the comment's, else the customer's saved one, else English. */
  private async languageOf(survey: SurveyRecord, comment: string | null): Promise<Language> {
    if (comment && /[\u4e00-\u9fff]/.test(comment)) return 'zh-CN';
    if (comment) return 'en';
    return (survey.customerId && (await this.repository.customerLanguage(survey.customerId))) || 'en';
  }

  /**
   * After an answer: a low score opens a complaint, the answer earns points. Each is done once
   * (the complaint id and the points are stored; the loyalty ledger is idempotent on the
   * reference); what fails is retried by a job. `fromJob`: a failure is thrown to the scheduler.
   */
  private async followUp(id: string, fromJob: boolean): Promise<void> {
    const survey = await this.repository.find(id);
    const r = survey?.response;
    if (!survey || !r) return;
    try {
      if (this.complaints && r.complaintId === null && isLowScore(r)) {
        const complaint = await this.complaints.open({
          customerId: survey.customerId,
          deviceId: survey.deviceId,
          ticketId: survey.ticketId,
          surveyId: survey.id,
          description: complaintText(survey, r),
          source: 'survey',
          language: r.language ?? 'en',
        });
        await this.repository.setComplaint(id, complaint.id);
        this.logger.info({ surveyId: id, complaintId: complaint.id }, 'low survey score opened a complaint');
      }
      if (this.loyalty && survey.customerId && r.pointsAwarded === 0) {
        const { awarded } = await this.loyalty.awardPoints({
          customerId: survey.customerId,
          points: SURVEY_POINTS,
          kind: 'survey_points',
          reference: `survey:${survey.id}`,
        });
        await this.repository.setPoints(id, awarded > 0 ? awarded : SURVEY_POINTS);
      }
    } catch (error) {
      if (fromJob) throw error;
      this.logger.error({ err: error, surveyId: id }, 'survey follow-up failed; retrying');
      await this.jobs.schedule(SURVEY_JOBS.followUp, id, this.clock.now() + FOLLOW_UP_RETRY_MS);
      return;
    }
    if (fromJob) await this.changed(id);
  }

  private async changed(id: string): Promise<Survey> {
    const survey = await this.repository.find(id);
    if (!survey) throw notFound(id);
    const view = toSurvey(survey);
    this.events.emit('survey.changed', view);
    return view;
  }
}

/** What the complaint a low score opens says, in the customer's language. */
export function complaintText(survey: SurveyRecord, r: SurveyResponseRecord): string {
  const zh = r.language === 'zh-CN';
  const names = zh
    ? {
        professionalism: '专业水平',
        attitude: '服务态度',
        effect: '维修效果',
        timeliness: '及时性',
        overall: '总体',
      }
    : {
        professionalism: 'professionalism',
        attitude: 'attitude',
        effect: 'effect of the repair',
        timeliness: 'timeliness',
        overall: 'overall',
      };
  const low = (['professionalism', 'attitude', 'effect', 'timeliness', 'overall'] as const)
    .filter((k) => r[k] !== null && r[k] <= LOW_SCORE)
    .map((k) => `${names[k]} ${r[k]}/5`);
  if (zh)
    return (
      `工单 ${survey.ticketId} 的满意度回访得分较低` +
      (low.length ? `（${low.join('，')}）` : '') +
      (r.solved ? '。' : '，客户表示问题未解决。') +
      (r.comment ? `客户留言：${r.comment}` : '')
    );
  return (
    `Low satisfaction score after the repair of ticket ${survey.ticketId}` +
    (low.length ? ` (${low.join(', ')})` : '') +
    (r.solved ? '.' : '; the customer says the problem is not solved.') +
    (r.comment ? ` Customer's comment: ${r.comment}` : '')
  );
}

function notFound(id: string) {
  return surveyError('survey.not_found', `No survey "${id}"`, { surveyId: id });
}

function expired(survey: SurveyRecord) {
  return surveyError('survey.expired', 'This survey has closed', {
    surveyId: survey.id,
    dueBy: iso(survey.dueBy),
  });
}
