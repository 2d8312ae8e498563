/**
 * Service test of satisfaction surveys over time. Real: the platform's Nest modules composed as in
 * production on an in-memory PGlite with the seeded demo world, the job scheduler, the tickets
 * feature (a ticket saved `verified` is what starts a survey). Test doubles: the ports other
 * features provide (CareNotifier records the notices, ComplaintIntake records the complaints a
 * low score opens and can fail once, LoyaltyPort credits points, SentimentPort scores by a word).
 * The clock is a ManualClock on a Monday 13:00 UTC.
 */
import type { Survey } from '../../../../contracts/src';
import { faultyReading, healthyReading, unambiguousFault } from '../../../../tests/medium/service-support';
import { ADMIN, ServiceHarness, technicianPrincipal } from '../../../../tests/support/service-harness';
import {
  CareNotifier,
  ComplaintIntake,
  LoyaltyPort,
  SentimentPort,
  type CareNotice,
} from '../../common/care/aftercare-ports';
import { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import type { Customer } from '../customers/customers.repository';
import { CustomersService } from '../customers/customers.service';
import { TicketState } from '../tickets/ticket-state.service';
import type { TicketRecord } from '../tickets/tickets.repository';
import { TicketsService } from '../tickets/tickets.service';
import { SURVEY_POINTS, SurveysService } from './surveys.service';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const DELAY_MS = 3 * HOUR;
const TTL_MS = 4 * DAY;

const customerPrincipal = (customerId: string): Principal => ({
  userId: `user-${customerId}`,
  role: 'customer',
  customerId,
  technicianId: null,
});
const ENGINEER: Principal = { userId: 'eng-1', role: 'engineer', customerId: null, technicianId: null };
const GOOD = { professionalism: 5, attitude: 5, effect: 4, timeliness: 5, solved: true };

class RecordingNotifier extends CareNotifier {
  readonly toCustomers: Array<{ customerId: string; notice: CareNotice }> = [];
  toCustomer(customerId: string, notice: CareNotice): Promise<void> {
    this.toCustomers.push({ customerId, notice });
    return Promise.resolve();
  }
  toStaff(): Promise<void> {
    return Promise.resolve();
  }
}

class FakeIntake extends ComplaintIntake {
  readonly opened: Array<Parameters<ComplaintIntake['open']>[0]> = [];
  failNext = 0;
  open(input: Parameters<ComplaintIntake['open']>[0]): Promise<{ id: string; number: string }> {
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(new Error('complaints are down'));
    }
    this.opened.push(input);
    const n = this.opened.length;
    return Promise.resolve({ id: `complaint-${n}`, number: `CP-${String(n).padStart(6, '0')}` });
  }
}

class FakeLoyalty extends LoyaltyPort {
  readonly awards = new Map<string, number>();
  awardPoints(input: { customerId: string; points: number; reference: string }) {
    const awarded = this.awards.has(input.reference) ? 0 : input.points;
    this.awards.set(input.reference, input.points);
    return Promise.resolve({ awarded, balance: input.points });
  }
  issueCoupon(): Promise<{ couponId: string; code: string }> {
    return Promise.reject(new Error('not used'));
  }
  tierOf() {
    return Promise.resolve('standard' as const);
  }
}

class WordSentiment extends SentimentPort {
  score(text: string) {
    const negative = /rude|leak|差/.test(text);
    return {
      score: negative ? -0.8 : 0.6,
      label: negative ? ('negative' as const) : ('positive' as const),
      language: 'en' as const,
    };
  }
}

describe('satisfaction surveys', () => {
  let h: ServiceHarness;
  let surveys: SurveysService;
  let state: TicketState;
  let customers: Customer[];
  const notifier = new RecordingNotifier();
  const intake = new FakeIntake();
  const loyalty = new FakeLoyalty();
  let next = 0;

  /** A customer's appliance develops a fault; its ticket is repaired with two lots and saved verified. */
  async function verifiedTicket(customer = customers[next++ % customers.length]): Promise<TicketRecord> {
    const device = await h.provision('washer', customer);
    const fault = unambiguousFault('washer');
    h.publishReading(device.id, healthyReading('washer'));
    for (let i = 0; i < 3; i++) h.publishReading(device.id, faultyReading('washer', fault));
    await h.settle();
    const [ticket] = await h.get(TicketsService).list(ADMIN, { deviceId: device.id });
    const record = (await state.find(ticket.id)) as TicketRecord;
    await state.withTicket(ticket.id, () =>
      state.save(
        {
          ...record,
          status: 'verified',
          assigneeId: record.assigneeId ?? 'tech-x',
          resolution: {
            rootCause: 'worn bearing',
            partsUsed: [
              { sku: 'BRG-1', qty: 1, locationId: 'van-1', lots: [{ lot: 'LOT-B', qty: 1 }] },
              {
                sku: 'SEAL-2',
                qty: 1,
                locationId: 'van-1',
                lots: [
                  { lot: 'LOT-A', qty: 1 },
                  { lot: 'LOT-B', qty: 1 },
                ],
              },
            ],
            partsAtFirstVisit: [],
            remote: false,
            resolvedBy: 'technician:tech-x',
          },
        },
        [],
      ),
    );
    return (await state.find(ticket.id)) as TicketRecord;
  }

  const surveyOf = async (ticketId: string): Promise<Survey> => {
    const [survey] = await surveys.list({ principal: ADMIN }, { ticketId });
    return survey;
  };
  const tokenOf = (surveyId: string) => {
    const link = notifier.toCustomers.find((n) => n.notice.key === `survey_invite:${surveyId}`)?.notice.vars
      .link as string;
    return new URL(link.replace('#/', '')).searchParams.get('token') as string;
  };
  const failure = async (work: Promise<unknown>): Promise<AppError> => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({
      env: {
        SURVEY_DELAY_MS: String(DELAY_MS),
        SURVEY_TTL_MS: String(TTL_MS),
        PUBLIC_URL: 'https://care.example.com',
      },
      overrides: [
        { provide: CareNotifier, useValue: notifier },
        { provide: ComplaintIntake, useValue: intake },
        { provide: LoyaltyPort, useValue: loyalty },
        { provide: SentimentPort, useValue: new WordSentiment() },
      ],
    });
    surveys = h.get(SurveysService);
    state = h.get(TicketState);
    customers = (await h.get(CustomersService).list({ limit: 50, offset: 0 })).filter((c) => c.region);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('schedules one survey per verified fix, with what its answer is linked to', async () => {
    const changes = h.record('survey.changed');
    const ticket = await verifiedTicket();
    const survey = await surveyOf(ticket.id);
    const now = h.clock.now();
    expect(survey).toMatchObject({
      ticketId: ticket.id,
      customerId: ticket.customerId,
      deviceId: ticket.deviceId,
      technicianId: ticket.assigneeId,
      partLots: ['LOT-A', 'LOT-B'],
      applianceType: 'washer',
      status: 'scheduled',
      sentAt: null,
      response: null,
    });
    expect(survey.region).toEqual(expect.any(String));
    expect(Date.parse(survey.sendAt)).toBe(now + DELAY_MS);
    expect(Date.parse(survey.dueBy)).toBe(now + DELAY_MS + TTL_MS);
    expect(changes.seen.map((s) => s.id)).toEqual([survey.id]);

    // saved verified again (e.g. closed, then a note): still one survey
    await state.withTicket(ticket.id, async () =>
      state.save((await state.find(ticket.id)) as TicketRecord, []),
    );
    expect(await surveys.list({ principal: ADMIN }, { ticketId: ticket.id })).toHaveLength(1);
    changes.stop();
  });

  it('invites after the delay with a signed link, reminds once halfway, then expires', async () => {
    const ticket = await verifiedTicket();
    const customerId = ticket.customerId as string;
    const survey = await surveyOf(ticket.id);
    await h.advance(DELAY_MS - MIN);
    expect(notifier.toCustomers.filter((n) => n.notice.key === `survey_invite:${survey.id}`)).toEqual([]);
    await h.advance(MIN);
    const invite = notifier.toCustomers.find((n) => n.notice.key === `survey_invite:${survey.id}`);
    expect(invite).toMatchObject({
      customerId,
      notice: {
        kind: 'survey_invite',
        action: { kind: 'open_survey', id: survey.id },
        vars: { ticketId: ticket.id, appliance: 'washer', dueAtMs: Date.parse(survey.dueBy) },
      },
    });
    expect(invite?.notice.vars.link).toMatch(
      new RegExp(`^https://care\\.example\\.com/#/survey/${survey.id}\\?token=[\\w.-]+$`),
    );
    expect((await surveys.get(survey.id, { principal: ADMIN })).status).toBe('sent');
    // the link opens the survey without a login
    const token = tokenOf(survey.id);
    expect((await surveys.get(survey.id, { token })).id).toBe(survey.id);

    await h.advance(TTL_MS / 2);
    const reminded = await surveys.get(survey.id, { principal: ADMIN });
    expect(reminded.status).toBe('reminded');
    expect(
      notifier.toCustomers.filter((n) => n.notice.kind === 'survey_reminder' && n.customerId === customerId),
    ).toHaveLength(1);

    await h.advance(TTL_MS / 2);
    const expired = await surveys.get(survey.id, { principal: ADMIN });
    expect(expired.status).toBe('expired');
    expect(
      notifier.toCustomers.filter((n) => n.notice.kind === 'survey_reminder' && n.customerId === customerId),
    ).toHaveLength(1);
    const late = await failure(
      surveys.respond(survey.id, GOOD, { principal: customerPrincipal(customerId) }),
    );
    expect([late.code, late.kind]).toEqual(['survey.expired', 'gone']);
    expect((await failure(surveys.get(survey.id, { token }))).code).toBe('survey.expired');
    expect((await surveys.get(survey.id, { principal: ADMIN })).response).toBeNull();
  });

  it('takes one answer from the customer, with sentiment and points; a second is refused', async () => {
    const ticket = await verifiedTicket();
    const customer = customerPrincipal(ticket.customerId as string);
    const survey = await surveyOf(ticket.id);
    const answered = await surveys.respond(
      survey.id,
      { ...GOOD, comment: 'Quick and friendly.', overall: 5 },
      { principal: customer },
    );
    expect(answered.status).toBe('answered');
    expect(answered.response).toMatchObject({
      ...GOOD,
      overall: 5,
      comment: 'Quick and friendly.',
      channel: 'portal',
      sentiment: 0.6,
      complaintId: null,
      pointsAwarded: SURVEY_POINTS,
    });
    expect(loyalty.awards.get(`survey:${survey.id}`)).toBe(SURVEY_POINTS);
    expect(intake.opened.filter((c) => c.surveyId === survey.id)).toEqual([]);

    const again = await failure(
      surveys.respond(survey.id, { ...GOOD, attitude: 1 }, { principal: customer }),
    );
    expect([again.code, again.kind]).toEqual(['survey.already_answered', 'conflict']);
    expect((await surveys.get(survey.id, { principal: customer })).response?.attitude).toBe(5);
    // answered before the invite went out: no invite, no reminder later
    await h.advance(DELAY_MS + TTL_MS);
    expect(notifier.toCustomers.filter((n) => n.notice.key.endsWith(survey.id))).toEqual([]);
    expect((await surveys.get(survey.id, { principal: ADMIN })).status).toBe('answered');
  });

  it('opens a complaint for a low score, retrying while the complaints feature fails', async () => {
    const ticket = await verifiedTicket();
    const survey = await surveyOf(ticket.id);
    intake.failNext = 1;
    const answered = await surveys.respond(
      survey.id,
      {
        professionalism: 4,
        attitude: 2,
        effect: 3,
        timeliness: 3,
        solved: false,
        comment: 'The technician was rude.',
      },
      { principal: ENGINEER },
    );
    expect(answered.response).toMatchObject({ channel: 'engineer', complaintId: null, sentiment: -0.8 });
    await h.advance(2 * MIN);
    const retried = await surveys.get(survey.id, { principal: ADMIN });
    expect(retried.response?.complaintId).toBe(`complaint-${intake.opened.length}`);
    const opened = intake.opened.find((c) => c.surveyId === survey.id);
    expect(opened).toMatchObject({
      source: 'survey',
      ticketId: ticket.id,
      deviceId: ticket.deviceId,
      customerId: ticket.customerId,
      language: 'en',
    });
    expect(opened?.description).toMatch(/attitude 2\/5/);
    expect(opened?.description).toMatch(/not solved/);
    expect(opened?.description).toContain('The technician was rude.');
    expect(intake.opened.filter((c) => c.surveyId === survey.id)).toHaveLength(1);
  });

  it('answers a low score in Chinese with a complaint in Chinese at once', async () => {
    const ticket = await verifiedTicket();
    const survey = await surveyOf(ticket.id);
    const answered = await surveys.respond(
      survey.id,
      {
        professionalism: 5,
        attitude: 5,
        effect: 1,
        timeliness: 4,
        solved: true,
        comment: '洗衣机还是漏水，效果很差',
      },
      { principal: customerPrincipal(ticket.customerId as string) },
    );
    expect(answered.response?.complaintId).toEqual(expect.stringMatching(/^complaint-/));
    const opened = intake.opened.find((c) => c.surveyId === survey.id);
    expect(opened?.language).toBe('zh-CN');
    expect(opened?.description).toMatch(/维修效果 1\/5/);
  });

  it('answers through the link once, refuses a forged link, and keeps surveys from other people', async () => {
    const ticket = await verifiedTicket();
    const customerId = ticket.customerId as string;
    const survey = await surveyOf(ticket.id);
    await h.advance(DELAY_MS);
    const token = tokenOf(survey.id);
    const forged = await failure(surveys.respond(survey.id, GOOD, { token: `${token.slice(0, -2)}xx` }));
    expect([forged.code, forged.kind]).toEqual(['survey.link_invalid', 'unauthenticated']);
    // a link for one survey does not open another
    const other = await surveyOf((await verifiedTicket()).id);
    expect((await failure(surveys.get(other.id, { token }))).code).toBe('survey.link_invalid');

    const byLink = await surveys.respond(survey.id, GOOD, { token });
    expect(byLink.response?.channel).toBe('email_link');
    // the link dies once used
    expect((await failure(surveys.get(survey.id, { token }))).code).toBe('survey.already_answered');
    expect((await failure(surveys.respond(survey.id, GOOD, { token }))).code).toBe('survey.already_answered');

    // another customer, a technician: as if it did not exist / not theirs to answer
    const stranger = customers.find((c) => c.id !== customerId) as Customer;
    expect((await failure(surveys.get(survey.id, { principal: customerPrincipal(stranger.id) }))).code).toBe(
      'survey.not_found',
    );
    expect(
      await surveys.list({ principal: customerPrincipal(stranger.id) }, { ticketId: ticket.id }),
    ).toEqual([]);
    const technician = technicianPrincipal(survey.technicianId ?? 'tech-x');
    expect(await surveys.list({ principal: technician }, {})).toEqual([]);
    expect((await failure(surveys.get(survey.id, { principal: technician }))).code).toBe('survey.not_found');
    expect((await failure(surveys.respond(other.id, GOOD, { principal: technician }))).kind).toBe(
      'forbidden',
    );
    // the customer sees their own
    const mine = await surveys.list({ principal: customerPrincipal(customerId) }, {});
    expect(mine.map((s) => s.id)).toContain(survey.id);
    expect(mine.every((s) => s.customerId === customerId)).toBe(true);
  });

  it("lets a partner's call centre read and answer the surveys of tickets answering its own requests only", async () => {
    const ours = await verifiedTicket();
    const theirs = await verifiedTicket();
    // the partner filed the request the first ticket answers
    await h.db.query(
      `INSERT INTO service_requests (id, number, channel, type, urgency, department, status, device_id,
         customer_id, partner_id, created_at, updated_at, respond_by, ticket_id)
       VALUES ('sr-partner-1', 'SR-990001', 'partner', 'repair', 'minor', 'service', 'ticket_opened', $1, $2,
         'partner-1', $3, $3, $3, $4)`,
      [ours.deviceId, ours.customerId, h.clock.now(), ours.id],
    );
    const partner = { partnerId: 'partner-1', name: 'Call centre' };
    const survey = await surveyOf(ours.id);
    const other = await surveyOf(theirs.id);
    expect((await surveys.list({ partner }, {})).map((s) => s.id)).toEqual([survey.id]);
    expect((await failure(surveys.get(other.id, { partner }))).code).toBe('survey.not_found');
    expect((await failure(surveys.respond(other.id, GOOD, { partner }))).code).toBe('survey.not_found');
    const answered = await surveys.respond(survey.id, GOOD, { partner });
    expect(answered.response?.channel).toBe('partner');
    expect((await surveys.get(other.id, { principal: ADMIN })).status).toBe('scheduled');
  });

  it('reports the response rate and average scores', async () => {
    const stats = await surveys.stats();
    const all = await surveys.list({ principal: ADMIN }, {});
    const answered = all.filter((s) => s.status === 'answered');
    const expired = all.filter((s) => s.status === 'expired').length;
    const pending = all.filter((s) => s.status === 'sent' || s.status === 'reminded').length;
    expect(stats).toMatchObject({
      answered: answered.length,
      expired,
      pending,
      sent: answered.length + expired + pending,
    });
    expect(stats.responseRate).toBeCloseTo(answered.length / (answered.length + expired + pending));
    const mean = answered.reduce((sum, s) => sum + (s.response?.attitude ?? 0), 0) / answered.length;
    expect(stats.averages.attitude).toBeCloseTo(mean, 2);
    expect(stats.solvedRate).toBeCloseTo(answered.filter((s) => s.response?.solved).length / answered.length);
  });
});
