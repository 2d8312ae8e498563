/**
 * Medium test of satisfaction surveys over real HTTP and SMTP. Real: the platform (Nest HTTP,
 * the Aedes gateway, the embedded stores) on PGlite with the seeded demo world, every feature
 * registered (the complaints feature opens the complaint of a low score), and a real SMTP server
 * (`smtp-server` on loopback, mail parsed with `mailparser`) the outbox delivers to. The
 * platform's clock is a ManualClock from a Monday 13:00 UTC, moved by hand through the fix
 * verification, the survey delay, the reminder and the expiry.
 *
 * Two appliances of one customer are repaired and their fixes verified: the first survey is
 * answered through its e-mail link without a login (a low score: a complaint), the second is
 * reminded once and expires.
 */
import type { Complaint, CreatedDevice, Survey, SurveyStats, Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { createLogger } from '../../platform/src/common/logging/logger';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { SimulatedCustomers, simulatedAnswer } from '../../platform/src/modules/demo/simulated-customers';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { SurveysService } from '../../platform/src/modules/surveys/surveys.service';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { SmtpSink, type ReceivedMail } from '../support/smtp-sink';
import { waitFor } from '../support/wait-for';
import {
  CUSTOMER_PASSWORD,
  TECHNICIAN_PASSWORD,
  dispatchedTicket,
  healthyReading,
  pickScenario,
} from './service-support';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const HOLD_MS = HOUR;
const SURVEY_DELAY_MS = 2 * HOUR;
const SURVEY_TTL_MS = 2 * DAY;
const LOW = { professionalism: 4, attitude: 2, effect: 3, timeliness: 3, solved: false };

interface Repair {
  device: CreatedDevice;
  ticket: Ticket;
  survey: Survey;
  link: string;
  token: string;
}

describe('satisfaction surveys over HTTP and e-mail', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let smtp: SmtpSink;
  let t: TestPlatform;
  let admin: string;
  let customerToken: string;
  let scenario: ReturnType<typeof pickScenario>;
  let verifiedAt: number;
  const repairs: Repair[] = [];

  const customerEmail = () => (scenario.customer.email as string).toLowerCase();
  const mailsOf = (kind: string, surveyId: string): ReceivedMail[] =>
    smtp.to(customerEmail()).filter((m) => m.kind === kind && m.text.includes(`#/survey/${surveyId}?`));
  const runJobs = async () => {
    await t.platform.app.get(JobScheduler).runDue();
    await t.platform.settle();
  };
  const get = async <T>(path: string, token = admin): Promise<T> => {
    const res = await t.http<T>('GET', path, { token });
    expect(res.status).toBe(200);
    return res.body;
  };
  const act = async (path: string, token: string, body: unknown = {}) => {
    const res = await t.http('POST', path, { token, body });
    if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
  };
  const respond = (surveyId: string, query: string, body: unknown, token?: string) =>
    t.http<Survey & { code?: string; field?: string }>('POST', `/api/surveys/${surveyId}/responses${query}`, {
      token,
      body,
    });

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    t = await startTestPlatform(
      {
        SMTP_URL: smtp.url,
        FIX_VERIFY_HOLD_MS: String(HOLD_MS),
        SURVEY_DELAY_MS: String(SURVEY_DELAY_MS),
        SURVEY_TTL_MS: String(SURVEY_TTL_MS),
        PUBLIC_URL: 'https://care.example.com',
      },
      { clock },
    );
    admin = await t.login();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    customerToken = await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD });
  });

  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  it('invites the customer by e-mail with a signed link within the survey delay of a verified fix', async () => {
    const jobs: Array<{ device: CreatedDevice; ticket: Ticket }> = [];
    for (let i = 0; i < 2; i++) jobs.push(await dispatchedTicket(t, admin, scenario, clock.now()));
    for (const { ticket } of jobs) {
      const technician = scenario.eligible.find((e) => e.id === ticket.assigneeId) as Technician;
      const tech = await t.login({ email: technician.email as string, password: TECHNICIAN_PASSWORD });
      await act(`/api/tickets/${ticket.id}/accept`, tech);
      const site = scenario.customer.location as { lat: number; lon: number };
      await act(`/api/tickets/${ticket.id}/en-route`, tech, { lat: site.lat + 0.05, lon: site.lon });
      await act(`/api/tickets/${ticket.id}/arrive`, tech);
      await act(`/api/tickets/${ticket.id}/resolve`, tech, { rootCause: 'replaced the worn part' });
    }
    await verify(jobs);
    verifiedAt = clock.now();

    for (const { device, ticket } of jobs) {
      const [survey] = await get<Survey[]>(`/api/surveys?ticketId=${ticket.id}`);
      expect(survey).toMatchObject({
        status: 'scheduled',
        ticketId: ticket.id,
        deviceId: device.id,
        customerId: scenario.customer.id,
        technicianId: ticket.assigneeId,
        applianceType: scenario.type,
        region: scenario.region,
      });
      expect(Date.parse(survey.dueBy) - Date.parse(survey.sendAt)).toBe(SURVEY_TTL_MS);
      repairs.push({ device, ticket, survey, link: '', token: '' });
    }

    clock.advance(SURVEY_DELAY_MS - MIN);
    await runJobs();
    expect(repairs.flatMap((r) => mailsOf('survey_invite', r.survey.id))).toEqual([]);
    clock.advance(MIN);
    await runJobs();
    for (const repair of repairs) {
      const invite = await waitFor(() => mailsOf('survey_invite', repair.survey.id)[0], {
        what: 'the survey invitation e-mail',
      });
      const match = new RegExp(
        `https://care\\.example\\.com/#/survey/${repair.survey.id}\\?token=([\\w.-]+)`,
      ).exec(invite.text);
      expect(match).not.toBeNull();
      repair.link = (match as RegExpExecArray)[0];
      repair.token = (match as RegExpExecArray)[1];
      repair.survey = await get<Survey>(`/api/surveys/${repair.survey.id}`);
      expect(repair.survey.status).toBe('sent');
      expect(Date.parse(repair.survey.sentAt as string) - verifiedAt).toBeLessThanOrEqual(DAY);
    }
  });

  it('opens and answers through the link without a login, once; a low score opens a complaint', async () => {
    const [{ survey, token }] = repairs;
    const q = `?token=${encodeURIComponent(token)}`;
    // the link's survey, no Authorization header
    const opened = await t.http<Survey>('GET', `/api/surveys/${survey.id}${q}`);
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ id: survey.id, status: 'sent', response: null });
    // no token, no login: the same 401 as any other route
    expect((await t.http('GET', `/api/surveys/${survey.id}`)).status).toBe(401);

    // a forged or tampered token: 401 with its code, nothing stored
    const forged = await respond(survey.id, `?token=${token.slice(0, -3)}abc`, LOW);
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('survey.link_invalid');
    const otherSurvey = await t.http<{ code: string }>('GET', `/api/surveys/${repairs[1].survey.id}${q}`);
    expect([otherSurvey.status, otherSurvey.body.code]).toEqual([401, 'survey.link_invalid']);
    // a score outside 1-5: 400 naming the field, nothing stored
    const outOfRange = await respond(survey.id, q, { ...LOW, timeliness: 6 });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.field).toBe('timeliness');
    expect((await get<Survey>(`/api/surveys/${survey.id}`)).status).toBe('sent');

    const answered = await respond(survey.id, q, {
      ...LOW,
      comment: 'The technician was rude and the machine still leaks.',
    });
    expect(answered.status).toBe(201);
    expect(answered.body.status).toBe('answered');
    expect(answered.body.response).toMatchObject({ ...LOW, channel: 'email_link' });
    const complaintId = answered.body.response?.complaintId as string;
    expect(complaintId).toEqual(expect.any(String));

    // the link dies once used, and the customer cannot answer a second time either
    const reopened = await t.http<{ code: string }>('GET', `/api/surveys/${survey.id}${q}`);
    expect([reopened.status, reopened.body.code]).toEqual([409, 'survey.already_answered']);
    const second = await respond(survey.id, q, { ...LOW, attitude: 5 });
    expect([second.status, second.body.code]).toEqual([409, 'survey.already_answered']);
    const byPortal = await respond(survey.id, '', { ...LOW, attitude: 5, solved: true }, customerToken);
    expect([byPortal.status, byPortal.body.code]).toEqual([409, 'survey.already_answered']);
    const stored = await get<Survey>(`/api/surveys/${survey.id}`, customerToken);
    expect(stored.response).toMatchObject({ attitude: 2, solved: false });

    const complaint = await get<Complaint>(`/api/complaints/${complaintId}`);
    expect(complaint).toMatchObject({
      source: 'survey',
      surveyId: survey.id,
      ticketId: repairs[0].ticket.id,
      customerId: scenario.customer.id,
    });
  });

  it('reminds once by e-mail halfway, then expires: the link and the portal answer 410', async () => {
    const repair = repairs[1];
    const sentAt = Date.parse(repair.survey.sentAt as string);
    clock.set(sentAt + SURVEY_TTL_MS / 2 + MIN);
    await runJobs();
    const reminder = await waitFor(() => mailsOf('survey_reminder', repair.survey.id)[0], {
      what: 'the survey reminder e-mail',
    });
    expect(reminder.text).toContain(repair.link);
    expect((await get<Survey>(`/api/surveys/${repair.survey.id}`)).status).toBe('reminded');

    clock.set(Date.parse(repair.survey.dueBy) + MIN);
    await runJobs();
    expect((await get<Survey>(`/api/surveys/${repair.survey.id}`)).status).toBe('expired');
    const q = `?token=${encodeURIComponent(repair.token)}`;
    const viaLink = await t.http<{ code: string }>('GET', `/api/surveys/${repair.survey.id}${q}`);
    expect([viaLink.status, viaLink.body.code]).toEqual([410, 'survey.expired']);
    const late = await respond(repair.survey.id, '', { ...LOW, solved: true }, customerToken);
    expect([late.status, late.body.code]).toEqual([410, 'survey.expired']);
    expect(mailsOf('survey_reminder', repair.survey.id)).toHaveLength(1);
    expect((await get<Survey>(`/api/surveys/${repair.survey.id}`)).response).toBeNull();

    // the response rate counts both: one answered, one expired
    const stats = await get<SurveyStats>('/api/surveys/stats');
    expect(stats).toMatchObject({
      sent: 2,
      answered: 1,
      expired: 1,
      pending: 0,
      responseRate: 0.5,
      solvedRate: 0,
    });
    expect(stats.averages.attitude).toBe(2);
    expect((await t.http('GET', '/api/surveys/stats', { token: customerToken })).status).toBe(403);
  });

  it("lets the demo's simulated customers answer a sent survey as a customer would, through the portal", async () => {
    const job = await dispatchedTicket(t, admin, scenario, clock.now());
    const technician = scenario.eligible.find((e) => e.id === job.ticket.assigneeId) as Technician;
    const tech = await t.login({ email: technician.email as string, password: TECHNICIAN_PASSWORD });
    await act(`/api/tickets/${job.ticket.id}/accept`, tech);
    const site = scenario.customer.location as { lat: number; lon: number };
    await act(`/api/tickets/${job.ticket.id}/en-route`, tech, { lat: site.lat + 0.05, lon: site.lon });
    await act(`/api/tickets/${job.ticket.id}/arrive`, tech);
    await act(`/api/tickets/${job.ticket.id}/resolve`, tech, { rootCause: 'replaced the worn part' });
    await verify([job]);
    clock.advance(SURVEY_DELAY_MS + MIN);
    await runJobs();
    const [survey] = await get<Survey[]>(`/api/surveys?ticketId=${job.ticket.id}`);
    expect(survey.status).toBe('sent');

    const timeScale = 360;
    const customers = new SimulatedCustomers(
      t.platform.app.get(SurveysService),
      clock,
      createLogger('silent'),
      {
        timeScale,
      },
    );
    const expected = simulatedAnswer(survey.id);
    // a day of simulated time later, the customer has answered unless they are one who never does
    clock.advance(DAY / timeScale + MIN);
    expect(await customers.step()).toBe(expected ? 1 : 0);
    await t.platform.settle();
    const after = await get<Survey>(`/api/surveys/${survey.id}`);
    if (!expected) expect(after.status).toBe('sent');
    else {
      expect(after.status).toBe('answered');
      expect(after.response).toMatchObject({ ...expected.response, channel: 'portal' });
    }
    expect(await customers.step()).toBe(0);
  });

  /** Both appliances stay normal for the hold time after their repair: the fixes are verified. */
  async function verify(jobs: Array<{ device: CreatedDevice; ticket: Ticket }>): Promise<void> {
    const clients = await Promise.all(jobs.map(({ device }) => t.connectDevice(device)));
    const normal = async (seq: number) => {
      for (const [i, { device }] of jobs.entries())
        await clients[i].publishAsync(
          `devices/${device.id}/telemetry`,
          telemetry(seq, healthyReading(scenario.type), clock.now()),
          { qos: 1 },
        );
      await t.platform.settle();
    };
    clock.advance(HOLD_MS / 2);
    await normal(100);
    await runJobs();
    clock.advance(HOLD_MS / 2 + MIN);
    await normal(101);
    await runJobs();
    for (const { ticket } of jobs)
      await waitFor(
        async () =>
          (await get<Ticket>(`/api/tickets/${ticket.id}`)).status === 'verified' ? true : undefined,
        { what: 'the fix verified' },
      );
  }
});
