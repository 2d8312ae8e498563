import { Inject, Injectable, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type { ServiceRequest } from '../../../../contracts/src';
import { DomainEvents } from '../../common/events/domain-events';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { OutboxPort, type OutboxMessage } from '../notifications/outbox-port';
import { PartnersRepository } from './partners.repository';

/** The JSON a partner's webhook URL receives (POST, signed like the partner's own calls). */
export function requestUpdatedWebhook(request: ServiceRequest, webhookUrl: string): OutboxMessage {
  return {
    // one per state of the request: a repeated announcement of the same state is not sent twice
    idempotencyKey: `request_updated:${request.id}:${request.updatedAt}:${request.status}`,
    kind: 'request_updated',
    channel: 'webhook',
    address: webhookUrl,
    partnerId: request.partnerId,
    language: 'en',
    subject: `${request.number} ${request.status}`,
    body: JSON.stringify({ event: 'service_request.updated', request }),
    urgent: true,
    requestId: request.id,
    deviceId: request.deviceId,
  };
}

/**
 * Tells a partner about each change of a request it submitted: every `service_request.changed`
 * of a request with a `partnerId` whose partner has a webhook URL (and is not disabled) becomes
 * a `request_updated` webhook in the outbox, which delivers and signs it.
 */
@Injectable()
export class PartnerWebhooksService implements OnModuleInit, OnApplicationShutdown {
  private unsubscribe?: () => void;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly repository: PartnersRepository,
    private readonly events: DomainEvents,
    @Inject(LOGGER) private readonly logger: Logger,
    // the notifications module provides it; optional so that the platform starts without it
    @Optional() private readonly outbox?: OutboxPort,
  ) {}

  onModuleInit(): void {
    if (!this.outbox) this.logger.warn('no OutboxPort provided: partner webhooks are not sent');
    this.unsubscribe = this.events.on('service_request.changed', (request) =>
      this.track(this.notify(request)),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe?.();
    await this.settled();
  }

  /** Waits for the webhooks of the changes seen so far to be in the outbox. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(work: Promise<void>): Promise<void> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  private async notify(request: ServiceRequest): Promise<void> {
    if (!request.partnerId || !this.outbox) return;
    const partner = await this.repository.find(request.partnerId);
    if (!partner?.webhookUrl || partner.disabledAt !== null) return;
    await this.outbox.enqueue(requestUpdatedWebhook(request, partner.webhookUrl));
  }
}
