import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_SECRET_GRACE_MS,
  type CommandMessage,
  type CreateDeviceRequest,
  type CreatedDevice,
  type DeviceCertificateView,
  type IssueCertificateRequest,
  type IssuedCertificate,
  type RotateSecretRequest,
  type RotatedSecret,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { DeviceCredentialsRepository, type DeviceCertificateRecord } from './device-credentials.repository';
import { deviceCredentialsError } from './device-credentials.errors';
import { deviceSecretMatches, hashDeviceSecret, newDeviceSecret } from './device-secret';
import { DevicesService } from './devices.service';
import {
  createCa,
  CsrError,
  issueDeviceCertificate,
  issueServerCertificate,
  loadCa,
  normalizeSerial,
  type LoadedCa,
} from './platform-ca';

/** What this feature needs from the MQTT broker; set by the composition root once it runs. */
export interface CredentialsBroker {
  publishCommand(deviceId: string, command: CommandMessage): Promise<void>;
  /**
   * Closes the device's connections (only those authenticated with this certificate when given)
   * on every broker instance.
   */
  disconnectDevice(deviceId: string, match?: { certificateSerial?: string }): Promise<void>;
}

/** A client certificate a device presented on MQTTS, already verified against the CA by TLS. */
export interface PresentedCertificate {
  serialNumber: string;
}

/**
 * Device credentials: the platform's own CA (created at first use and kept in the database, so
 * every instance shares it), certificates issued to devices and their revocation, the
 * broker's check of a device's secret or certificate at each connect, and secret rotation
 * with a grace period.
 *
 * The connect checks read the database every time: a revoke or a rotation made on another
 * instance counts at the next connect.
 */
@Injectable()
export class DeviceCredentialsService {
  private ca?: Promise<LoadedCa>;
  private broker?: CredentialsBroker;

  constructor(
    private readonly devices: DevicesService,
    private readonly repository: DeviceCredentialsRepository,
    private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  useBroker(broker: CredentialsBroker): void {
    this.broker = broker;
  }

  async caCertificatePem(): Promise<string> {
    return (await this.loadCa()).certificatePem;
  }

  /** `POST /api/devices`: the device, plus a certificate when `credential` is `certificate`. */
  async provision(request: CreateDeviceRequest): Promise<CreatedDevice> {
    const { credential, ...device } = request;
    if (credential === 'certificate') await this.loadCa();
    const created = await this.devices.provision(device);
    if (credential !== 'certificate') return created;
    const issued = await this.issue(created.id);
    return {
      ...created,
      certificate: issued.certificate,
      privateKey: issued.privateKey,
      caCertificate: issued.caCertificate,
    };
  }

  async issueFor(
    deviceId: string,
    request: IssueCertificateRequest,
    principal: Principal,
  ): Promise<IssuedCertificate> {
    this.devices.requireVisible(deviceId, principal);
    const issued = await this.issue(deviceId, request.csr);
    this.logger.info({ deviceId, serial: issued.serial, by: principal.userId }, 'device certificate issued');
    return issued;
  }

  async list(deviceId: string, principal: Principal): Promise<DeviceCertificateView[]> {
    this.devices.requireVisible(deviceId, principal);
    return (await this.repository.certificatesOf(deviceId)).map((record) => this.toView(record));
  }

  /** Refuses the certificate from now on, and drops the device's live session that used it. */
  async revoke(deviceId: string, serial: string, principal: Principal): Promise<DeviceCertificateView> {
    this.devices.requireVisible(deviceId, principal);
    const normalized = normalizeSerial(serial);
    const existing = normalized ? await this.repository.findCertificate(normalized) : undefined;
    if (!existing || existing.deviceId !== deviceId) {
      throw deviceCredentialsError(
        'device.certificate_not_found',
        `No certificate "${serial}" was issued to device "${deviceId}"`,
        { deviceId, serial },
      );
    }
    const revoked = (await this.repository.revoke(normalized, this.clock.now())) ?? existing;
    this.logger.info({ deviceId, serial: normalized, by: principal.userId }, 'device certificate revoked');
    try {
      await this.broker?.disconnectDevice(deviceId, { certificateSerial: normalized });
    } catch (error) {
      // Revoked all the same: the next connect is refused.
      this.logger.warn({ deviceId, err: error }, 'closing the revoked certificate sessions failed');
    }
    return this.toView(revoked);
  }

  /**
   * A new secret; the old one keeps working for `graceMs` or until the device first connects
   * with the new one. A connected device gets the new secret as command `set_secret`.
   */
  async rotateSecret(
    deviceId: string,
    request: RotateSecretRequest,
    principal: Principal,
  ): Promise<RotatedSecret> {
    const device = this.devices.requireVisible(deviceId, principal);
    const secret = newDeviceSecret();
    const secretHash = hashDeviceSecret(secret);
    const previousValidUntil = this.clock.now() + (request.graceMs ?? DEFAULT_SECRET_GRACE_MS);
    await this.repository.rotateSecret(deviceId, secretHash, previousValidUntil);
    // The registry's cached copy, for code that reads it; connects are checked against the database.
    device.secretHash = secretHash;
    let sentToDevice = false;
    if (device.online && this.broker) {
      try {
        await this.broker.publishCommand(deviceId, {
          id: randomUUID(),
          name: 'set_secret',
          args: { secret },
        });
        sentToDevice = true;
      } catch (error) {
        this.logger.warn(
          { deviceId, err: error },
          'sending set_secret failed; the caller hands the secret over',
        );
      }
    }
    this.logger.info(
      { deviceId, by: principal.userId, previousValidUntil, sentToDevice },
      'device secret rotated',
    );
    return { secret, previousValidUntil, sentToDevice };
  }

  /** The broker's secret check (MQTT password). */
  async authenticate(deviceId: string, secret: string): Promise<boolean> {
    const state = await this.repository.secretState(deviceId);
    if (!state) return false;
    if (deviceSecretMatches(secret, state.secretHash)) {
      // The device has the new secret: the old one stops now.
      if (state.previousSecretHash !== null) await this.repository.endGrace(deviceId, state.secretHash);
      return this.known(deviceId);
    }
    return (
      state.previousSecretHash !== null &&
      state.previousValidUntil !== null &&
      this.clock.now() < state.previousValidUntil &&
      deviceSecretMatches(secret, state.previousSecretHash) &&
      (await this.known(deviceId))
    );
  }

  /**
   * Scale-out: a device provisioned on another instance joins this one's registry as it logs in,
   * and one that was reporting to another instance brings its twin along (DevicesService.adopt).
   */
  private async known(deviceId: string): Promise<boolean> {
    return (await this.devices.adopt(deviceId)) !== undefined;
  }

  /**
   * The broker's certificate check, after TLS verified the chain to the platform CA and the
   * broker matched the CN to the username: issued to this device, not revoked, not expired.
   */
  async authenticateCertificate(deviceId: string, certificate: PresentedCertificate): Promise<boolean> {
    const serial = normalizeSerial(certificate.serialNumber);
    const record = serial ? await this.repository.findCertificate(serial) : undefined;
    return (
      record !== undefined &&
      record.deviceId === deviceId &&
      record.revokedAt === null &&
      this.clock.now() < record.notAfter &&
      (await this.known(deviceId))
    );
  }

  /** A server certificate from the platform CA for the TLS listeners (when none is configured). */
  async serverCredentials(hostnames: readonly string[]): Promise<{ cert: string; key: string; ca: string }> {
    const ca = await this.loadCa();
    const issued = await issueServerCertificate(ca, hostnames, this.clock.now());
    return { cert: issued.certificatePem, key: issued.privateKeyPem, ca: ca.certificatePem };
  }

  private async issue(deviceId: string, csrPem?: string): Promise<IssuedCertificate> {
    const ca = await this.loadCa();
    const now = this.clock.now();
    let issued;
    try {
      issued = await issueDeviceCertificate(ca, deviceId, now, csrPem);
    } catch (error) {
      if (!(error instanceof CsrError)) throw error;
      throw deviceCredentialsError(
        error.reason === 'subject_mismatch' ? 'device.csr_subject_mismatch' : 'device.csr_invalid',
        `csr: ${error.message}`,
        { field: 'csr', deviceId },
      );
    }
    await this.repository.insertCertificate({
      serial: issued.serial,
      deviceId,
      fingerprint256: issued.fingerprint256,
      issuedAt: now,
      notAfter: issued.notAfter,
      revokedAt: null,
    });
    return {
      serial: issued.serial,
      deviceId,
      certificate: issued.certificatePem,
      privateKey: issued.privateKeyPem,
      caCertificate: ca.certificatePem,
      notAfter: issued.notAfter,
    };
  }

  private loadCa(): Promise<LoadedCa> {
    this.ca ??= this.openCa().catch((error: unknown) => {
      this.ca = undefined;
      throw error;
    });
    return this.ca;
  }

  private async openCa(): Promise<LoadedCa> {
    let material = await this.repository.findCa();
    if (!material) {
      await this.repository.insertCaIfAbsent(await createCa(this.clock.now()), this.clock.now());
      material = await this.repository.findCa();
      if (!material) throw new Error('the platform CA could not be stored');
      this.logger.info('platform device CA created');
    }
    return loadCa(material);
  }

  private toView(record: DeviceCertificateRecord): DeviceCertificateView {
    const status =
      record.revokedAt !== null ? 'revoked' : this.clock.now() >= record.notAfter ? 'expired' : 'active';
    return { ...record, status };
  }
}
