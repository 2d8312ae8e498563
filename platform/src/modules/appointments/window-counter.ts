import {
  windowRejection,
  type DispatchTechnician,
  type RejectionReason,
  type WindowNeed,
} from '../dispatch/dispatch-rules';
import { overlaps } from './visit-windows';

/** The ticket asking, so its own booking and its own workload do not count against it. */
export interface OwnTicket {
  ticketId: string;
  /** Set when the ticket is assigned and so counts in its technician's workload. */
  assignedTo: string | null;
}

/**
 * Counts the technicians free for a visit in a window, as dispatch will choose them
 * (`windowRejection`). Windows booked on tickets nobody holds yet (not dispatched yet, or nobody
 * was free at dispatch) each take one technician who could do them, so two customers are not
 * both promised the last free technician.
 */
export class WindowCounter {
  constructor(
    private readonly technicians: readonly DispatchTechnician[],
    private readonly openByTechnician: ReadonlyMap<string, number>,
    private readonly unheld: readonly WindowNeed[],
  ) {}

  private open(tech: DispatchTechnician, own?: OwnTicket): number {
    const n = this.openByTechnician.get(tech.id) ?? 0;
    return own?.assignedTo === tech.id ? Math.max(0, n - 1) : n;
  }

  /** Why the technician cannot take the visit, or null when they can. */
  rejection(technicianId: string, need: WindowNeed, own?: OwnTicket): RejectionReason | null {
    const tech = this.technicians.find((t) => t.id === technicianId);
    return tech ? windowRejection(need, tech, this.open(tech, own)) : 'unavailable';
  }

  count(need: WindowNeed, own?: OwnTicket): number {
    const free = new Set(
      this.technicians.filter((t) => windowRejection(need, t, this.open(t, own)) === null).map((t) => t.id),
    );
    for (const other of this.unheld) {
      if (free.size === 0) break;
      if (other.ticketId === need.ticketId || !overlaps(other.window, need.window)) continue;
      const taker = this.technicians.find(
        (t) => free.has(t.id) && windowRejection(other, t, this.open(t)) === null,
      );
      if (taker) free.delete(taker.id);
    }
    return free.size;
  }
}
