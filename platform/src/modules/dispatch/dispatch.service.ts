import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { PartsService } from '../parts/parts.service';
import { TicketsRepository } from '../tickets/tickets.repository';
import {
  dispatchRound,
  manualAssign,
  redispatch,
  type Assignment,
  type BookedWindow,
  type DispatchContext,
  type DispatchTechnician,
  type DispatchTicket,
  type Unassigned,
} from './dispatch-rules';
import { shiftIntervals } from '../technicians/shifts';
import type { Technician } from '../technicians/technicians.repository';
import { TechniciansService } from '../technicians/technicians.service';

const DAY_MS = 86_400_000;

/** Average travel speed per region id (km/h), where known; dispatch assumes a default elsewhere. */
export const TRAVEL_SPEEDS_KMH = Symbol('TRAVEL_SPEEDS_KMH');

/**
 * Feeds the dispatch rules with what the database knows now: technicians with
 * their shifts, workload (open tickets passed in by the caller) and van stock from the
 * inventory. Holds no state of its own.
 */
@Injectable()
export class DispatchService {
  constructor(
    private readonly technicians: TechniciansService,
    private readonly parts: PartsService,
    private readonly tickets: TicketsRepository,
    private readonly clock: Clock,
    @Optional()
    @Inject(TRAVEL_SPEEDS_KMH)
    private readonly speedKmhByRegion: Readonly<Record<string, number>> = {},
  ) {}

  context(): DispatchContext {
    return {
      nowMs: this.clock.now(),
      speedKmhByRegion: this.speedKmhByRegion,
    };
  }

  /**
   * Every technician dispatch may choose, with their shifts from a day before now to a day after
   * `untilMs` (default: now), so a visit window days ahead is covered, and the visit windows
   * booked on their open tickets.
   */
  async candidates(
    openByTechnician: ReadonlyMap<string, number>,
    untilMs?: number,
  ): Promise<DispatchTechnician[]> {
    const nowMs = this.clock.now();
    const [all, booked] = await Promise.all([this.technicians.dispatchable(), this.tickets.bookedWindows()]);
    const windows = new Map<string, BookedWindow[]>();
    for (const b of booked) {
      if (!b.assigneeId) continue;
      const list = windows.get(b.assigneeId) ?? [];
      list.push({
        ticketId: b.ticketId,
        startMs: Date.parse(b.appointment.start),
        endMs: Date.parse(b.appointment.end),
      });
      windows.set(b.assigneeId, list);
    }
    const toMs = Math.max(nowMs, untilMs ?? nowMs) + DAY_MS;
    return Promise.all(
      all.map((t) =>
        this.toDispatch(t, nowMs, toMs, openByTechnician.get(t.id) ?? 0, windows.get(t.id) ?? []),
      ),
    );
  }

  private async toDispatch(
    t: Technician,
    nowMs: number,
    toMs: number,
    openTickets: number,
    bookedWindows: BookedWindow[],
  ): Promise<DispatchTechnician> {
    return {
      id: t.id,
      name: t.name,
      region: t.region,
      location: t.currentLocation,
      status: t.status,
      skills: t.skills,
      shifts: shiftIntervals(t.weeklyShifts, nowMs - DAY_MS, toMs),
      openTickets,
      maxOpenTickets: t.maxOpenTickets,
      vanStock: await this.parts.vanStock(t.vanId),
      bookedWindows,
    };
  }

  async round(
    tickets: readonly DispatchTicket[],
    openByTechnician: ReadonlyMap<string, number>,
  ): Promise<{ assignments: Assignment[]; unassigned: Unassigned[] }> {
    if (tickets.length === 0) return { assignments: [], unassigned: [] };
    return dispatchRound(tickets, await this.candidates(openByTechnician), this.context());
  }

  async redispatch(
    ticket: DispatchTicket,
    openByTechnician: ReadonlyMap<string, number>,
    declinedBy: readonly string[],
  ): Promise<Assignment | Unassigned> {
    return redispatch(
      ticket,
      await this.candidates(openByTechnician, ticket.window?.endMs),
      this.context(),
      declinedBy,
    );
  }

  technician(id: string): Promise<Technician | undefined> {
    return this.technicians.find(id);
  }

  async manual(
    ticket: DispatchTicket,
    technicianId: string,
    openByTechnician: ReadonlyMap<string, number>,
    override: { actor: string; reason: string },
  ): Promise<Assignment> {
    await this.technicians.require(technicianId);
    const all = await this.candidates(openByTechnician, ticket.window?.endMs);
    const chosen = all.find((t) => t.id === technicianId) as DispatchTechnician;
    return manualAssign(ticket, chosen, all, this.context(), override);
  }
}
