import { randomUUID } from 'node:crypto';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Clock } from '../../common/clock/clock';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { MetricsService } from '../health/metrics.service';
import { DeliveryChannels, type DeliveryOutcome } from './delivery-channels';
import { OutboxPort, type OutboxMessage } from './outbox-port';
import {
  OutboxRepository,
  toNotification,
  type NewOutboxRecord,
  type OutboxRecord,
} from './outbox.repository';
import { releaseAtMs } from './quiet-hours';
import { RecipientsRepository } from './recipients.repository';

/** Waits before the 2nd..6th attempt; after the 6th fails the message is `failed`. */
export const RETRY_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000, 3_600_000] as const;
/** How often the worker looks for retries and held messages now due (wall clock; due times come from the Clock). */
const POLL_INTERVAL_MS = 1_000;
/** A claimed message not finished in this long (instance died) is delivered by whoever sees it next. */
const LEASE_MS = 5 * 60_000;
const BATCH = 200;
/** Deliveries in flight at once per instance. */
const CONCURRENCY = 16;

interface Delivered {
  id: string;
  channel: OutboxRecord['channel'];
  state: 'sent' | 'kept';
  note: string | null;
}

/** What the notifications feature's own triggers add to a message. */
export interface MessageContext {
  /** The customer the message is about: they also see its e-mail in their history. */
  customerId?: string | null;
  /** What the trigger keyed it on beyond its ids (an appointment's window start, ISO). */
  ref?: string | null;
}

/**
 * The outbox: every notification stored once per idempotency key, then delivered by a worker
 * that claims due messages (safely across instances sharing the database), retries with
 * backoff, and gives up with `lastError` after the last retry. Non-urgent e-mail and push in
 * the recipient's quiet hours are `held` until they end; channels the recipient turned off are
 * skipped (the inbox always receives). The worker wakes on each enqueue and polls for retries.
 */
@Injectable()
export class OutboxService extends OutboxPort implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sent: Counter<'channel' | 'state'>;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private next?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly recipients: RecipientsRepository,
    private readonly channels: DeliveryChannels,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.sent = new Counter({
      name: 'notifications_sent_total',
      help: 'Notification delivery attempts by channel and the state they left the message in (sent, kept, pending = retry, failed)',
      labelNames: ['channel', 'state'],
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_INTERVAL_MS);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([this.running, this.next]);
  }

  async enqueue(message: OutboxMessage): Promise<void> {
    await this.store(message);
  }

  /**
   * Stores the message (unless its key is stored already, or the recipient turned its channel
   * off) and wakes the worker; answers the stored message when this call stored it.
   */
  async store(message: OutboxMessage, context: MessageContext = {}): Promise<OutboxRecord | undefined> {
    const now = this.clock.now();
    const interrupts = message.channel === 'email' || message.channel === 'push';
    // the inbox always receives, at once: only e-mail and push depend on the preferences
    const preferences =
      message.recipientUserId && interrupts
        ? await this.recipients.preferences(message.recipientUserId)
        : undefined;
    if (preferences && message.channel === 'email' && !preferences.email) return undefined;
    if (preferences && message.channel === 'push' && !preferences.push) return undefined;
    const dueAt = preferences && interrupts && !message.urgent ? releaseAtMs(now, preferences) : now;
    const inbox = message.channel === 'inbox';
    const record: NewOutboxRecord = {
      id: randomUUID(),
      idempotencyKey: message.idempotencyKey,
      kind: message.kind,
      channel: message.channel,
      recipientUserId: message.recipientUserId ?? null,
      customerId: context.customerId ?? null,
      address: message.address ?? null,
      language: message.language,
      subject: message.subject,
      body: message.body,
      urgent: message.urgent,
      ticketId: message.ticketId ?? null,
      requestId: message.requestId ?? null,
      deviceId: message.deviceId ?? null,
      action: message.action ?? null,
      partnerId: message.partnerId ?? null,
      ref: context.ref ?? null,
      // the inbox is delivered by being stored
      state: inbox ? 'sent' : dueAt > now ? 'held' : 'pending',
      nextAttemptAtMs: inbox ? null : dueAt,
      sentAtMs: inbox ? now : null,
      createdAtMs: now,
    };
    const stored = await this.repository.insert(record);
    if (!stored) return undefined;
    if (inbox) {
      this.sent.inc({ channel: 'inbox', state: 'sent' });
      if (stored.recipientUserId) await this.announce(stored);
    } else if (stored.state === 'pending') this.kick();
    return stored;
  }

  /** Tells the user's open portals about a new inbox message, with their unread count. */
  private async announce(m: OutboxRecord): Promise<void> {
    const userId = m.recipientUserId as string;
    const unread = await this.repository.unreadCount(userId);
    this.events.emit('notification.inbox', { userId, event: { notification: toNotification(m), unread } });
  }

  /** Starts a pass now (without waiting for it); errors are logged, the next poll tries again. */
  private kick(): void {
    if (this.stopped) return;
    this.runDue().catch((error: unknown) =>
      this.logger.error({ err: error }, 'delivering notifications failed'),
    );
  }

  /**
   * Delivers every message due by the clock's now, until none is left; one pass at a time per
   * instance. Tests with a manual clock call it after advancing the clock. Called while a pass
   * runs, it answers with one more pass after that one.
   */
  runDue(): Promise<number> {
    if (!this.running) {
      this.running = this.drain().finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => 0)
      .then(() => {
        this.next = undefined;
        return this.runDue();
      });
    return this.next;
  }

  private async drain(): Promise<number> {
    let attempted = 0;
    while (!this.stopped) {
      const now = this.clock.now();
      const batch = await this.repository.claimDue(now, now + LEASE_MS, BATCH);
      if (batch.length === 0) break;
      let index = 0;
      const delivered: Delivered[] = [];
      try {
        await Promise.all(
          Array.from({ length: Math.min(CONCURRENCY, batch.length) }, async () => {
            while (index < batch.length) await this.attempt(batch[index++], delivered);
          }),
        );
      } finally {
        // one write for the pass's deliveries (a crash before it: delivered again once the lease
        // ends, with the same Message-ID)
        await this.repository.deliveredMany(delivered, this.clock.now());
      }
      for (const d of delivered) this.sent.inc({ channel: d.channel, state: d.state });
      attempted += batch.length;
    }
    return attempted;
  }

  private async attempt(m: OutboxRecord, delivered: Delivered[]): Promise<void> {
    let result: DeliveryOutcome;
    try {
      result = await this.channels.deliver(m);
    } catch (error) {
      result = { outcome: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    const now = this.clock.now();
    switch (result.outcome) {
      case 'sent':
      case 'kept':
        delivered.push({ id: m.id, channel: m.channel, state: result.outcome, note: result.note ?? null });
        return;
      case 'retry': {
        // `attempts` counts this one: after the n-th failure wait the n-th step
        const wait = RETRY_BACKOFF_MS[m.attempts - 1];
        if (wait !== undefined) {
          await this.repository.retryAt(m.id, now + wait, result.error);
          this.sent.inc({ channel: m.channel, state: 'pending' });
          return;
        }
        await this.fail(m, result.error);
        return;
      }
      case 'fail':
        await this.fail(m, result.error);
        return;
    }
  }

  private async fail(m: OutboxRecord, error: string): Promise<void> {
    await this.repository.failed(m.id, error);
    this.sent.inc({ channel: m.channel, state: 'failed' });
    this.logger.warn(
      {
        notificationId: m.id,
        kind: m.kind,
        channel: m.channel,
        attempts: m.attempts,
        ticketId: m.ticketId,
        error,
      },
      'notification failed',
    );
  }
}
