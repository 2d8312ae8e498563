import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { DeviceChannel } from '../../../../contracts/src';
import type { InboundDeviceMessage } from '../../../../gateway/src';
import type { Logger } from '../../common/logging/logger';

/** How often the log is cut and the part already stored deleted (also bounds replay at a start). */
const CHECKPOINT_INTERVAL_MS = 1_000;
const SEGMENT_SUFFIX = '.wal';
/** Record header: body length and CRC-32 of the body, both uint32 big-endian. */
const HEADER_BYTES = 8;

export interface IngestWalOptions {
  dir: string;
  logger: Logger;
  /** Hands a durable message on (to ingest); called in log order, right after its group is synced. */
  deliver: (message: InboundDeviceMessage) => void;
  /** Resolves once everything delivered so far is in the telemetry store. */
  flushDelivered: () => Promise<void>;
}

export interface WalStats {
  /** fsyncs made for appended messages. */
  syncs: number;
  /** Messages made durable by those fsyncs (group commit: many share one). */
  appended: number;
  /** The largest group one fsync covered. */
  largestGroup: number;
}

interface Waiting {
  record: Buffer;
  message: InboundDeviceMessage;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The ingest write-ahead log under DATA_DIR/wal: a device's QoS 1 telemetry is appended and
 * fsynced before the broker acknowledges it, so an acknowledged reading survives a crash of the
 * process. Appends share fsyncs (group commit: whatever arrives while one sync runs goes in the
 * next). Every second the log is cut into a new segment; an old segment is deleted once ingest
 * has stored everything delivered from it. At start the segments left by a crash are replayed
 * into ingest, whose (device, seq) dedup drops what was stored already.
 */
export class IngestWal {
  private fd = -1;
  private segment = 0;
  /** Segments cut and not yet known to be stored, oldest first. */
  private readonly closedSegments: number[] = [];
  private queue: Waiting[] = [];
  private committing = false;
  /** Set while the log is cut: appends wait in the queue. */
  private paused = false;
  private segmentHasData = false;
  private checkpointTimer?: NodeJS.Timeout;
  private checkpointing?: Promise<void>;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;
  readonly stats: WalStats = { syncs: 0, appended: 0, largestGroup: 0 };

  constructor(private readonly options: IngestWalOptions) {}

  /**
   * Replays the segments a previous run left (a crash), waits until they are stored, deletes
   * them and opens a new segment. Returns the number of messages replayed.
   */
  async open(): Promise<number> {
    fs.mkdirSync(this.options.dir, { recursive: true });
    const left = listSegments(this.options.dir);
    let replayed = 0;
    for (const segment of left) {
      for (const message of readSegment(this.segmentPath(segment), this.options.logger)) {
        this.options.deliver(message);
        replayed++;
      }
    }
    if (replayed > 0) await this.options.flushDelivered();
    for (const segment of left) fs.rmSync(this.segmentPath(segment), { force: true });
    if (left.length > 0) {
      this.options.logger.info({ segments: left.length, messages: replayed }, 'ingest log replayed');
    }
    this.segment = (left.at(-1) ?? 0) + 1;
    this.openSegment();
    this.checkpointTimer = setInterval(() => void this.checkpoint(), CHECKPOINT_INTERVAL_MS);
    this.checkpointTimer.unref();
    return replayed;
  }

  /** Resolves once the message is on disk and handed to ingest; rejects when it could not be written. */
  append(message: InboundDeviceMessage): Promise<void> {
    if (this.closed || this.fd < 0) return Promise.reject(new Error('ingest log closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record: encode(message), message, resolve, reject });
      if (!this.committing && !this.paused) this.commit();
    });
  }

  /** Cuts the log and deletes every segment whose messages are stored. One at a time. */
  checkpoint(): Promise<void> {
    this.checkpointing ??= this.cutAndRelease().finally(() => (this.checkpointing = undefined));
    return this.checkpointing;
  }

  /** After the broker stopped: stores what was delivered, then deletes the log (kept if that fails). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.checkpointTimer);
    await this.checkpointing;
    await this.drain();
    const current = this.segment;
    fs.closeSync(this.fd);
    this.fd = -1;
    for (const waiting of this.queue.splice(0)) waiting.reject(new Error('ingest log closed'));
    try {
      await this.options.flushDelivered();
    } catch (error) {
      this.options.logger.error({ err: error }, 'ingest log kept: readings not stored at stop');
      return;
    }
    for (const segment of [...this.closedSegments, current]) {
      fs.rmSync(this.segmentPath(segment), { force: true });
    }
    this.closedSegments.length = 0;
  }

  private commit(): void {
    this.committing = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    const group = this.queue;
    this.queue = [];
    const fd = this.fd;
    const body = Buffer.concat(group.map((w) => w.record));
    writeAll(fd, body)
      .then(() => new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve()))))
      .then(
        () => {
          this.segmentHasData = true;
          this.stats.syncs++;
          this.stats.appended += group.length;
          this.stats.largestGroup = Math.max(this.stats.largestGroup, group.length);
          for (const waiting of group) {
            try {
              this.options.deliver(waiting.message);
            } catch (error) {
              this.options.logger.error({ err: error, deviceId: waiting.message.deviceId }, 'ingest failed');
            }
            waiting.resolve();
          }
        },
        (error: Error) => {
          this.options.logger.error({ err: error, messages: group.length }, 'ingest log write failed');
          for (const waiting of group) waiting.reject(error);
        },
      )
      .finally(() => {
        if (this.queue.length > 0 && !this.paused) {
          this.commit();
        } else {
          this.committing = false;
          this.markIdle();
        }
      });
  }

  private async cutAndRelease(): Promise<void> {
    if (this.closed) return;
    if (this.segmentHasData) {
      // Between groups, so that every message of the cut segment has been delivered.
      this.paused = true;
      try {
        await this.drain();
        if (this.closed) return;
        fs.closeSync(this.fd);
        this.closedSegments.push(this.segment);
        this.segment++;
        this.openSegment();
      } finally {
        this.paused = false;
        // What was queued meanwhile goes into the new segment.
        if (this.queue.length > 0 && !this.committing && !this.closed) this.commit();
      }
    }
    if (this.closedSegments.length === 0) return;
    const release = [...this.closedSegments];
    try {
      await this.options.flushDelivered();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'ingest log kept: store write failed');
      return;
    }
    for (const segment of release) fs.rmSync(this.segmentPath(segment), { force: true });
    this.closedSegments.splice(0, release.length);
  }

  private async drain(): Promise<void> {
    while (this.committing) await this.idle;
  }

  private openSegment(): void {
    this.fd = fs.openSync(this.segmentPath(this.segment), 'a');
    this.segmentHasData = false;
    // The new file's name must survive a crash too.
    fsyncDir(this.options.dir);
  }

  private segmentPath(segment: number): string {
    return path.join(this.options.dir, `${String(segment).padStart(12, '0')}${SEGMENT_SUFFIX}`);
  }
}

function listSegments(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .filter((name) => /^\d{12}\.wal$/.test(name))
    .map((name) => Number(name.slice(0, 12)))
    .sort((a, b) => a - b);
}

interface WalRecord {
  d: string;
  c: DeviceChannel;
  t: string;
  r: number;
  p: string;
}

function encode(message: InboundDeviceMessage): Buffer {
  const record: WalRecord = {
    d: message.deviceId,
    c: message.channel,
    t: message.topic,
    r: message.receivedAtMs,
    p: message.payload.toString('base64'),
  };
  const body = Buffer.from(JSON.stringify(record));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(body.length, 0);
  header.writeUInt32BE(crc32(body), 4);
  return Buffer.concat([header, body]);
}

/** The segment's records up to the first incomplete or corrupt one (a write cut by the crash). */
function* readSegment(file: string, logger: Logger): Generator<InboundDeviceMessage> {
  const data = fs.readFileSync(file);
  let offset = 0;
  while (offset + HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(offset);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) break;
    const body = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(body) !== data.readUInt32BE(offset + 4)) break;
    const record = JSON.parse(body.toString('utf8')) as WalRecord;
    yield {
      deviceId: record.d,
      channel: record.c,
      topic: record.t,
      receivedAtMs: record.r,
      payload: Buffer.from(record.p, 'base64'),
    };
    offset = end;
  }
  if (offset < data.length) {
    logger.warn({ file, ignoredBytes: data.length - offset }, 'ingest log ends in a torn record');
  }
}

async function writeAll(fd: number, data: Buffer): Promise<void> {
  let written = 0;
  while (written < data.length) {
    written += await new Promise<number>((resolve, reject) =>
      fs.write(fd, data, written, data.length - written, null, (e, n) => (e ? reject(e) : resolve(n))),
    );
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not every platform can sync a directory.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
