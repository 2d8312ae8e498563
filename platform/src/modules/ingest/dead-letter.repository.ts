import { isUtf8 } from 'node:buffer';
import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** A rejected payload, as ingest hands it over. */
export interface DeadLetter {
  receivedAt: number;
  deviceId: string | null;
  topic: string;
  reason: string;
  detail: string | null;
  /** The bytes received, or the first of them when there were too many to keep. */
  payload: Buffer;
  /** How many bytes were received. */
  payloadBytes: number;
}

/** A dead letter as stored and listed: `payload` is text, see `storablePayload`. */
export interface StoredDeadLetter extends Omit<DeadLetter, 'payload'> {
  id: number;
  payload: string;
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

export const BASE64_PAYLOAD_PREFIX = 'base64:';

/**
 * Dead letters are what devices sent that we refused, so anything may be in them, and each one
 * must still be stored: PostgreSQL text holds no NUL and no bytes that are not UTF-8, and jsonb
 * (the insert goes through `jsonb_to_recordset`) refuses `\u0000` and half a surrogate pair;
 * one such row would fail its whole batch. The payload is kept as the text it is when it is
 * UTF-8 without NUL (nearly always: readable as sent), else as `base64:` and its exact bytes,
 * since an engineer may need them to reproduce a firmware fault. A payload that itself begins
 * with `base64:` is encoded too, so the prefix never misleads.
 */
export function storablePayload(payload: Buffer): string {
  if (isUtf8(payload) && !payload.includes(0)) {
    const text = payload.toString('utf8');
    if (!text.startsWith(BASE64_PAYLOAD_PREFIX)) return text;
  }
  return BASE64_PAYLOAD_PREFIX + payload.toString('base64');
}

const HALF_SURROGATE_PAIR = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NUL = String.fromCharCode(0);

/**
 * Text we compose from what a device sent (the detail names its metric, quotes its JSON), or
 * its topic and id: NUL and half surrogate pairs become visible `\u0000`-style escapes. Such
 * text is read, not replayed; the exact bytes are in the payload.
 */
export function storableText(text: string): string {
  return text
    .replaceAll(NUL, '\\u0000')
    .replace(HALF_SURROGATE_PAIR, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Whether PostgreSQL refused a statement for what a row holds (SQLSTATE class 22, data
 * exception, or 23, integrity constraint): sending that row again cannot succeed, while the
 * database still takes others. Anything else (no connection, shutting down) may pass.
 */
export function refusedForItsData(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
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
            device_id: l.deviceId === null ? null : storableText(l.deviceId),
            topic: storableText(l.topic),
            reason: l.reason,
            detail: l.detail === null ? null : storableText(l.detail),
            payload: storablePayload(l.payload),
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
