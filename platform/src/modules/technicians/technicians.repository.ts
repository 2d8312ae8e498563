import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type {
  GeoPoint,
  PatchTechnicianRequest,
  Technician,
  TechnicianStatus,
  WeeklyShift,
} from '../../../../contracts/src';

export type { Technician };

interface TechnicianRow {
  id: string;
  name: string;
  email: string | null;
  region: string;
  base_lat: number;
  base_lon: number;
  skills: Technician['skills'];
  shifts: WeeklyShift[];
  status: TechnicianStatus;
  current_lat: number;
  current_lon: number;
  max_open_tickets: number;
  van_id: string | null;
  user_id: string | null;
}

const toTechnician = (r: TechnicianRow): Technician => ({
  id: r.id,
  name: r.name,
  email: r.email,
  region: r.region,
  baseLocation: { lat: r.base_lat, lon: r.base_lon },
  currentLocation: { lat: r.current_lat, lon: r.current_lon },
  skills: r.skills,
  weeklyShifts: r.shifts,
  status: r.status,
  maxOpenTickets: r.max_open_tickets,
  vanId: r.van_id,
  userId: r.user_id,
});

@Injectable()
export class TechniciansRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async all(): Promise<Technician[]> {
    return (await this.db.query<TechnicianRow>('SELECT * FROM technicians ORDER BY id')).map(toTechnician);
  }

  /** Technicians dispatch may choose: all but those whose sign-in an administrator disabled. */
  async dispatchable(): Promise<Technician[]> {
    return (
      await this.db.query<TechnicianRow>(
        `SELECT t.* FROM technicians t LEFT JOIN users u ON u.id = t.user_id
         WHERE u.disabled_at IS NULL ORDER BY t.id`,
      )
    ).map(toTechnician);
  }

  async find(id: string): Promise<Technician | undefined> {
    const rows = await this.db.query<TechnicianRow>('SELECT * FROM technicians WHERE id = $1', [id]);
    return rows[0] ? toTechnician(rows[0]) : undefined;
  }

  /** Changes the given fields (a status change also goes into the status history at `atMs`); false when there is no such technician. */
  async update(id: string, patch: PatchTechnicianRequest, atMs: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const found = await TechniciansRepository.updateIn(tx, id, patch);
      if (found && patch.status !== undefined) {
        await TechniciansRepository.recordStatus(tx, id, patch.status, atMs);
      }
      return found;
    });
  }

  /** The technician's status as now, if there is such a technician. */
  async status(id: string): Promise<TechnicianStatus | undefined> {
    const rows = await this.db.query<{ status: TechnicianStatus }>(
      'SELECT status FROM technicians WHERE id = $1',
      [id],
    );
    return rows[0]?.status;
  }

  /**
   * Writes a status change into the status history: closes the open interval at `atMs` and opens
   * one in the new status. Nothing when the status is the one already open.
   */
  static async recordStatus(
    tx: SqlExecutor,
    technicianId: string,
    status: TechnicianStatus,
    atMs: number,
  ): Promise<void> {
    const open = await tx.query<{ status: string; started_at: number }>(
      'SELECT status, started_at FROM technician_status_history WHERE technician_id = $1 AND ended_at IS NULL',
      [technicianId],
    );
    if (open[0]?.status === status) return;
    // a change can never end an interval before it began (clocks of different writers)
    const at = Math.max(atMs, Number(open[0]?.started_at ?? atMs));
    await tx.query(
      'UPDATE technician_status_history SET ended_at = $2 WHERE technician_id = $1 AND ended_at IS NULL',
      [technicianId, at],
    );
    await tx.query(
      'INSERT INTO technician_status_history (technician_id, status, started_at) VALUES ($1, $2, $3)',
      [technicianId, status, at],
    );
  }

  private static async updateIn(
    tx: SqlExecutor,
    id: string,
    patch: PatchTechnicianRequest,
  ): Promise<boolean> {
    const columns: Array<[string, unknown]> = [];
    if (patch.name !== undefined) columns.push(['name', patch.name]);
    if (patch.region !== undefined) columns.push(['region', patch.region]);
    if (patch.skills !== undefined) columns.push(['skills', JSON.stringify(patch.skills)]);
    if (patch.weeklyShifts !== undefined) columns.push(['shifts', JSON.stringify(patch.weeklyShifts)]);
    if (patch.baseLocation !== undefined)
      columns.push(['base_lat', patch.baseLocation.lat], ['base_lon', patch.baseLocation.lon]);
    if (patch.status !== undefined) columns.push(['status', patch.status]);
    if (patch.maxOpenTickets !== undefined) columns.push(['max_open_tickets', patch.maxOpenTickets]);
    const jsonb = new Set(['skills', 'shifts']);
    const set = columns.map(([column], i) => `${column} = $${i + 2}${jsonb.has(column) ? '::jsonb' : ''}`);
    const rows = await tx.query<{ id: string }>(
      set.length > 0
        ? `UPDATE technicians SET ${set.join(', ')} WHERE id = $1 RETURNING id`
        : 'SELECT id FROM technicians WHERE id = $1',
      [id, ...columns.map(([, value]) => value)],
    );
    return rows.length > 0;
  }

  async setLocation(id: string, location: GeoPoint, atMs: number): Promise<void> {
    await this.db.query(
      'UPDATE technicians SET current_lat = $2, current_lon = $3, location_at = $4 WHERE id = $1',
      [id, location.lat, location.lon, atMs],
    );
  }

  /** Where the technician was last reported, and when (null: the seeded start, never reported). */
  async lastLocation(id: string): Promise<(GeoPoint & { atMs: number | null }) | undefined> {
    const rows = await this.db.query<{
      current_lat: number;
      current_lon: number;
      location_at: number | null;
    }>('SELECT current_lat, current_lon, location_at FROM technicians WHERE id = $1', [id]);
    const row = rows[0];
    return (
      row && {
        lat: row.current_lat,
        lon: row.current_lon,
        atMs: row.location_at === null ? null : Number(row.location_at),
      }
    );
  }

  /** Links every technician not yet linked to the user account that signs in for it. */
  static async linkUserAccounts(tx: SqlExecutor): Promise<void> {
    await tx.query(
      `UPDATE technicians SET user_id = users.id FROM users
       WHERE users.technician_id = technicians.id AND technicians.user_id IS NULL`,
    );
  }

  /** Inserts a technician; with `atMs`, its status opens its status history then. */
  static async insert(tx: SqlExecutor, t: Technician, atMs?: number): Promise<void> {
    await tx.query(
      `INSERT INTO technicians (id, name, email, region, base_lat, base_lon, skills, shifts, status,
         current_lat, current_lon, max_open_tickets, van_id, user_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14)`,
      [
        t.id,
        t.name,
        t.email,
        t.region,
        t.baseLocation.lat,
        t.baseLocation.lon,
        JSON.stringify(t.skills),
        JSON.stringify(t.weeklyShifts),
        t.status,
        t.currentLocation.lat,
        t.currentLocation.lon,
        t.maxOpenTickets,
        t.vanId,
        t.userId,
      ],
    );
    if (atMs !== undefined) await TechniciansRepository.recordStatus(tx, t.id, t.status, atMs);
  }
}
