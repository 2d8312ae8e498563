import { Inject, Injectable } from '@nestjs/common';
import type {
  ApplianceType,
  FirmwareCampaignState,
  FirmwareCampaignTarget,
  FirmwareDeviceState,
  FirmwareHalt,
  FirmwareImage,
  FirmwareThresholds,
  FirmwareWaveState,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface FirmwareKeys {
  privateKeyPem: string;
  publicKeyPem: string;
  tokenSecret: string;
}

/** A wave as stored on its campaign. */
export interface StoredWave {
  fraction: number;
  devices: number;
  state: FirmwareWaveState;
  startedAt?: number;
  soakEndsAt?: number;
}

export interface CampaignRecord {
  id: string;
  name: string;
  imageId: string;
  target: FirmwareCampaignTarget;
  waves: StoredWave[];
  soakMs: number;
  thresholds: FirmwareThresholds;
  autoRollback: boolean;
  state: FirmwareCampaignState;
  halt: FirmwareHalt | null;
  /** When a rollback began (halt with autoRollback, or the `rollback` action). */
  rollbackAt: number | null;
  createdAt: number;
  createdBy: string;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface CampaignDeviceRecord {
  campaignId: string;
  deviceId: string;
  wave: number;
  position: number;
  state: FirmwareDeviceState;
  fromVersion: string | null;
  bytes: number | null;
  error: string | null;
  sentAt: number | null;
  installedAt: number | null;
  rollbackSentAt: number | null;
  updatedAt: number;
}

/** A device's window for counting field signals: [fromMs, toMs). */
export interface SignalWindow {
  deviceId: string;
  fromMs: number;
  toMs: number;
}

export type SignalKind = 'error' | 'anomaly';

interface ImageRow {
  id: string;
  type: ApplianceType;
  version: string;
  models: string[] | string;
  size: number | string;
  sha256: string;
  signature: string;
  notes: string | null;
  uploaded_at: number | string;
  uploaded_by: string;
}

interface CampaignRow {
  id: string;
  name: string;
  image_id: string;
  target: FirmwareCampaignTarget | string;
  waves: StoredWave[] | string;
  soak_ms: number | string;
  thresholds: FirmwareThresholds | string;
  auto_rollback: boolean;
  state: FirmwareCampaignState;
  halt: FirmwareHalt | string | null;
  rollback_at: number | string | null;
  created_at: number | string;
  created_by: string;
  started_at: number | string | null;
  finished_at: number | string | null;
}

interface DeviceRow {
  campaign_id: string;
  device_id: string;
  wave: number;
  position: number;
  state: FirmwareDeviceState;
  from_version: string | null;
  bytes: number | string | null;
  error: string | null;
  sent_at: number | string | null;
  installed_at: number | string | null;
  rollback_sent_at: number | string | null;
  updated_at: number | string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const num = (value: number | string | null): number | null => (value === null ? null : Number(value));

const toImage = (r: ImageRow): FirmwareImage => ({
  id: r.id,
  version: r.version,
  type: r.type,
  models: json(r.models),
  size: Number(r.size),
  sha256: r.sha256,
  signature: r.signature,
  ...(r.notes !== null ? { notes: r.notes } : {}),
  uploadedAt: Number(r.uploaded_at),
  uploadedBy: r.uploaded_by,
});

const toCampaign = (r: CampaignRow): CampaignRecord => ({
  id: r.id,
  name: r.name,
  imageId: r.image_id,
  target: json(r.target),
  waves: json(r.waves),
  soakMs: Number(r.soak_ms),
  thresholds: json(r.thresholds),
  autoRollback: r.auto_rollback,
  state: r.state,
  halt: r.halt === null ? null : json(r.halt),
  rollbackAt: num(r.rollback_at),
  createdAt: Number(r.created_at),
  createdBy: r.created_by,
  startedAt: num(r.started_at),
  finishedAt: num(r.finished_at),
});

const toDevice = (r: DeviceRow): CampaignDeviceRecord => ({
  campaignId: r.campaign_id,
  deviceId: r.device_id,
  wave: r.wave,
  position: r.position,
  state: r.state,
  fromVersion: r.from_version,
  bytes: num(r.bytes),
  error: r.error,
  sentAt: num(r.sent_at),
  installedAt: num(r.installed_at),
  rollbackSentAt: num(r.rollback_sent_at),
  updatedAt: Number(r.updated_at),
});

const IMAGE_COLUMNS = 'id, type, version, models, size, sha256, signature, notes, uploaded_at, uploaded_by';

/** Firmware images, the signing key, campaigns, their targeted devices and the devices' field signals. */
@Injectable()
export class FirmwareRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  // ---- signing key ------------------------------------------------------------------------

  /** Stores the keys unless another instance stored some first; answers the ones that count. */
  async keys(created: () => FirmwareKeys, atMs: number): Promise<FirmwareKeys> {
    const read = async () =>
      (
        await this.db.query<{ private_key_pem: string; public_key_pem: string; token_secret: string }>(
          "SELECT private_key_pem, public_key_pem, token_secret FROM firmware_keys WHERE id = 'current'",
        )
      )[0];
    let row = await read();
    if (!row) {
      const keys = created();
      await this.db.query(
        `INSERT INTO firmware_keys (id, private_key_pem, public_key_pem, token_secret, created_at)
         VALUES ('current', $1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
        [keys.privateKeyPem, keys.publicKeyPem, keys.tokenSecret, atMs],
      );
      row = await read();
    }
    return {
      privateKeyPem: row.private_key_pem,
      publicKeyPem: row.public_key_pem,
      tokenSecret: row.token_secret,
    };
  }

  // ---- images -----------------------------------------------------------------------------

  /** False when an image of the same type and version exists already. */
  async insertImage(image: FirmwareImage, content: Buffer): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO firmware_images (${IMAGE_COLUMNS}, content)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (type, version) DO NOTHING RETURNING id`,
      [
        image.id,
        image.type,
        image.version,
        JSON.stringify(image.models),
        image.size,
        image.sha256,
        image.signature,
        image.notes ?? null,
        image.uploadedAt,
        image.uploadedBy,
        content,
      ],
    );
    return rows.length > 0;
  }

  async image(id: string): Promise<FirmwareImage | undefined> {
    const rows = await this.db.query<ImageRow>(`SELECT ${IMAGE_COLUMNS} FROM firmware_images WHERE id = $1`, [
      id,
    ]);
    return rows[0] && toImage(rows[0]);
  }

  async imageByVersion(type: ApplianceType, version: string): Promise<FirmwareImage | undefined> {
    const rows = await this.db.query<ImageRow>(
      `SELECT ${IMAGE_COLUMNS} FROM firmware_images WHERE type = $1 AND version = $2`,
      [type, version],
    );
    return rows[0] && toImage(rows[0]);
  }

  /** Newest first. */
  async images(): Promise<FirmwareImage[]> {
    const rows = await this.db.query<ImageRow>(
      `SELECT ${IMAGE_COLUMNS} FROM firmware_images ORDER BY uploaded_at DESC, id`,
    );
    return rows.map(toImage);
  }

  /** `length` bytes of the image from byte `offset` (0-based). */
  async imageSlice(id: string, offset: number, length: number): Promise<Buffer | undefined> {
    const rows = await this.db.query<{ part: Uint8Array }>(
      'SELECT substring(content FROM $2::int FOR $3::int) AS part FROM firmware_images WHERE id = $1',
      [id, offset + 1, length],
    );
    return rows[0] && Buffer.from(rows[0].part);
  }

  // ---- campaigns --------------------------------------------------------------------------

  async insertCampaign(campaign: CampaignRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO firmware_campaigns (id, name, image_id, target, waves, soak_ms, thresholds, auto_rollback,
         state, halt, rollback_at, created_at, created_by, started_at, finished_at)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::jsonb, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)`,
      [
        campaign.id,
        campaign.name,
        campaign.imageId,
        JSON.stringify(campaign.target),
        JSON.stringify(campaign.waves),
        campaign.soakMs,
        JSON.stringify(campaign.thresholds),
        campaign.autoRollback,
        campaign.state,
        campaign.halt === null ? null : JSON.stringify(campaign.halt),
        campaign.rollbackAt,
        campaign.createdAt,
        campaign.createdBy,
        campaign.startedAt,
        campaign.finishedAt,
      ],
    );
  }

  /** Saves what changes over a campaign's life. */
  async saveCampaign(campaign: CampaignRecord): Promise<void> {
    await this.db.query(
      `UPDATE firmware_campaigns SET waves = $2::jsonb, state = $3, halt = $4::jsonb, rollback_at = $5,
         started_at = $6, finished_at = $7
       WHERE id = $1`,
      [
        campaign.id,
        JSON.stringify(campaign.waves),
        campaign.state,
        campaign.halt === null ? null : JSON.stringify(campaign.halt),
        campaign.rollbackAt,
        campaign.startedAt,
        campaign.finishedAt,
      ],
    );
  }

  async campaign(id: string): Promise<CampaignRecord | undefined> {
    const rows = await this.db.query<CampaignRow>('SELECT * FROM firmware_campaigns WHERE id = $1', [id]);
    return rows[0] && toCampaign(rows[0]);
  }

  /** Newest first. */
  async campaigns(): Promise<CampaignRecord[]> {
    const rows = await this.db.query<CampaignRow>(
      'SELECT * FROM firmware_campaigns ORDER BY created_at DESC, id',
    );
    return rows.map(toCampaign);
  }

  /** Devices of the campaigns in these states (whose field signals are being watched). */
  async devicesOfCampaignsIn(states: readonly FirmwareCampaignState[]): Promise<string[]> {
    const rows = await this.db.query<{ device_id: string }>(
      `SELECT DISTINCT d.device_id FROM firmware_campaign_devices d
       JOIN firmware_campaigns c ON c.id = d.campaign_id WHERE c.state = ANY($1::text[])`,
      [states],
    );
    return rows.map((r) => r.device_id);
  }

  // ---- targeted devices -------------------------------------------------------------------

  async insertDevices(devices: CampaignDeviceRecord[]): Promise<void> {
    if (devices.length === 0) return;
    await this.db.query(
      `INSERT INTO firmware_campaign_devices (campaign_id, device_id, wave, position, state, from_version, updated_at)
       SELECT $1, d.device_id, d.wave, d.position, 'pending', d.from_version, $2
       FROM unnest($3::text[], $4::int[], $5::int[], $6::text[]) AS d(device_id, wave, position, from_version)`,
      [
        devices[0].campaignId,
        devices[0].updatedAt,
        devices.map((d) => d.deviceId),
        devices.map((d) => d.wave),
        devices.map((d) => d.position),
        devices.map((d) => d.fromVersion),
      ],
    );
  }

  async saveDevice(device: CampaignDeviceRecord): Promise<void> {
    await this.db.query(
      `UPDATE firmware_campaign_devices SET state = $3, bytes = $4, error = $5, sent_at = $6, installed_at = $7,
         rollback_sent_at = $8, updated_at = $9
       WHERE campaign_id = $1 AND device_id = $2`,
      [
        device.campaignId,
        device.deviceId,
        device.state,
        device.bytes,
        device.error,
        device.sentAt,
        device.installedAt,
        device.rollbackSentAt,
        device.updatedAt,
      ],
    );
  }

  async device(campaignId: string, deviceId: string): Promise<CampaignDeviceRecord | undefined> {
    const rows = await this.db.query<DeviceRow>(
      'SELECT * FROM firmware_campaign_devices WHERE campaign_id = $1 AND device_id = $2',
      [campaignId, deviceId],
    );
    return rows[0] && toDevice(rows[0]);
  }

  /** The campaign's devices, in wave order, optionally of some waves and states only. */
  async devices(
    campaignId: string,
    filter: {
      waves?: number[];
      states?: readonly FirmwareDeviceState[];
      offset?: number;
      limit?: number;
    } = {},
  ): Promise<CampaignDeviceRecord[]> {
    const rows = await this.db.query<DeviceRow>(
      `SELECT * FROM firmware_campaign_devices
       WHERE campaign_id = $1 AND ($2::int[] IS NULL OR wave = ANY($2)) AND ($3::text[] IS NULL OR state = ANY($3))
       ORDER BY wave, position OFFSET $4 LIMIT $5`,
      [campaignId, filter.waves ?? null, filter.states ?? null, filter.offset ?? 0, filter.limit ?? null],
    );
    return rows.map(toDevice);
  }

  async countDevices(
    campaignId: string,
    filter: { waves?: number[]; states?: readonly FirmwareDeviceState[] } = {},
  ): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM firmware_campaign_devices
       WHERE campaign_id = $1 AND ($2::int[] IS NULL OR wave = ANY($2)) AND ($3::text[] IS NULL OR state = ANY($3))`,
      [campaignId, filter.waves ?? null, filter.states ?? null],
    );
    return rows[0]?.n ?? 0;
  }

  /** Per campaign, wave and device state: how many devices. */
  async stateCounts(
    campaignIds: string[],
  ): Promise<Array<{ campaignId: string; wave: number; state: FirmwareDeviceState; n: number }>> {
    if (campaignIds.length === 0) return [];
    const rows = await this.db.query<{
      campaign_id: string;
      wave: number;
      state: FirmwareDeviceState;
      n: number;
    }>(
      `SELECT campaign_id, wave, state, count(*)::int AS n FROM firmware_campaign_devices
       WHERE campaign_id = ANY($1::text[]) GROUP BY campaign_id, wave, state`,
      [campaignIds],
    );
    return rows.map((r) => ({ campaignId: r.campaign_id, wave: r.wave, state: r.state, n: r.n }));
  }

  /** Where the device is targeted by a campaign in one of these states. */
  async entriesOfDevice(
    deviceId: string,
    campaignStates: readonly FirmwareCampaignState[],
  ): Promise<CampaignDeviceRecord[]> {
    const rows = await this.db.query<DeviceRow>(
      `SELECT d.* FROM firmware_campaign_devices d JOIN firmware_campaigns c ON c.id = d.campaign_id
       WHERE d.device_id = $1 AND c.state = ANY($2::text[])`,
      [deviceId, campaignStates],
    );
    return rows.map(toDevice);
  }

  // ---- field signals ----------------------------------------------------------------------

  async insertSignals(signals: Array<{ deviceId: string; kind: SignalKind; at: number }>): Promise<void> {
    if (signals.length === 0) return;
    await this.db.query(
      `INSERT INTO firmware_signals (device_id, kind, at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])`,
      [signals.map((s) => s.deviceId), signals.map((s) => s.kind), signals.map((s) => s.at)],
    );
  }

  /** Error-code events and anomaly alarms per device within its window. */
  async countSignals(windows: SignalWindow[]): Promise<Map<string, { errors: number; anomalies: number }>> {
    const counts = new Map<string, { errors: number; anomalies: number }>();
    if (windows.length === 0) return counts;
    const rows = await this.db.query<{ device_id: string; errors: number; anomalies: number }>(
      `SELECT w.device_id,
         count(s.at) FILTER (WHERE s.kind = 'error')::int AS errors,
         count(s.at) FILTER (WHERE s.kind = 'anomaly')::int AS anomalies
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS w(device_id, from_ms, to_ms)
       LEFT JOIN firmware_signals s ON s.device_id = w.device_id AND s.at >= w.from_ms AND s.at < w.to_ms
       GROUP BY w.device_id`,
      [windows.map((w) => w.deviceId), windows.map((w) => w.fromMs), windows.map((w) => w.toMs)],
    );
    for (const r of rows) counts.set(r.device_id, { errors: r.errors, anomalies: r.anomalies });
    return counts;
  }
}
