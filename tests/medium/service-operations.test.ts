/**
 * Medium test of service operations, from a detected fault to a verified repair. Real: the
 * platform (Nest HTTP, Socket.IO, the Aedes gateway, the embedded telemetry store) on PGlite
 * and on a real PostgreSQL 15, the seeded demo world (customers, technicians, stock), MQTT.js
 * device clients and a firmware-sim device answering remote commands. The platform's clock is
 * a ManualClock on a Monday 13:00 UTC, so shifts are deterministic and hours pass in no time.
 */
import type { Socket } from 'socket.io-client';
import type { CommandAck, CreatedDevice, FaultModeProfile, GuidanceEvent, Ticket } from '../../contracts/src';
import { FleetSimulator } from '../../firmware-sim/src/fleet-simulator';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { partSkuFor } from '../../platform/src/modules/parts/inventory';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import type { TicketDetail } from '../../platform/src/modules/tickets/tickets.service';
import { waitFor } from '../support/free-port';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { createDatabase, startPostgres, type PostgresServer } from '../support/postgres-server';
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

describe.each(['pglite', 'postgres'] as const)('service operations on %s', (database) => {
  const clock = new ManualClock(MONDAY_1PM);
  let postgres: PostgresServer | undefined;
  let t: TestPlatform;
  let admin: string;
  let scenario: ReturnType<typeof pickScenario>;
  let fault: FaultModeProfile;
  let device: CreatedDevice;
  let fleet: FleetSimulator;
  const techTokens = new Map<string, string>();
  const guidance = new Map<string, GuidanceEvent[]>();
  let ticketId: string;
  let first: string;
  let second: string;

  const detail = async (id = ticketId, token = admin) =>
    (await t.http<TicketDetail>('GET', `/api/tickets/${id}`, { token })).body;
  const act = (id: string, action: string, token: string, body?: unknown) =>
    t.http<Ticket & { code?: string; field?: string }>('POST', `/api/tickets/${id}/${action}`, {
      token,
      body: body ?? {},
    });
  const tick = () => t.platform.app.get(JobScheduler).runDue();

  beforeAll(async () => {
    const env: Record<string, string> = { FIX_VERIFY_HOLD_MS: String(HOLD_MS) };
    if (database === 'postgres') {
      postgres = await startPostgres();
      env.DATABASE_URL = await createDatabase(postgres.url, 'service_test');
    }
    t = await startTestPlatform(env, { clock });
    admin = await t.login();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    fault = unambiguousFault(scenario.type);
    for (const tech of scenario.eligible) {
      const token = await t.login({ email: tech.email as string, password: TECHNICIAN_PASSWORD });
      techTokens.set(tech.id, token);
      const socket: Socket = await t.connectSocket(token);
      socket.on('guidance', (g: GuidanceEvent) =>
        guidance.set(tech.id, [...(guidance.get(tech.id) ?? []), g]),
      );
    }
    device = await t.provision(admin, {
      type: scenario.type,
      customerId: scenario.customer.id,
      region: scenario.region,
    });
    fleet = new FleetSimulator({
      brokerUrl: t.mqttUrl,
      devices: [{ id: device.id, secret: device.secret, type: scenario.type }],
      seed: 7,
      faultRate: 0,
      reportIntervalMs: 3_600_000,
    });
    await fleet.start();
    await waitFor(
      async () =>
        (await t.http<{ online: boolean }>('GET', `/api/devices/${device.id}`, { token: admin })).body
          .online || undefined,
      { what: 'simulated device online' },
    );
  });

  afterAll(async () => {
    await fleet?.stop();
    await t?.stop();
    await postgres?.stop();
  });

  it('opens a proactive ticket for a simulated fault and dispatches it with an explanation and the part reserved', async () => {
    await injectFault(t, device, scenario.type, fault, clock.now());
    const ticket = await waitFor(
      async () =>
        (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin })).body.find(
          (tk) => tk.status === 'dispatched',
        ),
      { what: 'a dispatched ticket' },
    );
    ticketId = ticket.id;
    first = ticket.assigneeId as string;
    expect(scenario.eligible.map((e) => e.id)).toContain(first);
    expect(ticket).toMatchObject({
      faultMode: fault.mode,
      likelyPart: fault.part,
      customerId: scenario.customer.id,
    });

    const d = await detail();
    expect(d.assignment?.explanation).toMatch(/\w+/);
    expect(d.assignment?.technicianId).toBe(first);
    if (d.assignment?.runnerUp)
      expect(d.assignment.score).toBeGreaterThanOrEqual(d.assignment.runnerUp.score);
    expect(d.audit.map((a) => [a.fromStatus, a.toStatus])).toEqual([
      [null, 'new'],
      ['new', 'dispatched'],
    ]);
    // dispatching is the response: the respond clock stopped in time
    expect(d.sla.find((c) => c.kind === 'respond')?.state).toBe('met');
    expect(d.offer?.acceptByMs).toBeGreaterThan(clock.now());
    expect(d.reservations).toEqual([expect.objectContaining({ sku: partSkuFor(scenario.type, fault.part) })]);
  });

  it('pushes the guidance with live readings to the assigned technician', async () => {
    const [pushed] = await waitFor(() => guidance.get(first), { what: 'guidance on the technician socket' });
    expect(pushed).toMatchObject({
      ticketId,
      deviceId: device.id,
      technicianId: first,
      faultMode: fault.mode,
    });
    expect(pushed.article).toMatchObject({ type: scenario.type, faultMode: fault.mode, parts: [fault.part] });
    expect(pushed.article?.steps.length).toBeGreaterThan(0);
    expect(Object.keys(pushed.liveReadings)).toContain(fault.affects[0]);
  });

  it('re-dispatches to another technician when the first declines', async () => {
    const declined = await act(ticketId, 'decline', techTokens.get(first) as string, {
      reason: 'van broke down',
    });
    expect(declined.status).toBe(200);
    second = declined.body.assigneeId as string;
    expect(declined.body.status).toBe('dispatched');
    expect(second).toBeTruthy();
    expect(second).not.toBe(first);
    const d = await detail();
    expect(d.declinedBy).toEqual([first]);
    expect(d.assignment?.explanation).toContain('Re-dispatched');
    expect(
      d.audit.some(
        (a) =>
          a.fromStatus === 'dispatched' && a.toStatus === 'acknowledged' && a.reason === 'van broke down',
      ),
    ).toBe(true);
    await waitFor(() => guidance.get(second), { what: 'guidance for the second technician' });
    // the decliner no longer sees the ticket
    expect((await t.http('GET', `/api/tickets/${ticketId}`, { token: techTokens.get(first) })).status).toBe(
      404,
    );
  });

  it('lets only the assignee, its customer and staff see the ticket', async () => {
    const mine = await t.http<Ticket[]>('GET', '/api/tickets', { token: techTokens.get(second) });
    expect(mine.body.map((tk) => tk.id)).toEqual([ticketId]);
    const others = await t.http<Ticket[]>('GET', '/api/tickets', { token: techTokens.get(first) });
    expect(others.body).toEqual([]);
    const customer = await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD });
    expect(
      (await t.http<Ticket[]>('GET', '/api/tickets', { token: customer })).body.map((tk) => tk.id),
    ).toEqual([ticketId]);
    expect((await t.http('GET', `/api/tickets/${ticketId}`, { token: customer })).status).toBe(200);
    const stranger = (await t.http<Customer[]>('GET', '/api/customers?limit=5', { token: admin })).body.find(
      (c) => c.id !== scenario.customer.id,
    ) as Customer;
    const strangerToken = await t.login({ email: stranger.email as string, password: CUSTOMER_PASSWORD });
    expect((await t.http('GET', `/api/tickets/${ticketId}`, { token: strangerToken })).status).toBe(404);
    expect((await t.http<Ticket[]>('GET', '/api/tickets', { token: strangerToken })).body).toEqual([]);
    // roles and rules: a customer cannot dispatch; the wrong technician cannot act; a bad step names its rule
    expect((await act(ticketId, 'dispatch', customer)).status).toBe(403);
    expect((await act(ticketId, 'arrive', techTokens.get(first) as string)).status).toBe(404);
    const bad = await act(ticketId, 'arrive', techTokens.get(second) as string);
    expect(bad.status).toBe(409);
    expect(bad.body.code).toBe('ticket.bad_transition');
    const noReason = await act(ticketId, 'decline', techTokens.get(second) as string, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.field).toBe('reason');
  });

  it('runs a remote self test on the device for the assigned technician', async () => {
    const res = await t.http<CommandAck>('POST', `/api/devices/${device.id}/commands`, {
      token: techTokens.get(second),
      body: { name: 'self_test' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, result: expect.objectContaining({ passed: true }) });
  });

  it('moves through accept, en route and arrival; waiting for parts pauses the clock', async () => {
    const token = techTokens.get(second) as string;
    expect((await act(ticketId, 'accept', token)).status).toBe(200);
    const site = scenario.customer.location as { lat: number; lon: number };
    expect(
      (await act(ticketId, 'en-route', token, { lat: site.lat + 0.05, lon: site.lon })).body.status,
    ).toBe('en_route');
    expect((await act(ticketId, 'location', token, { lat: site.lat + 0.01, lon: site.lon })).status).toBe(
      200,
    );
    clock.advance(30 * 60_000);
    expect((await act(ticketId, 'arrive', token)).body.status).toBe('on_site');
    expect((await detail()).sla.find((c) => c.kind === 'onSite')?.state).toBe('met');

    expect(
      (await act(ticketId, 'wait-for-parts', token, { reason: 'seal kit also needed' })).body.status,
    ).toBe('waiting_parts');
    const before = (await detail()).sla.find((c) => c.kind === 'resolve');
    expect(before?.state).toBe('paused');
    clock.advance(3 * 3_600_000);
    await tick();
    const during = (await detail()).sla.find((c) => c.kind === 'resolve');
    expect(during?.elapsedMs).toBe(before?.elapsedMs);
    expect((await act(ticketId, 'parts-arrived', token)).body.status).toBe('on_site');
    clock.advance(60_000);
    const after = (await detail()).sla.find((c) => c.kind === 'resolve');
    expect(after?.state).toBe('running');
    expect(after?.elapsedMs).toBe((before?.elapsedMs ?? 0) + 60_000);
  });

  it('consumes the reserved part with its lot number on resolution', async () => {
    const sku = partSkuFor(scenario.type, fault.part);
    const reserved = (await detail()).reservations;
    expect(reserved).toHaveLength(1);
    const res = await act(ticketId, 'resolve', techTokens.get(second) as string, {
      rootCause: `${fault.description}: replaced ${fault.part}`,
      partsUsed: [{ sku, qty: 1 }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', remote: false });
    const d = await detail();
    expect(d.reservations).toEqual([]);
    expect(d.consumptions).toEqual([expect.objectContaining({ sku, lot: reserved[0].lots[0].lot, qty: 1 })]);
    const trace = await t.http<Array<{ ticketId: string }>>(
      'GET',
      `/api/parts/lots/${d.consumptions[0].lot}`,
      {
        token: admin,
      },
    );
    expect(trace.body.map((c) => c.ticketId)).toContain(ticketId);
    const fill = await t.http<{ eligible: number; filled: number }>('GET', '/api/parts/fill-rate', {
      token: admin,
    });
    expect(fill.body).toMatchObject({ eligible: 1, filled: 1 });
    const stock = await t.http<Array<{ sku: string; reorderPoint: number; eoq: number }>>(
      'GET',
      `/api/parts/stock?sku=${sku}`,
      { token: admin },
    );
    expect(stock.body[0]).toMatchObject({ sku, reorderPoint: expect.any(Number), eoq: expect.any(Number) });
    expect(stock.body[0].eoq).toBeGreaterThan(0);
  });

  it('verifies the fix only after the device stays normal for the hold time', async () => {
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
    await tick();
    expect((await detail()).status).toBe('resolved');
    clock.advance(HOLD_MS / 2 + 60_000);
    await normal(101);
    await tick();
    const d = await detail();
    expect(d.status).toBe('verified');
    expect(d.audit.at(-1)).toMatchObject({
      fromStatus: 'resolved',
      toStatus: 'verified',
      actorKind: 'system',
    });
  });

  it('reopens the ticket as a repeat when the same fault comes back', async () => {
    clock.advance(24 * 3_600_000);
    await injectFault(t, device, scenario.type, fault, clock.now(), 200);
    const reopened = await waitFor(
      async () => {
        const d = await detail();
        return d.reopenCount === 1 ? d : undefined;
      },
      { what: 'the ticket reopened' },
    );
    expect(reopened.audit.some((a) => a.toStatus === 'reopened' && a.actorKind === 'system')).toBe(true);
    const tickets = (await t.http<Ticket[]>('GET', `/api/tickets?deviceId=${device.id}`, { token: admin }))
      .body;
    expect(tickets).toHaveLength(1);
  });
});
