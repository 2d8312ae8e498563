/**
 * Medium test: a complaint through the documents' eight steps over real HTTP. Real: the platform
 * (Nest HTTP, Aedes, PGlite, the embedded telemetry store) with its seeded demo world (customers
 * with portal accounts, the engineer, the senior engineer who supervises complaints, the regional
 * managers), the scheduled jobs and the notifications outbox (inbox). The clock is a ManualClock
 * on a Monday 13:00 UTC, set by hand through the 48-hour investigation.
 *
 * complaint → registered with a number and acknowledged → investigation warning at 80 % of 48 h
 * and breach at 48 h (audit + staff notification) → investigated → 24 h solve clock → proposal →
 * the customer disagrees → supervisor → disagrees again → cross-department review recorded →
 * agrees → carried out → closed; the analysis counts it; wrong-step 409, bad body 400 naming the
 * field, another customer's complaint 404.
 */
import type {
  Complaint,
  ComplaintAnalysis,
  ComplaintInvestigation,
  CreatedDevice,
  Notification,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD } from './service-support';

const HOUR = 3_600_000;
const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const SUPERVISOR = { email: 'senior.engineer@example.com', password: 'engineer-demo-password' };

describe('a complaint in eight steps', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let engineer: string;
  let supervisor: string;
  let supervisorId: string;
  let customer: Customer;
  let customerToken: string;
  let otherToken: string;
  let device: CreatedDevice;
  let complaint: Complaint;

  const get = async <T>(path: string, token: string): Promise<T> => {
    const res = await t.http<T>('GET', path, { token });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
    return res.body;
  };
  const act = async (action: string, token: string, body: unknown = {}): Promise<Complaint> => {
    const res = await t.http<Complaint>('POST', `/api/complaints/${complaint.id}/${action}`, { token, body });
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.text}`);
    return res.body;
  };
  const runJobs = async () => {
    await t.platform.app.get(JobScheduler).runDue();
    await t.platform.settle();
  };
  const actions = () => complaint.audit.map((a) => a.action);

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    engineer = await t.login(ENGINEER);
    supervisor = await t.login(SUPERVISOR);
    supervisorId = (await get<{ id: string }>('/api/me', supervisor)).id;
    const customers = (
      await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })
    ).body.filter((c) => c.email && c.region);
    [customer] = customers;
    customerToken = await t.login({ email: customer.email as string, password: CUSTOMER_PASSWORD });
    otherToken = await t.login({ email: customers[1].email as string, password: CUSTOMER_PASSWORD });
    device = await t.provision(admin, { type: 'washer', customerId: customer.id, region: customer.region });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('registers the complaint with a number and acknowledges it to the customer', async () => {
    const bad = await t.http<{ code: string; field: string }>('POST', '/api/complaints', {
      token: customerToken,
      body: { deviceId: device.id, description: '   ' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('description');

    const created = await t.http<Complaint>('POST', '/api/complaints', {
      token: customerToken,
      body: { deviceId: device.id, description: 'The technician was rude and the washer still leaks.' },
    });
    expect(created.status).toBe(201);
    complaint = created.body;
    expect(complaint.number).toMatch(/^CP-\d{6}$/);
    expect(complaint).toMatchObject({
      status: 'registered',
      step: 3,
      source: 'portal',
      category: 'service',
      urgency: 'core_function',
      customerId: customer.id,
    });
    expect(Date.parse(complaint.investigateBy) - Date.parse(complaint.createdAt)).toBe(48 * HOUR);
    expect(actions()).toEqual(['received', 'classified', 'registered']);

    const inbox = await get<{ items: Notification[] }>('/api/notifications', customerToken);
    const ack = inbox.items.find((n) => n.kind === 'complaint_registered');
    expect(ack?.body).toContain(complaint.number);
    expect(ack?.action).toEqual({ kind: 'open_complaint', id: complaint.id });
    expect((await get<Complaint[]>('/api/complaints', customerToken)).map((c) => c.id)).toEqual([
      complaint.id,
    ]);
  });

  it('hides the complaint from another customer, and refuses an action that does not fit the step', async () => {
    const foreign = await t.http<{ code: string }>('GET', `/api/complaints/${complaint.id}`, {
      token: otherToken,
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('complaint.not_found');
    expect(await get<Complaint[]>(`/api/complaints?customerId=${customer.id}`, otherToken)).toEqual([]);
    // nor may they answer for it
    const answer = await t.http('POST', `/api/complaints/${complaint.id}/answer`, {
      token: otherToken,
      body: { answer: 'agree' },
    });
    expect(answer.status).toBe(404);

    const early = await t.http<{ code: string; action: string }>(
      'POST',
      `/api/complaints/${complaint.id}/propose`,
      {
        token: engineer,
        body: { solution: 'Free reseat' },
      },
    );
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: 'complaint.wrong_step', action: 'propose' });
    const unknownAction = await t.http('POST', `/api/complaints/${complaint.id}/escalate`, {
      token: engineer,
      body: {},
    });
    expect(unknownAction.status).toBe(400);
  });

  it('warns at 80 % of the 48-hour investigation and records and reports the breach at 48 hours', async () => {
    complaint = await act('assign', engineer);
    expect(complaint).toMatchObject({ status: 'investigating', step: 4 });
    const created = Date.parse(complaint.createdAt);
    const investigate = () => complaint.clocks.find((c) => c.kind === 'investigate');

    clock.set(created + 0.8 * 48 * HOUR + 60_000);
    await runJobs();
    complaint = await get<Complaint>(`/api/complaints/${complaint.id}`, engineer);
    expect(investigate()?.state).toBe('warning');
    expect(actions()).toContain('investigate_clock_warning');
    expect(actions()).not.toContain('investigate_clock_breach');

    clock.set(created + 48 * HOUR + 60_000);
    await runJobs();
    complaint = await get<Complaint>(`/api/complaints/${complaint.id}`, engineer);
    expect(investigate()?.state).toBe('breached');
    expect(actions()).toContain('investigate_clock_breach');
    // the supervisor's inbox has both
    const inbox = await get<{ items: Notification[] }>('/api/notifications', supervisor);
    const clockNotices = inbox.items.filter(
      (n) => n.kind === 'complaint_clock' && n.channel === 'inbox' && n.recipientUserId === supervisorId,
    );
    expect(clockNotices.map((n) => n.subject)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Deadline missed/),
        expect.stringMatching(/Deadline close/),
      ]),
    );
  });

  it('escalates two disagreements (supervisor, then a cross-department review) before the customer agrees', async () => {
    const missingCause = await t.http<{ field: string }>(
      'POST',
      `/api/complaints/${complaint.id}/investigate`,
      {
        token: engineer,
        body: { findings: 'The door seal was not seated.' },
      },
    );
    expect(missingCause.status).toBe(400);
    expect(missingCause.body.field).toBe('cause');

    complaint = await act('investigate', engineer, {
      findings: 'The door seal was not seated after the repair.',
      cause: 'workmanship',
    });
    expect(complaint.step).toBe(5);
    expect(Date.parse(complaint.solveBy as string) - clock.now()).toBe(24 * HOUR);
    expect(complaint.clocks.find((c) => c.kind === 'solve')?.state).toBe('running');

    clock.advance(3 * HOUR);
    complaint = await act('propose', engineer, {
      solution: 'A senior technician reseats the seal free of charge.',
    });
    expect(complaint).toMatchObject({ status: 'solution_proposed', step: 6 });
    expect(complaint.clocks.find((c) => c.kind === 'solve')?.state).toBe('met');

    complaint = await act('answer', customerToken, {
      answer: 'disagree',
      comment: 'Two weeks without a washer.',
    });
    expect(complaint).toMatchObject({
      status: 'escalated',
      escalation: 'supervisor',
      investigatorId: supervisorId,
    });
    expect(actions()).toContain('escalated_supervisor');
    const told = await get<{ items: Notification[] }>('/api/notifications', supervisor);
    expect(
      told.items.some(
        (n) =>
          n.kind === 'complaint_assigned' &&
          n.recipientUserId === supervisorId &&
          n.body.includes(complaint.number),
      ),
    ).toBe(true);

    complaint = await act('review', supervisor, {
      decision: 'Reseat the seal and extend the warranty by a year.',
    });
    expect(complaint).toMatchObject({ status: 'solution_proposed', escalation: 'supervisor' });
    complaint = await act('answer', customerToken, { answer: 'disagree' });
    expect(complaint).toMatchObject({ status: 'escalated', escalation: 'review' });
    expect(actions()).toContain('escalated_review');

    complaint = await act('review', supervisor, {
      decision: 'Replace the door seal and the drum bearing; quality checks the seal batch.',
      departments: ['quality', 'customer_service', 'technical_service'],
    });
    const review = complaint.audit.find((a) => a.action === 'review_decision');
    expect(review?.actor).toBe(supervisorId);
    expect(review?.note).toContain('quality, customer_service, technical_service');
    expect(complaint.solution).toMatch(/drum bearing/);

    complaint = await act('answer', customerToken, { answer: 'agree' });
    expect(complaint).toMatchObject({ status: 'executing', step: 7, lastAnswer: 'agree' });
  });

  it('closes the complaint once carried out, and counts it in the analysis', async () => {
    const tooSoon = await t.http<{ code: string }>('POST', `/api/complaints/${complaint.id}/close`, {
      token: engineer,
      body: {},
    });
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.code).toBe('complaint.wrong_step');
    complaint = await act('execute', engineer, { note: 'Seal and bearing replaced, tested for 30 minutes.' });
    expect(complaint.step).toBe(7);
    complaint = await act('close', engineer, { note: 'The customer confirmed the fix.' });
    expect(complaint).toMatchObject({ status: 'closed', step: 8 });
    for (const step of [
      'registered',
      'assigned',
      'investigated',
      'solution_proposed',
      'customer_disagreed',
      'escalated_supervisor',
      'supervisor_decision',
      'escalated_review',
      'review_decision',
      'customer_agreed',
      'executed',
      'closed',
    ])
      expect(actions()).toContain(step);
    const inbox = await get<{ items: Notification[] }>('/api/notifications', customerToken);
    expect(inbox.items.map((n) => n.kind)).toEqual(
      expect.arrayContaining(['complaint_solution', 'complaint_closed']),
    );

    const analysis = await get<ComplaintAnalysis>('/api/complaints/analysis', engineer);
    expect(analysis).toMatchObject({
      total: 1,
      byState: { solved: 1, unsolved: 0, inProgress: 0 },
      bySource: { portal: 1 },
      byCategory: { service: 1 },
      byMonth: [{ month: '2026-01', count: 1, closed: 1 }],
      byRegion: { [customer.region as string]: 1 },
      byCause: { workmanship: 1 },
      investigationBreaches: 1,
      solutionBreaches: 0,
    });
    const before = await get<ComplaintAnalysis>(
      `/api/complaints/analysis?to=${new Date(MONDAY_1PM).toISOString()}`,
      engineer,
    );
    expect(before.total).toBe(0);
    expect((await t.http('GET', '/api/complaints/analysis', { token: customerToken })).status).toBe(403);
    const badRange = await t.http<{ field: string }>('GET', '/api/complaints/analysis?from=yesterday', {
      token: engineer,
    });
    expect(badRange.status).toBe(400);
    expect(badRange.body.field).toBe('from');
  });

  it('puts the customer, the appliance and its history in one place for the investigator', async () => {
    const view = await get<ComplaintInvestigation>(`/api/complaints/${complaint.id}/investigation`, engineer);
    expect(view).toMatchObject({
      complaintId: complaint.id,
      customer: { id: customer.id },
      device: { id: device.id, type: 'washer' },
      complaints: [],
    });
    expect(
      (await t.http('GET', `/api/complaints/${complaint.id}/investigation`, { token: customerToken })).status,
    ).toBe(403);
  });
});
