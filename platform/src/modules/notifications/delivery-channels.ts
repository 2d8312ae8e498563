import { createHmac } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type { Transporter } from 'nodemailer';
import webpush from 'web-push';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { Clock } from '../../common/clock/clock';
import { WebhookSecrets } from './outbox-port';
import type { OutboxRecord } from './outbox.repository';
import { RecipientsRepository } from './recipients.repository';

/** What one attempt came to: delivered (or kept), to try again later, or never deliverable. */
export type DeliveryOutcome =
  | { outcome: 'sent' | 'kept'; note?: string }
  | { outcome: 'retry'; error: string }
  | { outcome: 'fail'; error: string };

const REMOTE_TIMEOUT_MS = 10_000;
/** How long a push service may hold a message for a device that is offline. */
const PUSH_TTL_S = 24 * 3600;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The SMTP transport for `SMTP_URL`, pooled so a burst of messages reuses a few connections. */
async function smtpTransport(smtpUrl: string): Promise<Transporter> {
  // nodemailer (~14 MB of RSS) loads only where e-mail goes out.
  const { default: nodemailer } = await import('nodemailer');
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    pool: true,
    maxConnections: 5,
    maxMessages: Infinity,
    connectionTimeout: REMOTE_TIMEOUT_MS,
    greetingTimeout: REMOTE_TIMEOUT_MS,
    socketTimeout: REMOTE_TIMEOUT_MS,
  });
}

/**
 * Hands a stored message to its channel: e-mail over SMTP, Web Push to each of the user's
 * browsers, a signed webhook POST. (The inbox needs no delivery: storing it is sending it.)
 */
@Injectable()
export class DeliveryChannels implements OnModuleInit, OnApplicationShutdown {
  private mail?: Transporter;
  private vapid?: { publicKey: string; privateKey: string };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recipients: RecipientsRepository,
    private readonly clock: Clock,
    @Optional() private readonly webhookSecrets?: WebhookSecrets,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.smtpUrl) this.mail = await smtpTransport(this.config.smtpUrl);
    await this.vapidKeys();
  }

  onApplicationShutdown(): void {
    this.mail?.close();
  }

  /** The application server key browsers subscribe with. */
  async vapidPublicKey(): Promise<string> {
    return (await this.vapidKeys()).publicKey;
  }

  private async vapidKeys(): Promise<{ publicKey: string; privateKey: string }> {
    this.vapid ??= await this.recipients.vapidKeys(() => webpush.generateVAPIDKeys(), this.clock.now());
    return this.vapid;
  }

  async deliver(m: OutboxRecord): Promise<DeliveryOutcome> {
    switch (m.channel) {
      case 'email':
        return this.email(m);
      case 'push':
        return this.push(m);
      case 'webhook':
        return this.webhook(m);
      case 'inbox':
        return { outcome: 'sent' };
    }
  }

  private async email(m: OutboxRecord): Promise<DeliveryOutcome> {
    if (!m.address) return { outcome: 'fail', error: 'no e-mail address to send to' };
    if (!this.mail) return { outcome: 'kept', note: 'SMTP_URL is not set: kept in the outbox' };
    try {
      await this.mail.sendMail({
        from: this.config.notifyFrom,
        to: m.address,
        subject: m.subject,
        text: m.body,
        // the same id on every attempt: a receiver that saw an attempt whose answer got lost
        // can tell the retry is the same message
        messageId: `<${m.id}@notifications.appliance-care>`,
        headers: {
          'X-Notification-Id': m.id,
          'X-Notification-Kind': m.kind,
          'Content-Language': m.language,
          ...(m.ticketId ? { 'X-Ticket-Id': m.ticketId } : {}),
          ...(m.requestId ? { 'X-Request-Id': m.requestId } : {}),
        },
      });
      return { outcome: 'sent' };
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx for the recipient (no such mailbox) will not get better by waiting
      if (code !== undefined && code >= 550 && code < 560) return { outcome: 'fail', error: describe(error) };
      return { outcome: 'retry', error: describe(error) };
    }
  }

  private async push(m: OutboxRecord): Promise<DeliveryOutcome> {
    if (!m.recipientUserId) return { outcome: 'fail', error: 'a push needs a recipient user' };
    const subscriptions = await this.recipients.pushSubscriptions(m.recipientUserId);
    if (subscriptions.length === 0) return { outcome: 'fail', error: 'the user has no push subscription' };
    const vapid = await this.vapidKeys();
    const payload = JSON.stringify({
      id: m.id,
      kind: m.kind,
      title: m.subject,
      body: m.body,
      ticketId: m.ticketId,
      requestId: m.requestId,
      action: m.action,
    });
    const errors: string[] = [];
    let delivered = 0;
    for (const s of subscriptions) {
      try {
        const request = webpush.generateRequestDetails(
          { endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } },
          payload,
          {
            vapidDetails: { subject: this.config.webPushSubject, ...vapid },
            TTL: PUSH_TTL_S,
            urgency: m.urgent ? 'high' : 'normal',
            contentEncoding: 'aes128gcm',
          },
        );
        const response = await fetch(request.endpoint, {
          method: request.method,
          headers: request.headers as Record<string, string>,
          body: request.body as Buffer | null,
          signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) delivered++;
        else if (response.status === 404 || response.status === 410) {
          // the browser unsubscribed or the subscription expired: forget it
          await this.recipients.removePushSubscription(s.endpoint);
          errors.push(`subscription gone (${response.status})`);
        } else errors.push(`push service answered ${response.status}`);
      } catch (error) {
        errors.push(describe(error));
      }
    }
    if (delivered > 0) return { outcome: 'sent', note: errors.length ? errors.join('; ') : undefined };
    const left = await this.recipients.pushSubscriptions(m.recipientUserId);
    if (left.length === 0)
      return { outcome: 'fail', error: errors.join('; ') || 'no push subscription left' };
    return { outcome: 'retry', error: errors.join('; ') };
  }

  private async webhook(m: OutboxRecord): Promise<DeliveryOutcome> {
    if (!m.address) return { outcome: 'fail', error: 'no webhook URL' };
    if (!m.partnerId) return { outcome: 'fail', error: 'a webhook needs the partner whose secret signs it' };
    if (!this.webhookSecrets)
      return {
        outcome: 'fail',
        error: 'webhook secrets are not available (the partners feature is not loaded)',
      };
    const secret = await this.webhookSecrets.secretFor(m.partnerId);
    if (!secret) return { outcome: 'fail', error: `partner ${m.partnerId} has no webhook secret` };
    const timestamp = String(this.clock.now());
    const signature = createHmac('sha256', secret).update(`${timestamp}.${m.body}`).digest('hex');
    try {
      const response = await fetch(m.address, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Timestamp': timestamp,
          'X-Signature': `sha256=${signature}`,
          'X-Notification-Id': m.id,
        },
        body: m.body,
        signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok
        ? { outcome: 'sent' }
        : { outcome: 'retry', error: `webhook answered ${response.status}` };
    } catch (error) {
      return { outcome: 'retry', error: describe(error) };
    }
  }
}
