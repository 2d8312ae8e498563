/**
 * Medium test: a customer books a visit window and dispatch honours it. The customer lists the
 * windows offered for their appliance (each count checked against the technicians' own records:
 * skill, region, leave, shift covering the window), books one on their ticket, sees it on the
 * ticket, and the ticket's technician is one of those free in that window. Another customer's
 * appliance does not exist for them. Real: the platform (Nest HTTP, the Aedes gateway, PGlite,
 * the embedded store) with its seeded demo world; an MQTT.js device raises the fault that opens
 * the ticket. The clock is a ManualClock on a Monday 13:00 UTC, so shifts are deterministic.
 */
import type { Appointment, Availability, Ticket, TicketDetail } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { CUSTOMER_PASSWORD, dispatchedTicket, pickScenario } from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);

/** Technicians who can take a visit of `scenario` in the window, read off their records. */
function freeIn(
  technicians: Technician[],
  scenario: ReturnType<typeof pickScenario>,
  window: { start: string; end: string },
): string[] {
  const start = new Date(window.start);
  const end = new Date(window.end);
  const startMin = start.getUTCHours() * 60;
  const endMin = startMin + (end.getTime() - start.getTime()) / 60_000;
  return technicians
    .filter(
      (t) =>
        t.skills[scenario.type] &&
        t.region === scenario.region &&
        t.status !== 'on_leave' &&
        t.weeklyShifts.some(
          (s) =>
            s.weekday === start.getUTCDay() &&
            s.endMin > s.startMin &&
            s.startMin <= startMin &&
            endMin <= s.endMin,
        ),
    )
    .map((t) => t.id);
}

describe('a customer books a visit window and dispatch honours it', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let t: TestPlatform;
  let admin: string;
  let customerToken: string;
  let scenario: ReturnType<typeof pickScenario>;
  let technicians: Technician[];
  let otherCustomer: Customer;

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    otherCustomer = customers.find((c) => c.id !== scenario.customer.id) as Customer;
    customerToken = await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD });
  });

  afterAll(async () => {
    await t?.stop();
  });

  it('lists real availability, books a window, shows it on the ticket and dispatches within it', async () => {
    const { device, ticket } = await dispatchedTicket(t, admin, scenario, clock.now());
    expect(ticket.customerId).toBe(scenario.customer.id);

    const listed = await t.http<Availability>('GET', `/api/availability?deviceId=${device.id}&days=2`, {
      token: customerToken,
    });
    expect(listed.status).toBe(200);
    const { slots } = listed.body;
    expect(slots.length).toBeGreaterThan(0);
    expect(Date.parse(slots[0].start)).toBeGreaterThanOrEqual(clock.now() + 2 * 3_600_000);
    for (const slot of slots) {
      expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(2 * 3_600_000);
      // nobody holds a window yet and nobody is at capacity: the count is who is skilled, in the region and on shift
      expect({ ...slot, technicians: freeIn(technicians, scenario, slot).length }).toEqual(slot);
    }

    // a window the current technician cannot take, if there is one: dispatch must go again
    const slot =
      slots.find((s) => !freeIn(technicians, scenario, s).includes(ticket.assigneeId as string)) ?? slots[0];
    const window = { start: slot.start, end: slot.end };
    const booked = await t.http<Appointment>('PUT', `/api/tickets/${ticket.id}/appointment`, {
      token: customerToken,
      body: window,
    });
    expect(booked.status).toBe(200);
    expect(booked.body).toMatchObject({ ticketId: ticket.id, ...window, status: 'booked' });

    const eligible = freeIn(technicians, scenario, window);
    const shown = await waitFor(
      async () => {
        const res = await t.http<TicketDetail>('GET', `/api/tickets/${ticket.id}`, { token: customerToken });
        return res.body.status === 'dispatched' && res.body.assigneeId !== null ? res.body : undefined;
      },
      { what: 'the ticket dispatched for the booked window' },
    );
    expect(shown.appointment).toEqual({ ...window, technicianId: shown.assigneeId });
    expect(eligible).toContain(shown.assigneeId);
    expect(shown.onSiteBy).toBe(Date.parse(window.end));

    // the same window is offered one technician fewer now
    const after = await t.http<Availability>('GET', `/api/availability?deviceId=${device.id}&days=2`, {
      token: customerToken,
    });
    expect(after.body.slots.find((s) => s.start === window.start)?.technicians ?? 0).toBe(
      slot.technicians - 1,
    );
  });

  it("answers 404 for another customer's appliance, 400 naming the field, 409 for a window not offered", async () => {
    const theirs = await t.provision(admin, {
      type: scenario.type,
      customerId: otherCustomer.id,
      region: otherCustomer.region ?? undefined,
    });
    const missing = await t.http<{ code: string }>('GET', '/api/availability?deviceId=no-such-device', {
      token: customerToken,
    });
    expect(missing.status).toBe(404);
    const other = await t.http<{ code: string }>('GET', `/api/availability?deviceId=${theirs.id}`, {
      token: customerToken,
    });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe(missing.body.code);
    expect((await t.http('GET', `/api/availability?deviceId=${theirs.id}`, { token: admin })).status).toBe(
      200,
    );

    const [ticket] = (
      await t.http<Ticket[]>('GET', `/api/tickets?customerId=${scenario.customer.id}`, {
        token: customerToken,
      })
    ).body;
    const bad = await t.http<{ field: string }>('PUT', `/api/tickets/${ticket.id}/appointment`, {
      token: customerToken,
      body: { start: new Date(MONDAY_1PM + 86_400_000).toISOString() },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('end');
    const odd = await t.http<{ code: string; reason: string }>(
      'PUT',
      `/api/tickets/${ticket.id}/appointment`,
      {
        token: customerToken,
        body: { start: '2026-01-06T09:00:00Z', end: '2026-01-06T11:00:00Z' },
      },
    );
    expect(odd.status).toBe(409);
    expect(odd.body).toMatchObject({ code: 'appointment.unavailable', reason: 'not_a_slot' });
  });
});
