import { Inject, Injectable } from '@nestjs/common';
import type { Language } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** Who sent an e-mail, as far as the platform knows them by that address. */
export interface KnownSender {
  email: string;
  /** The customer: a customer user's own, or the customer record with that e-mail. */
  customerId: string | null;
  /** The user signed up with that address (their inbox and language). */
  userId: string | null;
  language: Language | null;
}

@Injectable()
export class InboundMailRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async sender(email: string): Promise<KnownSender> {
    const [user] = await this.db.query<{ id: string; customer_id: string | null; language: Language | null }>(
      'SELECT id, customer_id, language FROM users WHERE lower(email) = lower($1)',
      [email],
    );
    let customerId = user?.customer_id ?? null;
    if (customerId === null) {
      const [customer] = await this.db.query<{ id: string }>(
        'SELECT id FROM customers WHERE lower(email) = lower($1) ORDER BY id LIMIT 1',
        [email],
      );
      customerId = customer?.id ?? null;
    }
    let language = user?.language ?? null;
    if (language === null && customerId !== null) {
      // the customer's own account, when they wrote from the address on their customer record
      const [account] = await this.db.query<{ language: Language }>(
        'SELECT language FROM users WHERE customer_id = $1 AND language IS NOT NULL ORDER BY created_at LIMIT 1',
        [customerId],
      );
      language = account?.language ?? null;
    }
    return { email, customerId, userId: user?.id ?? null, language };
  }

  devicesOf(customerId: string): Promise<Array<{ id: string; type: string }>> {
    return this.db.query<{ id: string; type: string }>(
      'SELECT id, type FROM devices WHERE customer_id = $1 ORDER BY created_at, id',
      [customerId],
    );
  }

  /** Who may reply on the request with that number; undefined when there is none. */
  async request(
    number: string,
  ): Promise<{ customerId: string | null; contactEmail: string | null } | undefined> {
    const [row] = await this.db.query<{ customer_id: string | null; contact: { email?: string } | null }>(
      'SELECT customer_id, contact FROM service_requests WHERE number = $1',
      [number],
    );
    return row ? { customerId: row.customer_id, contactEmail: row.contact?.email ?? null } : undefined;
  }

  /** The request an e-mail (by its Message-ID) already became: a retried delivery changes nothing. */
  async handled(messageId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM inbound_messages WHERE message_id = $1', [messageId]);
    return rows.length > 0;
  }

  async markHandled(messageId: string, receivedAt: number, requestId: string | null): Promise<void> {
    await this.db.query(
      `INSERT INTO inbound_messages (message_id, received_at, request_id) VALUES ($1, $2, $3)
       ON CONFLICT (message_id) DO NOTHING`,
      [messageId, receivedAt, requestId],
    );
  }
}
