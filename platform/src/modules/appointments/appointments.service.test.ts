/**
 * Fast test of appointments: the windows offered for an appliance, booking, moving and
 * cancelling a visit, and dispatch honouring the booked window with the on-site clock due at its
 * end. Real: the platform's Nest modules on an in-memory PGlite with the demo world (its
 * technicians sent on leave, five of them reshaped into a known field force), scheduled jobs run
 * by `settle()`. The clock is a ManualClock on Monday 5 January 2026, 13:00 UTC.
 */
import { randomUUID } from 'node:crypto';
import type {
  Appointment,
  ApplianceType,
  Availability,
  PatchTechnicianRequest,
} from '../../../../contracts/src';
import { ADMIN, MONDAY_1PM, ServiceHarness } from '../../../../tests/support/service-harness';
import type { AppError } from '../../common/errors/app-error';
import type { Principal } from '../auth/auth.service';
import type { Customer } from '../customers/customers.repository';
import { CustomersService } from '../customers/customers.service';
import { initialEscalation } from '../sla/escalation';
import { startClocks } from '../sla/sla-clock';
import { slaDeadlines } from '../sla/sla-policy';
import type { Technician } from '../technicians/technicians.repository';
import { TechniciansService } from '../technicians/technicians.service';
import { TicketState } from '../tickets/ticket-state.service';
import type { Ticket } from '../../../../contracts/src';
import type { TicketRecord } from '../tickets/tickets.repository';
import { TicketsService } from '../tickets/tickets.service';
import { AppointmentsRepository } from './appointments.repository';
import { AppointmentsService } from './appointments.service';

const HOUR = 3_600_000;
const TUESDAY = Date.UTC(2026, 0, 6);
const at = (day: number, hour: number) => new Date(day + hour * HOUR).toISOString();
const tue = (from: number, to: number) => ({ start: at(TUESDAY, from), end: at(TUESDAY, to) });
const WEEKDAYS = [1, 2, 3, 4, 5];
const shifts = (fromHour: number, toHour: number) =>
  WEEKDAYS.map((weekday) => ({ weekday, startMin: fromHour * 60, endMin: toHour * 60 }));

describe('appointments', () => {
  let h: ServiceHarness;
  let service: AppointmentsService;
  let tickets: TicketsService;
  let customer: Customer;
  let me: Principal;
  /** early: 08-16, late: 12-20 in the customer's region with washer skill; the others miss one rule each. */
  const crew = { early: '', late: '', fridgeOnly: '', elsewhere: '', onLeave: '' };

  const availability = async (): Promise<Map<string, number>> => {
    const device = await h.provision('washer', customer);
    const result: Availability = await service.availability(me, { deviceId: device.id, days: 2 });
    return new Map(
      result.slots.map((s) => [`${s.start.slice(8, 10)} ${s.start.slice(11, 13)}`, s.technicians]),
    );
  };

  /** A ticket on a new washer of the customer, saved as the intake would. */
  async function openTicket(source: Ticket['source'], type: ApplianceType = 'washer'): Promise<Ticket> {
    const device = await h.provision(type, customer);
    const now = h.clock.now();
    const id = randomUUID();
    const slaClocks = startClocks({ ticketId: id, priority: 'P2', tier: 'standard', startedAtMs: now });
    const record: TicketRecord = {
      id,
      deviceId: device.id,
      alarmId: null,
      customerId: customer.id,
      source,
      priority: 'P2',
      status: 'new',
      title: `${type} needs a visit`,
      description: 'test ticket',
      createdAt: now,
      updatedAt: now,
      ...slaDeadlines(slaClocks, now),
      incidentId: null,
      faultMode: null,
      failureProbability: null,
      hoursToFailure: null,
      likelyPart: null,
      assigneeId: null,
      tier: 'standard',
      remote: false,
      reopenCount: 0,
      resolvedAt: null,
      slaClocks,
      escalation: initialEscalation(id),
      offer: null,
      assignment: null,
      declinedBy: [],
      resolution: null,
      repeatOf: null,
    };
    const state = h.get(TicketState);
    await state.withTicket(id, () => state.save(record, []));
    await h.settle();
    return tickets.get(id, ADMIN);
  }

  const refused = async (work: Promise<unknown>): Promise<AppError> => {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e as AppError,
    );
    if (!error) throw new Error('expected a refusal');
    return error;
  };

  beforeAll(async () => {
    h = await ServiceHarness.start({ nowMs: MONDAY_1PM });
    service = h.get(AppointmentsService);
    tickets = h.get(TicketsService);
    const customers = await h.get(CustomersService).list({ limit: 200, offset: 0 });
    customer = customers.find((c) => c.location && c.region)!;
    me = { userId: 'u-customer', role: 'customer', customerId: customer.id, technicianId: null };
    const technicians = h.get(TechniciansService);
    const all = await technicians.all();
    for (const t of all) await technicians.update(t.id, { status: 'on_leave' });
    const region = customer.region!;
    const otherRegion = all.find((t) => t.region !== region)!.region;
    const near = customer.location!;
    const far = { lat: near.lat + 0.2, lon: near.lon };
    const [a, b, c, d, e] = all;
    const washer = { washer: { level: 2 as const, faultModes: [] } };
    const setup: [Technician, keyof typeof crew, PatchTechnicianRequest][] = [
      [a, 'early', { region, skills: washer, weeklyShifts: shifts(8, 16), baseLocation: far }],
      // the late technician lives next door: without the window rule they would win every visit
      [b, 'late', { region, skills: washer, weeklyShifts: shifts(12, 20), baseLocation: near }],
      [
        c,
        'fridgeOnly',
        {
          region,
          skills: { refrigerator: { level: 3 as const, faultModes: [] } },
          weeklyShifts: shifts(8, 20),
        },
      ],
      [
        d,
        'elsewhere',
        { region: otherRegion, skills: washer, weeklyShifts: shifts(8, 20), baseLocation: far },
      ],
      [e, 'onLeave', { region, skills: washer, weeklyShifts: shifts(8, 20), baseLocation: near }],
    ];
    for (const [tech, role, patch] of setup) {
      crew[role] = tech.id;
      await technicians.update(tech.id, {
        ...patch,
        status: role === 'onLeave' ? 'on_leave' : 'available',
        maxOpenTickets: 5,
      });
      const location = patch.baseLocation ?? customer.location!;
      await technicians.setLocation(tech.id, location, h.clock.now());
    }
  });

  afterAll(async () => {
    await h?.close();
  });

  it('offers two-hour windows from two hours ahead, counting only skilled technicians of the region on shift for the whole window', async () => {
    const slots = await availability();
    // Monday 13:00: the first window starts at 16:00 (two hours' lead, on an even hour)
    expect([...slots.entries()]).toEqual([
      ['05 16', 1],
      ['05 18', 1],
      ['06 08', 1],
      ['06 10', 1],
      ['06 12', 2],
      ['06 14', 2],
      ['06 16', 1],
      ['06 18', 1],
      ['07 08', 1],
      ['07 10', 1],
    ]);
  });

  it('refuses a window the availability does not offer, saying why', async () => {
    const ticket = await openTicket('customer');
    for (const [window, reason] of [
      [tue(20, 22), 'no_technician'],
      [{ start: at(TUESDAY, 9), end: at(TUESDAY, 11) }, 'not_a_slot'],
      [{ start: at(TUESDAY, 8), end: at(TUESDAY, 12) }, 'not_a_slot'],
      [{ start: at(MONDAY_1PM, 1), end: at(MONDAY_1PM, 3) }, 'too_soon'],
    ] as const) {
      const error = await refused(service.book(ticket.id, me, window));
      expect(error).toMatchObject({ code: 'appointment.unavailable', kind: 'conflict', details: { reason } });
    }
    expect((await tickets.get(ticket.id, ADMIN)).appointment).toBeNull();
    // another customer's ticket does not exist for them
    const stranger: Principal = { ...me, customerId: 'someone-else' };
    expect(await refused(service.book(ticket.id, stranger, tue(12, 14)))).toMatchObject({
      code: 'ticket.not_found',
    });
    await tickets.cancel(ticket.id, ADMIN, 'test done');
  });

  let visitAtTen: Ticket;

  it('dispatches a booked visit only to a technician free in the window; the on-site clock falls due at its end', async () => {
    const ticket = await openTicket('customer');
    visitAtTen = ticket;
    // opened on Monday afternoon, it went at once to the technician next door
    expect(ticket).toMatchObject({ status: 'dispatched', assigneeId: crew.late });

    const booked = await service.book(ticket.id, me, tue(10, 12));
    expect(booked).toMatchObject({ ...tue(10, 12), status: 'booked', bookedBy: `customer:${customer.id}` });
    await h.settle();
    const detail = await tickets.get(ticket.id, ADMIN);
    // the late technician starts at 12:00 on Tuesday: dispatch went again, to the early one
    expect(detail).toMatchObject({ status: 'dispatched', assigneeId: crew.early });
    expect(detail.appointment).toEqual({ ...tue(10, 12), technicianId: crew.early });
    expect(detail.audit.map((a) => a.reason).join('\n')).toMatch(
      /visit booked for 2026-01-06 10:00–12:00 UTC/,
    );
    const onSite = detail.sla.find((c) => c.kind === 'onSite')!;
    expect(onSite).toMatchObject({ state: 'paused', pauseReason: 'appointment', dueAt: TUESDAY + 12 * HOUR });
    expect(detail.onSiteBy).toBe(TUESDAY + 12 * HOUR);
    expect((await h.get(AppointmentsRepository).current(ticket.id))?.technicianId).toBe(crew.early);
    // nobody else is free at 10:00 any more
    expect((await availability()).get('06 10')).toBeUndefined();
  });

  it('moves a visit: the old window is released, and the technician changes only when they are not free then', async () => {
    const ticket = await openTicket('customer');
    await service.book(ticket.id, me, tue(8, 10));
    await h.settle();
    expect((await tickets.get(ticket.id, ADMIN)).assigneeId).toBe(crew.early);
    expect((await availability()).get('06 08')).toBeUndefined();

    await service.book(ticket.id, me, tue(12, 14));
    await h.settle();
    let detail = await tickets.get(ticket.id, ADMIN);
    // still free at 12:00: the early technician keeps the visit
    expect(detail.appointment).toEqual({ ...tue(12, 14), technicianId: crew.early });
    let slots = await availability();
    expect(slots.get('06 08')).toBe(1);
    expect(slots.get('06 12')).toBe(1);

    await service.book(ticket.id, me, tue(18, 20));
    await h.settle();
    detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.appointment).toEqual({ ...tue(18, 20), technicianId: crew.late });
    expect(detail.audit.map((a) => a.reason).join('\n')).toMatch(
      /visit moved from 2026-01-06 12:00–14:00 UTC to 2026-01-06 18:00–20:00 UTC/,
    );
    slots = await availability();
    expect(slots.get('06 12')).toBe(2);
    expect(slots.get('06 18')).toBeUndefined();
    const history = await h.get(AppointmentsRepository).history(ticket.id);
    expect(history.map((a) => [a.status, new Date(a.startMs).toISOString(), a.technicianId])).toEqual([
      ['cancelled', at(TUESDAY, 8), crew.early],
      ['cancelled', at(TUESDAY, 12), crew.early],
      ['booked', at(TUESDAY, 18), crew.late],
    ]);

    // a visit that takes the last room in a technician's workload takes them off every window
    await h.get(TechniciansService).update(crew.late, { maxOpenTickets: 1 });
    slots = await availability();
    expect(slots.get('06 12')).toBe(1);
    expect(slots.get('05 16')).toBeUndefined();
    await h.get(TechniciansService).update(crew.late, { maxOpenTickets: 5 });

    // cancelling the visit of a customer's own request cancels the request
    const cancelled: Appointment = await service.cancel(ticket.id, me, 'fixed it myself');
    expect(cancelled).toMatchObject({ status: 'cancelled', ...tue(18, 20) });
    detail = await tickets.get(ticket.id, ADMIN);
    expect(detail).toMatchObject({ status: 'cancelled', appointment: null });
    expect(detail.audit.at(-1)?.reason).toMatch(
      /visit 2026-01-06 18:00–20:00 UTC cancelled: fixed it myself/,
    );
    expect((await availability()).get('06 18')).toBe(1);
    expect(await refused(service.book(ticket.id, me, tue(12, 14)))).toMatchObject({
      code: 'appointment.not_bookable',
    });
  });

  it('cancelling the visit of a proactive ticket keeps the ticket, with the default on-site target', async () => {
    const ticket = await openTicket('prediction');
    await service.book(ticket.id, ADMIN, tue(16, 18));
    await h.settle();
    expect((await tickets.get(ticket.id, ADMIN)).onSiteBy).toBe(TUESDAY + 18 * HOUR);
    await service.cancel(ticket.id, ADMIN, 'customer will call back');
    const detail = await tickets.get(ticket.id, ADMIN);
    expect(detail.status).not.toBe('cancelled');
    expect(detail.appointment).toBeNull();
    expect(detail.onSiteBy).toBe(ticket.createdAt + 4 * HOUR);
    expect(await refused(service.cancel(ticket.id, ADMIN))).toMatchObject({ code: 'appointment.not_found' });
  });

  it('runs the on-site clock from the window start, due at its end, with no warning before', async () => {
    const sla = h.record('sla.event');
    const onSiteEvents = () =>
      sla.seen.filter((e) => e.ticketId === visitAtTen.id && e.clock === 'onSite').map((e) => e.type);
    await h.advance(TUESDAY + 10 * HOUR - h.clock.now());
    const running = (await tickets.get(visitAtTen.id, ADMIN)).sla.find((c) => c.kind === 'onSite')!;
    expect(running).toMatchObject({ state: 'running', dueAt: TUESDAY + 12 * HOUR });
    expect(onSiteEvents()).toEqual([]);
    await h.advance(2 * HOUR);
    expect(onSiteEvents()).toEqual(['sla.warning', 'sla.breach']);
    sla.stop();
  });
});
