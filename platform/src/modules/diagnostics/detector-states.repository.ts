import { Inject, Injectable } from '@nestjs/common';
import type { SavedDetectorState } from '../../../../models/src/detector/online-detector';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** Scale-out: a device's online-detector state, as the instance it last left saved it. */
@Injectable()
export class DetectorStatesRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  save(deviceId: string, state: SavedDetectorState, savedAtMs: number): Promise<void> {
    return this.saveJson(deviceId, JSON.stringify(state), savedAtMs);
  }

  /** `stateJson`: an SavedDetectorState as JSON (a checkpoint's, made in the detection thread). */
  async saveJson(deviceId: string, stateJson: string, savedAtMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO detector_states (device_id, state, saved_at) VALUES ($1, $2, $3)
       ON CONFLICT (device_id) DO UPDATE SET state = EXCLUDED.state, saved_at = EXCLUDED.saved_at`,
      [deviceId, stateJson, savedAtMs],
    );
  }

  async find(deviceId: string): Promise<{ state: SavedDetectorState; savedAtMs: number } | undefined> {
    const rows = await this.db.query<{ state: SavedDetectorState | string; saved_at: string | number }>(
      'SELECT state, saved_at FROM detector_states WHERE device_id = $1',
      [deviceId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const state = typeof row.state === 'string' ? (JSON.parse(row.state) as SavedDetectorState) : row.state;
    return { state, savedAtMs: Number(row.saved_at) };
  }
}
