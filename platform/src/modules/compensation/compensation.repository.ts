import { Inject, Injectable } from '@nestjs/common';
import type { CompensationStatus, CompensationType, Currency, Role } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface CompensationRecord {
  id: string;
  complaintId: string | null;
  customerId: string;
  type: CompensationType;
  amountMinor: number;
  currency: Currency;
  note: string | null;
  status: CompensationStatus;
  requestedBy: string;
  requestedRole: Role;
  requestedAt: number;
  needsApproval: boolean;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
  couponId: string | null;
}

interface CompensationRow {
  id: string;
  complaint_id: string | null;
  customer_id: string;
  type: CompensationType;
  amount_minor: string | number;
  currency: Currency;
  note: string | null;
  status: CompensationStatus;
  requested_by: string;
  requested_role: Role;
  requested_at: string | number;
  needs_approval: boolean;
  decided_by: string | null;
  decided_at: string | number | null;
  decision_note: string | null;
  coupon_id: string | null;
}

const toRecord = (r: CompensationRow): CompensationRecord => ({
  id: r.id,
  complaintId: r.complaint_id,
  customerId: r.customer_id,
  type: r.type,
  amountMinor: Number(r.amount_minor),
  currency: r.currency,
  note: r.note,
  status: r.status,
  requestedBy: r.requested_by,
  requestedRole: r.requested_role,
  requestedAt: Number(r.requested_at),
  needsApproval: r.needs_approval,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : Number(r.decided_at),
  decisionNote: r.decision_note,
  couponId: r.coupon_id,
});

/** The `compensations` table. Decisions are conditional updates: a compensation is decided once. */
@Injectable()
export class CompensationRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async insert(c: CompensationRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO compensations (id, complaint_id, customer_id, type, amount_minor, currency, note, status,
         requested_by, requested_role, requested_at, needs_approval, decided_by, decided_at, decision_note, coupon_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        c.id,
        c.complaintId,
        c.customerId,
        c.type,
        c.amountMinor,
        c.currency,
        c.note,
        c.status,
        c.requestedBy,
        c.requestedRole,
        c.requestedAt,
        c.needsApproval,
        c.decidedBy,
        c.decidedAt,
        c.decisionNote,
        c.couponId,
      ],
    );
  }

  async find(id: string): Promise<CompensationRecord | undefined> {
    const [row] = await this.db.query<CompensationRow>('SELECT * FROM compensations WHERE id = $1', [id]);
    return row ? toRecord(row) : undefined;
  }

  async list(filter: {
    customerId?: string;
    complaintId?: string;
    status?: CompensationStatus;
  }): Promise<CompensationRecord[]> {
    return (
      await this.db.query<CompensationRow>(
        `SELECT * FROM compensations
         WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR complaint_id = $2)
           AND ($3::text IS NULL OR status = $3)
         ORDER BY seq DESC LIMIT 500`,
        [filter.customerId ?? null, filter.complaintId ?? null, filter.status ?? null],
      )
    ).map(toRecord);
  }

  /** The approval queue, oldest first. */
  async pending(): Promise<CompensationRecord[]> {
    return (
      await this.db.query<CompensationRow>(
        `SELECT * FROM compensations WHERE status = 'pending_approval' ORDER BY requested_at, seq`,
      )
    ).map(toRecord);
  }

  /** Approves or rejects a pending compensation; undefined when it was not pending (any more). */
  async decide(
    id: string,
    decision: { status: 'approved' | 'rejected'; by: string; at: number; note: string | null },
  ): Promise<CompensationRecord | undefined> {
    const [row] = await this.db.query<CompensationRow>(
      `UPDATE compensations SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5
       WHERE id = $1 AND status = 'pending_approval' RETURNING *`,
      [id, decision.status, decision.by, decision.at, decision.note],
    );
    return row ? toRecord(row) : undefined;
  }

  /** An approved compensation was issued (with its coupon, for a coupon or discount). */
  async markGranted(id: string, couponId: string | null): Promise<CompensationRecord | undefined> {
    const [row] = await this.db.query<CompensationRow>(
      `UPDATE compensations SET status = 'granted', coupon_id = $2 WHERE id = $1 AND status = 'approved' RETURNING *`,
      [id, couponId],
    );
    return row ? toRecord(row) : undefined;
  }

  async customerExists(customerId: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM customers WHERE id = $1', [customerId])).length > 0;
  }

  /** Active staff accounts of these roles: who may approve. */
  async usersWithRoles(roles: Role[]): Promise<string[]> {
    if (roles.length === 0) return [];
    return (
      await this.db.query<{ id: string }>(
        "SELECT id FROM users WHERE role = ANY(string_to_array($1, ',')) AND disabled_at IS NULL ORDER BY id",
        [roles.join(',')],
      )
    ).map((r) => r.id);
  }
}
