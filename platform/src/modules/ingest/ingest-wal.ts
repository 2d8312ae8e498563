import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { DeviceChannel } from '../../../../contracts/src';
import type { InboundDeviceMessage } from '../../../../gateway/src';
import type { Logger } from '../../common/logging/logger';

/** How often the log is cut and the part already stored deleted (also bounds replay at a start). */
const CHECKPOINT_INTERVAL_MS = 1_000;
const SEGMENT_SUFFIX = '.wal';
/** A segment starts with this: the log's binary format, version 2. */
const MAGIC = Buffer.from('IWAL\0\0\0\x02', 'latin1');
/** Frame header (a group in version 2, a record in version 1): body length and CRC-32 of the body, uint32 big-endian. */
const HEADER_BYTES = 8;
/** A record's fixed part: channel, device id bytes (uint16), topic bytes (uint16), payload bytes (uint32), received at (float64). */
const RECORD_FIXED_BYTES = 1 + 2 + 2 + 4 + 8;
const CHANNELS: readonly DeviceChannel[] = ['telemetry', 'events', 'status', 'commands/ack', 'firmware'];

export interface IngestWalOptions {
  dir: string;
  logger: Logger;
  /** Hands a durable message on (to ingest); called in log order, right after its group is synced. */
  deliver: (message: InboundDeviceMessage) => void;
  /** Resolves once everything delivered so far is in the telemetry store. */
  flushDelivered: () => Promise<void>;
}

export interface WalStats {
  /** Synchronous writes (O_DSYNC: each returns once on disk) made for appended messages. */
  syncs: number;
  /** Messages made durable by those writes (group commit: many share one). */
  appended: number;
  /** The largest group one write covered. */
  largestGroup: number;
}

interface Waiting {
  message: InboundDeviceMessage;
  done: (error?: Error) => void;
}

/**
 * The ingest write-ahead log under DATA_DIR/wal: a device's QoS 1 telemetry is appended and on
 * disk before the broker acknowledges it, so an acknowledged reading survives a crash of the
 * process (or of the machine). Segments are opened with O_DSYNC, so a write returns once its data
 * is on disk: one trip to the thread pool, not a write and an fsync. Appends share writes (group
 * commit: whatever arrives while one write runs goes in the next), and one write is one frame: a
 * CRC-checked group of binary records (no text encoding on the way to the ack). A frame cut by a
 * crash is dropped whole at replay, which loses nothing acknowledged: none of its messages had
 * their ack. Every second the log is cut into a new segment; an old segment is deleted once ingest
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
  /** Groups synced and acknowledged, to be handed to ingest in the next turn (`deliveryTimer`). */
  private synced: Waiting[][] = [];
  private deliveryTimer?: NodeJS.Immediate;
  /** `append`s resolved once their group is handed to ingest. */
  private readonly afterDelivery: Array<() => void> = [];
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
    return new Promise<void>((resolve, reject) =>
      this.appendThen(message, (error) => {
        if (error) reject(error);
        else if (this.deliveryTimer === undefined) resolve();
        else this.afterDelivery.push(resolve);
      }),
    );
  }

  /**
   * `append` for the broker's hot path: `done` is called once the message is on disk (ingest
   * takes it in the next turn of the event loop, before any request the acknowledgement may
   * prompt is read), or with the error when it could not be written (no promise per reading).
   */
  appendThen(message: InboundDeviceMessage, done: (error?: Error) => void): void {
    if (this.closed || this.fd < 0) {
      done(new Error('ingest log closed'));
      return;
    }
    this.queue.push({ message, done });
    if (!this.committing && !this.paused) this.commitSoon();
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
    for (const waiting of this.queue.splice(0)) waiting.done(new Error('ingest log closed'));
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

  /**
   * Writes what is queued at the end of this turn of the event loop: every publish read from the
   * connections in this turn joins the group instead of waiting for the next write.
   */
  private commitSoon(): void {
    if (!this.committing && this.deliveryTimer === undefined) {
      this.idle = new Promise((resolve) => (this.markIdle = resolve));
    }
    this.committing = true;
    setImmediate(this.commit);
  }

  private readonly commit = (): void => {
    if (this.queue.length === 0 || this.paused || this.fd < 0) {
      this.committing = false;
      this.settleIfIdle();
      return;
    }
    const group = this.queue;
    this.queue = [];
    // The segment is open with O_DSYNC: the write returns once the group is on disk, one trip
    // to the thread pool instead of a write and then an fsync.
    writeAll(this.fd, encodeGroup(group), (error) => this.written(group, error));
  };

  private written(group: Waiting[], error: Error | undefined): void {
    // The next group (what arrived meanwhile, and what this turn reads) goes to disk at the end
    // of this turn, while this one is acknowledged.
    if (this.queue.length > 0 && !this.paused) this.commitSoon();
    else this.committing = false;
    if (error) {
      this.options.logger.error({ err: error, messages: group.length }, 'ingest log write failed');
      for (const waiting of group) waiting.done(error);
    } else {
      this.segmentHasData = true;
      this.stats.syncs++;
      this.stats.appended += group.length;
      this.stats.largestGroup = Math.max(this.stats.largestGroup, group.length);
      // The group is durable: the broker acknowledges it at once (its writes to one device
      // share a syscall) and ingest takes it in the next turn of the event loop, so that the
      // devices send on while ingest works and the next group's write runs meanwhile.
      this.synced.push(group);
      this.deliveryTimer ??= setImmediate(this.deliverSynced);
      for (const waiting of group) {
        try {
          waiting.done();
        } catch (failure) {
          this.options.logger.error(
            { err: failure, deviceId: waiting.message.deviceId },
            'acknowledging failed',
          );
        }
      }
    }
    this.settleIfIdle();
  }

  /** Hands every synced group to ingest, in log order. */
  private readonly deliverSynced = (): void => {
    this.deliveryTimer = undefined;
    const groups = this.synced;
    this.synced = [];
    for (const group of groups) {
      for (const waiting of group) {
        try {
          this.options.deliver(waiting.message);
        } catch (error) {
          this.options.logger.error({ err: error, deviceId: waiting.message.deviceId }, 'ingest failed');
        }
      }
    }
    for (const resolve of this.afterDelivery.splice(0)) resolve();
    this.settleIfIdle();
  };

  /** Wakes `drain` once nothing is being written and everything written was handed to ingest. */
  private settleIfIdle(): void {
    if (this.committing || this.deliveryTimer !== undefined) return;
    this.markIdle();
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
        if (this.queue.length > 0 && !this.committing && !this.closed) this.commitSoon();
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
    while (this.committing || this.deliveryTimer !== undefined) await this.idle;
  }

  private openSegment(): void {
    const { O_WRONLY, O_APPEND, O_CREAT, O_DSYNC } = fs.constants;
    this.fd = fs.openSync(this.segmentPath(this.segment), O_WRONLY | O_APPEND | O_CREAT | O_DSYNC, 0o644);
    fs.writeSync(this.fd, MAGIC);
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

/** The group as one frame: header, then each message's record. */
function encodeGroup(group: Waiting[]): Buffer {
  let size = HEADER_BYTES;
  for (const { message } of group) {
    size +=
      RECORD_FIXED_BYTES +
      Buffer.byteLength(message.deviceId) +
      Buffer.byteLength(message.topic) +
      message.payload.length;
  }
  const frame = Buffer.allocUnsafe(size);
  let offset = HEADER_BYTES;
  for (const { message } of group) {
    const channel = CHANNELS.indexOf(message.channel);
    if (channel < 0) throw new Error(`no channel "${message.channel}" in the ingest log`);
    const at = offset;
    offset += RECORD_FIXED_BYTES;
    const idBytes = frame.write(message.deviceId, offset, 'utf8');
    offset += idBytes;
    const topicBytes = frame.write(message.topic, offset, 'utf8');
    offset += topicBytes;
    offset += message.payload.copy(frame, offset);
    frame.writeUInt8(channel, at);
    frame.writeUInt16BE(idBytes, at + 1);
    frame.writeUInt16BE(topicBytes, at + 3);
    frame.writeUInt32BE(message.payload.length, at + 5);
    frame.writeDoubleBE(message.receivedAtMs, at + 9);
  }
  frame.writeUInt32BE(size - HEADER_BYTES, 0);
  frame.writeUInt32BE(crc32(frame.subarray(HEADER_BYTES)), 4);
  return frame;
}

/** The segment's messages up to the first incomplete or corrupt frame (a write cut by the crash). */
function* readSegment(file: string, logger: Logger): Generator<InboundDeviceMessage> {
  const data = fs.readFileSync(file);
  const binary = data.length >= MAGIC.length && data.subarray(0, MAGIC.length).equals(MAGIC);
  let offset = binary ? MAGIC.length : 0;
  while (offset + HEADER_BYTES <= data.length) {
    const length = data.readUInt32BE(offset);
    const end = offset + HEADER_BYTES + length;
    if (end > data.length) break;
    const body = data.subarray(offset + HEADER_BYTES, end);
    if (crc32(body) !== data.readUInt32BE(offset + 4)) break;
    if (binary) yield* decodeGroup(body);
    else yield decodeVersion1(body);
    offset = end;
  }
  if (offset < data.length) {
    logger.warn({ file, ignoredBytes: data.length - offset }, 'ingest log ends in a torn record');
  }
}

function* decodeGroup(body: Buffer): Generator<InboundDeviceMessage> {
  let offset = 0;
  while (offset < body.length) {
    const idBytes = body.readUInt16BE(offset + 1);
    const topicBytes = body.readUInt16BE(offset + 3);
    const payloadBytes = body.readUInt32BE(offset + 5);
    const message: InboundDeviceMessage = {
      channel: CHANNELS[body[offset]],
      receivedAtMs: body.readDoubleBE(offset + 9),
      deviceId: '',
      topic: '',
      payload: Buffer.alloc(0),
    };
    offset += RECORD_FIXED_BYTES;
    message.deviceId = body.toString('utf8', offset, offset + idBytes);
    offset += idBytes;
    message.topic = body.toString('utf8', offset, offset + topicBytes);
    offset += topicBytes;
    message.payload = Buffer.from(body.subarray(offset, offset + payloadBytes));
    offset += payloadBytes;
    yield message;
  }
}

/** A record of the log's first format (JSON, payload in base64), as a crash of an earlier version left it. */
function decodeVersion1(body: Buffer): InboundDeviceMessage {
  const record = JSON.parse(body.toString('utf8')) as {
    d: string;
    c: DeviceChannel;
    t: string;
    r: number;
    p: string;
  };
  return {
    deviceId: record.d,
    channel: record.c,
    topic: record.t,
    receivedAtMs: record.r,
    payload: Buffer.from(record.p, 'base64'),
  };
}

/** Writes all of `data` (a short write goes on where it stopped). */
function writeAll(fd: number, data: Buffer, done: (error?: Error) => void): void {
  let written = 0;
  const next = (error: Error | null, n: number): void => {
    if (error) return done(error);
    written += n;
    if (written < data.length) fs.write(fd, data, written, data.length - written, null, next);
    else done();
  };
  fs.write(fd, data, 0, data.length, null, next);
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
