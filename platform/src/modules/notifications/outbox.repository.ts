import { Inject, Injectable } from '@nestjs/common';
import type {
  Language,
  Notification,
  NotificationChannel,
  NotificationKind,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export type NotificationState = Notification['state'];

/** A stored message: the contract's view plus what the delivery worker keeps. */
export interface OutboxRecord {
  id: string;
  idempotencyKey: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  recipientUserId: string | null;
  /** The customer the message is about (customers also see the e-mails sent about them). */
  customerId: string | null;
  address: string | null;
  language: Language;
  subject: string;
  body: string;
  urgent: boolean;
  ticketId: string | null;
  requestId: string | null;
  deviceId: string | null;
  action: Notification['action'];
  partnerId: string | null;
  /** What the trigger keyed the message on beyond its ids (an appointment's window start). */
  ref: string | null;
  state: NotificationState;
  attempts: number;
  nextAttemptAtMs: number | null;
  sentAtMs: number | null;
  lastError: string | null;
  createdAtMs: number;
  readAtMs: number | null;
}

export type NewOutboxRecord = Omit<OutboxRecord, 'attempts' | 'lastError' | 'readAtMs' | 'sentAtMs'> & {
  sentAtMs?: number | null;
};

interface OutboxRow {
  id: string;
  idempotency_key: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  recipient_user_id: string | null;
  customer_id: string | null;
  address: string | null;
  language: Language;
  subject: string;
  body: string;
  urgent: boolean;
  ticket_id: string | null;
  request_id: string | null;
  device_id: string | null;
  action: Notification['action'];
  partner_id: string | null;
  ref: string | null;
  state: NotificationState;
  attempts: number;
  next_attempt_at: string | number | null;
  sent_at: string | number | null;
  last_error: string | null;
  created_at: string | number;
  read_at: string | number | null;
}

const num = (v: string | number | null): number | null => (v === null ? null : Number(v));

const toRecord = (r: OutboxRow): OutboxRecord => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  kind: r.kind,
  channel: r.channel,
  recipientUserId: r.recipient_user_id,
  customerId: r.customer_id,
  address: r.address,
  language: r.language,
  subject: r.subject,
  body: r.body,
  urgent: r.urgent,
  ticketId: r.ticket_id,
  requestId: r.request_id,
  deviceId: r.device_id,
  action: r.action,
  partnerId: r.partner_id,
  ref: r.ref,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAtMs: num(r.next_attempt_at),
  sentAtMs: num(r.sent_at),
  lastError: r.last_error,
  createdAtMs: Number(r.created_at),
  readAtMs: num(r.read_at),
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The wire view of a stored message. */
export function toNotification(r: OutboxRecord): Notification {
  return {
    id: r.id,
    kind: r.kind,
    channel: r.channel,
    recipientUserId: r.recipientUserId,
    address: r.address,
    language: r.language,
    subject: r.subject,
    body: r.body,
    urgent: r.urgent,
    ticketId: r.ticketId,
    requestId: r.requestId,
    deviceId: r.deviceId,
    action: r.action,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.state === 'pending' || r.state === 'held' ? iso(r.nextAttemptAtMs) : null,
    sentAt: iso(r.sentAtMs),
    lastError: r.lastError,
    createdAt: new Date(r.createdAtMs).toISOString(),
    readAt: iso(r.readAtMs),
  };
}

export interface OutboxFilter {
  /** Only these: the caller's own, or (customers) the e-mails about them. */
  visibleTo?: { userId: string; customerId: string | null };
  ticketId?: string;
  requestId?: string;
  channel?: NotificationChannel;
  unread?: boolean;
  limit: number;
}

/** The `notification_outbox` table: every message once, by idempotency key, with its delivery state. */
@Injectable()
export class OutboxRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** Stores the message unless its key is stored already; answers it when this call stored it. */
  async insert(m: NewOutboxRecord): Promise<OutboxRecord | undefined> {
    const rows = await this.db.query<OutboxRow>(
      `INSERT INTO notification_outbox (id, idempotency_key, kind, channel, recipient_user_id, customer_id,
         address, language, subject, body, urgent, ticket_id, request_id, device_id, action, partner_id, ref,
         state, attempts, next_attempt_at, sent_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 0, $19, $20, $21)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING *`,
      [
        m.id,
        m.idempotencyKey,
        m.kind,
        m.channel,
        m.recipientUserId,
        m.customerId,
        m.address,
        m.language,
        m.subject,
        m.body,
        m.urgent,
        m.ticketId,
        m.requestId,
        m.deviceId,
        m.action ? JSON.stringify(m.action) : null,
        m.partnerId,
        m.ref,
        m.state,
        m.nextAttemptAtMs,
        m.sentAtMs ?? null,
        m.createdAtMs,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findByKey(key: string): Promise<OutboxRecord | undefined> {
    const rows = await this.db.query<OutboxRow>(
      'SELECT * FROM notification_outbox WHERE idempotency_key = $1',
      [key],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /**
   * Leases up to `limit` due messages until `leaseUntilMs` and counts the attempt. `SKIP LOCKED`
   * and the lease give each due message to exactly one worker across the instances sharing the
   * database; a worker that dies mid-delivery leaves its lease to run out.
   */
  async claimDue(nowMs: number, leaseUntilMs: number, limit: number): Promise<OutboxRecord[]> {
    const rows = await this.db.query<OutboxRow>(
      `UPDATE notification_outbox SET claimed_until = $2, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM notification_outbox
         WHERE state IN ('pending', 'held') AND next_attempt_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1)
         ORDER BY next_attempt_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [Math.round(nowMs), Math.round(leaseUntilMs), limit],
    );
    return rows.map(toRecord).sort((a, b) => (a.nextAttemptAtMs ?? 0) - (b.nextAttemptAtMs ?? 0));
  }

  /** Records deliveries of one pass in one statement. */
  async deliveredMany(
    delivered: Array<{ id: string; state: 'sent' | 'kept'; note: string | null }>,
    atMs: number,
  ): Promise<void> {
    if (delivered.length === 0) return;
    await this.db.query(
      `UPDATE notification_outbox o SET state = d.state, sent_at = $4, last_error = d.note,
         claimed_until = NULL, next_attempt_at = NULL
       FROM (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, state, note)) d
       WHERE o.id = d.id`,
      [delivered.map((d) => d.id), delivered.map((d) => d.state), delivered.map((d) => d.note), atMs],
    );
  }

  async retryAt(id: string, atMs: number, error: string): Promise<void> {
    await this.db.query(
      `UPDATE notification_outbox SET state = 'pending', next_attempt_at = $2, last_error = $3,
         claimed_until = NULL WHERE id = $1`,
      [id, Math.round(atMs), error],
    );
  }

  async failed(id: string, error: string): Promise<void> {
    await this.db.query(
      `UPDATE notification_outbox SET state = 'failed', last_error = $2, claimed_until = NULL,
         next_attempt_at = NULL WHERE id = $1`,
      [id, error],
    );
  }

  async list(filter: OutboxFilter): Promise<OutboxRecord[]> {
    const rows = await this.db.query<OutboxRow>(
      `SELECT * FROM notification_outbox
       WHERE ($1::text IS NULL OR recipient_user_id = $1
              OR ($2::text IS NOT NULL AND customer_id = $2 AND channel = 'email'))
         AND ($3::text IS NULL OR ticket_id = $3)
         AND ($4::text IS NULL OR request_id = $4)
         AND ($5::text IS NULL OR channel = $5)
         AND ($6::boolean IS NULL OR (channel = 'inbox' AND (read_at IS NULL) = $6))
       ORDER BY created_at DESC, id DESC
       LIMIT $7`,
      [
        filter.visibleTo?.userId ?? null,
        filter.visibleTo?.customerId ?? null,
        filter.ticketId ?? null,
        filter.requestId ?? null,
        filter.channel ?? null,
        filter.unread ?? null,
        filter.limit,
      ],
    );
    return rows.map(toRecord);
  }

  async unreadCount(userId: string): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM notification_outbox
       WHERE recipient_user_id = $1 AND channel = 'inbox' AND read_at IS NULL`,
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Marks one inbox message of the user read; undefined when it is not theirs. */
  async markRead(id: string, userId: string, atMs: number): Promise<OutboxRecord | undefined> {
    const rows = await this.db.query<OutboxRow>(
      `UPDATE notification_outbox SET read_at = COALESCE(read_at, $3)
       WHERE id = $1 AND recipient_user_id = $2 AND channel = 'inbox'
       RETURNING *`,
      [id, userId, atMs],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async markAllRead(userId: string, atMs: number): Promise<number> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE notification_outbox SET read_at = $2
       WHERE recipient_user_id = $1 AND channel = 'inbox' AND read_at IS NULL RETURNING id`,
      [userId, atMs],
    );
    return rows.length;
  }

  /** The latest message of `kind` about the ticket (e.g. the last booked appointment). */
  async latest(kind: NotificationKind, ticketId: string): Promise<OutboxRecord | undefined> {
    const rows = await this.db.query<OutboxRow>(
      `SELECT * FROM notification_outbox WHERE kind = $1 AND ticket_id = $2
       ORDER BY created_at DESC, id DESC LIMIT 1`,
      [kind, ticketId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async count(): Promise<number> {
    const rows = await this.db.query<{ n: string | number }>('SELECT count(*) AS n FROM notification_outbox');
    return Number(rows[0]?.n ?? 0);
  }
}
