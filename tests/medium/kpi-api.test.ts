/**
 * Medium test: `GET /api/kpis` on the running platform. A fault a device reports becomes a
 * ticket, and the KPIs count it at once (the facts follow every ticket change); the number
 * drills to that ticket; a service manager reads the KPIs, a technician may not; bad queries
 * answer 400 naming the parameter; the KPIs are gauges on /metrics.
 */
import type { ComplaintTerms, KpiAnswer, KpiRowsAnswer, Organisation, Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { TECHNICIAN_PASSWORD, dispatchedTicket, pickScenario } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

describe('the KPI API', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let manager: string;
  let technician: string;
  let ticket: Ticket;
  let region: string;

  const kpis = (token: string, query: string) =>
    t.http<KpiAnswer & { field?: string; code?: string }>('GET', `/api/kpis?${query}`, { token });

  beforeAll(async () => {
    t = await startTestPlatform({ DEMO_HISTORY_MONTHS: '0' }, { clock });
    admin = await t.login();
    const created = await t.http('POST', '/api/users', {
      token: admin,
      body: {
        email: 'kpi.manager@example.com',
        password: 'manager-test-password',
        role: 'manager',
        name: 'Service manager',
      },
    });
    expect(created.status).toBe(201);
    manager = await t.login({ email: 'kpi.manager@example.com', password: 'manager-test-password' });
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    const scenario = pickScenario(technicians, customers, clock.now());
    region = scenario.region;
    technician = await t.login({
      email: scenario.eligible[0].email as string,
      password: TECHNICIAN_PASSWORD,
    });
    ({ ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('counts a new ticket at once, and drills from the number to it', async () => {
    const answer = await waitFor(
      async () => {
        const res = await kpis(manager, 'names=tickets_created,failures,backlog_over_24h&groupBy=region');
        return res.body.kpis?.[0]?.value === 1 ? res.body : undefined;
      },
      { what: 'the new ticket counted' },
    );
    const [created, failures, backlog] = answer.kpis;
    expect(created).toMatchObject({ name: 'tickets_created', unit: 'count', value: 1, samples: 1 });
    expect(created.groups).toEqual([{ key: region, value: 1, samples: 1 }]);
    expect(failures.value).toBe(1);
    // not yet a day old: in no backlog, which is 0 (there is history), not "no data"
    expect(backlog.value).toBe(0);

    const rows = await t.http<KpiRowsAnswer>('GET', '/api/kpis/tickets_created/rows', { token: manager });
    expect(rows.status).toBe(200);
    expect(rows.body.total).toBe(1);
    expect(rows.body.items[0]).toMatchObject({ kind: 'ticket', id: ticket.id });
  });

  it('shows the rates with their targets and warning lines, null where nothing is known yet', async () => {
    const res = await kpis(admin, 'names=satisfaction_rate,complaint_rate,early_failures');
    expect(res.status).toBe(200);
    const [satisfaction, complaintRate, early] = res.body.kpis;
    expect(satisfaction).toMatchObject({
      value: null,
      unit: 'ratio',
      target: 0.9,
      warning: 0.9,
      breached: false,
    });
    // nothing completed yet: no complaint rate
    expect(complaintRate.value).toBeNull();
    // 400 early failures a month; over the default 365 days the line scales with the period
    expect(early.warning).toBeGreaterThan(4000);
  });

  it('refuses bad queries with the parameter named, and technicians altogether', async () => {
    for (const [query, field] of [
      ['groupBy=planet', 'groupBy'],
      ['names=tickets_created,happiness', 'names'],
      ['from=yesterday-ish', 'from'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ] as const) {
      const res = await kpis(admin, query);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect((await t.http('GET', '/api/kpis/happiness/rows', { token: admin })).status).toBe(400);
    expect((await kpis(technician, 'names=tickets_created')).status).toBe(403);
    expect((await t.http('GET', '/api/organisations', { token: technician })).status).toBe(403);
    expect((await t.http<Organisation[]>('GET', '/api/organisations', { token: manager })).status).toBe(200);
  });

  it('finds the recurring terms of the complaints of the period and the filters (the word cloud)', async () => {
    for (const description of [
      'The dryer is still leaking water after the repair',
      'Water leaking again, and the engineer came late',
      '洗衣机还是漏水，工程师迟到了',
    ]) {
      const res = await t.http('POST', '/api/complaints', {
        token: admin,
        body: { ticketId: ticket.id, description },
      });
      expect(res.status).toBe(201);
    }
    const terms = (query: string) =>
      t.http<ComplaintTerms>('GET', `/api/kpis/complaint-terms?${query}`, { token: manager });
    const inRegion = await terms(`region=${region}`);
    expect(inRegion.status).toBe(200);
    expect(inRegion.body.complaints).toBe(3);
    const counts = new Map(inRegion.body.terms.map((item) => [item.term, item.count]));
    // once per complaint, English and Chinese alike; the most frequent first
    expect(counts.get('leaking')).toBe(2);
    expect(counts.get('leaking water')).toBe(1);
    expect(counts.get('漏水')).toBe(1);
    expect(counts.has('the')).toBe(false);
    expect(inRegion.body.terms[0].count).toBe(2);
    // another region, or a period before the complaints: none
    expect((await terms('region=nowhere')).body).toEqual({ complaints: 0, terms: [] });
    const before = new Date(clock.now() - 86_400_000).toISOString();
    expect((await terms(`to=${encodeURIComponent(before)}`)).body).toEqual({ complaints: 0, terms: [] });
    expect((await terms('from=yesterday-ish')).status).toBe(400);
    expect((await t.http('GET', '/api/kpis/complaint-terms', { token: technician })).status).toBe(403);
  });

  it('exports the KPIs as gauges on /metrics', async () => {
    const text = (await t.http<string>('GET', '/metrics')).text;
    expect(text).toMatch(/service_kpi\{name="tickets_created"\} 1/);
    expect(text).not.toMatch(/service_kpi\{name="satisfaction_rate"\}/);
  });
});
