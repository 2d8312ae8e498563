import { Inject, Injectable } from '@nestjs/common';
import type {
  CareAuditEntry,
  Currency,
  ReturnReason,
  ReturnRefusal,
  ReturnStatus,
  SaleChannel,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type { CareSlaClock } from '../sla/care-clock';
import { ACCEPTED_RETURN_STATUSES } from './return-rules';

/** An appliance's sale as stored; times in epoch ms. */
export interface DeviceSaleRecord {
  deviceId: string;
  channel: SaleChannel;
  orderRef: string;
  priceMinor: number;
  currency: Currency;
  deliveredAt: number;
}

/** A return or exchange as stored; times in epoch ms. */
export interface ReturnRecord {
  id: string;
  number: string;
  deviceId: string;
  customerId: string | null;
  kind: 'return' | 'exchange';
  reason: ReturnReason;
  description: string | null;
  evidence: string[];
  status: ReturnStatus;
  refusalReason: ReturnRefusal | null;
  /** The sale as it was when the customer applied. */
  sale: Omit<DeviceSaleRecord, 'deviceId'>;
  daysSinceDelivery: number;
  sendAddress: string | null;
  receivedAt: number | null;
  refundDueBy: number | null;
  refundedAt: number | null;
  refundAmountMinor: number | null;
  refundReference: string | null;
  newSerial: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  clocks: CareSlaClock[];
  audit: CareAuditEntry[];
}

interface SaleRow {
  device_id: string;
  channel: SaleChannel;
  order_ref: string;
  price_minor: string | number;
  currency: Currency;
  delivered_at: string | number;
}

interface ReturnRow {
  id: string;
  number: string;
  device_id: string;
  customer_id: string | null;
  kind: 'return' | 'exchange';
  reason: ReturnReason;
  description: string | null;
  evidence: string[] | string;
  status: ReturnStatus;
  refusal_reason: ReturnRefusal | null;
  sale: ReturnRecord['sale'] | string;
  days_since_delivery: number;
  send_address: string | null;
  received_at: string | number | null;
  refund_due_by: string | number | null;
  refunded_at: string | number | null;
  refund_amount_minor: string | number | null;
  refund_reference: string | null;
  new_serial: string | null;
  created_by: string;
  created_at: string | number;
  updated_at: string | number;
  clocks: CareSlaClock[] | string;
  audit: CareAuditEntry[] | string;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

const toSale = (r: SaleRow): DeviceSaleRecord => ({
  deviceId: r.device_id,
  channel: r.channel,
  orderRef: r.order_ref,
  priceMinor: Number(r.price_minor),
  currency: r.currency,
  deliveredAt: Number(r.delivered_at),
});

const toReturn = (r: ReturnRow): ReturnRecord => ({
  id: r.id,
  number: r.number,
  deviceId: r.device_id,
  customerId: r.customer_id,
  kind: r.kind,
  reason: r.reason,
  description: r.description,
  evidence: json(r.evidence),
  status: r.status,
  refusalReason: r.refusal_reason,
  sale: json(r.sale),
  daysSinceDelivery: r.days_since_delivery,
  sendAddress: r.send_address,
  receivedAt: num(r.received_at),
  refundDueBy: num(r.refund_due_by),
  refundedAt: num(r.refunded_at),
  refundAmountMinor: num(r.refund_amount_minor),
  refundReference: r.refund_reference,
  newSerial: r.new_serial,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  clocks: json(r.clocks),
  audit: json(r.audit),
});

export interface RateRow {
  key: string;
  sold: number;
  returned: number;
}

/** Sales (`device_sales`) and returns (`returns`). */
@Injectable()
export class ReturnsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** Records or replaces the appliance's sale. */
  async upsertSale(sale: DeviceSaleRecord, nowMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO device_sales (device_id, channel, order_ref, price_minor, currency, delivered_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (device_id) DO UPDATE SET channel = EXCLUDED.channel, order_ref = EXCLUDED.order_ref,
         price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency,
         delivered_at = EXCLUDED.delivered_at, updated_at = EXCLUDED.updated_at`,
      [sale.deviceId, sale.channel, sale.orderRef, sale.priceMinor, sale.currency, sale.deliveredAt, nowMs],
    );
  }

  /** Records a sale unless the appliance has one already (the demo world's seeding); true when written. */
  static async insertSaleIfAbsent(db: SqlExecutor, sale: DeviceSaleRecord, nowMs: number): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO device_sales (device_id, channel, order_ref, price_minor, currency, delivered_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (device_id) DO NOTHING RETURNING device_id`,
      [sale.deviceId, sale.channel, sale.orderRef, sale.priceMinor, sale.currency, sale.deliveredAt, nowMs],
    );
    return rows.length > 0;
  }

  async findSale(deviceId: string): Promise<DeviceSaleRecord | undefined> {
    const rows = await this.db.query<SaleRow>('SELECT * FROM device_sales WHERE device_id = $1', [deviceId]);
    return rows[0] ? toSale(rows[0]) : undefined;
  }

  async nextNumber(): Promise<string> {
    const [row] = await this.db.query<{ n: string | number }>("SELECT nextval('return_number_seq') AS n");
    return `RT-${String(row.n).padStart(6, '0')}`;
  }

  /** Stores a new return; false when the appliance has one in progress already. */
  async insert(r: ReturnRecord): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO returns (id, number, device_id, customer_id, kind, reason, description, evidence, status,
         refusal_reason, sale, days_since_delivery, send_address, received_at, refund_due_by, refunded_at,
         refund_amount_minor, refund_reference, new_serial, created_by, created_at, updated_at, clocks, audit)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8::jsonb,$9,$10,$11::jsonb,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,
         $23::jsonb,$24::jsonb)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        r.id,
        r.number,
        r.deviceId,
        r.customerId,
        r.kind,
        r.reason,
        r.description,
        JSON.stringify(r.evidence),
        r.status,
        r.refusalReason,
        JSON.stringify(r.sale),
        r.daysSinceDelivery,
        r.sendAddress,
        r.receivedAt,
        r.refundDueBy,
        r.refundedAt,
        r.refundAmountMinor,
        r.refundReference,
        r.newSerial,
        r.createdBy,
        r.createdAt,
        r.updatedAt,
        JSON.stringify(r.clocks),
        JSON.stringify(r.audit),
      ],
    );
    return rows.length > 0;
  }

  /**
   * Writes the return's changeable columns if it is still in `expectedStatus` (another instance
   * may have moved it meanwhile); false when it was not.
   */
  async update(r: ReturnRecord, expectedStatus: ReturnStatus): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE returns SET status = $3, refusal_reason = $4, send_address = $5, received_at = $6,
         refund_due_by = $7, refunded_at = $8, refund_amount_minor = $9, refund_reference = $10,
         new_serial = $11, updated_at = $12, clocks = $13::jsonb, audit = $14::jsonb
       WHERE id = $1 AND status = $2 RETURNING id`,
      [
        r.id,
        expectedStatus,
        r.status,
        r.refusalReason,
        r.sendAddress,
        r.receivedAt,
        r.refundDueBy,
        r.refundedAt,
        r.refundAmountMinor,
        r.refundReference,
        r.newSerial,
        r.updatedAt,
        JSON.stringify(r.clocks),
        JSON.stringify(r.audit),
      ],
    );
    return rows.length > 0;
  }

  async find(id: string): Promise<ReturnRecord | undefined> {
    const rows = await this.db.query<ReturnRow>('SELECT * FROM returns WHERE id = $1', [id]);
    return rows[0] ? toReturn(rows[0]) : undefined;
  }

  async list(filter: {
    customerId?: string;
    deviceId?: string;
    status?: ReturnStatus;
  }): Promise<ReturnRecord[]> {
    const rows = await this.db.query<ReturnRow>(
      `SELECT * FROM returns
       WHERE ($1::text IS NULL OR customer_id = $1) AND ($2::text IS NULL OR device_id = $2)
         AND ($3::text IS NULL OR status = $3)
       ORDER BY created_at DESC, number DESC LIMIT 500`,
      [filter.customerId ?? null, filter.deviceId ?? null, filter.status ?? null],
    );
    return rows.map(toReturn);
  }

  /**
   * Appliances sold and returned (a return or exchange accepted, whatever happened after), per
   * product model (the device's model, else its type) or per sale channel.
   */
  async rates(by: 'model' | 'channel'): Promise<RateRow[]> {
    const key = by === 'model' ? "COALESCE(d.model, d.type, 'unknown')" : 's.channel';
    const rows = await this.db.query<{ key: string; sold: string | number; returned: string | number }>(
      `SELECT ${key} AS key, count(*) AS sold,
         count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM returns r WHERE r.device_id = s.device_id AND r.status = ANY($1::text[]))) AS returned
       FROM device_sales s LEFT JOIN devices d ON d.id = s.device_id
       GROUP BY 1 ORDER BY 1`,
      [ACCEPTED_RETURN_STATUSES],
    );
    return rows.map((r) => ({ key: r.key, sold: Number(r.sold), returned: Number(r.returned) }));
  }

  /** Returns whose refund was not paid within its working days. */
  async refundBreaches(): Promise<number> {
    const [row] = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM returns r, jsonb_array_elements(r.clocks) c
       WHERE c->>'kind' = 'refund' AND c->>'breachedAtMs' IS NOT NULL`,
    );
    return Number(row.n);
  }
}
