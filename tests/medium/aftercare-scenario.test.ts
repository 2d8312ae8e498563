/**
 * Customer care, part 2, end to end, as the "done when" walks it. Real: the platform
 * (Nest HTTP, Aedes, the embedded stores) on PGlite with the seeded demo world, and again on a
 * real PostgreSQL 15; a real SMTP server the outbox delivers to. The platform's clock is a ManualClock, starting on a Monday
 * 13:00 UTC, moved by hand through the survey delay, the 48-hour investigation, the approval
 * and the refund's working days.
 *
 * verified fix → survey within 24 h → low score → complaint → investigation warning and breach
 * → solution → the customer disagrees → the supervisor → a compensation over the engineer's
 * limit waits for approval → the admin approves → the coupon is in the customer's ledger → the
 * customer agrees → carried out → closed; a return on day 6 approved, on day 8 refused with the
 * reason; a refund not paid within 3 working days breaches.
 */
import type {
  ApprovalQueue,
  Complaint,
  ComplaintAnalysis,
  ComplaintInvestigation,
  Compensation,
  CreatedDevice,
  LoyaltyAccount,
  ReturnCase,
  Survey,
  Ticket,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';
import { SmtpSink } from '../support/smtp-sink';
import { waitFor } from '../support/wait-for';
import {
  CUSTOMER_PASSWORD,
  TECHNICIAN_PASSWORD,
  dispatchedTicket,
  healthyReading,
  pickScenario,
} from './service-support';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const HOLD_MS = HOUR;
const SURVEY_DELAY_MS = 2 * HOUR;

describe.each(['pglite', 'postgres'] as const)(
  'customer care after the repair on %s: survey, complaint, compensation, returns',
  (database) => {
    const clock = new ManualClock(MONDAY_1PM);
    let postgres: PostgresServer | undefined;
    let smtp: SmtpSink;
    let t: TestPlatform;
    let admin: string;
    let engineer: string;
    let customerToken: string;
    let scenario: ReturnType<typeof pickScenario>;
    let ticket: Ticket;
    let device: CreatedDevice;
    let verifiedAt: number;
    let survey: Survey;
    let complaint: Complaint;

    const customerEmail = () => (scenario.customer.email as string).toLowerCase();
    const mailsTo = (address: string, kind: string) => smtp.to(address).filter((m) => m.kind === kind);
    const runJobs = async () => {
      await t.platform.app.get(JobScheduler).runDue();
      await t.platform.settle();
    };
    const get = async <T>(path: string, token = admin): Promise<T> => {
      const res = await t.http<T>('GET', path, { token });
      expect(res.status).toBe(200);
      return res.body;
    };
    const act = async <T>(path: string, token: string, body: unknown = {}, status = 200): Promise<T> => {
      const res = await t.http<T>('POST', path, { token, body });
      if (res.status !== status) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
      return res.body;
    };

    beforeAll(async () => {
      smtp = await SmtpSink.start();
      const env: Record<string, string> = {
        SMTP_URL: smtp.url,
        FIX_VERIFY_HOLD_MS: String(HOLD_MS),
        SURVEY_DELAY_MS: String(SURVEY_DELAY_MS),
        COMPENSATION_LIMITS: 'engineer:20000,admin:500000',
      };
      if (database === 'postgres') {
        postgres = await startPostgres();
        env.DATABASE_URL = await createDatabase(postgres.url, 'aftercare_test');
      }
      t = await startTestPlatform(env, { clock });
      admin = await t.login();
      engineer = await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' });
      const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
      const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
      scenario = pickScenario(technicians, customers, clock.now());
      customerToken = await t.login({
        email: scenario.customer.email as string,
        password: CUSTOMER_PASSWORD,
      });
    });

    afterAll(async () => {
      await t?.stop();
      await smtp?.close();
      await postgres?.stop();
    });

    it('asks the customer to rate the repair within 24 hours of the verified fix, by e-mail with a link', async () => {
      ({ device, ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
      const technician = scenario.eligible.find((e) => e.id === ticket.assigneeId) as Technician;
      const tech = await t.login({ email: technician.email as string, password: TECHNICIAN_PASSWORD });
      await act(`/api/tickets/${ticket.id}/accept`, tech);
      const site = scenario.customer.location as { lat: number; lon: number };
      await act(`/api/tickets/${ticket.id}/en-route`, tech, { lat: site.lat + 0.05, lon: site.lon });
      clock.advance(30 * 60_000);
      await act(`/api/tickets/${ticket.id}/arrive`, tech);
      await act(`/api/tickets/${ticket.id}/resolve`, tech, { rootCause: 'replaced the worn part' });
      await verify();
      verifiedAt = clock.now();

      // the survey exists at once, and goes out after the delay
      const scheduled = await waitFor(
        async () => (await get<Survey[]>(`/api/surveys?ticketId=${ticket.id}`))[0],
        { what: 'the survey of the verified ticket' },
      );
      expect(scheduled.technicianId).toBe(technician.id);
      clock.advance(SURVEY_DELAY_MS + 60_000);
      await runJobs();
      const invite = await waitFor(() => mailsTo(customerEmail(), 'survey_invite')[0], {
        what: 'the survey e-mail',
      });
      survey = await get<Survey>(`/api/surveys/${scheduled.id}`);
      expect(survey.status).toBe('sent');
      expect(Date.parse(survey.sentAt as string) - verifiedAt).toBeLessThanOrEqual(DAY);
      // the e-mail carries a signed link to this survey
      expect(invite.text).toMatch(new RegExp(`#/survey/${survey.id}\\?token=[\\w.-]+`));
    });

    it('turns a low score into a registered complaint, acknowledged to the customer with its number', async () => {
      const outOfRange = await t.http<{ field?: string }>('POST', `/api/surveys/${survey.id}/responses`, {
        token: customerToken,
        body: { professionalism: 6, attitude: 2, effect: 3, timeliness: 3, solved: false },
      });
      expect(outOfRange.status).toBe(400);
      expect(outOfRange.body.field).toBe('professionalism');

      const answered = await act<Survey>(
        `/api/surveys/${survey.id}/responses`,
        customerToken,
        {
          professionalism: 4,
          attitude: 2,
          effect: 3,
          timeliness: 3,
          solved: false,
          comment: 'The technician was rude and the washer still leaks.',
        },
        201,
      );
      expect(answered.status).toBe('answered');
      expect(answered.response?.complaintId).toEqual(expect.any(String));
      const again = await t.http('POST', `/api/surveys/${survey.id}/responses`, {
        token: customerToken,
        body: { professionalism: 5, attitude: 5, effect: 5, timeliness: 5, solved: true },
      });
      expect(again.status).toBe(409);

      complaint = await get<Complaint>(`/api/complaints/${answered.response?.complaintId as string}`);
      expect(complaint).toMatchObject({
        source: 'survey',
        ticketId: ticket.id,
        customerId: scenario.customer.id,
      });
      expect(complaint.number).toMatch(/^CP-\d{6}$/);
      expect(complaint.step).toBeGreaterThanOrEqual(3);
      expect(Date.parse(complaint.investigateBy) - Date.parse(complaint.createdAt)).toBe(48 * HOUR);
      const ack = await waitFor(() => mailsTo(customerEmail(), 'complaint_registered')[0], {
        what: 'the complaint acknowledgement',
      });
      expect(ack.text).toContain(complaint.number);
      // the customer sees it in their list
      const mine = await get<Complaint[]>(
        `/api/complaints?customerId=${scenario.customer.id}`,
        customerToken,
      );
      expect(mine.map((c) => c.id)).toContain(complaint.id);
    });

    it('warns at 80 % of the 48-hour investigation and records the breach at 48 hours', async () => {
      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/assign`, engineer);
      expect(complaint.step).toBe(4);
      // the investigator sees the repair, who did it, and what the customer scored it, in one place
      const view = await get<ComplaintInvestigation>(
        `/api/complaints/${complaint.id}/investigation`,
        engineer,
      );
      expect(view.tickets.find((x) => x.id === ticket.id)).toMatchObject({
        technicianId: ticket.assigneeId,
        rootCause: 'replaced the worn part',
      });
      expect(view.tickets.find((x) => x.id === ticket.id)?.technicianName).toEqual(expect.any(String));
      expect(view.surveys.find((x) => x.id === survey.id)).toMatchObject({ status: 'answered', overall: 3 });
      clock.set(Date.parse(complaint.createdAt) + 0.8 * 48 * HOUR + 60_000);
      await runJobs();
      complaint = await get<Complaint>(`/api/complaints/${complaint.id}`);
      const investigate = () => complaint.clocks.find((c) => c.kind === 'investigate');
      expect(investigate()?.state).toBe('warning');
      clock.set(Date.parse(complaint.createdAt) + 48 * HOUR + 60_000);
      await runJobs();
      complaint = await get<Complaint>(`/api/complaints/${complaint.id}`);
      expect(investigate()?.state).toBe('breached');
      expect(complaint.audit.map((a) => a.action)).toEqual(
        expect.arrayContaining([expect.stringMatching(/warning/), expect.stringMatching(/breach/)]),
      );
    });

    it('escalates a disagreement to the supervisor, whose compensation over the limit waits for approval', async () => {
      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/investigate`, engineer, {
        findings: 'The door seal was not seated after the repair; the technician left without testing.',
        cause: 'workmanship',
      });
      expect(complaint.solveBy).not.toBeNull();
      expect(Date.parse(complaint.solveBy as string) - clock.now()).toBe(24 * HOUR);
      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/propose`, engineer, {
        solution: 'A senior technician will reseat the seal free of charge.',
      });
      expect(complaint.status).toBe('solution_proposed');
      await waitFor(() => mailsTo(customerEmail(), 'complaint_solution')[0], { what: 'the solution e-mail' });

      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/answer`, customerToken, {
        answer: 'disagree',
        comment: 'I want compensation for two weeks without a washer.',
      });
      expect(complaint.escalation).toBe('supervisor');
      expect(complaint.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['escalated_supervisor']));

      // the supervisor offers a coupon of 300.00: over the engineer's 200.00, it waits for approval
      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/review`, engineer, {
        decision: 'Free reseat plus a coupon for the trouble.',
        departments: ['customer_service'],
        compensation: { type: 'coupon', amountMinor: 30_000, currency: 'CNY' },
      });
      const compensation = await get<Compensation>(
        `/api/compensations/${complaint.compensationId as string}`,
      );
      expect(compensation).toMatchObject({
        status: 'pending_approval',
        needsApproval: true,
        amountMinor: 30_000,
      });
      clock.advance(2 * HOUR);
      const queue = await get<ApprovalQueue>('/api/approvals', engineer);
      const waiting = queue.items.find((c) => c.id === compensation.id);
      expect(waiting?.ageMs).toBeGreaterThanOrEqual(2 * HOUR);
      expect(queue.yourLimitMinor).toBe(20_000);
      // the engineer cannot approve what is over their own limit
      expect(
        (await t.http('POST', `/api/compensations/${compensation.id}/approve`, { token: engineer, body: {} }))
          .status,
      ).toBe(403);
      // nothing is granted before the approval: no coupon yet
      expect((await get<LoyaltyAccount>('/api/loyalty/me', customerToken)).coupons).toEqual([]);
    });

    it('puts the approved coupon in the customer ledger, then closes the complaint once carried out', async () => {
      const approved = await act<Compensation>(
        `/api/compensations/${complaint.compensationId as string}/approve`,
        admin,
        {
          note: 'Goodwill: repeat visit caused by our workmanship.',
        },
      );
      expect(['approved', 'granted']).toContain(approved.status);
      const account = await waitFor(
        async () => {
          const a = await get<LoyaltyAccount>('/api/loyalty/me', customerToken);
          return a.coupons.length > 0 ? a : undefined;
        },
        { what: 'the coupon in the ledger' },
      );
      expect(account.coupons[0]).toMatchObject({ value: 30_000, origin: 'compensation', status: 'active' });
      expect(account.ledger.map((e) => e.kind)).toContain('coupon_issued');
      await waitFor(() => mailsTo(customerEmail(), 'coupon_issued')[0], { what: 'the coupon e-mail' });

      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/answer`, customerToken, {
        answer: 'agree',
      });
      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/execute`, engineer, {
        note: 'Seal reseated, tested for 30 minutes; coupon issued.',
      });
      expect(complaint.step).toBe(7);
      complaint = await act<Complaint>(`/api/complaints/${complaint.id}/close`, engineer, {});
      expect(complaint).toMatchObject({ status: 'closed', step: 8 });
      await waitFor(() => mailsTo(customerEmail(), 'complaint_closed')[0], { what: 'the closing e-mail' });
      const actions = complaint.audit.map((a) => a.action);
      // every step recorded, in order
      for (const step of [
        'registered',
        'investigated',
        'solution_proposed',
        'escalated_supervisor',
        'executed',
        'closed',
      ])
        expect(actions).toContain(step);
      // and it feeds the complaint analysis: closed, from a survey, its investigation breached
      const analysis = await get<ComplaintAnalysis>('/api/complaints/analysis', engineer);
      expect(analysis).toMatchObject({
        total: 1,
        byState: { solved: 1, unsolved: 0, inProgress: 0 },
        bySource: { survey: 1 },
        byCause: { workmanship: 1 },
        investigationBreaches: 1,
        byMonth: [{ month: '2026-01', count: 1, closed: 1 }],
      });
    });

    it('approves a return on day 6 after delivery and refuses one on day 8, saying why', async () => {
      const early = await t.provision(admin, {
        type: scenario.type,
        customerId: scenario.customer.id,
        region: scenario.region,
      });
      const late = await t.provision(admin, {
        type: scenario.type,
        customerId: scenario.customer.id,
        region: scenario.region,
      });
      const delivered = clock.now();
      for (const [d, ref] of [
        [early, 'JD-1001'],
        [late, 'JD-1002'],
      ] as const) {
        const sale = await t.http('PUT', `/api/devices/${d.id}/sale`, {
          token: admin,
          body: {
            channel: 'online',
            orderRef: ref,
            priceMinor: 329_900,
            currency: 'CNY',
            deliveredAt: new Date(delivered).toISOString(),
          },
        });
        expect(sale.status).toBe(200);
      }
      // a return without a sale: refused, nothing stored
      const noSale = await t.http<{ code: string }>('POST', '/api/returns', {
        token: customerToken,
        body: { deviceId: device.id, kind: 'return' },
      });
      expect(noSale.status).toBe(409);
      expect((await get<ReturnCase[]>(`/api/returns?deviceId=${device.id}`)).length).toBe(0);

      clock.set(delivered + 6 * DAY);
      const day6 = await act<ReturnCase>(
        '/api/returns',
        customerToken,
        { deviceId: early.id, kind: 'return' },
        201,
      );
      expect(day6).toMatchObject({ status: 'approved', daysSinceDelivery: 6, refusalReason: null });
      expect(day6.sendAddress).toEqual(expect.any(String));
      await waitFor(() => mailsTo(customerEmail(), 'return_approved')[0], {
        what: 'the return-approved e-mail',
      });

      clock.set(delivered + 8 * DAY);
      const day8 = await act<ReturnCase>(
        '/api/returns',
        customerToken,
        { deviceId: late.id, kind: 'return' },
        201,
      );
      expect(day8).toMatchObject({
        status: 'refused',
        refusalReason: 'return_window_closed',
        daysSinceDelivery: 8,
      });
      const refusal = await waitFor(() => mailsTo(customerEmail(), 'return_refused')[0], {
        what: 'the refusal e-mail',
      });
      expect(refusal.text).toMatch(/7 days/);
    });

    it('breaches the refund clock when the refund is not paid within 3 working days of receipt', async () => {
      const [approved] = await get<ReturnCase[]>(
        `/api/returns?customerId=${scenario.customer.id}&status=approved`,
      );
      // received on a Friday: 3 working days later is Wednesday
      const friday = nextUtcWeekday(clock.now(), 5, 10);
      clock.set(friday);
      const received = await act<ReturnCase>(`/api/returns/${approved.id}/receive`, admin, { passed: true });
      expect(received.status).toBe('received');
      expect(new Date(received.refundDueBy as string).getUTCDay()).toBe(3);
      await waitFor(() => mailsTo(customerEmail(), 'return_received')[0], { what: 'the received e-mail' });
      clock.set(Date.parse(received.refundDueBy as string) + 60_000);
      await runJobs();
      const overdue = await get<ReturnCase>(`/api/returns/${approved.id}`);
      expect(overdue.clocks.find((c) => c.kind === 'refund')?.state).toBe('breached');
      const refunded = await act<ReturnCase>(`/api/returns/${approved.id}/refund`, admin, {});
      expect(refunded).toMatchObject({ status: 'refunded', refundAmountMinor: 329_900 });
      await waitFor(() => mailsTo(customerEmail(), 'return_refunded')[0], { what: 'the refund e-mail' });
    });

    /** The appliance stays normal for the hold time after the repair: the fix is verified. */
    async function verify(): Promise<void> {
      const client = await t.connectDevice(device);
      const normal = async (seq: number) => {
        await client.publishAsync(
          `devices/${device.id}/telemetry`,
          telemetry(seq, healthyReading(scenario.type), clock.now()),
          { qos: 1 },
        );
        await t.platform.settle();
      };
      clock.advance(HOLD_MS / 2);
      await normal(100);
      await runJobs();
      clock.advance(HOLD_MS / 2 + 60_000);
      await normal(101);
      await runJobs();
      await waitFor(
        async () =>
          (await get<Ticket>(`/api/tickets/${ticket.id}`)).status === 'verified' ? true : undefined,
        { what: 'the fix verified' },
      );
    }
  },
);

/** The next `weekday` (0 = Sunday) at `hour`:00 UTC after `fromMs`. */
function nextUtcWeekday(fromMs: number, weekday: number, hour: number): number {
  const d = new Date(fromMs);
  d.setUTCHours(hour, 0, 0, 0);
  while (d.getUTCDay() !== weekday || d.getTime() <= fromMs) d.setUTCDate(d.getUTCDate() + 1);
  return d.getTime();
}
