/**
 * Medium test of SLA clocks over time: warnings, breaches and escalation as scheduled jobs, and
 * the job moving when a clock pauses. Real: the platform's Nest modules composed as in
 * production on an in-memory PGlite with the seeded demo world and the embedded telemetry
 * store; no HTTP, broker or Socket.IO. The clock is a ManualClock on a Sunday 03:00 UTC, when
 * no technician is on shift, so a new ticket waits undispatched and its respond clock runs.
 */
import type { Ticket } from '../../../../contracts/src';
import { faultyReading, healthyReading, unambiguousFault } from '../../../../tests/medium/service-support';
import { ADMIN, ServiceHarness, technicianPrincipal } from '../../../../tests/support/service-harness';
import type { Customer } from '../customers/customers.repository';
import { CustomersService } from '../customers/customers.service';
import { TicketDispatch } from '../dispatch/ticket-dispatch.service';
import { JobScheduler } from '../jobs/job-scheduler.service';
import type { Technician } from '../technicians/technicians.repository';
import { TechniciansService } from '../technicians/technicians.service';
import { TicketsService } from '../tickets/tickets.service';
import { SLA_JOB } from './ticket-sla.service';

const SUNDAY_3AM = Date.UTC(2026, 0, 4, 3);
const SECOND = 1000;
const MIN = 60 * SECOND;
const HOUR = 60 * MIN;

describe('SLA clocks as scheduled jobs', () => {
  let h: ServiceHarness;
  let tickets: TicketsService;
  let jobs: JobScheduler;
  let customer: Customer;
  let washerTechnician: Technician;

  const slaJob = async (ticketId: string) =>
    (await jobs.pending(SLA_JOB)).filter((j) => j.key === ticketId).map((j) => j.runAtMs);

  async function openTicket(): Promise<Ticket> {
    const device = await h.provision('washer', customer);
    const fault = unambiguousFault('washer');
    h.publishReading(device.id, healthyReading('washer'));
    for (let i = 0; i < 3; i++) h.publishReading(device.id, faultyReading('washer', fault));
    await h.settle();
    const [ticket] = await tickets.list(ADMIN, { deviceId: device.id });
    return ticket;
  }

  beforeAll(async () => {
    h = await ServiceHarness.start({ nowMs: SUNDAY_3AM });
    tickets = h.get(TicketsService);
    jobs = h.get(JobScheduler);
    const customers = await h.get(CustomersService).list({ limit: 50, offset: 0 });
    customer = customers.find((c) => c.tier === 'standard' && c.location)!;
    washerTechnician = (await h.get(TechniciansService).all()).find((t) => t.skills.washer)!;
  });

  afterAll(async () => {
    await h?.close();
  });

  it('warns at 80 % of the respond clock, breaches at 100 % and escalates, each once', async () => {
    const sla = h.record('sla.event');
    const ticket = await openTicket();
    // nobody is on shift on a Sunday night: the ticket waits, undispatched
    expect(ticket).toMatchObject({ status: 'new', assigneeId: null, priority: 'P2', tier: 'standard' });
    expect(ticket.respondBy - ticket.createdAt).toBe(10 * MIN);
    expect(await slaJob(ticket.id)).toEqual([ticket.createdAt + 8 * MIN]);
    const mine = () => sla.seen.filter((e) => e.ticketId === ticket.id);

    await h.advance(8 * MIN - SECOND);
    expect(mine()).toEqual([]);

    await h.advance(SECOND);
    expect(mine()).toEqual([
      expect.objectContaining({ type: 'sla.warning', clock: 'respond', level: 0, assigneeId: null }),
    ]);
    expect((await tickets.get(ticket.id, ADMIN)).sla.find((c) => c.kind === 'respond')?.state).toBe(
      'warning',
    );
    expect(await slaJob(ticket.id)).toEqual([ticket.createdAt + 10 * MIN]);

    await h.advance(2 * MIN);
    const breach = mine()[1];
    expect(breach).toMatchObject({ type: 'sla.breach', clock: 'respond' });
    expect(breach.level).toBeGreaterThanOrEqual(1);
    expect(breach.notifications).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'senior_engineer', kind: 'action' })]),
    );
    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.status).toBe('new');
    expect(detail.sla.find((c) => c.kind === 'respond')?.state).toBe('breached');
    expect(detail.escalation?.level).toBe(breach.level);
    expect(detail.audit.map((a) => a.reason)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sla\.warning on the respond clock/),
        expect.stringMatching(/^sla\.breach on the respond clock/),
      ]),
    );
    // next: the on-site clock's warning
    const onSite = detail.sla.find((c) => c.kind === 'onSite')!;
    expect(await slaJob(ticket.id)).toEqual([ticket.createdAt + 0.8 * onSite.targetMs]);

    await h.advance(30 * MIN);
    sla.stop();
    expect(mine()).toHaveLength(2);
  });

  it('a job that wakes before anything is due raises nothing and keeps the next point', async () => {
    const ticket = await openTicket();
    const events = h.record('sla.event');
    const [dueAt] = await slaJob(ticket.id);
    expect(dueAt).toBe(ticket.createdAt + 8 * MIN);
    // e.g. a job moved by another instance's stale view
    await jobs.schedule(SLA_JOB, ticket.id, h.clock.now());
    await jobs.runDue();
    events.stop();
    expect(events.seen.filter((e) => e.ticketId === ticket.id)).toEqual([]);
    expect(await slaJob(ticket.id)).toEqual([dueAt]);
  });

  it('moves the ticket’s SLA job out while it waits for parts, and drops it once nothing can breach', async () => {
    const ticket = await openTicket();
    const tech = technicianPrincipal(washerTechnician.id);
    await h.get(TicketDispatch).dispatch(ticket.id, ADMIN, {
      technicianId: washerTechnician.id,
      reason: 'on call this weekend',
    });
    await tickets.enRoute(ticket.id, tech, customer.location!);
    await h.advance(20 * MIN);
    await tickets.arrive(ticket.id, tech);
    const onSite = await tickets.get(ticket.id, ADMIN);
    expect(onSite.sla.map((c) => [c.kind, c.state])).toEqual([
      ['respond', 'met'],
      ['onSite', 'met'],
      ['resolve', 'running'],
    ]);
    const resolveTarget = onSite.sla.find((c) => c.kind === 'resolve')!.targetMs;
    const warnAt = ticket.createdAt + 0.8 * resolveTarget;
    expect(await slaJob(ticket.id)).toEqual([warnAt]);

    await tickets.waitForParts(ticket.id, tech, 'seal kit also needed');
    // every running clock is paused: nothing can warn or breach
    expect(await slaJob(ticket.id)).toEqual([]);
    const sla = h.record('sla.event');
    await h.advance(20 * HOUR);
    sla.stop();
    expect(sla.seen.filter((e) => e.ticketId === ticket.id)).toEqual([]);
    expect((await tickets.get(ticket.id, ADMIN)).sla.find((c) => c.kind === 'resolve')?.state).toBe('paused');

    await tickets.partsArrived(ticket.id, tech);
    // the warning comes as much later as the clock was paused
    expect(await slaJob(ticket.id)).toEqual([warnAt + 20 * HOUR]);

    await tickets.cancel(ticket.id, ADMIN, 'customer withdrew');
    expect(await slaJob(ticket.id)).toEqual([]);
  });
});
