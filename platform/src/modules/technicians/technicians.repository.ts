import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';
import type { GeoPoint, Technician, TechnicianStatus, WeeklyShift } from '../../../../contracts/src';

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

  async find(id: string): Promise<Technician | undefined> {
    const rows = await this.db.query<TechnicianRow>('SELECT * FROM technicians WHERE id = $1', [id]);
    return rows[0] ? toTechnician(rows[0]) : undefined;
  }

  async setLocation(id: string, location: GeoPoint): Promise<void> {
    await this.db.query('UPDATE technicians SET current_lat = $2, current_lon = $3 WHERE id = $1', [
      id,
      location.lat,
      location.lon,
    ]);
  }

  static async insert(tx: SqlExecutor, t: Technician): Promise<void> {
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
  }
}
