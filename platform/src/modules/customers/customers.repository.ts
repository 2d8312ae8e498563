import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type { Customer, CustomerTier, PatchCustomerRequest } from '../../../../contracts/src';

export type { Customer };

interface CustomerRow {
  id: string;
  name: string;
  tier: CustomerTier;
  email: string | null;
  phone: string | null;
  address: Customer['address'];
  lat: number | null;
  lon: number | null;
  region: string | null;
}

const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  name: r.name,
  tier: r.tier,
  email: r.email,
  phone: r.phone,
  address: r.address,
  location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
  region: r.region,
});

@Injectable()
export class CustomersRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    return row?.n ?? 0;
  }

  async find(id: string): Promise<Customer | undefined> {
    const rows = await this.db.query<CustomerRow>('SELECT * FROM customers WHERE id = $1', [id]);
    return rows[0] ? toCustomer(rows[0]) : undefined;
  }

  /** Changes the given fields; false when there is no such customer. */
  async update(id: string, patch: PatchCustomerRequest): Promise<boolean> {
    const columns: Array<[string, unknown]> = [];
    if (patch.tier !== undefined) columns.push(['tier', patch.tier]);
    if (patch.name !== undefined) columns.push(['name', patch.name]);
    if (patch.phone !== undefined) columns.push(['phone', patch.phone]);
    if (patch.email !== undefined) columns.push(['email', patch.email]);
    const set = columns.map(([column], i) => `${column} = $${i + 2}`);
    const rows = await this.db.query<{ id: string }>(
      set.length > 0
        ? `UPDATE customers SET ${set.join(', ')} WHERE id = $1 RETURNING id`
        : 'SELECT id FROM customers WHERE id = $1',
      [id, ...columns.map(([, value]) => value)],
    );
    return rows.length > 0;
  }

  async list(filter: { region?: string; limit: number; offset: number }): Promise<Customer[]> {
    const rows = await this.db.query<CustomerRow>(
      'SELECT * FROM customers WHERE ($1::text IS NULL OR region = $1) ORDER BY id LIMIT $2 OFFSET $3',
      [filter.region ?? null, filter.limit, filter.offset],
    );
    return rows.map(toCustomer);
  }

  static async insert(tx: SqlExecutor, c: Customer): Promise<void> {
    await tx.query(
      `INSERT INTO customers (id, name, tier, email, phone, address, lat, lon, region)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)`,
      [
        c.id,
        c.name,
        c.tier,
        c.email,
        c.phone,
        JSON.stringify(c.address),
        c.location?.lat ?? null,
        c.location?.lon ?? null,
        c.region,
      ],
    );
  }
}
