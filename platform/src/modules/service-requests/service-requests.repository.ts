import { Inject, Injectable } from '@nestjs/common';
import type {
  Department,
  Language,
  RequestChannel,
  RequestStatus,
  RequestType,
  RequestUrgency,
  Triage,
  VisitWindow,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { CLOSED_STATUSES, OPEN_STATUSES } from './request-status';

export interface RequestMessage {
  at: string;
  from: 'customer' | 'staff' | 'system';
  channel: RequestChannel;
  text: string;
}

export interface RequestContact {
  name?: string;
  phone?: string;
  email?: string;
}

/** A service request as stored; times in epoch ms. */
export interface ServiceRequestRecord {
  id: string;
  number: string;
  channel: RequestChannel;
  type: RequestType;
  urgency: RequestUrgency;
  department: Department;
  status: RequestStatus;
  deviceId: string | null;
  customerId: string | null;
  partnerId: string | null;
  externalRef: string | null;
  symptom: string | null;
  description: string | null;
  contact: RequestContact;
  preferredWindows: VisitWindow[];
  language: Language | null;
  createdAt: number;
  updatedAt: number;
  respondBy: number;
  respondedAt: number | null;
  ticketId: string | null;
  mergedCount: number;
  triage: Triage | null;
  messages: RequestMessage[];
}

export interface AttachmentMeta {
  id: string;
  requestId: string;
  name: string;
  contentType: string;
  size: number;
}

interface RequestRow {
  id: string;
  number: string;
  channel: RequestChannel;
  type: RequestType;
  urgency: RequestUrgency;
  department: Department;
  status: RequestStatus;
  device_id: string | null;
  customer_id: string | null;
  partner_id: string | null;
  external_ref: string | null;
  symptom: string | null;
  description: string | null;
  contact: RequestContact;
  preferred_windows: VisitWindow[];
  language: Language | null;
  created_at: string | number;
  updated_at: string | number;
  respond_by: string | number;
  responded_at: string | number | null;
  ticket_id: string | null;
  merged_count: number;
  triage: Triage | null;
  messages: RequestMessage[];
}

const toRecord = (r: RequestRow): ServiceRequestRecord => ({
  id: r.id,
  number: r.number,
  channel: r.channel,
  type: r.type,
  urgency: r.urgency,
  department: r.department,
  status: r.status,
  deviceId: r.device_id,
  customerId: r.customer_id,
  partnerId: r.partner_id,
  externalRef: r.external_ref,
  symptom: r.symptom,
  description: r.description,
  contact: r.contact,
  preferredWindows: r.preferred_windows,
  language: r.language,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  respondBy: Number(r.respond_by),
  respondedAt: r.responded_at === null ? null : Number(r.responded_at),
  ticketId: r.ticket_id,
  mergedCount: r.merged_count,
  triage: r.triage,
  messages: r.messages,
});

/** Columns a change may write (everything but the identity and the submission itself). */
export type RequestChange = Partial<
  Pick<
    ServiceRequestRecord,
    | 'status'
    | 'deviceId'
    | 'customerId'
    | 'type'
    | 'urgency'
    | 'department'
    | 'respondBy'
    | 'respondedAt'
    | 'ticketId'
    | 'mergedCount'
    | 'triage'
    | 'messages'
    | 'updatedAt'
  >
>;

const COLUMN: Record<keyof RequestChange, string> = {
  status: 'status',
  deviceId: 'device_id',
  customerId: 'customer_id',
  type: 'type',
  urgency: 'urgency',
  department: 'department',
  respondBy: 'respond_by',
  respondedAt: 'responded_at',
  ticketId: 'ticket_id',
  mergedCount: 'merged_count',
  triage: 'triage',
  messages: 'messages',
  updatedAt: 'updated_at',
};
const JSON_COLUMNS = new Set<keyof RequestChange>(['triage', 'messages']);

@Injectable()
export class ServiceRequestsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** The next customer-facing number, `SR-000001` on. */
  async nextNumber(): Promise<string> {
    const [row] = await this.db.query<{ n: string | number }>(
      "SELECT nextval('service_request_number_seq') AS n",
    );
    return `SR-${String(row.n).padStart(6, '0')}`;
  }

  async insert(r: ServiceRequestRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO service_requests (id, number, channel, type, urgency, department, status, device_id,
         customer_id, partner_id, external_ref, symptom, description, contact, preferred_windows, language,
         created_at, updated_at, respond_by, responded_at, ticket_id, merged_count, triage, messages)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14::jsonb,$15::jsonb,$16,$17,$18,$19,$20,$21,$22,
         $23::jsonb,$24::jsonb)`,
      [
        r.id,
        r.number,
        r.channel,
        r.type,
        r.urgency,
        r.department,
        r.status,
        r.deviceId,
        r.customerId,
        r.partnerId,
        r.externalRef,
        r.symptom,
        r.description,
        JSON.stringify(r.contact),
        JSON.stringify(r.preferredWindows),
        r.language,
        r.createdAt,
        r.updatedAt,
        r.respondBy,
        r.respondedAt,
        r.ticketId,
        r.mergedCount,
        r.triage === null ? null : JSON.stringify(r.triage),
        JSON.stringify(r.messages),
      ],
    );
  }

  async update(id: string, change: RequestChange): Promise<void> {
    const keys = Object.keys(change) as Array<keyof RequestChange>;
    if (keys.length === 0) return;
    const sets = keys.map((key, i) => `${COLUMN[key]} = $${i + 2}${JSON_COLUMNS.has(key) ? '::jsonb' : ''}`);
    const values = keys.map((key) => {
      const value = change[key];
      return JSON_COLUMNS.has(key) && value !== null ? JSON.stringify(value) : value;
    });
    await this.db.query(`UPDATE service_requests SET ${sets.join(', ')} WHERE id = $1`, [id, ...values]);
  }

  async find(id: string): Promise<ServiceRequestRecord | undefined> {
    const rows = await this.db.query<RequestRow>('SELECT * FROM service_requests WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findByNumber(number: string): Promise<ServiceRequestRecord | undefined> {
    const rows = await this.db.query<RequestRow>('SELECT * FROM service_requests WHERE number = $1', [
      number.toUpperCase(),
    ]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * The newest request a partner filed that matches the appliance or the ticket and belongs to a
   * known customer: what a partner may act on (availability, the visit window) for that customer.
   */
  async findForPartner(
    partnerId: string,
    subject: { deviceId?: string; ticketId?: string },
  ): Promise<ServiceRequestRecord | undefined> {
    const rows = await this.db.query<RequestRow>(
      `SELECT * FROM service_requests
       WHERE partner_id = $1 AND customer_id IS NOT NULL
         AND ($2::text IS NULL OR device_id = $2) AND ($3::text IS NULL OR ticket_id = $3)
       ORDER BY created_at DESC, id LIMIT 1`,
      [partnerId, subject.deviceId ?? null, subject.ticketId ?? null],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The newest request of the customer about the appliance since `sinceMs` that is not finished. */
  async findMergeable(
    customerId: string,
    deviceId: string,
    sinceMs: number,
  ): Promise<ServiceRequestRecord | undefined> {
    const rows = await this.db.query<RequestRow>(
      `SELECT * FROM service_requests
       WHERE customer_id = $1 AND device_id = $2 AND created_at >= $3 AND status <> ALL($4::text[])
       ORDER BY created_at DESC, id LIMIT 1`,
      [customerId, deviceId, sinceMs, CLOSED_STATUSES],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(filter: {
    status?: RequestStatus;
    channel?: RequestChannel;
    urgency?: RequestUrgency;
    customerId?: string;
    deviceId?: string;
    externalRef?: string;
    open?: boolean;
    scopeCustomerId?: string;
    scopePartnerId?: string;
    limit: number;
    offset: number;
  }): Promise<ServiceRequestRecord[]> {
    const order = filter.open === true ? 'respond_by ASC, id' : 'created_at DESC, id';
    const rows = await this.db.query<RequestRow>(
      `SELECT * FROM service_requests
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2)
         AND ($3::text IS NULL OR urgency = $3) AND ($4::text IS NULL OR customer_id = $4)
         AND ($5::text IS NULL OR device_id = $5) AND ($6::text IS NULL OR external_ref = $6)
         AND ($7::boolean IS NULL OR (status = ANY($8::text[])) = $7)
         AND ($9::text IS NULL OR customer_id = $9) AND ($10::text IS NULL OR partner_id = $10)
       ORDER BY ${order} LIMIT $11 OFFSET $12`,
      [
        filter.status ?? null,
        filter.channel ?? null,
        filter.urgency ?? null,
        filter.customerId ?? null,
        filter.deviceId ?? null,
        filter.externalRef ?? null,
        filter.open ?? null,
        OPEN_STATUSES,
        filter.scopeCustomerId ?? null,
        filter.scopePartnerId ?? null,
        filter.limit,
        filter.offset,
      ],
    );
    return rows.map(toRecord);
  }

  async insertAttachment(meta: AttachmentMeta, content: Buffer, createdAt: number): Promise<void> {
    await this.db.query(
      `INSERT INTO service_request_attachments (id, request_id, name, content_type, size, content, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [meta.id, meta.requestId, meta.name, meta.contentType, meta.size, content, createdAt],
    );
  }

  async countAttachments(requestId: string): Promise<number> {
    const [row] = await this.db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM service_request_attachments WHERE request_id = $1',
      [requestId],
    );
    return Number(row.n);
  }

  async attachments(requestIds: readonly string[]): Promise<AttachmentMeta[]> {
    if (requestIds.length === 0) return [];
    const rows = await this.db.query<{
      id: string;
      request_id: string;
      name: string;
      content_type: string;
      size: number;
    }>(
      `SELECT id, request_id, name, content_type, size FROM service_request_attachments
       WHERE request_id = ANY($1::text[]) ORDER BY created_at, id`,
      [requestIds],
    );
    return rows.map((r) => ({
      id: r.id,
      requestId: r.request_id,
      name: r.name,
      contentType: r.content_type,
      size: Number(r.size),
    }));
  }

  async attachmentContent(
    requestId: string,
    attachmentId: string,
  ): Promise<(AttachmentMeta & { content: Buffer }) | undefined> {
    const rows = await this.db.query<{
      id: string;
      request_id: string;
      name: string;
      content_type: string;
      size: number;
      content: Uint8Array;
    }>('SELECT * FROM service_request_attachments WHERE request_id = $1 AND id = $2', [
      requestId,
      attachmentId,
    ]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id,
      requestId: r.request_id,
      name: r.name,
      contentType: r.content_type,
      size: Number(r.size),
      content: Buffer.from(r.content),
    };
  }
}
