/**
 * Medium test of the service API's wire contracts: every answer of the ticket detail, customer,
 * technician, parts and guidance reads parses with its schema in contracts/, and carries no field
 * the schema lacks, so the platform and the contracts cannot drift apart unnoticed. Real: the
 * platform (Nest HTTP, the Aedes gateway, the embedded telemetry store) on PGlite with the seeded
 * demo world, MQTT.js device clients, logins as admin, a technician and a customer. The clock is a
 * ManualClock on a Monday 13:00 UTC, so shifts are deterministic and the fix-verification hold
 * passes in no time.
 */
import { z } from 'zod';
import {
  customerSchema,
  fillRateSchema,
  guidanceArticleSchema,
  partConsumptionSchema,
  partSchema,
  partStockSchema,
  technicianSchema,
  ticketDetailSchema,
  type CreatedDevice,
  type Customer,
  type FaultModeProfile,
  type Technician,
  type Ticket,
  type TicketDetail,
} from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { partSkuFor } from '../../platform/src/modules/parts/inventory';
import { waitFor } from '../support/free-port';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import {
  CUSTOMER_PASSWORD,
  TECHNICIAN_PASSWORD,
  healthyReading,
  injectFault,
  pickScenario,
  unambiguousFault,
} from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const HOLD_MS = 3_600_000;

/**
 * The answer parses with the schema, and parsing changed nothing: zod objects drop the keys they
 * do not know, so a field the platform sends but the contract lacks shows up as a difference.
 */
function expectWire<S extends z.ZodType>(schema: S, answer: { status: number; body: unknown }): z.infer<S> {
  expect(answer.status).toBe(200);
  const parsed = schema.safeParse(answer.body);
  if (!parsed.success)
    throw new Error(`answer does not match its contract:\n${z.prettifyError(parsed.error)}`);
  expect(parsed.data).toEqual(answer.body);
  return parsed.data;
}

describe('service API answers match their contracts', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let technicianToken: string;
  let customerToken: string;
  let scenario: ReturnType<typeof pickScenario>;
  let fault: FaultModeProfile;
  let device: CreatedDevice;
  let ticketId: string;

  const get = (path: string, token = admin) => t.http('GET', path, { token });
  const act = async (action: string, token: string, body: unknown = {}) => {
    const res = await t.http<Ticket>('POST', `/api/tickets/${ticketId}/${action}`, { token, body });
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.text}`);
    return res.body;
  };
  /** The detail as each role that may see it receives it. */
  const detailForEveryone = async (): Promise<TicketDetail> => {
    const asAdmin = expectWire(ticketDetailSchema, await get(`/api/tickets/${ticketId}`));
    expectWire(ticketDetailSchema, await get(`/api/tickets/${ticketId}`, technicianToken));
    expectWire(ticketDetailSchema, await get(`/api/tickets/${ticketId}`, customerToken));
    return asAdmin;
  };

  beforeAll(async () => {
    t = await startTestPlatform({ FIX_VERIFY_HOLD_MS: String(HOLD_MS) }, { clock });
    admin = await t.login();
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('customers and technicians, for staff and for themselves', async () => {
    const technicians = expectWire(z.array(technicianSchema), await get('/api/technicians'));
    const customers = expectWire(z.array(customerSchema), await get('/api/customers?limit=500'));
    expect(technicians.length).toBeGreaterThan(0);
    expect(customers.length).toBeGreaterThan(0);
    scenario = pickScenario(technicians, customers, clock.now());
    fault = unambiguousFault(scenario.type);
    const technician = scenario.eligible[0];
    technicianToken = await t.login({ email: technician.email as string, password: TECHNICIAN_PASSWORD });
    customerToken = await t.login({
      email: scenario.customer.email as string,
      password: CUSTOMER_PASSWORD,
    });

    expect(expectWire(technicianSchema, await get(`/api/technicians/${technician.id}`))).toEqual(technician);
    expectWire(technicianSchema, await get(`/api/technicians/${technician.id}`, technicianToken));
    expectWire(customerSchema, await get(`/api/customers/${scenario.customer.id}`));
    expect(
      expectWire(customerSchema, await get(`/api/customers/${scenario.customer.id}`, customerToken)),
    ).toEqual(scenario.customer);
  });

  it('rejects an answer with a field its contract does not name', () => {
    const customer: Customer = scenario.customer;
    const technician: Technician = scenario.eligible[0];
    expect(() => expectWire(customerSchema, { status: 200, body: { ...customer, notes: 'x' } })).toThrow();
    expect(() =>
      expectWire(technicianSchema, {
        status: 200,
        body: { ...technician, baseLocation: { ...technician.baseLocation, altitudeM: 3 } },
      }),
    ).toThrow();
  });

  it('the parts catalogue, stock, fill rate with nothing resolved yet, and guidance', async () => {
    const parts = expectWire(z.array(partSchema), await get('/api/parts', technicianToken));
    expect(parts.length).toBeGreaterThan(0);
    const stock = expectWire(z.array(partStockSchema), await get('/api/parts/stock'));
    expect(stock.some((s) => s.locations.length > 0)).toBe(true);
    expect(expectWire(fillRateSchema, await get('/api/parts/fill-rate'))).toMatchObject({
      rate: null,
      eligible: 0,
    });
    const guidance = expectWire(z.array(guidanceArticleSchema), await get('/api/guidance', technicianToken));
    expect(guidance.length).toBeGreaterThan(0);
    expectWire(
      z.array(guidanceArticleSchema),
      await get(`/api/guidance?type=${scenario.type}&faultMode=${fault.mode}`, technicianToken),
    );
  });

  it('the ticket detail when dispatched: assignment, offer, escalation and the part reserved', async () => {
    device = await t.provision(admin, {
      type: scenario.type,
      customerId: scenario.customer.id,
      region: scenario.region,
    });
    await injectFault(t, device, scenario.type, fault, clock.now());
    const ticket = await waitFor(
      async () =>
        (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin })).body.find(
          (tk) => tk.status === 'dispatched',
        ),
      { what: 'a dispatched ticket' },
    );
    ticketId = ticket.id;
    // the rest of the scenario acts as the technician it went to
    const assignee = scenario.eligible.find((e) => e.id === ticket.assigneeId) as Technician;
    technicianToken = await t.login({ email: assignee.email as string, password: TECHNICIAN_PASSWORD });

    const detail = await detailForEveryone();
    expect(detail.assignment).not.toBeNull();
    expect(detail.offer).toMatchObject({ acceptedAtMs: null });
    expect(detail.escalation).not.toBeNull();
    expect(detail.reservations).toEqual([
      expect.objectContaining({ sku: partSkuFor(scenario.type, fault.part) }),
    ]);
    expect(detail.audit.length).toBeGreaterThan(0);
    expect(detail.sla.length).toBeGreaterThan(0);
  });

  it('the ticket detail when resolved and verified, the lot trace and the fill rate', async () => {
    const sku = partSkuFor(scenario.type, fault.part);
    await act('accept', technicianToken);
    const site = scenario.customer.location as { lat: number; lon: number };
    await act('en-route', technicianToken, site);
    clock.advance(30 * 60_000);
    await act('arrive', technicianToken);
    await act('resolve', technicianToken, {
      rootCause: `${fault.description}: replaced ${fault.part}`,
      partsUsed: [{ sku, qty: 1 }],
    });
    const resolved = await detailForEveryone();
    expect(resolved.resolution?.partsUsed).toEqual([expect.objectContaining({ sku, qty: 1 })]);
    expect(resolved.consumptions).toHaveLength(1);

    const trace = expectWire(
      z.array(partConsumptionSchema),
      await get(`/api/parts/lots/${resolved.consumptions[0].lot}`),
    );
    expect(trace.map((c) => c.ticketId)).toContain(ticketId);
    expect(expectWire(fillRateSchema, await get('/api/parts/fill-rate'))).toMatchObject({
      eligible: 1,
      rate: expect.any(Number),
    });
    expectWire(z.array(partStockSchema), await get(`/api/parts/stock?sku=${sku}`, technicianToken));

    clock.advance(HOLD_MS + 60_000);
    const client = await t.connectDevice(device);
    await client.publishAsync(
      `devices/${device.id}/telemetry`,
      telemetry(100, healthyReading(scenario.type), clock.now()),
      { qos: 1 },
    );
    await t.platform.settle();
    await t.platform.app.get(JobScheduler).runDue();
    const verified = await detailForEveryone();
    expect(verified.status).toBe('verified');
    expect(verified.resolution?.verification).toMatchObject({ outcome: 'verified' });
  });
});
