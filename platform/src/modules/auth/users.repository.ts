import { Inject, Injectable } from '@nestjs/common';
import type { Role } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface UserRecord {
  id: string;
  email: string;
  passwordHash: string;
  role: Role;
  name: string | null;
  customerId: string | null;
  technicianId: string | null;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: Role;
  name: string | null;
  customer_id: string | null;
  technician_id: string | null;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  passwordHash: row.password_hash,
  role: row.role,
  name: row.name,
  customerId: row.customer_id,
  technicianId: row.technician_id,
});

@Injectable()
export class UsersRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE lower(email) = lower($1)', [email]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async insert(user: UserRecord, createdAt: number): Promise<void> {
    await this.db.query(
      `INSERT INTO users (id, email, password_hash, role, name, customer_id, technician_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        user.id,
        user.email,
        user.passwordHash,
        user.role,
        user.name,
        user.customerId,
        user.technicianId,
        createdAt,
      ],
    );
  }
}
