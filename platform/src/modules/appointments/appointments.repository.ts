import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** One booked visit window of a ticket, kept after it is moved or cancelled. */
export interface AppointmentRecord {
  id: string;
  ticketId: string;
  startMs: number;
  endMs: number;
  status: 'booked' | 'cancelled';
  bookedAt: number;
  bookedBy: string;
  /** The technician who held the window, once dispatched. */
  technicianId: string | null;
  endedAt: number | null;
  endedBy: string | null;
  endReason: string | null;
}

interface AppointmentRow {
  id: string;
  ticket_id: string;
  start_ms: number;
  end_ms: number;
  status: AppointmentRecord['status'];
  booked_at: number;
  booked_by: string;
  technician_id: string | null;
  ended_at: number | null;
  ended_by: string | null;
  end_reason: string | null;
}

const toRecord = (r: AppointmentRow): AppointmentRecord => ({
  id: r.id,
  ticketId: r.ticket_id,
  startMs: Number(r.start_ms),
  endMs: Number(r.end_ms),
  status: r.status,
  bookedAt: Number(r.booked_at),
  bookedBy: r.booked_by,
  technicianId: r.technician_id,
  endedAt: r.ended_at === null ? null : Number(r.ended_at),
  endedBy: r.ended_by,
  endReason: r.end_reason,
});

@Injectable()
export class AppointmentsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** The ticket's booked window, if any (at most one is booked at a time). */
  async current(ticketId: string): Promise<AppointmentRecord | undefined> {
    const rows = await this.db.query<AppointmentRow>(
      `SELECT * FROM appointments WHERE ticket_id = $1 AND status = 'booked'`,
      [ticketId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Every window the ticket ever had, oldest first. */
  async history(ticketId: string): Promise<AppointmentRecord[]> {
    return (
      await this.db.query<AppointmentRow>('SELECT * FROM appointments WHERE ticket_id = $1 ORDER BY seq', [
        ticketId,
      ])
    ).map(toRecord);
  }

  /** Books `next`, ending the ticket's current window (moved) in the same transaction. */
  async book(next: AppointmentRecord, ended?: { at: number; by: string; reason: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (ended)
        await tx.query(
          `UPDATE appointments SET status = 'cancelled', ended_at = $2, ended_by = $3, end_reason = $4
           WHERE ticket_id = $1 AND status = 'booked'`,
          [next.ticketId, ended.at, ended.by, ended.reason],
        );
      await tx.query(
        `INSERT INTO appointments (id, ticket_id, start_ms, end_ms, status, booked_at, booked_by, technician_id)
         VALUES ($1, $2, $3, $4, 'booked', $5, $6, $7)`,
        [next.id, next.ticketId, next.startMs, next.endMs, next.bookedAt, next.bookedBy, next.technicianId],
      );
    });
  }

  /** Releases the ticket's booked window. */
  async cancel(ticketId: string, ended: { at: number; by: string; reason: string }): Promise<void> {
    await this.db.query(
      `UPDATE appointments SET status = 'cancelled', ended_at = $2, ended_by = $3, end_reason = $4
       WHERE ticket_id = $1 AND status = 'booked'`,
      [ticketId, ended.at, ended.by, ended.reason],
    );
  }

  /** Records who holds the ticket's booked window (null: nobody, back to dispatch). */
  async setTechnician(ticketId: string, technicianId: string | null): Promise<void> {
    await this.db.query(
      `UPDATE appointments SET technician_id = $2
       WHERE ticket_id = $1 AND status = 'booked' AND technician_id IS DISTINCT FROM $2`,
      [ticketId, technicianId],
    );
  }
}
