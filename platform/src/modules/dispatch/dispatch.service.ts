import { Inject, Injectable, Optional } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { PartsService } from '../parts/parts.service';
import {
  dispatchRound,
  manualAssign,
  redispatch,
  type Assignment,
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

  async candidates(openByTechnician: ReadonlyMap<string, number>): Promise<DispatchTechnician[]> {
    const nowMs = this.clock.now();
    const all = await this.technicians.dispatchable();
    return Promise.all(all.map((t) => this.toDispatch(t, nowMs, openByTechnician.get(t.id) ?? 0)));
  }

  private async toDispatch(t: Technician, nowMs: number, openTickets: number): Promise<DispatchTechnician> {
    return {
      id: t.id,
      name: t.name,
      region: t.region,
      location: t.currentLocation,
      status: t.status,
      skills: t.skills,
      shifts: shiftIntervals(t.weeklyShifts, nowMs - DAY_MS, nowMs + DAY_MS),
      openTickets,
      maxOpenTickets: t.maxOpenTickets,
      vanStock: await this.parts.vanStock(t.vanId),
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
    return redispatch(ticket, await this.candidates(openByTechnician), this.context(), declinedBy);
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
    const all = await this.candidates(openByTechnician);
    const chosen = all.find((t) => t.id === technicianId) as DispatchTechnician;
    return manualAssign(ticket, chosen, all, this.context(), override);
  }
}
