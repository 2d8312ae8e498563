import { Inject, Injectable } from '@nestjs/common';
import type {
  Ticket,
  TicketAssignment,
  TicketAuditView,
  TicketDetail,
  TicketEscalation,
  TicketOffer,
  TicketResolution,
  TicketStatus,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type { ActorKind } from './ticket-lifecycle';
import type { SlaClock } from '../sla/sla-clock';

/** What the technician recorded at resolution. */
export type Resolution = TicketResolution;

export type { TicketOffer };

/** The booked visit window as stored on the ticket (ISO times); its technician is the assignee. */
export interface TicketAppointment {
  start: string;
  end: string;
}

/** The stored ticket: the detail's stored fields (as the API shows them) plus the service state behind it. */
export interface TicketRecord
  extends
    Omit<Ticket, 'appointment'>,
    Pick<TicketDetail, 'assignment' | 'offer' | 'declinedBy' | 'resolution' | 'escalation'> {
  slaClocks: SlaClock[];
  repeatOf: string | null;
  /** The visit window the customer booked (appointments feature); absent or null: none. */
  appointment?: TicketAppointment | null;
}

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
  assignee_id: string | null;
  tier: Ticket['tier'];
  sla_clocks: SlaClock[];
  escalation: TicketEscalation | null;
  offer: TicketOffer | null;
  assignment: TicketAssignment | null;
  declined_by: string[];
  resolution: Resolution | null;
  resolved_at: number | null;
  remote: boolean;
  repeat_of: string | null;
  reopen_count: number;
  appointment: TicketAppointment | null;
  request_id: string | null;
}

const num = (v: number | null) => (v === null ? null : Number(v));

const toRecord = (r: TicketRow): TicketRecord => ({
  id: r.id,
  deviceId: r.device_id,
  alarmId: r.alarm_id,
  customerId: r.customer_id,
  source: r.source,
  priority: r.priority,
  status: r.status,
  title: r.title,
  description: r.description,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  respondBy: Number(r.respond_by),
  onSiteBy: Number(r.on_site_by),
  resolveBy: Number(r.resolve_by),
  incidentId: r.incident_id,
  faultMode: r.fault_mode,
  failureProbability: r.failure_probability,
  hoursToFailure: r.hours_to_failure,
  likelyPart: r.likely_part,
  assigneeId: r.assignee_id,
  tier: r.tier,
  remote: r.remote,
  reopenCount: r.reopen_count,
  resolvedAt: num(r.resolved_at),
  slaClocks: r.sla_clocks,
  escalation: r.escalation,
  offer: r.offer,
  assignment: r.assignment,
  declinedBy: r.declined_by,
  resolution: r.resolution,
  repeatOf: r.repeat_of,
  appointment: r.appointment ?? null,
  requestId: r.request_id ?? null,
});

/** The public view: the contract's fields only. */
export function toTicket(r: TicketRecord): Ticket {
  const {
    slaClocks: _c,
    escalation: _e,
    offer: _o,
    assignment: _a,
    declinedBy: _d,
    resolution: _r,
    repeatOf: _p,
    appointment,
    ...ticket
  } = r;
  // the technician holding the window is the ticket's assignee
  return { ...ticket, appointment: appointment ? { ...appointment, technicianId: r.assigneeId } : null };
}

/** One audit line, stored as the API shows it. */
export type AuditEntry = TicketAuditView;

export const OPEN_STATUSES: TicketStatus[] = [
  'new',
  'acknowledged',
  'dispatched',
  'en_route',
  'on_site',
  'waiting_parts',
  'reopened',
];

/** Statuses after which nothing more happens to a ticket (unless it is reopened as a repeat). */
export const FINISHED_STATUSES: TicketStatus[] = ['verified', 'closed', 'cancelled'];

/** Statuses that hold a technician's time: their workload for dispatch. */
export const ASSIGNED_STATUSES: TicketStatus[] = ['dispatched', 'en_route', 'on_site', 'waiting_parts'];

@Injectable()
export class TicketsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async withStatus(statuses: TicketStatus[]): Promise<TicketRecord[]> {
    return (
      await this.db.query<TicketRow>(
        'SELECT * FROM tickets WHERE status = ANY($1::text[]) ORDER BY created_at, id',
        [statuses],
      )
    ).map(toRecord);
  }

  async find(id: string): Promise<TicketRecord | undefined> {
    const rows = await this.db.query<TicketRow>('SELECT * FROM tickets WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async hasAlarm(alarmId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM tickets WHERE alarm_id = $1', [alarmId]);
    return rows.length > 0;
  }

  /** The device's latest finished repair of this fault, for repeat detection. */
  async lastResolved(deviceId: string, faultMode: string): Promise<TicketRecord | undefined> {
    const rows = await this.db.query<TicketRow>(
      `SELECT * FROM tickets WHERE device_id = $1 AND fault_mode = $2 AND status IN ('resolved', 'verified', 'closed')
       ORDER BY resolved_at DESC NULLS LAST LIMIT 1`,
      [deviceId, faultMode],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async openCountByAssignee(): Promise<Map<string, number>> {
    const rows = await this.db.query<{ assignee_id: string; n: number }>(
      `SELECT assignee_id, count(*)::int AS n FROM tickets
       WHERE assignee_id IS NOT NULL AND status = ANY($1::text[]) GROUP BY assignee_id`,
      [ASSIGNED_STATUSES],
    );
    return new Map(rows.map((r) => [r.assignee_id, r.n]));
  }

  /** Open tickets with a booked visit window: who holds which window (assignee null: nobody yet). */
  async bookedWindows(): Promise<
    { ticketId: string; deviceId: string; assigneeId: string | null; appointment: TicketAppointment }[]
  > {
    const rows = await this.db.query<{
      id: string;
      device_id: string;
      assignee_id: string | null;
      appointment: TicketAppointment;
    }>(
      `SELECT id, device_id, assignee_id, appointment FROM tickets
       WHERE appointment IS NOT NULL AND status = ANY($1::text[]) ORDER BY id`,
      [OPEN_STATUSES],
    );
    return rows.map((r) => ({
      ticketId: r.id,
      deviceId: r.device_id,
      assigneeId: r.assignee_id,
      appointment: r.appointment,
    }));
  }

  /**
   * Tickets newest first, narrowed by every filter given. `scope*` is who may see them (a
   * technician's own, a customer's own), applied on top of what was asked for.
   */
  async list(filter: {
    deviceId?: string;
    status?: TicketStatus;
    priority?: Ticket['priority'];
    assigneeId?: string;
    customerId?: string;
    /** The device's region. */
    region?: string;
    /** true: not finished (verified, closed, cancelled); false: finished. */
    open?: boolean;
    scopeAssigneeId?: string;
    scopeCustomerId?: string;
    limit: number;
    offset: number;
  }): Promise<TicketRecord[]> {
    const rows = await this.db.query<TicketRow>(
      `SELECT * FROM tickets
       WHERE ($1::text IS NULL OR device_id = $1) AND ($2::text IS NULL OR status = $2)
         AND ($3::text IS NULL OR assignee_id = $3) AND ($4::text IS NULL OR customer_id = $4)
         AND ($7::text IS NULL OR priority = $7)
         AND ($8::text IS NULL OR device_id IN (SELECT id FROM devices WHERE region = $8))
         AND ($9::boolean IS NULL OR (status <> ALL($10::text[])) = $9)
         AND ($11::text IS NULL OR assignee_id = $11) AND ($12::text IS NULL OR customer_id = $12)
       ORDER BY created_at DESC, id LIMIT $5 OFFSET $6`,
      [
        filter.deviceId ?? null,
        filter.status ?? null,
        filter.assigneeId ?? null,
        filter.customerId ?? null,
        filter.limit,
        filter.offset,
        filter.priority ?? null,
        filter.region ?? null,
        filter.open ?? null,
        FINISHED_STATUSES,
        filter.scopeAssigneeId ?? null,
        filter.scopeCustomerId ?? null,
      ],
    );
    return rows.map(toRecord);
  }

  async audit(ticketId: string): Promise<AuditEntry[]> {
    const rows = await this.db.query<{
      ticket_id: string;
      at: number;
      actor: string;
      actor_kind: ActorKind | null;
      from_status: TicketStatus | null;
      to_status: TicketStatus;
      reason: string;
    }>('SELECT * FROM ticket_audit WHERE ticket_id = $1 ORDER BY id', [ticketId]);
    return rows.map((r) => ({
      ticketId: r.ticket_id,
      at: Number(r.at),
      actor: r.actor,
      actorKind: r.actor_kind,
      fromStatus: r.from_status,
      toStatus: r.to_status,
      reason: r.reason,
    }));
  }

  /** Saves the ticket and its audit entries together. */
  async save(ticket: TicketRecord, entries: AuditEntry[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await upsertTicket(tx, ticket);
      for (const entry of entries) {
        await tx.query(
          `INSERT INTO ticket_audit (ticket_id, at, actor, actor_kind, from_status, to_status, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [
            entry.ticketId,
            entry.at,
            entry.actor,
            entry.actorKind,
            entry.fromStatus,
            entry.toStatus,
            entry.reason,
          ],
        );
      }
    });
  }
}

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

async function upsertTicket(tx: SqlExecutor, t: TicketRecord): Promise<void> {
  await tx.query(
    `INSERT INTO tickets (id, device_id, alarm_id, customer_id, source, priority, status, title, description,
       created_at, updated_at, respond_by, on_site_by, resolve_by,
       incident_id, fault_mode, failure_probability, hours_to_failure, likely_part,
       assignee_id, tier, sla_clocks, escalation, offer, assignment, declined_by, resolution, resolved_at,
       remote, repeat_of, reopen_count, appointment, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
       $20, $21, $22::jsonb, $23::jsonb, $24::jsonb, $25::jsonb, $26::jsonb, $27::jsonb, $28, $29, $30, $31,
       $32::jsonb, $33)
     ON CONFLICT (id) DO UPDATE SET priority = EXCLUDED.priority, status = EXCLUDED.status,
       description = EXCLUDED.description, updated_at = EXCLUDED.updated_at, fault_mode = EXCLUDED.fault_mode,
       failure_probability = EXCLUDED.failure_probability, hours_to_failure = EXCLUDED.hours_to_failure,
       likely_part = EXCLUDED.likely_part, respond_by = EXCLUDED.respond_by, on_site_by = EXCLUDED.on_site_by,
       resolve_by = EXCLUDED.resolve_by, assignee_id = EXCLUDED.assignee_id, tier = EXCLUDED.tier,
       sla_clocks = EXCLUDED.sla_clocks, escalation = EXCLUDED.escalation, offer = EXCLUDED.offer,
       assignment = EXCLUDED.assignment, declined_by = EXCLUDED.declined_by, resolution = EXCLUDED.resolution,
       resolved_at = EXCLUDED.resolved_at, remote = EXCLUDED.remote, repeat_of = EXCLUDED.repeat_of,
       reopen_count = EXCLUDED.reopen_count, appointment = EXCLUDED.appointment,
       request_id = COALESCE(EXCLUDED.request_id, tickets.request_id)`,
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
      t.assigneeId,
      t.tier,
      JSON.stringify(t.slaClocks),
      json(t.escalation),
      json(t.offer),
      json(t.assignment),
      JSON.stringify(t.declinedBy),
      json(t.resolution),
      t.resolvedAt,
      t.remote,
      t.repeatOf,
      t.reopenCount,
      json(t.appointment),
      t.requestId ?? null,
    ],
  );
}
