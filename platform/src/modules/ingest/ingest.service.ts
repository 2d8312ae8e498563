import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ZodType } from 'zod';
import {
  APPLIANCE_PROFILES,
  MAX_PAYLOAD_BYTES,
  commandAckSchema,
  eventMessageSchema,
  firmwareProgressSchema,
  plainTelemetryMessage,
  statusMessageSchema,
  telemetryMessageSchema,
  type ApplianceProfile,
  type ApplianceType,
  type DeviceChannel,
  type MetricProfile,
} from '../../../../contracts/src';
import type { InboundDeviceMessage } from '../../../../gateway/src';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { DevicesService } from '../devices/devices.service';
import type { DeviceRecord } from '../devices/devices.repository';
import { MetricsService } from '../health/metrics.service';
import { TELEMETRY_STORE, type StoredReading, type TelemetryStore } from '../telemetry/telemetry-store';
import { DeadLetterRepository, refusedForItsData, type DeadLetter } from './dead-letter.repository';
import { SeqDeduplicator } from './seq-deduplicator';

export const REJECT_REASONS = [
  'payload_too_large',
  'unknown_device',
  'malformed_json',
  'schema_invalid',
  'unknown_metric',
  'no_metrics',
  'out_of_range',
  'timestamp_future',
  'timestamp_past',
  'unknown_error_code',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

class Rejection extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

const BATCH_MAX_READINGS = 5_000;
const BATCH_MAX_DELAY_MS = 100;
const DEAD_LETTER_FLUSH_MS = 250;
const RETRY_DELAY_MS = 1_000;
const DETAIL_MAX_CHARS = 1_000;

/**
 * The edge of the platform for device payloads: parse, validate against the contracts and the
 * device's profile, drop replays, then hand valid readings on in batches. Every rejected
 * payload is kept with its reason; nothing valid is dropped (a failed store write is retried).
 */
@Injectable()
export class IngestService implements OnModuleInit, OnApplicationShutdown {
  /**
   * Replays are dropped however old (within the accepted age): past its window the deduplicator
   * looks in the readings not yet stored, then asks the store. The embedded store answers from
   * its index; InfluxDB cannot at once, but stores a replay on the original's point.
   */
  private readonly readingDedup = new SeqDeduplicator({
    newestStoredTsMs: (deviceId) => this.store.newestTsMs(deviceId),
    holds: (deviceId, seq, tsMs) =>
      this.awaitsStore(deviceId, seq, tsMs) || this.store.holdsMessage(deviceId, tsMs, seq) === true,
  });
  private readonly eventDedup = new SeqDeduplicator();
  private readonly metricIndex = new Map<ApplianceType, Map<string, MetricProfile>>();
  private readonly errorCodes = new Map<ApplianceType, Set<string>>();
  private pending: StoredReading[] = [];
  /** The batch handed to the store and not yet confirmed. */
  private storing: StoredReading[] = [];
  private deadLetters: DeadLetter[] = [];
  private batchTimer?: NodeJS.Timeout;
  private deadLetterTimer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private savingDeadLetters: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly devices: DevicesService,
    private readonly deadLetterRepository: DeadLetterRepository,
    private readonly metrics: MetricsService,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    for (const profile of Object.values<ApplianceProfile>(APPLIANCE_PROFILES)) {
      this.metricIndex.set(profile.type, new Map(profile.metrics.map((m) => [m.name, m])));
      this.errorCodes.set(profile.type, new Set(profile.errorCodes.map((c) => c.code)));
    }
    // Every reason shows in /metrics from the start, at 0, so alerts can be written on them.
    for (const reason of REJECT_REASONS) this.metrics.deadLetters.labels(reason).inc(0);
    this.deadLetterTimer = setInterval(() => void this.flushDeadLetters(), DEAD_LETTER_FLUSH_MS);
    this.deadLetterTimer.unref();
  }

  /** Called by the MQTT gateway for every publish a device makes on its own topics. */
  accept(message: InboundDeviceMessage): void {
    try {
      this.handle(message);
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      this.reject(message, error);
    }
  }

  private handle(message: InboundDeviceMessage): void {
    if (message.payload.length > MAX_PAYLOAD_BYTES) {
      throw new Rejection('payload_too_large', `${message.payload.length} bytes > ${MAX_PAYLOAD_BYTES}`);
    }
    const device = this.devices.find(message.deviceId);
    if (!device) throw new Rejection('unknown_device', `no device "${message.deviceId}"`);
    let body: unknown;
    try {
      body = JSON.parse(message.payload.toString('utf8'));
    } catch (error) {
      throw new Rejection('malformed_json', (error as Error).message);
    }
    const channel: DeviceChannel = message.channel;
    switch (channel) {
      case 'telemetry':
        return this.acceptTelemetry(device, body, message.receivedAtMs);
      case 'events':
        return this.acceptEvent(device, body, message.receivedAtMs);
      case 'status': {
        const status = parse(statusMessageSchema, body);
        this.devices.setPresence(device.id, status.online, message.receivedAtMs, status.fw);
        return;
      }
      case 'commands/ack': {
        const ack = parse(commandAckSchema, body);
        this.devices.markSeen(device, message.receivedAtMs);
        this.logger.info({ deviceId: device.id, commandId: ack.id, ok: ack.ok }, 'command acknowledged');
        this.events.emit('command.ack', { deviceId: device.id, ack });
        return;
      }
      case 'firmware': {
        const progress = parse(firmwareProgressSchema, body);
        this.devices.markSeen(device, message.receivedAtMs);
        this.events.emit('firmware.progress', { deviceId: device.id, progress });
        return;
      }
    }
  }

  private acceptTelemetry(device: DeviceRecord, body: unknown, receivedAtMs: number): void {
    const message = plainTelemetryMessage(body) ?? parse(telemetryMessageSchema, body);
    this.checkTimestamp(message.ts);
    // The names as sent: zod builds the record key by key and leaves out "__proto__" (assigning
    // it would set the prototype), which JSON.parse keeps as an own key.
    const names = Object.keys((body as { metrics: object }).metrics);
    if (names.length === 0) throw new Rejection('no_metrics', 'a reading must carry at least one metric');
    const profileMetrics = this.metricIndex.get(device.type);
    for (const name of names) {
      const metric = profileMetrics?.get(name);
      if (!metric) throw new Rejection('unknown_metric', `a ${device.type} has no metric "${name}"`);
      const value = message.metrics[name];
      if (value < metric.min || value > metric.max) {
        throw new Rejection(
          'out_of_range',
          `${name}=${value} outside [${metric.min}, ${metric.max}] ${metric.unit}`,
        );
      }
    }
    if (this.readingDedup.isDuplicate(device.id, message.seq, message.ts)) {
      this.metrics.duplicates.inc();
      return;
    }
    this.metrics.readings.inc();
    this.devices.recordReading(device, message.ts, message.metrics, receivedAtMs);
    this.pending.push({
      deviceId: device.id,
      type: device.type,
      region: device.region ?? 'unknown',
      tsMs: message.ts,
      seq: message.seq,
      metrics: message.metrics,
    });
    this.events.emit('telemetry.accepted', {
      deviceId: device.id,
      type: device.type,
      tsMs: message.ts,
      metrics: message.metrics,
    });
    if (this.pending.length >= BATCH_MAX_READINGS) void this.flush();
    else if (!this.batchTimer) this.batchTimer = setTimeout(() => void this.flush(), BATCH_MAX_DELAY_MS);
  }

  private acceptEvent(device: DeviceRecord, body: unknown, receivedAtMs: number): void {
    const event = parse(eventMessageSchema, body);
    this.checkTimestamp(event.ts);
    if (!this.errorCodes.get(device.type)?.has(event.code)) {
      throw new Rejection('unknown_error_code', `a ${device.type} has no error code "${event.code}"`);
    }
    if (this.eventDedup.isDuplicate(device.id, event.seq, event.ts)) {
      this.metrics.duplicates.inc();
      return;
    }
    this.devices.markSeen(device, receivedAtMs);
    this.events.emit('device.event', {
      deviceId: device.id,
      type: device.type,
      tsMs: event.ts,
      code: event.code,
      message: event.message,
    });
  }

  private checkTimestamp(tsMs: number): void {
    const now = this.clock.now();
    if (tsMs > now + this.config.maxClockSkewMs) {
      throw new Rejection('timestamp_future', `ts ${isoTime(tsMs)} is ahead of the platform clock`);
    }
    if (tsMs < now - this.config.maxReadingAgeMs) {
      throw new Rejection('timestamp_past', `ts ${isoTime(tsMs)} is older than the accepted age`);
    }
  }

  /** Whether an accepted reading with this (seq, ts) is still on its way to the store. */
  private awaitsStore(deviceId: string, seq: number, tsMs: number): boolean {
    // A scan, but only for a message older than its device's newest that its window missed.
    for (const batch of [this.storing, this.pending]) {
      for (const reading of batch) {
        if (reading.tsMs === tsMs && reading.seq === seq && reading.deviceId === deviceId) return true;
      }
    }
    return false;
  }

  private reject(message: InboundDeviceMessage, rejection: Rejection): void {
    this.metrics.deadLetters.inc({ reason: rejection.reason });
    this.deadLetters.push({
      receivedAt: message.receivedAtMs,
      deviceId: message.deviceId,
      topic: message.topic,
      reason: rejection.reason,
      detail: rejection.detail.slice(0, DETAIL_MAX_CHARS),
      payload: keptPayload(message.payload),
      payloadBytes: message.payload.length,
    });
    this.logger.debug({ deviceId: message.deviceId, reason: rejection.reason }, 'payload dead-lettered');
  }

  /** Writes everything accepted so far; resolves once it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.writing = this.writing.then(() => this.writePending());
    return this.writing;
  }

  private async writePending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.storing = batch;
      const started = performance.now();
      try {
        await this.store.write(batch);
        this.storing = [];
        this.metrics.storeWrites.observe((performance.now() - started) / 1000);
      } catch (error) {
        this.storing = [];
        // Keep the batch, in order, ahead of newer readings and try again.
        this.pending = batch.concat(this.pending);
        this.metrics.storeBacklog.inc();
        this.logger.error(
          { err: error, backlog: this.pending.length },
          'telemetry store write failed; retrying',
        );
        if (this.stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      }
    }
  }

  /** Saves the dead letters kept so far (one save at a time); resolves once tried. */
  flushDeadLetters(): Promise<void> {
    this.savingDeadLetters = this.savingDeadLetters.then(() => this.saveDeadLetters());
    return this.savingDeadLetters;
  }

  private async saveDeadLetters(): Promise<void> {
    if (this.deadLetters.length === 0) return;
    const batch = this.deadLetters;
    this.deadLetters = [];
    try {
      await this.deadLetterRepository.insertMany(batch);
      return;
    } catch (error) {
      this.logger.warn(
        { err: error, letters: batch.length },
        'saving dead letters failed; saving them one by one',
      );
    }
    // One row the database refuses fails the whole batch: find it, so it cannot hold back the rest.
    let saved = 0;
    for (let i = 0; i < batch.length; i++) {
      const letter = batch[i];
      try {
        await this.deadLetterRepository.insertMany([letter]);
        saved++;
      } catch (error) {
        if (saved > 0 || refusedForItsData(error)) {
          // The database takes other rows: this one can never be stored.
          this.metrics.deadLetterWriteFailures.inc();
          this.logger.error(
            {
              err: error,
              deviceId: letter.deviceId,
              reason: letter.reason,
              payloadBytes: letter.payloadBytes,
            },
            'dead letter refused by the database; dropped',
          );
          continue;
        }
        // Nothing stored yet, and not for this row's content: the database may be out of reach.
        // Keep them all for the next flush, this one behind the rest of its batch, so that a row
        // refused for an unforeseen reason is found once the others are stored.
        this.deadLetters = batch.slice(i + 1).concat(letter, this.deadLetters);
        this.logger.error(
          { err: error, backlog: this.deadLetters.length },
          'saving dead letters failed; retrying',
        );
        return;
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.deadLetterTimer);
    await this.flush();
    await this.flushDeadLetters();
  }
}

/**
 * The first MAX_PAYLOAD_BYTES of a rejected payload, copied off the transport's buffer; a cut
 * does not split a UTF-8 character, so that text stays text.
 */
function keptPayload(payload: Buffer): Buffer {
  let end = Math.min(payload.length, MAX_PAYLOAD_BYTES);
  if (end < payload.length) {
    for (let back = 0; back < 3 && end > 0 && (payload[end] & 0xc0) === 0x80; back++) end--;
  }
  return Buffer.from(payload.subarray(0, end));
}

/** A timestamp as ISO 8601, or as sent when no date has it (beyond ±8.64e15 ms). */
function isoTime(tsMs: number): string {
  const date = new Date(tsMs);
  return Number.isNaN(date.getTime()) ? `${tsMs} ms` : date.toISOString();
}

function parse<T>(schema: ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Rejection('schema_invalid', `${issue.path.join('.') || '(message)'}: ${issue.message}`);
}
