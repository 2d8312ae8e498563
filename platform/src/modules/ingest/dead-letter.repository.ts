import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface DeadLetter {
  receivedAt: number;
  deviceId: string | null;
  topic: string;
  reason: string;
  detail: string | null;
  payload: string;
  payloadBytes: number;
}

export interface StoredDeadLetter extends DeadLetter {
  id: number;
}

interface DeadLetterRow {
  id: number;
  received_at: number;
  device_id: string | null;
  topic: string;
  reason: string;
  detail: string | null;
  payload: string;
  payload_bytes: number;
}

@Injectable()
export class DeadLetterRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async insertMany(letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.db.query(
      `INSERT INTO dead_letters (received_at, device_id, topic, reason, detail, payload, payload_bytes)
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS t(received_at bigint, device_id text, topic text, reason text, detail text, payload text, payload_bytes integer)`,
      [
        JSON.stringify(
          letters.map((l) => ({
            received_at: l.receivedAt,
            device_id: l.deviceId,
            topic: l.topic,
            reason: l.reason,
            detail: l.detail,
            payload: l.payload,
            payload_bytes: l.payloadBytes,
          })),
        ),
      ],
    );
  }

  async list(filter: { deviceId?: string; reason?: string; limit: number }): Promise<StoredDeadLetter[]> {
    const rows = await this.db.query<DeadLetterRow>(
      `SELECT * FROM dead_letters
       WHERE ($1::text IS NULL OR device_id = $1) AND ($2::text IS NULL OR reason = $2)
       ORDER BY id DESC LIMIT $3`,
      [filter.deviceId ?? null, filter.reason ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      receivedAt: r.received_at,
      deviceId: r.device_id,
      topic: r.topic,
      reason: r.reason,
      detail: r.detail,
      payload: r.payload,
      payloadBytes: r.payload_bytes,
    }));
  }
}
