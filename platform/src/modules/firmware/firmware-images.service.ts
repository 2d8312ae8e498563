import {
  createHash,
  createHmac,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign,
  timingSafeEqual,
} from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  FIRMWARE_DOWNLOAD_TOKEN_TTL_MS,
  type FirmwareImage,
  type FirmwareImageUpload,
  type FirmwareSigningKey,
} from '../../../../contracts/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { LOGGER, type Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import { firmwareError } from './firmware.errors';
import { FirmwareRepository, type FirmwareKeys } from './firmware.repository';

/** A byte range of an image as a download asks for it. */
export type ContentSlice =
  | { kind: 'whole'; size: number; content: Buffer }
  | { kind: 'partial'; size: number; start: number; end: number; content: Buffer }
  | { kind: 'unsatisfiable'; size: number };

/**
 * Firmware images: upload (checked against the uploader's SHA-256, signed with the platform's
 * Ed25519 firmware key), the list, and downloads by devices with a token made for the device and
 * image (HMAC, 24 h) in byte ranges, so a device resumes where a dropped connection left it.
 * The key pair and the token secret are made at first use and kept in the database, so every
 * instance signs and checks alike.
 */
@Injectable()
export class FirmwareImagesService {
  private keys?: Promise<FirmwareKeys>;
  /** Where devices download from when the HTTP port is only known once listening (tests on port 0). */
  private downloadBase?: string;

  constructor(
    private readonly repository: FirmwareRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  useDownloadBase(baseUrl: string): void {
    this.downloadBase = baseUrl.replace(/\/+$/, '');
  }

  async signingKey(): Promise<FirmwareSigningKey> {
    return { publicKey: (await this.loadKeys()).publicKeyPem };
  }

  async upload(fields: FirmwareImageUpload, content: Buffer, principal: Principal): Promise<FirmwareImage> {
    const sha256 = createHash('sha256').update(content).digest('hex');
    if (sha256 !== fields.sha256) {
      throw firmwareError(
        'firmware.checksum_mismatch',
        `The file's SHA-256 is ${sha256}, not the stated ${fields.sha256}: the upload was damaged or is another file`,
        { field: 'sha256', actual: sha256 },
      );
    }
    if (await this.repository.imageByVersion(fields.type, fields.version)) throw versionExists(fields);
    const keys = await this.loadKeys();
    const image: FirmwareImage = {
      id: `fw-${randomUUID()}`,
      version: fields.version,
      type: fields.type,
      models: [...new Set(fields.models)],
      size: content.length,
      sha256,
      signature: sign(null, content, keys.privateKeyPem).toString('base64'),
      ...(fields.notes ? { notes: fields.notes } : {}),
      uploadedAt: this.clock.now(),
      uploadedBy: principal.userId,
    };
    // two uploads of one version at once: the database's unique key decides
    if (!(await this.repository.insertImage(image, content))) throw versionExists(fields);
    this.logger.info(
      { imageId: image.id, type: image.type, version: image.version, size: image.size },
      'firmware image uploaded',
    );
    return image;
  }

  list(): Promise<FirmwareImage[]> {
    return this.repository.images();
  }

  async require(imageId: string): Promise<FirmwareImage> {
    const image = await this.repository.image(imageId);
    if (!image) throw firmwareError('firmware.image_not_found', `No firmware image "${imageId}"`);
    return image;
  }

  /** The absolute download URL, with a token for this device and image valid for 24 h. */
  async downloadUrl(imageId: string, deviceId: string): Promise<string> {
    const token = await this.token(deviceId, imageId, this.clock.now() + FIRMWARE_DOWNLOAD_TOKEN_TTL_MS);
    const base = this.downloadBase ?? this.config.publicUrl;
    return `${base}/api/firmware/images/${encodeURIComponent(imageId)}/content?device=${encodeURIComponent(deviceId)}&token=${token}`;
  }

  /**
   * The image's bytes for a device holding a valid token: all of them, or the one range asked
   * for (`bytes=a-b`, `bytes=a-`, `bytes=-n`); several ranges are answered with the whole image.
   */
  async content(
    imageId: string,
    deviceId: string,
    token: string,
    range: string | undefined,
  ): Promise<ContentSlice> {
    if (!(await this.validToken(deviceId, imageId, token))) {
      throw firmwareError(
        'firmware.download_token',
        'The download link is not valid for this device and image, or has expired',
      );
    }
    const image = await this.require(imageId);
    const size = image.size;
    const wanted = parseRange(range, size);
    if (wanted === 'unsatisfiable') return { kind: 'unsatisfiable', size };
    if (!wanted) return { kind: 'whole', size, content: await this.slice(imageId, 0, size) };
    const [start, end] = wanted;
    return { kind: 'partial', size, start, end, content: await this.slice(imageId, start, end - start + 1) };
  }

  private async slice(imageId: string, offset: number, length: number): Promise<Buffer> {
    if (length === 0) return Buffer.alloc(0);
    const content = await this.repository.imageSlice(imageId, offset, length);
    if (!content) throw firmwareError('firmware.image_not_found', `No firmware image "${imageId}"`);
    return content;
  }

  private async token(deviceId: string, imageId: string, expiresAtMs: number): Promise<string> {
    const mac = createHmac('sha256', (await this.loadKeys()).tokenSecret)
      .update(`${deviceId}\n${imageId}\n${expiresAtMs}`)
      .digest('base64url');
    return `${expiresAtMs}.${mac}`;
  }

  private async validToken(deviceId: string, imageId: string, token: string): Promise<boolean> {
    const match = /^(\d{1,16})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const expiresAtMs = Number(match[1]);
    if (expiresAtMs < this.clock.now()) return false;
    const expected = Buffer.from(await this.token(deviceId, imageId, expiresAtMs));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private loadKeys(): Promise<FirmwareKeys> {
    this.keys ??= this.repository
      .keys(() => {
        const pair = generateKeyPairSync('ed25519');
        return {
          privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          tokenSecret: randomBytes(32).toString('base64'),
        };
      }, this.clock.now())
      .catch((error: unknown) => {
        this.keys = undefined;
        throw error;
      });
    return this.keys;
  }
}

function versionExists(fields: FirmwareImageUpload) {
  return firmwareError(
    'firmware.version_exists',
    `A ${fields.type} firmware image of version ${fields.version} exists already`,
    { field: 'version' },
  );
}

/** [start, end] inclusive; undefined for no (or an unsupported) Range header. */
export function parseRange(
  header: string | undefined,
  size: number,
): [number, number] | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return [start, end];
}
