import type {
  Language,
  NotificationActionKind,
  NotificationChannel,
  NotificationKind,
} from '../../../../contracts/src';

/**
 * What a feature hands the notifications outbox. The outbox stores it once per
 * `idempotencyKey` (a second enqueue with the same key changes nothing), delivers it with
 * retries and backoff, and shows its delivery state on the ticket and in the portal.
 */
export interface OutboxMessage {
  /** Unique per logical message and channel, e.g. `request_received:<requestId>:email`. */
  idempotencyKey: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  recipientUserId?: string | null;
  /** E-mail address or webhook URL. */
  address?: string | null;
  language: Language;
  subject: string;
  /** Text for e-mail, inbox and push; for a webhook, the JSON body to POST. */
  body: string;
  urgent: boolean;
  ticketId?: string | null;
  requestId?: string | null;
  deviceId?: string | null;
  action?: { kind: NotificationActionKind; id: string } | null;
  /** Webhooks: whose secret signs the POST (see `WebhookSecrets`). */
  partnerId?: string | null;
}

/** The notifications module provides it (globally); other features enqueue through it. */
export abstract class OutboxPort {
  abstract enqueue(message: OutboxMessage): Promise<void>;
}

/** The partners module provides it: the secret that signs a partner's webhooks. */
export abstract class WebhookSecrets {
  abstract secretFor(partnerId: string): Promise<string | null>;
}
