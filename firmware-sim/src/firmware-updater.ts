import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { type FirmwareProgress, type FirmwareUpdateArgs } from '../../contracts/src';
import { deriveSeed, mulberry32, type Rng } from '../../contracts/src/seeded-random';
import { type Clock } from './clock';
import { readFirmwareManifest } from './firmware-image';

export type { FirmwareProgress, FirmwareUpdateArgs } from '../../contracts/src';

/** How a device retries a chunk that failed: exponential backoff with full jitter. */
export interface DownloadRetry {
  /** Failed attempts in a row (without a good chunk between) before the download gives up. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** One chunk request (headers and body) must finish within this. */
  chunkTimeoutMs: number;
}

export const DOWNLOAD_RETRY_DEFAULTS: DownloadRetry = {
  attempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  chunkTimeoutMs: 30_000,
};

/** A download that cannot finish; the message is what the device reports (max 200 chars). */
export class FirmwareDownloadError extends Error {}

export interface DownloadOptions {
  url: string;
  size: number;
  chunkSize: number;
  retry: DownloadRetry;
  /** Draws the backoff jitter (seeded per device, so a fleet does not retry in step). */
  rng: Rng;
  signal: AbortSignal;
  /** Called after every good chunk with the bytes downloaded so far. */
  onBytes(bytes: number): void;
}

/** Statuses after which asking again cannot help. */
const PERMANENT_HTTP_STATUS = new Set([400, 401, 403, 404, 410, 416]);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Downloads an image in `Range` chunks. A chunk that fails (connection dropped, timeout, 5xx,
 * short body) is asked for again from the last good offset after a backoff; `attempts` failures
 * in a row give up. A server that ignores Range and answers 200 with the whole image is accepted.
 */
export async function downloadImage(options: DownloadOptions): Promise<Buffer> {
  const { url, size, chunkSize, retry, signal } = options;
  const image = Buffer.alloc(size);
  let offset = 0;
  let failures = 0;
  while (offset < size) {
    const end = Math.min(size, offset + chunkSize) - 1;
    try {
      const response = await fetch(url, {
        headers: { Range: `bytes=${offset}-${end}` },
        signal: AbortSignal.any([signal, AbortSignal.timeout(retry.chunkTimeoutMs)]),
      });
      if (PERMANENT_HTTP_STATUS.has(response.status)) {
        await response.body?.cancel();
        throw new FirmwareDownloadError(`download failed: HTTP ${response.status}`);
      }
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status === 200) {
        if (body.length !== size)
          throw new FirmwareDownloadError(`download failed: image is ${body.length} bytes, expected ${size}`);
        body.copy(image);
        offset = size;
      } else {
        const range = response.headers.get('content-range') ?? '';
        if (!range.startsWith(`bytes ${offset}-${end}/`) || body.length !== end - offset + 1)
          throw new Error(`unexpected range ${range} (${body.length} bytes)`);
        body.copy(image, offset);
        offset = end + 1;
      }
      failures = 0;
      options.onBytes(offset);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (error instanceof FirmwareDownloadError) throw error;
      failures++;
      if (failures >= retry.attempts)
        throw new FirmwareDownloadError(`download failed after ${failures} attempts at byte ${offset}`);
      const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (failures - 1));
      await sleep(Math.round(ceiling * (0.5 + 0.5 * options.rng())), signal);
    }
  }
  return image;
}

/** The platform's firmware signing key from its SPKI PEM; throws unless it is an Ed25519 public key. */
export function parseFirmwarePublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(`firmware public key: not a PEM public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(
      `firmware public key: expected an Ed25519 key, got ${key.asymmetricKeyType ?? 'unknown'}`,
    );
  return key;
}

/** Why an image must not be installed, or undefined when it is the one the platform signed. */
export function verifyImage(
  image: Buffer,
  expected: { sha256: string; signature: string },
  publicKey: KeyObject,
): string | undefined {
  const sha256 = createHash('sha256').update(image).digest('hex');
  if (sha256 !== expected.sha256.toLowerCase()) return 'checksum mismatch';
  const signature = Buffer.from(expected.signature, 'base64');
  let valid = false;
  try {
    valid = verify(null, image, publicKey, signature);
  } catch {
    valid = false;
  }
  return valid ? undefined : 'bad signature';
}

/** The firmware held in one slot. */
export interface FirmwareSlot {
  version: string;
  /** The build misbehaves (simulated images only). */
  faulty: boolean;
  /** The campaign that installed it; none for the factory firmware. */
  campaignId?: string;
}

/**
 * A/B slots: an update is written to the slot not running and booted from there, so the
 * previous firmware stays whole and a rollback is a switch back.
 */
export class FirmwareSlots {
  private readonly slots: [FirmwareSlot | undefined, FirmwareSlot | undefined];
  private active: 0 | 1 = 0;

  constructor(factory: FirmwareSlot) {
    this.slots = [factory, undefined];
  }

  get running(): FirmwareSlot {
    return this.slots[this.active] as FirmwareSlot;
  }

  /** The firmware in the other slot, if any. */
  get other(): FirmwareSlot | undefined {
    return this.slots[this.active === 0 ? 1 : 0];
  }

  install(firmware: FirmwareSlot): void {
    const target = this.active === 0 ? 1 : 0;
    this.slots[target] = firmware;
    this.active = target;
  }

  /** Boots the other slot; false when it is empty. */
  switchBack(): boolean {
    if (!this.other) return false;
    this.active = this.active === 0 ? 1 : 0;
    return true;
  }
}

/** What the updater needs of its device. */
export interface FirmwareHost {
  readonly deviceId: string;
  readonly clock: Clock;
  /** The firmware signing key the device trusts; without one it refuses updates. */
  readonly publicKey: KeyObject | undefined;
  readonly retry: DownloadRetry;
  /** Sends a progress message on `devices/{id}/firmware`. */
  publishProgress(progress: FirmwareProgress): void;
  /** Publishes the retained status with the firmware now running. */
  publishStatus(): void;
}

export type FirmwareCommandResult<T> = { ok: true; result: T } | { ok: false; error: string };

interface RunningUpdate {
  campaignId: string;
  version: string;
  abort: AbortController;
}

/** Downloading reports at most this many progress messages between start and the last byte. */
const DOWNLOAD_PROGRESS_STEPS = 10;
const MAX_ERROR_CHARS = 200;

/**
 * One device's firmware: the slots, and the update it runs in the background after acking the
 * command (download, verify the checksum and the Ed25519 signature, install, report).
 */
export class FirmwareUpdater {
  readonly slots: FirmwareSlots;
  private current: RunningUpdate | undefined;
  private runPromise: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: FirmwareHost,
    factoryVersion: string,
  ) {
    this.slots = new FirmwareSlots({ version: factoryVersion, faulty: false });
  }

  get version(): string {
    return this.slots.running.version;
  }

  get faulty(): boolean {
    return this.slots.running.faulty;
  }

  /** Settles when the update in progress (if any) has finished; for tests and shutdown. */
  get settled(): Promise<void> {
    return this.runPromise;
  }

  /** Accepts an update and runs it in the background, or says why not. */
  update(args: FirmwareUpdateArgs): FirmwareCommandResult<{ accepted: true }> {
    if (!this.host.publicKey) return { ok: false, error: 'no firmware signing key: cannot verify images' };
    if (this.current)
      return { ok: false, error: `an update is already running (campaign ${this.current.campaignId})` };
    if (args.version === this.version)
      return { ok: false, error: `already running firmware ${args.version}` };
    const running: RunningUpdate = {
      campaignId: args.campaignId,
      version: args.version,
      abort: new AbortController(),
    };
    this.current = running;
    this.runPromise = this.run(args, running, this.host.publicKey).finally(() => {
      if (this.current === running) this.current = undefined;
    });
    return { ok: true, result: { accepted: true } };
  }

  /**
   * Leaves the campaign's firmware: boots the previous slot when that firmware runs, stops its
   * download when one is under way. A device not (or no longer) running it is already where a
   * rollback leads, so it says so again rather than failing; this keeps a repeated command harmless.
   */
  rollback(campaignId: string): FirmwareCommandResult<{ version: string }> {
    if (this.current?.campaignId === campaignId) {
      this.current.abort.abort(new Error('rolled back'));
      this.current = undefined;
    } else if (this.slots.running.campaignId === campaignId) {
      if (!this.slots.switchBack()) return { ok: false, error: 'no previous firmware to roll back to' };
      queueMicrotask(() => this.host.publishStatus());
    }
    const version = this.version;
    // Reported once the command's ack is on its way.
    queueMicrotask(() => this.report(campaignId, 'rolled_back', version));
    return { ok: true, result: { version } };
  }

  /** Stops an update in progress (the device shuts down). */
  stop(): void {
    this.current?.abort.abort(new Error('device stopped'));
    this.current = undefined;
  }

  private async run(args: FirmwareUpdateArgs, running: RunningUpdate, publicKey: KeyObject): Promise<void> {
    const { campaignId, version } = args;
    const signal = running.abort.signal;
    // Progress follows the command's ack, which the device sends once this returns.
    await Promise.resolve();
    try {
      this.report(campaignId, 'downloading', version, 0);
      let nextReport = args.size / DOWNLOAD_PROGRESS_STEPS;
      const image = await downloadImage({
        url: args.url,
        size: args.size,
        chunkSize: args.chunkSize,
        retry: this.host.retry,
        rng: mulberry32(deriveSeed(1, this.host.deviceId, 'firmware-backoff', campaignId)),
        signal,
        onBytes: (bytes) => {
          if (bytes < nextReport && bytes < args.size) return;
          nextReport = bytes + args.size / DOWNLOAD_PROGRESS_STEPS;
          this.report(campaignId, 'downloading', version, bytes);
        },
      });
      if (signal.aborted) return;
      this.report(campaignId, 'verifying', version, args.size);
      const problem = verifyImage(image, args, publicKey);
      if (problem) {
        this.report(campaignId, 'failed', version, args.size, problem);
        return;
      }
      this.report(campaignId, 'installing', version, args.size);
      // The device runs what it was sent as `version`; only the simulator's own images say more.
      const manifest = readFirmwareManifest(image);
      this.slots.install({ version, faulty: manifest?.faulty ?? false, campaignId });
      this.report(campaignId, 'installed', version, args.size);
      this.host.publishStatus();
    } catch (error) {
      if (signal.aborted) return;
      const message =
        error instanceof FirmwareDownloadError ? error.message : `update failed: ${(error as Error).message}`;
      this.report(campaignId, 'failed', version, undefined, message);
    }
  }

  private report(
    campaignId: string,
    state: FirmwareProgress['state'],
    version: string,
    bytes?: number,
    error?: string,
  ): void {
    this.host.publishProgress({
      ts: this.host.clock.now(),
      campaignId,
      state,
      version,
      ...(bytes === undefined ? {} : { bytes }),
      ...(error === undefined ? {} : { error: error.slice(0, MAX_ERROR_CHARS) }),
    });
  }
}
