import { Inject, Injectable } from '@nestjs/common';
import type { Language, NotificationPreferences } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** Someone a message can reach: a user account, an e-mail address, or both. */
export interface Recipient {
  userId: string | null;
  email: string | null;
  language: Language;
}

export interface StoredPushSubscription {
  endpoint: string;
  userId: string;
  p256dh: string;
  auth: string;
}

export type EscalationRole = 'senior_engineer' | 'regional_manager';
/** The region a contact covers when it covers every region. */
export const ALL_REGIONS = '*';

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  email: true,
  push: true,
  quietHours: null,
  timeZone: 'UTC',
};

const language = (value: string | null): Language => (value === 'zh-CN' ? 'zh-CN' : 'en');

/**
 * What the notifications feature reads about the people it writes to (users, customers,
 * technicians) and keeps of its own (preferences, push subscriptions, the VAPID key pair,
 * escalation contacts).
 */
@Injectable()
export class RecipientsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async user(userId: string): Promise<(Recipient & { userId: string; disabled: boolean }) | undefined> {
    const rows = await this.db.query<{
      id: string;
      email: string;
      language: string | null;
      disabled_at: number | null;
    }>('SELECT id, email, language, disabled_at FROM users WHERE id = $1', [userId]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      userId: row.id,
      email: row.email,
      language: language(row.language),
      disabled: row.disabled_at !== null,
    };
  }

  /** A customer: their account (the first one, if several) and their address on file (else the account's). */
  async customer(customerId: string, fallback: Language | null = null): Promise<Recipient | undefined> {
    const rows = await this.db.query<{
      email: string | null;
      user_id: string | null;
      user_email: string | null;
      language: string | null;
    }>(
      `SELECT c.email, u.id AS user_id, u.email AS user_email, u.language
       FROM customers c
       LEFT JOIN LATERAL (
         SELECT id, email, language FROM users
         WHERE customer_id = c.id AND role = 'customer' AND disabled_at IS NULL
         ORDER BY created_at, id LIMIT 1) u ON true
       WHERE c.id = $1`,
      [customerId],
    );
    const row = rows[0];
    if (!row) return undefined;
    // their saved language; else the one they wrote in (a request's), else English
    return {
      userId: row.user_id,
      email: row.email ?? row.user_email,
      language: language(row.language ?? fallback),
    };
  }

  /** The user account of a technician (`technicians.user_id`, else the user linked to it). */
  async technicianUserId(technicianId: string): Promise<string | null> {
    const rows = await this.db.query<{ user_id: string | null }>(
      `SELECT COALESCE(t.user_id, (SELECT id FROM users WHERE technician_id = t.id LIMIT 1)) AS user_id
       FROM technicians t WHERE t.id = $1`,
      [technicianId],
    );
    return rows[0]?.user_id ?? null;
  }

  async preferences(userId: string): Promise<NotificationPreferences> {
    const rows = await this.db.query<{
      email: boolean;
      push: boolean;
      quiet_start: string | null;
      quiet_end: string | null;
      time_zone: string;
    }>(
      'SELECT email, push, quiet_start, quiet_end, time_zone FROM notification_preferences WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    if (!row) return DEFAULT_PREFERENCES;
    return {
      email: row.email,
      push: row.push,
      quietHours:
        row.quiet_start !== null && row.quiet_end !== null
          ? { start: row.quiet_start, end: row.quiet_end }
          : null,
      timeZone: row.time_zone,
    };
  }

  async savePreferences(userId: string, p: NotificationPreferences, atMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO notification_preferences (user_id, email, push, quiet_start, quiet_end, time_zone, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, push = EXCLUDED.push,
         quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end,
         time_zone = EXCLUDED.time_zone, updated_at = EXCLUDED.updated_at`,
      [userId, p.email, p.push, p.quietHours?.start ?? null, p.quietHours?.end ?? null, p.timeZone, atMs],
    );
  }

  /** A browser's subscription; the same endpoint signed in by someone else now belongs to them. */
  async savePushSubscription(s: StoredPushSubscription, atMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (endpoint) DO UPDATE SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh,
         auth = EXCLUDED.auth, created_at = EXCLUDED.created_at`,
      [s.endpoint, s.userId, s.p256dh, s.auth, atMs],
    );
  }

  /** Removes it (only the user's own when `userId` is given); true when one was removed. */
  async removePushSubscription(endpoint: string, userId?: string): Promise<boolean> {
    const rows = await this.db.query<{ endpoint: string }>(
      'DELETE FROM push_subscriptions WHERE endpoint = $1 AND ($2::text IS NULL OR user_id = $2) RETURNING endpoint',
      [endpoint, userId ?? null],
    );
    return rows.length > 0;
  }

  async pushSubscriptions(userId: string): Promise<StoredPushSubscription[]> {
    const rows = await this.db.query<{ endpoint: string; user_id: string; p256dh: string; auth: string }>(
      'SELECT endpoint, user_id, p256dh, auth FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at',
      [userId],
    );
    return rows.map((r) => ({ endpoint: r.endpoint, userId: r.user_id, p256dh: r.p256dh, auth: r.auth }));
  }

  /** The one VAPID key pair of the installation: the first instance to ask stores it, the others read it. */
  async vapidKeys(
    generate: () => { publicKey: string; privateKey: string },
    atMs: number,
  ): Promise<{ publicKey: string; privateKey: string }> {
    const read = async () =>
      (
        await this.db.query<{ public_key: string; private_key: string }>(
          'SELECT public_key, private_key FROM push_vapid_keys WHERE id = 1',
        )
      )[0];
    let row = await read();
    if (!row) {
      const keys = generate();
      await this.db.query(
        `INSERT INTO push_vapid_keys (id, public_key, private_key, created_at) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO NOTHING`,
        [keys.publicKey, keys.privateKey, atMs],
      );
      row = await read();
    }
    if (!row) throw new Error('the VAPID key pair could not be stored');
    return { publicKey: row.public_key, privateKey: row.private_key };
  }

  /** The contact for the role in the region, else the one covering every region. */
  async escalationContact(role: EscalationRole, region: string | null): Promise<string | null> {
    const rows = await this.db.query<{ user_id: string }>(
      `SELECT e.user_id FROM escalation_contacts e JOIN users u ON u.id = e.user_id
       WHERE e.role = $1 AND (e.region = $2 OR e.region = $3) AND u.disabled_at IS NULL
       ORDER BY (e.region = $3) LIMIT 1`,
      [role, region ?? ALL_REGIONS, ALL_REGIONS],
    );
    return rows[0]?.user_id ?? null;
  }

  async setEscalationContact(role: EscalationRole, region: string, userId: string): Promise<void> {
    await this.db.query(
      `INSERT INTO escalation_contacts (role, region, user_id) VALUES ($1, $2, $3)
       ON CONFLICT (role, region) DO UPDATE SET user_id = EXCLUDED.user_id`,
      [role, region, userId],
    );
  }

  async userIdByEmail(email: string): Promise<string | null> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM users WHERE lower(email) = lower($1)', [
      email,
    ]);
    return rows[0]?.id ?? null;
  }
}
