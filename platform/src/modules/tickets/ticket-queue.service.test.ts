/**
 * Medium test of the ticket queue the support console and the technician workspace read: the
 * filters (priority, customer, device region, assignee, open, SLA risk) within what the caller
 * may see, the SLA risk as the clock moves, and the technician's live location with the arrival
 * estimate. Real: the platform's Nest modules composed as in production (ingest, alarms,
 * incidents, tickets, dispatch, SLA, scheduled jobs) on an in-memory PGlite with the seeded demo
 * world; no HTTP, broker or Socket.IO. The clock is a ManualClock on a Monday 13:00 UTC.
 */
import type { Customer, GeoPoint, Ticket, TicketListQuery } from '../../../../contracts/src';
import {
  faultyReading,
  healthyReading,
  pickScenario,
  unambiguousFault,
} from '../../../../tests/medium/service-support';
import { ADMIN, ServiceHarness, technicianPrincipal } from '../../../../tests/support/service-harness';
import { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import { DevicesService } from '../devices/devices.service';
import { TechniciansService } from '../technicians/technicians.service';
import { TicketsService } from './tickets.service';

const MIN = 60_000;

const customerPrincipal = (customerId: string): Principal => ({
  userId: `user-${customerId}`,
  role: 'customer',
  customerId,
  technicianId: null,
});

describe('the ticket queue', () => {
  let h: ServiceHarness;
  let tickets: TicketsService;
  let scenario: ReturnType<typeof pickScenario>;
  let other: Customer;
  /** P2 for the scenario's customer: goes en route. */
  let onTheWay: Ticket;
  /** P2 for the scenario's customer: left waiting while its on-site clock runs. */
  let waiting: Ticket;
  /** P1 for a customer in another region. */
  let urgent: Ticket;

  const ids = async (principal: Principal, filter: Partial<TicketListQuery> = {}) =>
    (await tickets.list(principal, filter)).map((t) => t.id).sort();
  const riskOf = async (ticket: Ticket) =>
    (await tickets.list(ADMIN, { deviceId: ticket.deviceId })).find((t) => t.id === ticket.id)?.slaRisk;

  /** A device of `customer` whose fault opens a ticket; the ticket as it stands once settled. */
  async function ticketFor(customer: Customer, raise: (deviceId: string) => void): Promise<Ticket> {
    const device = await h.get(DevicesService).provision({
      type: scenario.type,
      customerId: customer.id,
      region: customer.region ?? undefined,
    });
    h.publishReading(device.id, healthyReading(scenario.type));
    raise(device.id);
    await h.settle();
    const [ticket, ...more] = await tickets.list(ADMIN, { deviceId: device.id });
    expect(more).toEqual([]);
    return ticket;
  }

  const thresholdFault = (deviceId: string) => {
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      h.publishReading(deviceId, faultyReading(scenario.type, unambiguousFault(scenario.type)));
    }
  };

  beforeAll(async () => {
    h = await ServiceHarness.start();
    tickets = h.get(TicketsService);
    const technicians = await h.get(TechniciansService).all();
    const customers = await h.get(CustomersService).list({ limit: 500, offset: 0 });
    scenario = pickScenario(technicians, customers, h.clock.now());
    other = customers.find((c) => c.region && c.region !== scenario.region && c.location) as Customer;

    onTheWay = await ticketFor(scenario.customer, thresholdFault);
    waiting = await ticketFor(scenario.customer, thresholdFault);
    const critical = (await import('../../../../contracts/src')).APPLIANCE_PROFILES[
      scenario.type
    ].errorCodes.find((c) => c.severity === 'critical');
    if (!critical) throw new Error(`a ${scenario.type} has no critical error code`);
    urgent = await ticketFor(other, (deviceId) => h.publishEvent(deviceId, critical.code));
  });

  afterAll(async () => {
    await h?.close();
  });

  it('narrows by priority, customer, device region, assignee and device, every filter at once', async () => {
    expect([onTheWay.priority, waiting.priority, urgent.priority]).toEqual(['P2', 'P2', 'P1']);
    const ours = [onTheWay.id, waiting.id].sort();
    expect(await ids(ADMIN)).toEqual([...ours, urgent.id].sort());
    expect(await ids(ADMIN, { priority: 'P1' })).toEqual([urgent.id]);
    expect(await ids(ADMIN, { priority: 'P2' })).toEqual(ours);
    expect(await ids(ADMIN, { priority: 'P3' })).toEqual([]);
    expect(await ids(ADMIN, { customerId: scenario.customer.id })).toEqual(ours);
    expect(await ids(ADMIN, { customerId: other.id })).toEqual([urgent.id]);
    expect(await ids(ADMIN, { region: scenario.region })).toEqual(ours);
    expect(await ids(ADMIN, { region: other.region as string })).toEqual([urgent.id]);
    expect(await ids(ADMIN, { region: 'atlantis' })).toEqual([]);
    expect(await ids(ADMIN, { priority: 'P1', region: scenario.region })).toEqual([]);
    expect(await ids(ADMIN, { deviceId: waiting.deviceId, customerId: scenario.customer.id })).toEqual([
      waiting.id,
    ]);
    const assignee = onTheWay.assigneeId as string;
    expect(assignee).toBeTruthy();
    expect(await ids(ADMIN, { assigneeId: assignee })).toContain(onTheWay.id);
    expect(await ids(ADMIN, { assigneeId: assignee })).not.toContain(urgent.id);
  });

  it('filters only within what the caller may see', async () => {
    const technician = technicianPrincipal(onTheWay.assigneeId as string);
    expect(await ids(technician)).toContain(onTheWay.id);
    expect(await ids(technician, { customerId: other.id })).toEqual([]);
    expect(await ids(technician, { priority: 'P1' })).toEqual([]);
    expect(await ids(customerPrincipal(other.id))).toEqual([urgent.id]);
    expect(await ids(customerPrincipal(other.id), { customerId: scenario.customer.id })).toEqual([]);
    expect(await ids(customerPrincipal(other.id), { priority: 'P2' })).toEqual([]);
  });

  it('tells open tickets from finished ones', async () => {
    const extra = await ticketFor(other, thresholdFault);
    expect(await ids(ADMIN, { open: true })).toContain(extra.id);
    await tickets.cancel(extra.id, ADMIN, 'duplicate of a call');
    expect(await ids(ADMIN, { open: true })).toEqual([onTheWay.id, waiting.id, urgent.id].sort());
    expect(await ids(ADMIN, { open: false })).toEqual([extra.id]);
    expect(await ids(ADMIN, { open: false, customerId: scenario.customer.id })).toEqual([]);
  });

  it("follows the technician on the way: location with arrival estimate, and the detail's eta", async () => {
    const technician = technicianPrincipal(onTheWay.assigneeId as string);
    const customer = customerPrincipal(scenario.customer.id);
    const site = scenario.customer.location as GeoPoint;
    expect((await tickets.get(onTheWay.id, ADMIN)).eta).toBeNull();

    const reports = h.record('technician.location');
    const far = { lat: site.lat + 0.2, lon: site.lon };
    const near = { lat: site.lat + 0.05, lon: site.lon };
    await tickets.enRoute(onTheWay.id, technician, far);
    const setOff = h.clock.now();
    h.clock.advance(10 * MIN);
    await tickets.updateLocation(onTheWay.id, technician, near);
    h.clock.advance(5 * MIN);
    await tickets.updateLocation(onTheWay.id, technician, site);
    reports.stop();

    const [fromFar, fromNear, atSite] = reports.seen;
    expect(reports.seen).toHaveLength(3);
    expect(fromFar).toMatchObject({
      ticketId: onTheWay.id,
      technicianId: onTheWay.assigneeId,
      ...far,
      ts: setOff,
      customerId: scenario.customer.id,
      status: 'en_route',
    });
    // 22 km by road at a region's average speed: between a quarter of an hour and two hours
    expect((fromFar.etaMs as number) - fromFar.ts).toBeGreaterThan(15 * MIN);
    expect((fromFar.etaMs as number) - fromFar.ts).toBeLessThan(120 * MIN);
    // a quarter of the distance: a quarter of the drive
    expect((fromNear.etaMs as number) - fromNear.ts).toBeCloseTo(
      ((fromFar.etaMs as number) - fromFar.ts) / 4,
      -3,
    );
    expect(atSite).toMatchObject({ ts: h.clock.now(), etaMs: h.clock.now() });

    // the detail shows the last report to everyone who may see the ticket, the customer included
    for (const who of [ADMIN, technician, customer]) {
      expect((await tickets.get(onTheWay.id, who)).eta).toEqual({
        etaMs: h.clock.now(),
        technicianLocation: { ...site, ts: h.clock.now() },
      });
    }

    // only the assignee reports where they are
    const bystander = scenario.eligible.find((t) => t.id !== onTheWay.assigneeId)!;
    await expect(
      tickets.updateLocation(onTheWay.id, technicianPrincipal(bystander.id), near),
    ).rejects.toThrow(AppError);

    // on site: no eta any more, for anyone
    await tickets.arrive(onTheWay.id, technician);
    for (const who of [ADMIN, technician, customer])
      expect((await tickets.get(onTheWay.id, who)).eta).toBeNull();
  });

  it('moves the SLA risk from ok to at_risk to breached as time passes, and filters by it', async () => {
    // nobody responded yet: respond by acknowledging, so the on-site clock is the one that runs
    if (waiting.status === 'new') await tickets.acknowledge(waiting.id, ADMIN);
    const onSite = (await tickets.get(waiting.id, ADMIN)).sla.find((c) => c.kind === 'onSite');
    expect(onSite?.state).toBe('running');
    const targetMs = onSite?.targetMs as number;
    const at = async (fraction: number) => h.advance(waiting.createdAt + fraction * targetMs - h.clock.now());

    expect(await riskOf(waiting)).toBe('ok');
    expect(await ids(ADMIN, { slaRisk: 'ok' })).toContain(waiting.id);
    expect(await ids(ADMIN, { slaRisk: 'at_risk' })).not.toContain(waiting.id);

    await at(0.7);
    expect(await riskOf(waiting)).toBe('ok');
    await at(0.76);
    expect(await riskOf(waiting)).toBe('at_risk');
    expect(await ids(ADMIN, { slaRisk: 'at_risk' })).toContain(waiting.id);
    expect(await ids(ADMIN, { slaRisk: 'ok' })).not.toContain(waiting.id);

    await at(1.01);
    expect(await riskOf(waiting)).toBe('breached');
    expect(await ids(ADMIN, { slaRisk: 'breached' })).toContain(waiting.id);
    // the technician who arrived in time is not breached; the cancelled ticket never is
    expect(await ids(ADMIN, { slaRisk: 'breached' })).not.toContain(onTheWay.id);
    expect(await ids(ADMIN, { slaRisk: 'breached', open: false })).toEqual([]);
    // limit and offset count the matches
    const breached = await ids(ADMIN, { slaRisk: 'breached' });
    expect(await tickets.list(ADMIN, { slaRisk: 'breached', limit: 1, offset: breached.length })).toEqual([]);
    expect(await tickets.list(ADMIN, { slaRisk: 'breached', limit: 1 })).toHaveLength(1);
  });
});
