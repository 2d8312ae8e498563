import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { CaMaterial } from './platform-ca';

export interface DeviceCertificateRecord {
  serial: string;
  deviceId: string;
  fingerprint256: string;
  issuedAt: number;
  notAfter: number;
  revokedAt: number | null;
}

interface CertificateRow {
  serial: string;
  device_id: string;
  fingerprint256: string;
  issued_at: number | string;
  not_after: number | string;
  revoked_at: number | string | null;
}

/** A device's secret as the database holds it, with the previous one while its grace lasts. */
export interface DeviceSecretState {
  secretHash: string;
  previousSecretHash: string | null;
  previousValidUntil: number | null;
}

const toCertificate = (row: CertificateRow): DeviceCertificateRecord => ({
  serial: row.serial,
  deviceId: row.device_id,
  fingerprint256: row.fingerprint256,
  issuedAt: Number(row.issued_at),
  notAfter: Number(row.not_after),
  revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
});

/** The one CA of an installation: every instance sharing the database uses the same row. */
const CA_ID = 'device-ca';

@Injectable()
export class DeviceCredentialsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async findCa(): Promise<CaMaterial | undefined> {
    const rows = await this.db.query<{ certificate_pem: string; private_key_pem: string }>(
      'SELECT certificate_pem, private_key_pem FROM platform_ca WHERE id = $1',
      [CA_ID],
    );
    return rows[0] && { certificatePem: rows[0].certificate_pem, privateKeyPem: rows[0].private_key_pem };
  }

  /** Keeps the first CA written: an instance that lost the race reads the winner's with `findCa`. */
  async insertCaIfAbsent(material: CaMaterial, createdAt: number): Promise<void> {
    await this.db.query(
      `INSERT INTO platform_ca (id, certificate_pem, private_key_pem, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO NOTHING`,
      [CA_ID, material.certificatePem, material.privateKeyPem, createdAt],
    );
  }

  async insertCertificate(record: DeviceCertificateRecord): Promise<void> {
    await this.db.query(
      `INSERT INTO device_certificates (serial, device_id, fingerprint256, issued_at, not_after, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        record.serial,
        record.deviceId,
        record.fingerprint256,
        record.issuedAt,
        record.notAfter,
        record.revokedAt,
      ],
    );
  }

  async findCertificate(serial: string): Promise<DeviceCertificateRecord | undefined> {
    const rows = await this.db.query<CertificateRow>('SELECT * FROM device_certificates WHERE serial = $1', [
      serial,
    ]);
    return rows[0] && toCertificate(rows[0]);
  }

  async certificatesOf(deviceId: string): Promise<DeviceCertificateRecord[]> {
    const rows = await this.db.query<CertificateRow>(
      'SELECT * FROM device_certificates WHERE device_id = $1 ORDER BY issued_at DESC, serial',
      [deviceId],
    );
    return rows.map(toCertificate);
  }

  /** Sets `revoked_at` once; a second revoke keeps the first time. Answers the stored record. */
  async revoke(serial: string, atMs: number): Promise<DeviceCertificateRecord | undefined> {
    const rows = await this.db.query<CertificateRow>(
      `UPDATE device_certificates SET revoked_at = COALESCE(revoked_at, $2) WHERE serial = $1 RETURNING *`,
      [serial, atMs],
    );
    return rows[0] && toCertificate(rows[0]);
  }

  async secretState(deviceId: string): Promise<DeviceSecretState | undefined> {
    const rows = await this.db.query<{
      secret_hash: string;
      previous_secret_hash: string | null;
      previous_secret_valid_until: number | string | null;
    }>('SELECT secret_hash, previous_secret_hash, previous_secret_valid_until FROM devices WHERE id = $1', [
      deviceId,
    ]);
    const row = rows[0];
    return (
      row && {
        secretHash: row.secret_hash,
        previousSecretHash: row.previous_secret_hash,
        previousValidUntil:
          row.previous_secret_valid_until === null ? null : Number(row.previous_secret_valid_until),
      }
    );
  }

  /** The new secret replaces the current one, which stays valid until `previousValidUntil`. */
  async rotateSecret(deviceId: string, newSecretHash: string, previousValidUntil: number): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE devices SET previous_secret_hash = secret_hash, previous_secret_valid_until = $3, secret_hash = $2
       WHERE id = $1 RETURNING id`,
      [deviceId, newSecretHash, previousValidUntil],
    );
    return rows.length === 1;
  }

  /** The device used its new secret: the previous one stops at once (only if it is still that secret). */
  async endGrace(deviceId: string, currentSecretHash: string): Promise<void> {
    await this.db.query(
      `UPDATE devices SET previous_secret_hash = NULL, previous_secret_valid_until = NULL
       WHERE id = $1 AND secret_hash = $2 AND previous_secret_hash IS NOT NULL`,
      [deviceId, currentSecretHash],
    );
  }
}
