/**
 * Medium test of tickets from a detected fault to a verified repair, calling the services.
 * Real: the platform's Nest modules composed as in production (ingest, alarms, incidents,
 * tickets, dispatch, SLA, verification, parts, scheduled jobs) on an in-memory PGlite with the
 * seeded demo world, and the embedded telemetry store; no HTTP, broker or Socket.IO. The clock
 * is a ManualClock on a Monday 13:00 UTC, so shifts are deterministic: time moves only when a
 * test advances it, and timed work runs when it calls the scheduler, as its poll would.
 */
import {
  APPLIANCE_PROFILES,
  type CreatedDevice,
  type FaultModeProfile,
  type Ticket,
} from '../../../../contracts/src';
import {
  faultyReading,
  healthyReading,
  onShiftAt,
  pickScenario,
  unambiguousFault,
} from '../../../../tests/medium/service-support';
import { ADMIN, ServiceHarness, technicianPrincipal } from '../../../../tests/support/service-harness';
import { CustomersService } from '../customers/customers.service';
import { TicketDispatch } from '../dispatch/ticket-dispatch.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import { PartsService } from '../parts/parts.service';
import { TechniciansService } from '../technicians/technicians.service';
import { TechnicianActivityService } from '../technicians/technician-activity.service';
import { TicketState } from './ticket-state.service';
import { TicketsService } from './tickets.service';

const MIN = 60_000;
const HOLD_MS = 20 * MIN;

describe('tickets', () => {
  let h: ServiceHarness;
  let tickets: TicketsService;
  let dispatch: TicketDispatch;
  let jobs: JobScheduler;
  let scenario: ReturnType<typeof pickScenario>;
  let fault: FaultModeProfile;

  const eligibleIds = () => scenario.eligible.map((t) => t.id);
  const ticketsOf = (deviceId: string) => tickets.list(ADMIN, { deviceId });
  /** When the ticket's job of this kind is due; empty when it has none. */
  const jobOf = async (kind: string, ticketId: string) =>
    (await jobs.pending(kind)).filter((j) => j.key === ticketId).map((j) => j.runAtMs);

  /** A device of the scenario's customer that reports a critical reading three times. */
  async function faultyDevice(): Promise<{ device: CreatedDevice; ticket: Ticket }> {
    const device = await h.provision(scenario.type, scenario.customer);
    h.publishReading(device.id, healthyReading(scenario.type));
    for (let i = 0; i < 3; i++) {
      h.clock.advance(1000);
      h.publishReading(device.id, faultyReading(scenario.type, fault));
    }
    await h.settle();
    const [ticket, ...others] = await ticketsOf(device.id);
    expect(others).toEqual([]);
    return { device, ticket };
  }

  /** Fails, rather than hangs, when `promise` waits on something that never ends. */
  function within<T>(ms: number, promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  beforeAll(async () => {
    h = await ServiceHarness.start({ env: { FIX_VERIFY_HOLD_MS: String(HOLD_MS) } });
    tickets = h.get(TicketsService);
    dispatch = h.get(TicketDispatch);
    jobs = h.get(JobScheduler);
    const technicians = await h.get(TechniciansService).all();
    const customers = await h.get(CustomersService).list({ limit: 500, offset: 0 });
    scenario = pickScenario(technicians, customers, h.clock.now());
    fault = unambiguousFault(scenario.type);
  });

  afterEach(async () => {
    // each test starts with every technician free again
    await h.get(TicketState).settled();
    for (const ticket of await tickets.list(ADMIN, {})) {
      if (['resolved', 'verified', 'closed', 'cancelled'].includes(ticket.status)) continue;
      await tickets.cancel(ticket.id, ADMIN, 'test over');
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('opens one ticket for a major fault and dispatches it to a technician on shift, with the part reserved', async () => {
    const changes = h.record('ticket.changed');
    const { device, ticket } = await faultyDevice();
    changes.stop();

    expect(ticket).toMatchObject({
      deviceId: device.id,
      customerId: scenario.customer.id,
      source: 'alarm',
      priority: 'P2',
      status: 'dispatched',
      faultMode: fault.mode,
      likelyPart: fault.part,
    });
    expect(eligibleIds()).toContain(ticket.assigneeId);
    const technician = scenario.eligible.find((t) => t.id === ticket.assigneeId);
    expect(technician?.region).toBe(scenario.region);
    expect(technician?.skills[scenario.type]).toBeTruthy();
    expect(onShiftAt(technician!, h.clock.now())).toBe(true);

    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.audit.map((a) => [a.fromStatus, a.toStatus, a.actorKind])).toEqual([
      [null, 'new', 'system'],
      ['new', 'dispatched', 'system'],
    ]);
    expect(detail.assignment).toMatchObject({ technicianId: ticket.assigneeId, manual: false });
    expect(detail.assignment?.explanation).toMatch(/\w+/);
    // dispatching is the response: the respond clock stopped in time
    expect(detail.sla.find((c) => c.kind === 'respond')?.state).toBe('met');
    expect(detail.offer).toMatchObject({ technicianId: ticket.assigneeId, acceptedAtMs: null });
    expect(detail.offer?.acceptByMs).toBe(h.clock.now() + 15 * MIN);
    expect(detail.reservations).toHaveLength(1);
    expect(await h.get(PartsService).heldFor(ticket.id)).toHaveLength(1);
    // the offer's deadline is a job; nothing is left to dispatch
    expect(await jobOf('ticket.offer-timeout', ticket.id)).toEqual([detail.offer?.acceptByMs]);
    expect(await jobOf('ticket.dispatch', ticket.id)).toEqual([]);
    // announced as it went: new, then dispatched
    expect(changes.seen.filter((t) => t.id === ticket.id).map((t) => t.status)).toEqual([
      'new',
      'dispatched',
    ]);
    // the technician sees it, another technician does not
    const other = scenario.eligible.find((t) => t.id !== ticket.assigneeId)!;
    expect((await tickets.list(technicianPrincipal(ticket.assigneeId!), {})).map((t) => t.id)).toContain(
      ticket.id,
    );
    await expect(tickets.get(ticket.id, technicianPrincipal(other.id))).rejects.toMatchObject({
      code: 'ticket.not_found',
    });
  });

  it('adds a second incident on the same device to its open ticket instead of opening another', async () => {
    const { device, ticket } = await faultyDevice();
    const other = APPLIANCE_PROFILES[scenario.type].faultModes.find((f) => {
      const code = APPLIANCE_PROFILES[scenario.type].errorCodes.find((c) => c.code === f.errorCode);
      return f.mode !== fault.mode && (code?.severity === 'major' || code?.severity === 'critical');
    })!;
    const severity = APPLIANCE_PROFILES[scenario.type].errorCodes.find(
      (c) => c.code === other.errorCode,
    )!.severity;
    h.clock.advance(MIN);
    h.publishEvent(device.id, other.errorCode, 'second fault');
    await h.settle();

    const all = await ticketsOf(device.id);
    expect(all.map((t) => t.id)).toEqual([ticket.id]);
    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.description).toContain(`${other.errorCode}:`);
    expect(detail.description.split('\n').filter((l) => l.startsWith('[alarm '))).toHaveLength(2);
    expect(detail.priority).toBe(severity === 'critical' ? 'P1' : 'P2');
    // the ticket's own fault stays the one it was opened for
    expect(detail).toMatchObject({
      faultMode: fault.mode,
      status: 'dispatched',
      assigneeId: ticket.assigneeId,
    });
    expect(detail.audit.at(-1)).toMatchObject({
      actorKind: 'system',
      fromStatus: 'dispatched',
      toStatus: 'dispatched',
      reason: `incident ${other.mode} updated`,
    });
  });

  it('offers the ticket to another technician when the first does not accept within 15 minutes', async () => {
    const { ticket } = await faultyDevice();
    const first = ticket.assigneeId!;

    await h.advance(15 * MIN - 1000);
    expect(await tickets.get(ticket.id, ADMIN)).toMatchObject({ status: 'dispatched', assigneeId: first });

    await h.advance(1000);
    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.status).toBe('dispatched');
    expect(detail.assigneeId).not.toBe(first);
    expect(eligibleIds()).toContain(detail.assigneeId);
    expect(detail.declinedBy).toEqual([first]);
    expect(detail.audit.slice(-2)).toEqual([
      expect.objectContaining({
        actorKind: 'system',
        fromStatus: 'dispatched',
        toStatus: 'acknowledged',
        reason: expect.stringContaining(`offer to ${first} not accepted by`),
      }),
      expect.objectContaining({ actorKind: 'system', fromStatus: 'acknowledged', toStatus: 'dispatched' }),
    ]);
    expect(detail.offer).toMatchObject({
      technicianId: detail.assigneeId,
      acceptByMs: h.clock.now() + 15 * MIN,
    });
    expect(await jobOf('ticket.offer-timeout', ticket.id)).toEqual([h.clock.now() + 15 * MIN]);
    // the first technician no longer sees it
    expect((await tickets.list(technicianPrincipal(first), {})).map((t) => t.id)).not.toContain(ticket.id);
  });

  it('an accepted offer does not time out', async () => {
    const { ticket } = await faultyDevice();
    await dispatch.accept(ticket.id, technicianPrincipal(ticket.assigneeId!));
    expect(await jobOf('ticket.offer-timeout', ticket.id)).toEqual([]);
    await h.advance(16 * MIN);
    expect(await tickets.get(ticket.id, ADMIN)).toMatchObject({
      status: 'dispatched',
      assigneeId: ticket.assigneeId,
      declinedBy: [],
    });
  });

  it('gives tickets that have no timed work (saved before scheduled jobs existed) their jobs at start', async () => {
    const { ticket } = await faultyDevice();
    const offerDue = await jobOf('ticket.offer-timeout', ticket.id);
    const slaDue = await jobOf('ticket.sla', ticket.id);
    expect(offerDue).toHaveLength(1);
    await h.db.query('DELETE FROM scheduled_jobs WHERE key = $1', [ticket.id]);
    expect(await jobOf('ticket.offer-timeout', ticket.id)).toEqual([]);

    await h.get(TicketState).onApplicationBootstrap();
    expect(await jobOf('ticket.offer-timeout', ticket.id)).toEqual(offerDue);
    expect(await jobOf('ticket.sla', ticket.id)).toEqual(slaDue);
  });

  it('verifies a resolved ticket FIX_VERIFY_HOLD_MS later, once telemetry shows the device normal through it', async () => {
    const { device, ticket } = await faultyDevice();
    const tech = technicianPrincipal(ticket.assigneeId!);
    const site = scenario.customer.location!;
    await dispatch.accept(ticket.id, tech);
    await tickets.enRoute(ticket.id, tech, { lat: site.lat, lon: site.lon });
    await tickets.arrive(ticket.id, tech);
    const resolved = await tickets.resolve(ticket.id, tech, {
      rootCause: `${fault.description}: replaced ${fault.part}`,
      partsUsed: [],
    });
    expect(resolved.status).toBe('resolved');
    const resolvedAt = h.clock.now();
    expect(await jobOf('ticket.verify', ticket.id)).toEqual([resolvedAt + HOLD_MS]);

    await h.advance(HOLD_MS / 2);
    h.publishReading(device.id, healthyReading(scenario.type));
    await h.settle();
    expect((await tickets.get(ticket.id, ADMIN)).status).toBe('resolved');

    // the hold is over, but the device has not reported since its middle: silence proves nothing
    await h.advance(HOLD_MS / 2 + MIN);
    expect((await tickets.get(ticket.id, ADMIN)).status).toBe('resolved');

    h.publishReading(device.id, healthyReading(scenario.type));
    await h.advance(MIN);
    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.status).toBe('verified');
    expect(detail.resolution?.verification).toEqual({ outcome: 'verified', atMs: resolvedAt + HOLD_MS });
    expect(detail.audit.at(-1)).toMatchObject({
      fromStatus: 'resolved',
      toStatus: 'verified',
      actorKind: 'system',
    });
    expect(await jobOf('ticket.verify', ticket.id)).toEqual([]);
  });

  it('makes the technician busy from en route to resolved, each change in the status history with its time', async () => {
    const { ticket } = await faultyDevice();
    const technicianId = ticket.assigneeId!;
    const tech = technicianPrincipal(technicianId);
    const site = scenario.customer.location!;
    const activity = h.get(TechnicianActivityService);
    const technicians = h.get(TechniciansService);
    const history = async () =>
      (
        await h.db.query<{ status: string; started_at: number; ended_at: number | null }>(
          'SELECT status, started_at, ended_at FROM technician_status_history WHERE technician_id = $1 ORDER BY started_at, id',
          [technicianId],
        )
      ).map((r) => [r.status, Number(r.started_at), r.ended_at === null ? null : Number(r.ended_at)]);
    expect((await technicians.require(technicianId)).status).toBe('available');
    const before = await history();
    await dispatch.accept(ticket.id, tech);
    await h.advance(MIN);
    const setOff = h.clock.now();
    await tickets.enRoute(ticket.id, tech, { lat: site.lat, lon: site.lon });
    await activity.settled();
    expect((await technicians.require(technicianId)).status).toBe('busy');
    await h.advance(20 * MIN);
    await tickets.arrive(ticket.id, tech);
    await h.advance(30 * MIN);
    const done = h.clock.now();
    await tickets.resolve(ticket.id, tech, { rootCause: 'repaired', partsUsed: [] });
    await activity.settled();
    expect((await technicians.require(technicianId)).status).toBe('available');
    // the seeded status, closed when the job began; busy from setting off to the repair; available since
    const after = await history();
    expect(after.slice(0, before.length - 1)).toEqual(before.slice(0, -1));
    expect(after.slice(before.length - 1)).toEqual([
      [before.at(-1)![0], before.at(-1)![1], setOff],
      ['busy', setOff, done],
      ['available', done, null],
    ]);
  });

  it('applies changes to one ticket issued at once in order, and audits each', async () => {
    const { ticket } = await faultyDevice();
    const tech = technicianPrincipal(ticket.assigneeId!);
    const site = scenario.customer.location!;
    // en route, arrival and a missing part, sent without waiting for each other: each step is
    // only allowed after the one before it
    const results = await Promise.allSettled([
      tickets.enRoute(ticket.id, tech, { lat: site.lat, lon: site.lon }),
      tickets.arrive(ticket.id, tech),
      tickets.waitForParts(ticket.id, tech, 'seal kit also needed'),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.status : String(r.reason)))).toEqual([
      'en_route',
      'on_site',
      'waiting_parts',
    ]);
    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.status).toBe('waiting_parts');
    expect(detail.audit.slice(-3).map((a) => [a.fromStatus, a.toStatus, a.actor])).toEqual([
      ['dispatched', 'en_route', `technician:${ticket.assigneeId}`],
      ['en_route', 'on_site', `technician:${ticket.assigneeId}`],
      ['on_site', 'waiting_parts', `technician:${ticket.assigneeId}`],
    ]);
    expect(detail.audit.at(-1)?.reason).toBe('seal kit also needed');
  });

  it('answers reads, and changes other tickets, while a change to one ticket is still running', async () => {
    const a = (await faultyDevice()).ticket;
    const b = (await faultyDevice()).ticket;
    const state = h.get(TicketState);
    let finish!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // a slow change to ticket a: it holds the ticket's turn until the test lets it finish
    const slow = state.withTicket(a.id, async () => {
      started();
      await new Promise<void>((resolve) => (finish = resolve));
    });
    await running;
    let cancelled = false;
    const queued = tickets.cancel(a.id, ADMIN, 'duplicate').then((t) => {
      cancelled = true;
      return t;
    });

    expect((await within(2000, tickets.list(ADMIN, {}))).map((t) => t.id)).toEqual(
      expect.arrayContaining([a.id, b.id]),
    );
    expect((await within(2000, tickets.get(b.id, ADMIN))).status).toBe('dispatched');
    expect((await within(2000, tickets.get(a.id, ADMIN))).status).toBe('dispatched');
    const declined = await within(
      2000,
      dispatch.decline(b.id, technicianPrincipal(b.assigneeId!), 'van broke down'),
    );
    expect(declined.assigneeId).not.toBe(b.assigneeId);
    // the change to ticket a waits for its turn
    expect(cancelled).toBe(false);

    finish();
    await slow;
    expect((await queued).status).toBe('cancelled');
    expect((await tickets.get(a.id, ADMIN)).status).toBe('cancelled');
  });
});
