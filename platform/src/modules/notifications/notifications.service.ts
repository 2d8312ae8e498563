import { Injectable } from '@nestjs/common';
import type {
  NotificationEvent,
  NotificationPreferences,
  Notification,
  NotificationChannel,
} from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import type { Principal } from '../auth/auth.service';
import { notificationError } from './notifications.errors';
import { OutboxRepository, toNotification } from './outbox.repository';
import { isKnownTimeZone } from './quiet-hours';
import { RecipientsRepository } from './recipients.repository';
import { DeliveryChannels } from './delivery-channels';

/** Newest first, at most this many per answer. */
const LIST_LIMIT = 200;

export interface NotificationQuery {
  ticketId?: string;
  requestId?: string;
  channel?: NotificationChannel;
  unread?: 'true' | 'false';
}

/** What people read and set: their notifications, their inbox, preferences and push subscriptions. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly recipients: RecipientsRepository,
    private readonly channels: DeliveryChannels,
    private readonly clock: Clock,
  ) {}

  /**
   * Customers and technicians see their own (a customer also the e-mails sent about their
   * tickets and requests); engineers and admins see all, filtered.
   */
  async list(
    principal: Principal,
    query: NotificationQuery,
  ): Promise<{ items: Notification[]; unread: number }> {
    const staff = principal.role === 'engineer' || principal.role === 'admin';
    const items = await this.outbox.list({
      visibleTo: staff
        ? undefined
        : {
            userId: principal.userId,
            customerId: principal.role === 'customer' ? principal.customerId : null,
          },
      ticketId: query.ticketId,
      requestId: query.requestId,
      channel: query.channel,
      unread: query.unread === undefined ? undefined : query.unread === 'true',
      limit: LIST_LIMIT,
    });
    return { items: items.map(toNotification), unread: await this.outbox.unreadCount(principal.userId) };
  }

  /** Marks one message of the caller's own inbox read. */
  async markRead(principal: Principal, id: string): Promise<NotificationEvent> {
    const read = await this.outbox.markRead(id, principal.userId, this.clock.now());
    if (!read)
      throw notificationError('notifications.not_found', `No notification "${id}" in your inbox`, { id });
    return { notification: toNotification(read), unread: await this.outbox.unreadCount(principal.userId) };
  }

  async markAllRead(principal: Principal): Promise<{ marked: number; unread: number }> {
    const marked = await this.outbox.markAllRead(principal.userId, this.clock.now());
    return { marked, unread: await this.outbox.unreadCount(principal.userId) };
  }

  preferences(principal: Principal): Promise<NotificationPreferences> {
    return this.recipients.preferences(principal.userId);
  }

  async savePreferences(
    principal: Principal,
    preferences: NotificationPreferences,
  ): Promise<NotificationPreferences> {
    if (!isKnownTimeZone(preferences.timeZone))
      throw notificationError('notifications.bad_time_zone', `Unknown time zone "${preferences.timeZone}"`, {
        field: 'timeZone',
      });
    await this.recipients.savePreferences(principal.userId, preferences, this.clock.now());
    return this.recipients.preferences(principal.userId);
  }

  async publicKey(): Promise<{ publicKey: string }> {
    return { publicKey: await this.channels.vapidPublicKey() };
  }

  async subscribe(
    principal: Principal,
    subscription: { endpoint: string; keys: { p256dh: string; auth: string } },
  ): Promise<{ endpoint: string }> {
    await this.recipients.savePushSubscription(
      { endpoint: subscription.endpoint, userId: principal.userId, ...subscription.keys },
      this.clock.now(),
    );
    return { endpoint: subscription.endpoint };
  }

  async unsubscribe(principal: Principal, endpoint: string): Promise<void> {
    if (!(await this.recipients.removePushSubscription(endpoint, principal.userId)))
      throw notificationError(
        'notifications.push_subscription_not_found',
        'No such push subscription of yours',
        {
          field: 'endpoint',
        },
      );
  }
}
