import type { Ticket } from '../../../../contracts/src';
import type { Clock } from '../../common/clock/clock';
import type { Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import type { CustomersService } from '../customers/customers.service';
import type { DevicesService } from '../devices/devices.service';
import type { TechniciansService } from '../technicians/technicians.service';
import type { TicketDispatch } from '../dispatch/ticket-dispatch.service';
import type { TicketsService } from '../tickets/tickets.service';

const MIN = 60_000;
/** Simulated minutes a repair on site takes. */
const REPAIR_MIN = 45;
/** Simulated minutes a ticket nobody on shift can take waits before the desk calls in someone on call. */
const ON_CALL_AFTER_MIN = 15;
const STAFF: Principal = {
  userId: 'technician-simulator',
  role: 'engineer',
  customerId: null,
  technicianId: null,
};

export interface SimulatedTechniciansOptions {
  /** Simulated time runs this many times faster than the clock (the fleet simulator's SIM_TIME_SCALE). */
  timeScale: number;
  intervalMs?: number;
}

/**
 * The demo's field force for `npm start`: every dispatched ticket is accepted and driven to,
 * the technician arrives after the planned travel time, repairs for a while and resolves with
 * the reserved part, all through the same service calls the technicians' API uses. Durations
 * are in simulated time, compressed like the simulated fleet.
 */
export class SimulatedTechnicians {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly tickets: TicketsService,
    private readonly dispatch: TicketDispatch,
    private readonly technicians: TechniciansService,
    private readonly devices: DevicesService,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SimulatedTechniciansOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.step()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'simulated technicians step failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the tickets the field force holds; each ticket moves at most one step. */
  async step(): Promise<number> {
    let moved = 0;
    for (const status of ['new', 'reopened'] as const) {
      for (const ticket of await this.tickets.list(STAFF, { status, limit: 200 })) {
        if (await this.callInOnCall(ticket)) moved++;
      }
    }
    for (const status of ['dispatched', 'en_route', 'on_site'] as const) {
      for (const ticket of await this.tickets.list(STAFF, { status, limit: 200 })) {
        if (ticket.assigneeId && (await this.advance(ticket, ticket.assigneeId))) moved++;
      }
    }
    return moved;
  }

  /**
   * Out of hours the automatic rules find nobody on shift; the simulated service desk then
   * assigns a skilled technician of the region by manual override, which the assignment's
   * explanation records together with the rule it breaks.
   */
  private async callInOnCall(ticket: Ticket): Promise<boolean> {
    // a booked visit waits for a technician free in its window, whom dispatch finds on its own
    if (ticket.appointment) return false;
    if (this.simulatedMinutesSince(ticket.updatedAt) < ON_CALL_AFTER_MIN) return false;
    const type = this.devices.find(ticket.deviceId)?.type;
    const customer = ticket.customerId ? await this.customers.find(ticket.customerId) : undefined;
    if (!type || !customer?.location) return false;
    const candidates = (await this.technicians.all()).filter(
      // busy (on another job) may still queue this one, as dispatch allows
      (t) =>
        (t.status === 'available' || t.status === 'busy') && t.skills[type] && t.region === customer.region,
    );
    const open = await this.tickets.list(STAFF, { limit: 500 });
    const load = (id: string) => open.filter((t) => t.assigneeId === id && t.status !== 'resolved').length;
    const chosen = candidates.sort((a, b) => load(a.id) - load(b.id) || a.id.localeCompare(b.id))[0];
    if (!chosen) return false;
    await this.dispatch.dispatch(ticket.id, STAFF, {
      technicianId: chosen.id,
      reason: 'out of hours: on-call technician called in by the service desk',
    });
    return true;
  }

  private simulatedMinutesSince(ms: number): number {
    return ((this.clock.now() - ms) * this.options.timeScale) / MIN;
  }

  private async advance(ticket: Ticket, technicianId: string): Promise<boolean> {
    const me: Principal = {
      userId: `sim-${technicianId}`,
      role: 'technician',
      customerId: null,
      technicianId,
    };
    const detail = await this.tickets.get(ticket.id, STAFF);
    if (ticket.status === 'dispatched') {
      const tech = await this.technicians.find(technicianId);
      if (!tech) return false;
      const accepted = (detail.offer?.acceptedAtMs ?? null) !== null;
      if (!accepted) await this.dispatch.accept(ticket.id, me);
      // a booked visit: the technician sets off when the window starts, not before; a visit the
      // customer asked for is first arranged with them (they book a window), as a real desk would
      const setOffAt = ticket.appointment ? Date.parse(ticket.appointment.start) : null;
      if (setOffAt !== null ? this.clock.now() < setOffAt : ticket.source === 'customer') return !accepted;
      await this.tickets.enRoute(ticket.id, me, tech.currentLocation);
      return true;
    }
    if (ticket.status === 'en_route') {
      if (this.simulatedMinutesSince(ticket.updatedAt) < (detail.assignment?.travelMin ?? 30)) return false;
      await this.tickets.arrive(ticket.id, me);
      return true;
    }
    if (ticket.status === 'on_site') {
      if (this.simulatedMinutesSince(ticket.updatedAt) < REPAIR_MIN) return false;
      await this.tickets.resolve(ticket.id, me, {
        // the reserved part is the fault mode's part: the model registry labels the repair by it
        rootCause: ticket.faultMode
          ? `confirmed ${ticket.faultMode.replaceAll('_', ' ')}${ticket.likelyPart ? `: ${ticket.likelyPart} replaced` : ''}`
          : 'fault found and repaired on site',
        partsUsed: detail.reservations.map((r) => ({ sku: r.sku, qty: 1 })),
      });
      return true;
    }
    return false;
  }
}
