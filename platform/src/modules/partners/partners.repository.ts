import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** A partner system as stored: the API key only as its SHA-256, the signing secret in clear. */
export interface PartnerRecord {
  id: string;
  name: string;
  keyId: string;
  apiKeyHash: string;
  signingSecret: string;
  webhookUrl: string | null;
  createdAt: number;
  disabledAt: number | null;
}

interface PartnerRow {
  id: string;
  name: string;
  key_id: string;
  api_key_hash: string;
  signing_secret: string;
  webhook_url: string | null;
  created_at: number | string;
  disabled_at: number | string | null;
}

const toPartner = (r: PartnerRow): PartnerRecord => ({
  id: r.id,
  name: r.name,
  keyId: r.key_id,
  apiKeyHash: r.api_key_hash,
  signingSecret: r.signing_secret,
  webhookUrl: r.webhook_url,
  createdAt: Number(r.created_at),
  disabledAt: r.disabled_at === null ? null : Number(r.disabled_at),
});

@Injectable()
export class PartnersRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async insert(p: PartnerRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO partners (id, name, key_id, api_key_hash, signing_secret, webhook_url, created_at, disabled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [p.id, p.name, p.keyId, p.apiKeyHash, p.signingSecret, p.webhookUrl, p.createdAt, p.disabledAt],
    );
  }

  async find(id: string): Promise<PartnerRecord | undefined> {
    const rows = await this.db.query<PartnerRow>('SELECT * FROM partners WHERE id = $1', [id]);
    return rows[0] ? toPartner(rows[0]) : undefined;
  }

  async findByKeyId(keyId: string): Promise<PartnerRecord | undefined> {
    const rows = await this.db.query<PartnerRow>('SELECT * FROM partners WHERE key_id = $1', [keyId]);
    return rows[0] ? toPartner(rows[0]) : undefined;
  }

  async list(): Promise<PartnerRecord[]> {
    const rows = await this.db.query<PartnerRow>('SELECT * FROM partners ORDER BY created_at, id');
    return rows.map(toPartner);
  }

  /** Keeps the first disabling time when called again; false when there is no such partner. */
  async disable(id: string, at: number): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      'UPDATE partners SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1 RETURNING id',
      [id, at],
    );
    return rows.length > 0;
  }

  /** Replaces the key and the secret at once: the old key stops working with this write. */
  async rotate(
    id: string,
    key: { keyId: string; apiKeyHash: string; signingSecret: string },
  ): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      'UPDATE partners SET key_id = $2, api_key_hash = $3, signing_secret = $4 WHERE id = $1 RETURNING id',
      [id, key.keyId, key.apiKeyHash, key.signingSecret],
    );
    return rows.length > 0;
  }
}
