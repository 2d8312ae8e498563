import { Inject, Injectable } from '@nestjs/common';
import type { ApplianceType } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { TwinReadings } from './twin-readings';

/**
 * Twins a statement saves at most. The embedded database's WebAssembly memory grows to its
 * largest statement's needs and never gives them back: one statement of 10,000 twins (a fleet
 * after a burst) grew it by 83 MB for good, statements of 1,000 by nothing (and ran faster).
 */
export const TWINS_PER_STATEMENT = 500;

export interface DeviceRecord {
  id: string;
  type: ApplianceType;
  serial: string | null;
  customerId: string | null;
  region: string | null;
  secretHash: string;
  fw: string | null;
  online: boolean;
  lastSeen: number | null;
  /** The latest reading of each metric (saved as a record of `{ ts, value }`). */
  latest: TwinReadings;
  createdAt: number;
  model: string | null;
  installedAt: number | null;
  warrantyUntil: number | null;
}

interface DeviceRow {
  id: string;
  type: ApplianceType;
  serial: string | null;
  customer_id: string | null;
  region: string | null;
  secret_hash: string;
  fw: string | null;
  online: boolean;
  last_seen: number | null;
  latest: Record<string, { ts: number; value: number }> | string;
  created_at: number;
  model: string | null;
  installed_at: number | null;
  warranty_until: number | null;
}

const num = (v: number | null) => (v === null ? null : Number(v));

const toRecord = (row: DeviceRow): DeviceRecord => ({
  id: row.id,
  type: row.type,
  serial: row.serial,
  customerId: row.customer_id,
  region: row.region,
  secretHash: row.secret_hash,
  fw: row.fw,
  online: row.online,
  lastSeen: row.last_seen,
  latest: TwinReadings.from(typeof row.latest === 'string' ? JSON.parse(row.latest) : row.latest),
  createdAt: row.created_at,
  model: row.model,
  installedAt: num(row.installed_at),
  warrantyUntil: num(row.warranty_until),
});

@Injectable()
export class DevicesRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async all(): Promise<DeviceRecord[]> {
    return (await this.db.query<DeviceRow>('SELECT * FROM devices ORDER BY created_at, id')).map(toRecord);
  }

  async find(id: string): Promise<DeviceRecord | undefined> {
    const rows = await this.db.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async insert(device: DeviceRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO devices (id, type, serial, customer_id, region, secret_hash, fw, online, last_seen, latest, created_at,
         model, installed_at, warranty_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        device.id,
        device.type,
        device.serial,
        device.customerId,
        device.region,
        device.secretHash,
        device.fw,
        device.online,
        device.lastSeen,
        JSON.stringify(device.latest),
        device.createdAt,
        device.model,
        device.installedAt,
        device.warrantyUntil,
      ],
    );
  }

  /**
   * Saves the twin (presence, firmware, latest readings) of many devices, TWINS_PER_STATEMENT to a
   * statement, one after another.
   */
  async saveTwins(devices: DeviceRecord[]): Promise<void> {
    for (let at = 0; at < devices.length; at += TWINS_PER_STATEMENT) {
      await this.db.query(
        `UPDATE devices AS d SET online = t.online, fw = t.fw, last_seen = t.last_seen, latest = t.latest
         FROM jsonb_to_recordset($1::jsonb) AS t(id text, online boolean, fw text, last_seen bigint, latest jsonb)
         WHERE d.id = t.id`,
        [
          JSON.stringify(
            devices.slice(at, at + TWINS_PER_STATEMENT).map((d) => ({
              id: d.id,
              online: d.online,
              fw: d.fw,
              last_seen: d.lastSeen,
              latest: d.latest,
            })),
          ),
        ],
      );
    }
  }
}
