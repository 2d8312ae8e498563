import { Inject, Injectable } from '@nestjs/common';
import type { Incident } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

interface IncidentRow {
  id: string;
  device_id: string;
  fault: string;
  state: Incident['state'];
  severity: Incident['severity'];
  opened_at: number;
  updated_at: number;
  closed_at: number | null;
  detections: number;
  alarm_ids: string[] | string;
  ticket_id: string | null;
  confidence: number | null;
  summary: string;
}

const toIncident = (r: IncidentRow): Incident => ({
  id: r.id,
  deviceId: r.device_id,
  fault: r.fault,
  state: r.state,
  severity: r.severity,
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
  closedAt: r.closed_at,
  detections: r.detections,
  alarmIds: typeof r.alarm_ids === 'string' ? (JSON.parse(r.alarm_ids) as string[]) : r.alarm_ids,
  ticketId: r.ticket_id,
  confidence: r.confidence,
  summary: r.summary,
});

@Injectable()
export class IncidentsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async open(): Promise<Incident[]> {
    return (await this.db.query<IncidentRow>("SELECT * FROM incidents WHERE state = 'open'")).map(toIncident);
  }

  async list(filter: {
    deviceIds?: string[];
    state?: Incident['state'];
    limit: number;
  }): Promise<Incident[]> {
    const rows = await this.db.query<IncidentRow>(
      `SELECT * FROM incidents
       WHERE ($1::text[] IS NULL OR device_id = ANY($1)) AND ($2::text IS NULL OR state = $2)
       ORDER BY opened_at DESC, id LIMIT $3`,
      [filter.deviceIds ?? null, filter.state ?? null, filter.limit],
    );
    return rows.map(toIncident);
  }

  async upsert(i: Incident): Promise<void> {
    await this.db.query(
      `INSERT INTO incidents (id, device_id, fault, state, severity, opened_at, updated_at, closed_at, detections,
         alarm_ids, ticket_id, confidence, summary)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, severity = EXCLUDED.severity,
         updated_at = EXCLUDED.updated_at, closed_at = EXCLUDED.closed_at, detections = EXCLUDED.detections,
         alarm_ids = EXCLUDED.alarm_ids, ticket_id = EXCLUDED.ticket_id, confidence = EXCLUDED.confidence,
         summary = EXCLUDED.summary`,
      [
        i.id,
        i.deviceId,
        i.fault,
        i.state,
        i.severity,
        i.openedAt,
        i.updatedAt,
        i.closedAt,
        i.detections,
        JSON.stringify(i.alarmIds),
        i.ticketId,
        i.confidence,
        i.summary,
      ],
    );
  }
}
