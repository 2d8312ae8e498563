import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface PredictionAlarmRow {
  deviceId: string;
  cause: string;
  raisedAt: number;
  details: Record<string, unknown>;
}

export interface ResolvedTicketRow {
  deviceId: string;
  resolvedAt: number;
  rootCause: string;
  partSkus: string[];
}

interface AlarmRow {
  device_id: string;
  cause: string;
  raised_at: number | string;
  details: Record<string, unknown> | string;
}

interface TicketRow {
  device_id: string;
  resolved_at: number | string;
  resolution: { rootCause?: unknown; partsUsed?: Array<{ sku?: unknown }> } | string | null;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** Reads the prediction alarms and the repairs after them; no rules. */
@Injectable()
export class PredictionOutcomesRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** `prediction:*` alarms first raised in [from, to). */
  async predictionAlarms(fromMs: number, toMs: number): Promise<PredictionAlarmRow[]> {
    const rows = await this.db.query<AlarmRow>(
      `SELECT device_id, cause, raised_at, details FROM alarms
       WHERE cause LIKE 'prediction:%' AND raised_at >= $1 AND raised_at < $2
       ORDER BY raised_at, id`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({
      deviceId: r.device_id,
      cause: r.cause,
      raisedAt: Number(r.raised_at),
      details: json(r.details),
    }));
  }

  /** Tickets of these devices resolved at or after `fromMs`, with what the technician recorded. */
  async repairs(deviceIds: readonly string[], fromMs: number): Promise<ResolvedTicketRow[]> {
    if (deviceIds.length === 0) return [];
    const rows = await this.db.query<TicketRow>(
      `SELECT device_id, resolved_at, resolution FROM tickets
       WHERE device_id = ANY($1) AND resolved_at IS NOT NULL AND resolved_at >= $2 AND resolution IS NOT NULL`,
      [deviceIds, fromMs],
    );
    return rows.map((r) => {
      const resolution = r.resolution === null ? null : json(r.resolution);
      return {
        deviceId: r.device_id,
        resolvedAt: Number(r.resolved_at),
        rootCause: typeof resolution?.rootCause === 'string' ? resolution.rootCause : '',
        partSkus: (resolution?.partsUsed ?? []).flatMap((p) => (typeof p.sku === 'string' ? [p.sku] : [])),
      };
    });
  }
}
