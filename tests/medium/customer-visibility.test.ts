/**
 * Medium test: who may read a customer's record. Staff read any; a customer only their own; a
 * technician only the customers of their unfinished jobs; anyone else gets the same 404 as for
 * an id that does not exist. Real: the platform (Nest HTTP, the Aedes gateway, PGlite, the
 * embedded store) with its seeded demo world, an MQTT.js device raising a fault so a ticket is
 * opened and dispatched. The clock is a ManualClock on a Monday 13:00 UTC, so shifts are
 * deterministic.
 */
import type { Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { CUSTOMER_PASSWORD, TECHNICIAN_PASSWORD, dispatchedTicket, pickScenario } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

describe('a customer record is read by whom it concerns', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let scenario: ReturnType<typeof pickScenario>;
  let otherCustomer: Customer;
  let ticket: Ticket;
  const tokens = new Map<string, string>();

  const read = (token: string, customerId: string) =>
    t.http<{ statusCode: number; code: string; id?: string }>('GET', `/api/customers/${customerId}`, {
      token,
    });

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    otherCustomer = customers.find((c) => c.id !== scenario.customer.id && c.email) as Customer;
    for (const tech of scenario.eligible)
      tokens.set(tech.id, await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD }));

    ({ ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
  });

  afterAll(async () => {
    await t?.stop();
  });

  const assignee = () => tokens.get(ticket.assigneeId as string) as string;
  const bystander = () => [...tokens.entries()].find(([id]) => id !== ticket.assigneeId)?.[1] as string;

  it('shows the assigned technician the customer of their job, and nobody else', async () => {
    expect(ticket.customerId).toBe(scenario.customer.id);
    const own = await read(assignee(), scenario.customer.id);
    expect(own.status).toBe(200);
    expect(own.body.id).toBe(scenario.customer.id);

    // not the technician's job, or not a customer at all: one answer, so ids do not leak
    const missing = await read(assignee(), 'cust-does-not-exist');
    expect(missing.status).toBe(404);
    for (const [token, customerId] of [
      [assignee(), otherCustomer.id],
      [bystander(), scenario.customer.id],
      [bystander(), otherCustomer.id],
    ] as const) {
      const res = await read(token, customerId);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: missing.body.code });
    }
  });

  it('shows a customer only their own record, and staff every record', async () => {
    const customer = await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD });
    expect((await read(customer, scenario.customer.id)).status).toBe(200);
    expect((await read(customer, otherCustomer.id)).status).toBe(404);
    const engineer = await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' });
    for (const token of [admin, engineer])
      for (const id of [scenario.customer.id, otherCustomer.id])
        expect((await read(token, id)).status).toBe(200);
  });

  it('stops showing the technician the customer once the job is over', async () => {
    const cancelled = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/cancel`, {
      token: admin,
      body: { reason: 'customer repaired it themselves' },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await read(assignee(), scenario.customer.id)).status).toBe(404);
  });
});
