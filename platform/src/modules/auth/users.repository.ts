import { Inject, Injectable } from '@nestjs/common';
import type { Language, Role } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  name: string | null;
  customerId: string | null;
  technicianId: string | null;
  /** Null until the user chooses one. */
  language: Language | null;
  disabledAt: number | null;
  /** Raised whenever the user's sessions end (disabled, password reset): older tokens are refused. */
  tokenVersion: number;
  createdAt: number;
}

export type NewUserRecord = Omit<UserRecord, 'disabledAt' | 'tokenVersion' | 'createdAt' | 'language'> & {
  language?: Language | null;
};

/** What decides whether a token of the user is still good. */
export interface UserStanding {
  disabled: boolean;
  tokenVersion: number;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  name: string | null;
  customer_id: string | null;
  technician_id: string | null;
  language: Language | null;
  disabled_at: number | null;
  token_version: number;
  created_at: number;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role,
  name: row.name,
  customerId: row.customer_id,
  technicianId: row.technician_id,
  language: row.language,
  disabledAt: row.disabled_at,
  tokenVersion: row.token_version,
  createdAt: row.created_at,
});

@Injectable()
export class UsersRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async find(id: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async list(filter: { role?: Role; limit: number; offset: number }): Promise<UserRecord[]> {
    const rows = await this.db.query<UserRow>(
      'SELECT * FROM users WHERE ($1::text IS NULL OR role = $1) ORDER BY lower(email), id LIMIT $2 OFFSET $3',
      [filter.role ?? null, filter.limit, filter.offset],
    );
    return rows.map(toUser);
  }

  async standing(id: string): Promise<UserStanding | undefined> {
    const rows = await this.db.query<{ disabled_at: number | null; token_version: number }>(
      'SELECT disabled_at, token_version FROM users WHERE id = $1',
      [id],
    );
    return rows[0]
      ? { disabled: rows[0].disabled_at !== null, tokenVersion: rows[0].token_version }
      : undefined;
  }

  /** `executor`: a transaction when the user is created together with the record it signs in for. */
  async insert(user: NewUserRecord, createdAt: number, executor: SqlExecutor = this.db): Promise<void> {
    await executor.query(
      `INSERT INTO users (id, email, password_hash, role, name, customer_id, technician_id, language, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        user.id,
        user.email,
        user.passwordHash,
        user.role,
        user.name,
        user.customerId,
        user.technicianId,
        user.language ?? null,
        createdAt,
      ],
    );
  }

  async setLanguage(id: string, language: Language): Promise<void> {
    await this.db.query('UPDATE users SET language = $2 WHERE id = $1', [id, language]);
  }

  /** Disabling also ends every session: enabling again does not bring old tokens back. */
  async setDisabled(id: string, disabledAt: number | null): Promise<void> {
    await this.db.query(
      `UPDATE users SET disabled_at = $2,
         token_version = token_version + (CASE WHEN $2::bigint IS NULL THEN 0 ELSE 1 END)
       WHERE id = $1`,
      [id, disabledAt],
    );
  }

  /** A new password ends every session of the user. */
  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.query(
      'UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1',
      [id, passwordHash],
    );
  }
}
