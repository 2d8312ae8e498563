import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { DeviceSignal } from './fix-verification';

/**
 * Reads (never writes) the alarms table: what the device showed after a repair. Silence
 * (`no_data`) is not a symptom; the verifier checks telemetry coverage itself.
 */
@Injectable()
export class FixSignalsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async since(deviceId: string, fromMs: number): Promise<DeviceSignal[]> {
    const rows = await this.db.query<{ cause: string; raised_at: number }>(
      `SELECT cause, raised_at FROM alarms WHERE device_id = $1 AND raised_at > $2 AND cause <> 'no_data'
       ORDER BY raised_at`,
      [deviceId, fromMs],
    );
    return rows.map((r) => signalOf(r.cause, Number(r.raised_at)));
  }
}

export function signalOf(cause: string, ts: number): DeviceSignal {
  const at = cause.indexOf(':');
  const kind = at < 0 ? cause : cause.slice(0, at);
  const subject = at < 0 ? '' : cause.slice(at + 1);
  switch (kind) {
    case 'threshold':
      return { ts, kind: 'alarm', metric: subject };
    case 'code':
      return { ts, kind: 'error_code', code: subject };
    case 'prediction':
      return { ts, kind: 'alarm', faultMode: subject };
    default:
      return { ts, kind: 'anomaly' };
  }
}
