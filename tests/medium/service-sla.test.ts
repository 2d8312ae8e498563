/**
 * Medium test of SLA clocks, escalation, manual dispatch, remote resolution and the guidance
 * knowledge base. Real: the platform (Nest HTTP, Socket.IO, the Aedes gateway, PGlite, the
 * embedded store) with its seeded demo world and MQTT.js device clients. The clock is a
 * ManualClock on a Sunday 03:00 UTC, when no technician is on shift, so a new ticket waits.
 */
import type { Socket } from 'socket.io-client';
import type { GuidanceArticle, SlaEventView, Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { CustomersService } from '../../platform/src/modules/customers/customers.service';
import { DevicesService } from '../../platform/src/modules/devices/devices.service';
import { TechniciansService } from '../../platform/src/modules/technicians/technicians.service';
import { SimulatedTechnicians } from '../../platform/src/modules/demo/simulated-technicians';
import { TicketsService, type TicketDetail } from '../../platform/src/modules/tickets/tickets.service';
import { createLogger } from '../../platform/src/common/logging/logger';
import { waitFor } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { TicketDispatch } from '../../platform/src/modules/dispatch/ticket-dispatch.service';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { injectFault, unambiguousFault } from './service-support';

const SUNDAY_3AM = Date.UTC(2026, 0, 4, 3);
const MIN = 60_000;

describe('SLA clocks and escalation', () => {
  const clock = new ManualClock(SUNDAY_3AM);
  let t: TestPlatform;
  let admin: string;
  let fleetSocket: Socket;
  const slaEvents: SlaEventView[] = [];
  const tick = () => t.platform.app.get(JobScheduler).runDue();
  const detail = async (id: string) =>
    (await t.http<TicketDetail>('GET', `/api/tickets/${id}`, { token: admin })).body;

  beforeAll(async () => {
    t = await startTestPlatform({}, { clock });
    admin = await t.login();
    fleetSocket = await t.connectSocket(admin);
    expect(await fleetSocket.emitWithAck('subscribe', { room: 'fleet' })).toEqual({ ok: true });
    fleetSocket.on('sla', (e: SlaEventView) => slaEvents.push(e));
  });

  afterAll(async () => {
    await t.stop();
  });

  async function openTicket(): Promise<{ ticket: Ticket; customer: Customer }> {
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=50', { token: admin })).body;
    const customer = customers.find((c) => c.tier === 'standard') as Customer;
    const device = await t.provision(admin, {
      type: 'washer',
      customerId: customer.id,
      region: customer.region ?? undefined,
    });
    await injectFault(t, device, 'washer', unambiguousFault('washer'), clock.now());
    const ticket = await waitFor(
      async () =>
        (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin })).body[0],
      { what: 'a ticket' },
    );
    return { ticket, customer };
  }

  it('an unacknowledged ticket warns at 80 %, breaches its 10-minute clock and escalates over Socket.IO', async () => {
    const { ticket } = await openTicket();
    // nobody is on shift on a Sunday night: the ticket waits, undispatched
    expect(ticket).toMatchObject({ status: 'new', assigneeId: null, tier: 'standard', priority: 'P2' });
    expect(ticket.respondBy - ticket.createdAt).toBe(10 * MIN);

    clock.advance(7 * MIN);
    await tick();
    expect(slaEvents.filter((e) => e.ticketId === ticket.id)).toEqual([]);

    clock.advance(1 * MIN + 1000);
    await tick();
    const warning = await waitFor(
      () => slaEvents.find((e) => e.ticketId === ticket.id && e.type === 'sla.warning'),
      {
        what: 'an sla warning',
      },
    );
    expect(warning).toMatchObject({ clock: 'respond', level: 0 });

    clock.advance(2 * MIN);
    await tick();
    const breach = await waitFor(
      () => slaEvents.find((e) => e.ticketId === ticket.id && e.type === 'sla.breach'),
      {
        what: 'an sla breach',
      },
    );
    expect(breach.clock).toBe('respond');
    expect(breach.level).toBeGreaterThanOrEqual(1);
    expect(breach.notifications).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'senior_engineer', kind: 'action' })]),
    );

    const d = await detail(ticket.id);
    expect(d.status).toBe('new');
    expect(d.sla.find((c) => c.kind === 'respond')?.state).toBe('breached');
    expect(d.escalation?.level).toBeGreaterThanOrEqual(1);
    expect(d.audit.some((a) => a.reason.startsWith('sla.breach on the respond clock'))).toBe(true);
    // a later tick does not raise the same breach again
    const count = slaEvents.length;
    clock.advance(MIN);
    await tick();
    expect(
      slaEvents.filter((e) => e.type === 'sla.breach' && e.clock === 'respond' && e.ticketId === ticket.id),
    ).toHaveLength(1);
    expect(slaEvents.length).toBe(count);
  });

  it('dispatches manually with a reason, and an engineer can resolve remotely, counted as remote', async () => {
    const { ticket } = await openTicket();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const chosen = technicians.find((tech) => tech.skills.washer) as Technician;
    const noReason = await t.http<{ field: string }>('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: admin,
      body: { technicianId: chosen.id },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
    const unknown = await t.http<{ code: string }>('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: admin,
      body: { technicianId: 'tech-none', reason: 'x' },
    });
    expect(unknown.status).toBe(404);
    const manual = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: admin,
      body: { technicianId: chosen.id, reason: 'on call this weekend' },
    });
    expect(manual.status).toBe(200);
    expect(manual.body).toMatchObject({ status: 'dispatched', assigneeId: chosen.id });
    expect((await detail(ticket.id)).assignment).toMatchObject({
      manual: true,
      explanation: expect.stringContaining('on call this weekend'),
    });

    // before the visit only a remote fix resolves
    const notRemote = await t.http<{ code: string; field: string }>(
      'POST',
      `/api/tickets/${ticket.id}/resolve`,
      {
        token: admin,
        body: { rootCause: 'replaced the pump', partsUsed: [] },
      },
    );
    expect(notRemote.status).toBe(409);
    expect(notRemote.body).toMatchObject({ code: 'ticket.bad_transition', field: 'remote' });
    const resolved = await t.http<Ticket>('POST', `/api/tickets/${ticket.id}/resolve`, {
      token: admin,
      body: { rootCause: 'detergent overdose; fixed by a remote rinse programme', remote: true },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', remote: true });
    const d = await detail(ticket.id);
    // the part reserved at dispatch went back to stock
    expect(d.reservations).toEqual([]);
    expect(d.consumptions).toEqual([]);
    expect(d.resolution).toMatchObject({ remote: true });
  });

  it('simulated technicians work a dispatched ticket through to resolution with its part', async () => {
    const { ticket } = await openTicket();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const chosen = technicians.find((tech) => tech.skills.washer) as Technician;
    await t.http('POST', `/api/tickets/${ticket.id}/dispatch`, {
      token: admin,
      body: { technicianId: chosen.id, reason: 'weekend demo' },
    });
    const reserved = (await detail(ticket.id)).reservations;
    const travelMin = (await detail(ticket.id)).assignment?.travelMin ?? 0;
    const fieldForce = new SimulatedTechnicians(
      t.platform.app.get(TicketsService),
      t.platform.app.get(TicketDispatch),
      t.platform.app.get(TechniciansService),
      t.platform.app.get(DevicesService),
      t.platform.app.get(CustomersService),
      clock,
      createLogger('silent'),
      { timeScale: 1 },
    );
    await fieldForce.step();
    expect((await detail(ticket.id)).status).toBe('en_route');
    await fieldForce.step();
    expect((await detail(ticket.id)).status).toBe('en_route');
    clock.advance(Math.ceil(travelMin + 1) * MIN);
    await fieldForce.step();
    expect((await detail(ticket.id)).status).toBe('on_site');
    clock.advance(46 * MIN);
    await fieldForce.step();
    const d = await detail(ticket.id);
    expect(d.status).toBe('resolved');
    expect(d.consumptions.map((c) => c.sku)).toEqual(reserved.map((r) => r.sku));
  });

  it('keeps guidance articles versioned and validates them', async () => {
    const current = await t.http<GuidanceArticle[]>(
      'GET',
      '/api/guidance?type=washer&faultMode=bearing_wear',
      {
        token: admin,
      },
    );
    expect(current.body).toHaveLength(1);
    expect(current.body[0].version).toBe(1);
    expect(current.body[0].expectedReadings.map((r) => r.metric)).toContain('drumVibrationMmS');
    const { id: _id, version: _v, createdAt: _c, createdBy: _b, ...body } = current.body[0];
    const next = await t.http<GuidanceArticle>('POST', '/api/guidance', {
      token: admin,
      body: { ...body, steps: [...body.steps, 'Check the drum spider arm for cracks'] },
    });
    expect(next.status).toBe(201);
    expect(next.body.version).toBe(2);
    const after = await t.http<GuidanceArticle[]>('GET', '/api/guidance?type=washer&faultMode=bearing_wear', {
      token: admin,
    });
    expect(after.body[0]).toMatchObject({
      version: 2,
      steps: expect.arrayContaining(['Check the drum spider arm for cracks']),
    });
    const bad = await t.http<{ field: string }>('POST', '/api/guidance', {
      token: admin,
      body: { ...body, faultMode: 'gremlins' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('faultMode');
  });
});
