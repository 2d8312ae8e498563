/**
 * Service test of the complaints feature. Real: every module composed as in production
 * (AppModule) on an in-memory PGlite with the migrations and the demo world (its senior engineer
 * is the complaint supervisor), the scheduled jobs, DomainEvents, the SLA engine. Doubles: the
 * ports other features provide (CareNotifier, Compensations, LoyaltyPort, SentimentPort: each
 * records its calls); a ManualClock.
 */
import type {
  Compensation,
  CompensationOffer,
  Complaint,
  CustomerTier,
  Language,
  SentimentResult,
} from '../../../../contracts/src';
import { ServiceHarness } from '../../../../tests/support/service-harness';
import {
  CareNotifier,
  Compensations,
  LoyaltyPort,
  SentimentPort,
  type CareNotice,
  type CompensationRequester,
} from '../../common/care/aftercare-ports';
import type { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import { UsersRepository } from '../auth/users.repository';
import { CustomersService } from '../customers/customers.service';
import type { Customer } from '../customers/customers.repository';
import { EscalationContacts } from '../notifications/escalation-contacts.service';
import { ComplaintsService } from './complaints.service';

const HOUR = 3_600_000;

class FakeNotifier extends CareNotifier {
  readonly sent: Array<{ to: string; audience: 'customer' | 'staff'; notice: CareNotice }> = [];
  async toCustomer(customerId: string, notice: CareNotice): Promise<void> {
    this.sent.push({ to: customerId, audience: 'customer', notice });
  }
  async toStaff(userId: string, notice: CareNotice): Promise<void> {
    this.sent.push({ to: userId, audience: 'staff', notice });
  }
  kinds(to: string, kind: CareNotice['kind']) {
    return this.sent.filter((s) => s.to === to && s.notice.kind === kind);
  }
}

class FakeCompensations extends Compensations {
  readonly byId = new Map<string, Compensation>();
  /** What the next request answers: within the limit (granted) or above it. */
  next: Compensation['status'] = 'granted';
  async request(input: {
    customerId: string;
    complaintId: string | null;
    offer: CompensationOffer;
    requestedBy: CompensationRequester;
  }): Promise<Compensation> {
    const c: Compensation = {
      id: `comp-${this.byId.size + 1}`,
      complaintId: input.complaintId,
      customerId: input.customerId,
      type: input.offer.type,
      amountMinor: input.offer.amountMinor,
      currency: input.offer.currency,
      note: input.offer.note ?? null,
      status: this.next,
      requestedBy: input.requestedBy.userId,
      requestedAt: new Date(0).toISOString(),
      needsApproval: this.next === 'pending_approval',
      decidedBy: null,
      decidedAt: null,
      decisionNote: null,
      couponId: null,
      ageMs: null,
    };
    this.byId.set(c.id, c);
    return c;
  }
  async find(id: string): Promise<Compensation | undefined> {
    return this.byId.get(id);
  }
  decide(id: string, status: Compensation['status'], note: string): Compensation {
    const c = { ...(this.byId.get(id) as Compensation), status, decidedBy: 'approver', decisionNote: note };
    this.byId.set(id, c);
    return c;
  }
}

class FakeLoyalty extends LoyaltyPort {
  readonly awards: Array<{ customerId: string; points: number; reference: string }> = [];
  async awardPoints(input: { customerId: string; points: number; reference: string }) {
    if (this.awards.some((a) => a.reference === input.reference))
      return { awarded: 0, balance: input.points };
    this.awards.push(input);
    return { awarded: input.points, balance: input.points };
  }
  async issueCoupon(): Promise<{ couponId: string; code: string }> {
    return { couponId: 'coupon-1', code: 'C1' };
  }
  async tierOf(): Promise<CustomerTier> {
    return 'standard';
  }
}

class FakeSentiment extends SentimentPort {
  score(text: string, language: Language = 'en'): SentimentResult {
    const negative = /rude|leak|漏水|差/.test(text);
    return { score: negative ? -0.6 : 0.2, label: negative ? 'negative' : 'positive', language };
  }
}

describe('complaints', () => {
  let h: ServiceHarness;
  let service: ComplaintsService;
  const notifier = new FakeNotifier();
  const compensations = new FakeCompensations();
  const loyalty = new FakeLoyalty();
  let customers: Customer[];
  let engineer: Principal;
  let supervisorId: string;
  let managerId: (region: string | null) => Promise<string | null>;

  const customerPrincipal = (c: Customer): Principal => ({
    userId: `user-${c.id}`,
    role: 'customer',
    customerId: c.id,
    technicianId: null,
  });
  const refusal = async (work: Promise<unknown>): Promise<AppError> => {
    try {
      await work;
    } catch (error) {
      return error as AppError;
    }
    throw new Error('expected a refusal');
  };
  const actions = (c: Complaint) => c.audit.map((a) => a.action);

  beforeAll(async () => {
    h = await ServiceHarness.start({
      doubles: [
        { provide: CareNotifier, useValue: notifier },
        { provide: Compensations, useValue: compensations },
        { provide: LoyaltyPort, useValue: loyalty },
        { provide: SentimentPort, useValue: new FakeSentiment() },
      ],
    });
    service = h.get(ComplaintsService);
    customers = (await h.get(CustomersService).list({ limit: 50, offset: 0 })).filter((c) => c.region);
    const user = await h.get(UsersRepository).findByEmail('engineer@example.com');
    engineer = { userId: user?.id as string, role: 'engineer', customerId: null, technicianId: null };
    const contacts = h.get(EscalationContacts);
    supervisorId = (await contacts.forTicket(null, customers[0].region)).seniorEngineerId as string;
    managerId = async (region) => (await contacts.forTicket(null, region)).regionalManagerId;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A complaint as a survey's low score opens it, on the customer's appliance. */
  async function fromSurvey(customer: Customer, description: string): Promise<Complaint> {
    const device = await h.provision('washer', { id: customer.id, region: customer.region });
    const { id } = await service.open({
      customerId: customer.id,
      deviceId: device.id,
      ticketId: null,
      surveyId: 'survey-1',
      description,
      source: 'survey',
      language: 'en',
    });
    return service.get(id, { principal: engineer });
  }

  it('registers a survey complaint with a number, its classification and sentiment, and acknowledges it', async () => {
    const customer = customers[0];
    const complaint = await fromSurvey(customer, 'The technician was rude and the washer still leaks.');
    expect(complaint.number).toMatch(/^CP-\d{6}$/);
    expect(complaint).toMatchObject({
      status: 'registered',
      step: 3,
      source: 'survey',
      category: 'service',
      urgency: 'core_function',
      customerId: customer.id,
      region: customer.region,
      sentiment: -0.6,
    });
    expect(Date.parse(complaint.investigateBy) - Date.parse(complaint.createdAt)).toBe(48 * HOUR);
    expect(actions(complaint)).toEqual(['received', 'classified', 'registered']);
    const [ack] = notifier.kinds(customer.id, 'complaint_registered');
    expect(ack.notice).toMatchObject({
      key: `complaint_registered:${complaint.id}`,
      vars: { number: complaint.number },
      action: { kind: 'open_complaint', id: complaint.id },
    });
    // Chinese words are classified too
    const zh = await fromSurvey(customer, '安装师傅态度很差，机器冒烟了');
    expect(zh).toMatchObject({ category: 'service', urgency: 'safety' });
  });

  it('warns the investigator and the supervisor at 80 % of 48 h and records the breach at 48 h', async () => {
    const complaint = await fromSurvey(customers[1], 'Washer leaks again after the repair');
    const assigned = await service.act(complaint.id, 'assign', {}, engineer);
    expect(assigned).toMatchObject({ status: 'investigating', step: 4, investigatorId: engineer.userId });
    const created = Date.parse(complaint.createdAt);

    h.clock.set(created + 0.8 * 48 * HOUR - 60_000);
    await h.settle();
    expect((await service.get(complaint.id, { principal: engineer })).clocks[0].state).toBe('running');

    h.clock.set(created + 0.8 * 48 * HOUR + 60_000);
    await h.settle();
    await service.settled();
    let now = await service.get(complaint.id, { principal: engineer });
    expect(now.clocks[0].state).toBe('warning');
    expect(actions(now)).toContain('investigate_clock_warning');
    for (const to of [engineer.userId, supervisorId])
      expect(
        notifier
          .kinds(to, 'complaint_clock')
          .some((s) => s.notice.key.startsWith(`complaint_clock:${complaint.id}:investigate:warning`)),
      ).toBe(true);

    h.clock.set(created + 48 * HOUR + 60_000);
    await h.settle();
    await service.settled();
    now = await service.get(complaint.id, { principal: engineer });
    expect(now.clocks[0].state).toBe('breached');
    expect(actions(now)).toContain('investigate_clock_breach');
    expect(
      notifier
        .kinds(supervisorId, 'complaint_clock')
        .filter((s) => s.notice.vars.level === 'breach' && s.notice.key.includes(complaint.id)),
    ).toHaveLength(1);
    const analysis = await service.analysis(engineer, {});
    expect(analysis.investigationBreaches).toBeGreaterThanOrEqual(1);
  });

  it('walks the eight steps: disagreement to the supervisor, then a cross-department review, then carried out and closed', async () => {
    const customer = customers[2];
    const me = customerPrincipal(customer);
    let c = await fromSurvey(customer, 'The technician was rude');
    c = await service.act(c.id, 'assign', {}, engineer);
    // a step too early: the investigation comes first
    const early = await refusal(service.act(c.id, 'propose', { solution: 'x' }, engineer));
    expect(early).toMatchObject({ code: 'complaint.wrong_step', details: { action: 'propose', step: 4 } });

    h.clock.advance(2 * HOUR);
    c = await service.act(
      c.id,
      'investigate',
      { findings: 'Seal not seated', cause: 'workmanship' },
      engineer,
    );
    expect(c).toMatchObject({ step: 5, cause: 'workmanship' });
    expect(Date.parse(c.solveBy as string) - h.clock.now()).toBe(24 * HOUR);
    expect(c.clocks.map((k) => [k.kind, k.state])).toEqual([
      ['investigate', 'met'],
      ['solve', 'running'],
    ]);

    compensations.next = 'pending_approval';
    c = await service.act(
      c.id,
      'propose',
      { solution: 'Free reseat', compensation: { type: 'coupon', amountMinor: 30_000, currency: 'CNY' } },
      engineer,
    );
    expect(c).toMatchObject({ status: 'solution_proposed', step: 6, compensationId: 'comp-1' });
    expect(notifier.kinds(customer.id, 'complaint_solution').at(-1)?.notice.vars).toMatchObject({
      text: 'Free reseat',
      amountMinor: 30_000,
    });
    // staff actions are not the customer's
    expect(await refusal(service.act(c.id, 'close', {}, me))).toMatchObject({
      code: 'complaint.role_not_allowed',
    });

    c = await service.act(c.id, 'answer', { answer: 'disagree', comment: 'Not enough' }, me);
    expect(c).toMatchObject({
      status: 'escalated',
      escalation: 'supervisor',
      investigatorId: supervisorId,
      step: 6,
    });
    expect(actions(c)).toEqual(expect.arrayContaining(['customer_disagreed', 'escalated_supervisor']));
    expect(notifier.kinds(supervisorId, 'complaint_assigned').some((s) => s.notice.key.includes(c.id))).toBe(
      true,
    );

    c = await service.act(c.id, 'review', { decision: 'Reseat and a coupon', departments: [] }, engineer);
    expect(c).toMatchObject({ status: 'solution_proposed', solution: 'Reseat and a coupon' });
    expect(actions(c)).toContain('supervisor_decision');

    c = await service.act(c.id, 'answer', { answer: 'disagree' }, me);
    expect(c).toMatchObject({ status: 'escalated', escalation: 'review' });
    expect(actions(c)).toContain('escalated_review');
    const chair = await managerId(c.region);
    expect(chair).not.toBeNull();
    expect(
      notifier.kinds(chair as string, 'complaint_assigned').some((s) => s.notice.key.includes(c.id)),
    ).toBe(true);

    // a cross-department review names its departments
    expect(
      await refusal(service.act(c.id, 'review', { decision: 'd', departments: [] }, engineer)),
    ).toMatchObject({
      code: 'complaint.departments_required',
      details: { field: 'departments' },
    });
    c = await service.act(
      c.id,
      'review',
      { decision: 'Replace the door seal', departments: ['quality', 'customer_service'] },
      engineer,
    );
    const review = c.audit.find((a) => a.action === 'review_decision');
    expect(review?.note).toContain('quality, customer_service');

    c = await service.act(c.id, 'answer', { answer: 'agree' }, me);
    expect(c).toMatchObject({ status: 'executing', step: 7, lastAnswer: 'agree' });
    // carried out only once the compensation is approved
    expect(await refusal(service.act(c.id, 'execute', { note: 'done' }, engineer))).toMatchObject({
      code: 'complaint.compensation_pending',
    });
    h.events.emit('compensation.changed', compensations.decide('comp-1', 'approved', 'ok'));
    await service.settled();
    expect(await refusal(service.act(c.id, 'close', {}, engineer))).toMatchObject({
      code: 'complaint.wrong_step',
    });
    c = await service.act(c.id, 'execute', { note: 'Seal replaced' }, engineer);
    expect(c.step).toBe(7);
    c = await service.act(c.id, 'close', { note: 'Customer satisfied' }, engineer);
    expect(c).toMatchObject({ status: 'closed', step: 8 });
    expect(c.closedAt).not.toBeNull();
    expect(
      notifier
        .kinds(customer.id, 'complaint_closed')
        .some((s) => s.notice.key === `complaint_closed:${c.id}`),
    ).toBe(true);
    for (const step of [
      'registered',
      'assigned',
      'investigated',
      'solution_proposed',
      'compensation_requested',
      'escalated_supervisor',
      'escalated_review',
      'review_decision',
      'customer_agreed',
      'compensation_approved',
      'executed',
      'closed',
    ])
      expect(actions(c)).toContain(step);
    // nothing more once closed
    expect(await refusal(service.act(c.id, 'assign', {}, engineer))).toMatchObject({
      code: 'complaint.wrong_step',
    });
  });

  it('sends the complaint back to step 5 when its compensation is rejected', async () => {
    const customer = customers[3];
    let c = await fromSurvey(customer, 'Charged twice for the repair');
    expect(c.category).toBe('payment');
    c = await service.act(c.id, 'assign', {}, engineer);
    c = await service.act(c.id, 'investigate', { findings: 'Double charge', cause: 'billing' }, engineer);
    compensations.next = 'pending_approval';
    c = await service.act(
      c.id,
      'propose',
      { solution: 'Refund', compensation: { type: 'refund', amountMinor: 900_000, currency: 'CNY' } },
      engineer,
    );
    const compensationId = c.compensationId as string;
    h.clock.advance(HOUR);
    h.events.emit('compensation.changed', compensations.decide(compensationId, 'rejected', 'over budget'));
    await service.settled();
    c = await service.get(c.id, { principal: engineer });
    expect(c).toMatchObject({ status: 'investigating', step: 5, solution: null, compensationId: null });
    expect(actions(c)).toEqual(expect.arrayContaining(['compensation_rejected', 'back_to_solution']));
    expect(Date.parse(c.solveBy as string)).toBe(h.clock.now() + 24 * HOUR);
    expect(c.clocks.filter((k) => k.kind === 'solve').map((k) => k.state)).toEqual(['met', 'running']);
    c = await service.act(c.id, 'propose', { solution: 'Refund the second charge' }, engineer);
    expect(c.status).toBe('solution_proposed');
  });

  it('credits feedback points once for a useful complaint', async () => {
    const customer = customers[4];
    const c = await fromSurvey(customer, 'The app should show the technician arrival time');
    await service.act(c.id, 'useful', {}, engineer);
    const again = await service.act(c.id, 'useful', {}, engineer);
    expect(again.useful).toBe(true);
    expect(loyalty.awards.filter((a) => a.reference === `complaint:${c.id}`)).toEqual([
      { customerId: customer.id, points: 100, kind: 'feedback_points', reference: `complaint:${c.id}` },
    ]);
  });

  it("files a customer's complaint about their own appliance only, and shows it to them alone", async () => {
    const [mine, theirs] = [customers[5], customers[6]];
    const device = await h.provision('refrigerator', { id: mine.id, region: mine.region });
    const other = await h.provision('refrigerator', { id: theirs.id, region: theirs.region });
    const c = await service.create(
      { deviceId: device.id, description: '冰箱不制冷，客服态度差' },
      { principal: customerPrincipal(mine) },
    );
    expect(c).toMatchObject({ source: 'portal', customerId: mine.id, language: 'zh-CN', step: 3 });
    expect(
      await refusal(
        service.create(
          { deviceId: other.id, description: 'not mine' },
          { principal: customerPrincipal(mine) },
        ),
      ),
    ).toMatchObject({ code: 'complaint.unknown_device', details: { field: 'deviceId' } });
    expect(await refusal(service.get(c.id, { principal: customerPrincipal(theirs) }))).toMatchObject({
      code: 'complaint.not_found',
    });
    expect(
      (await service.list({ principal: customerPrincipal(theirs) }, { customerId: mine.id })).map(
        (x) => x.id,
      ),
    ).not.toContain(c.id);
    const technician: Principal = {
      userId: 'u-t',
      role: 'technician',
      customerId: null,
      technicianId: 't-1',
    };
    expect(await service.list({ principal: technician }, {})).toEqual([]);
    expect(await refusal(service.analysis(customerPrincipal(mine), {}))).toMatchObject({
      code: 'complaint.role_not_allowed',
    });
  });

  it('counts complaints for the board by state, source, category, month, region and cause', async () => {
    const analysis = await service.analysis(engineer, {});
    const all = await service.list({ principal: engineer }, {});
    expect(analysis.total).toBe(all.length);
    expect(analysis.byState.solved).toBe(all.filter((c) => c.status === 'closed').length);
    expect(analysis.byState.solved + analysis.byState.unsolved + analysis.byState.inProgress).toBe(
      all.length,
    );
    expect(analysis.bySource).toMatchObject({
      survey: all.filter((c) => c.source === 'survey').length,
      portal: 1,
    });
    expect(analysis.byCause).toMatchObject({ workmanship: 1, billing: 1 });
    expect(analysis.byMonth.reduce((n, m) => n + m.count, 0)).toBe(all.length);
    expect(analysis.byMonth.reduce((n, m) => n + m.closed, 0)).toBe(1);
    const region = customers[0].region as string;
    expect(analysis.byRegion[region]).toBe(all.filter((c) => c.region === region).length);
    const none = await service.analysis(engineer, { fromMs: h.clock.now() + HOUR });
    expect(none.total).toBe(0);
  });
});
