import { Inject, Injectable } from '@nestjs/common';
import type { Ticket, TicketStatus } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';

interface TicketRow {
  id: string;
  device_id: string;
  alarm_id: string | null;
  customer_id: string | null;
  source: Ticket['source'];
  priority: Ticket['priority'];
  status: TicketStatus;
  title: string;
  description: string;
  created_at: number;
  updated_at: number;
  respond_by: number;
  on_site_by: number;
  resolve_by: number;
  incident_id: string | null;
  fault_mode: string | null;
  failure_probability: number | null;
  hours_to_failure: number | null;
  likely_part: string | null;
}

const toTicket = (r: TicketRow): Ticket => ({
  id: r.id,
  deviceId: r.device_id,
  alarmId: r.alarm_id,
  customerId: r.customer_id,
  source: r.source,
  priority: r.priority,
  status: r.status,
  title: r.title,
  description: r.description,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  respondBy: r.respond_by,
  onSiteBy: r.on_site_by,
  resolveBy: r.resolve_by,
  incidentId: r.incident_id,
  faultMode: r.fault_mode,
  failureProbability: r.failure_probability,
  hoursToFailure: r.hours_to_failure,
  likelyPart: r.likely_part,
});

export interface AuditEntry {
  ticketId: string;
  at: number;
  actor: string;
  fromStatus: TicketStatus | null;
  toStatus: TicketStatus;
  reason: string;
}

export const OPEN_STATUSES: TicketStatus[] = [
  'new',
  'acknowledged',
  'dispatched',
  'en_route',
  'on_site',
  'waiting_parts',
  'reopened',
];

@Injectable()
export class TicketsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async openTickets(): Promise<Ticket[]> {
    return (
      await this.db.query<TicketRow>('SELECT * FROM tickets WHERE status = ANY($1::text[])', [OPEN_STATUSES])
    ).map(toTicket);
  }

  async find(id: string): Promise<Ticket | undefined> {
    const rows = await this.db.query<TicketRow>('SELECT * FROM tickets WHERE id = $1', [id]);
    return rows[0] ? toTicket(rows[0]) : undefined;
  }

  async list(filter: { deviceIds?: string[]; status?: TicketStatus; limit: number }): Promise<Ticket[]> {
    const rows = await this.db.query<TicketRow>(
      `SELECT * FROM tickets
       WHERE ($1::text[] IS NULL OR device_id = ANY($1)) AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, id LIMIT $3`,
      [filter.deviceIds ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map(toTicket);
  }

  async audit(ticketId: string): Promise<AuditEntry[]> {
    const rows = await this.db.query<{
      ticket_id: string;
      at: number;
      actor: string;
      from_status: TicketStatus | null;
      to_status: TicketStatus;
      reason: string;
    }>('SELECT * FROM ticket_audit WHERE ticket_id = $1 ORDER BY id', [ticketId]);
    return rows.map((r) => ({
      ticketId: r.ticket_id,
      at: r.at,
      actor: r.actor,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      reason: r.reason,
    }));
  }

  /** Saves the ticket and its audit entry together. */
  async save(ticket: Ticket, entry: AuditEntry): Promise<void> {
    await this.db.transaction(async (tx) => {
      await upsertTicket(tx, ticket);
      await tx.query(
        'INSERT INTO ticket_audit (ticket_id, at, actor, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5, $6)',
        [entry.ticketId, entry.at, entry.actor, entry.fromStatus, entry.toStatus, entry.reason],
      );
    });
  }
}

async function upsertTicket(tx: SqlExecutor, t: Ticket): Promise<void> {
  await tx.query(
    `INSERT INTO tickets (id, device_id, alarm_id, customer_id, source, priority, status, title, description,
       created_at, updated_at, respond_by, on_site_by, resolve_by,
       incident_id, fault_mode, failure_probability, hours_to_failure, likely_part)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     ON CONFLICT (id) DO UPDATE SET priority = EXCLUDED.priority, status = EXCLUDED.status,
       description = EXCLUDED.description, updated_at = EXCLUDED.updated_at, fault_mode = EXCLUDED.fault_mode,
       failure_probability = EXCLUDED.failure_probability, hours_to_failure = EXCLUDED.hours_to_failure,
       likely_part = EXCLUDED.likely_part`,
    [
      t.id,
      t.deviceId,
      t.alarmId,
      t.customerId,
      t.source,
      t.priority,
      t.status,
      t.title,
      t.description,
      t.createdAt,
      t.updatedAt,
      t.respondBy,
      t.onSiteBy,
      t.resolveBy,
      t.incidentId,
      t.faultMode,
      t.failureProbability,
      t.hoursToFailure,
      t.likelyPart,
    ],
  );
}
