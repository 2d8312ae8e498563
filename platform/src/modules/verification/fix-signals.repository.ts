import { Inject, Injectable } from '@nestjs/common';
import { parseAlarmCause } from '../../../../contracts/src';
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

export function signalOf(causeText: string, ts: number): DeviceSignal {
  const cause = parseAlarmCause(causeText);
  switch (cause?.kind) {
    case 'threshold':
      return { ts, kind: 'alarm', metric: cause.metric };
    case 'code':
      return { ts, kind: 'error_code', code: cause.code };
    case 'prediction':
      return { ts, kind: 'alarm', faultMode: cause.faultMode };
    case 'anomaly':
    case 'no_data':
    case undefined:
      return { ts, kind: 'anomaly' };
  }
}
