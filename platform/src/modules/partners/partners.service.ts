import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { createPartnerSchema, createdPartnerSchema, partnerSchema } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { WebhookSecrets } from '../notifications/outbox-port';
import { hashApiKey, newApiKey, newSigningSecret } from './partner-signature';
import { partnerError } from './partners.errors';
import { PartnersRepository, type PartnerRecord } from './partners.repository';

export type Partner = z.infer<typeof partnerSchema>;
export type CreatedPartner = z.infer<typeof createdPartnerSchema>;
export type CreatePartner = z.infer<typeof createPartnerSchema>;

const toView = (p: PartnerRecord): Partner => ({
  id: p.id,
  name: p.name,
  webhookUrl: p.webhookUrl,
  createdAt: new Date(p.createdAt).toISOString(),
  disabled: p.disabledAt !== null,
});

/**
 * Partner systems (call centre, shop, chat bot) and their credentials. The API key is shown
 * once and stored only as its SHA-256; the signing secret is stored (it must sign and verify)
 * but shown only when created or rotated. The same secret signs the webhooks sent back.
 */
@Injectable()
export class PartnersService extends WebhookSecrets {
  constructor(
    private readonly repository: PartnersRepository,
    private readonly clock: Clock,
  ) {
    super();
  }

  async create(body: CreatePartner): Promise<CreatedPartner> {
    const webhookUrl = body.webhookUrl ?? null;
    if (webhookUrl !== null) assertWebhookUrl(webhookUrl);
    const { keyId, apiKey } = newApiKey();
    const record: PartnerRecord = {
      id: `partner-${randomUUID()}`,
      name: body.name,
      keyId,
      apiKeyHash: hashApiKey(apiKey),
      signingSecret: newSigningSecret(),
      webhookUrl,
      createdAt: this.clock.now(),
      disabledAt: null,
    };
    await this.repository.insert(record);
    return { ...toView(record), apiKey, webhookSecret: record.signingSecret };
  }

  async list(): Promise<Partner[]> {
    return (await this.repository.list()).map(toView);
  }

  /** Its calls are refused from now on (`partner.disabled`) and no more webhooks are sent to it. */
  async disable(id: string): Promise<Partner> {
    if (!(await this.repository.disable(id, this.clock.now()))) throw notFound(id);
    return toView(await this.require(id));
  }

  /** A new key and secret, shown once; the old ones stop working at once. */
  async rotate(id: string): Promise<CreatedPartner> {
    const { keyId, apiKey } = newApiKey();
    const signingSecret = newSigningSecret();
    if (!(await this.repository.rotate(id, { keyId, apiKeyHash: hashApiKey(apiKey), signingSecret })))
      throw notFound(id);
    return { ...toView(await this.require(id)), apiKey, webhookSecret: signingSecret };
  }

  find(id: string): Promise<PartnerRecord | undefined> {
    return this.repository.find(id);
  }

  /** `WebhookSecrets`: null for an unknown or disabled partner, whose webhooks are not signed (nor sent). */
  async secretFor(partnerId: string): Promise<string | null> {
    const partner = await this.repository.find(partnerId);
    return partner && partner.disabledAt === null ? partner.signingSecret : null;
  }

  private async require(id: string): Promise<PartnerRecord> {
    const partner = await this.repository.find(id);
    if (!partner) throw notFound(id);
    return partner;
  }
}

const notFound = (id: string) => partnerError('partner.not_found', `No partner "${id}"`, { partnerId: id });

/** Webhooks are POSTed over HTTP(S) only. */
function assertWebhookUrl(url: string): void {
  const protocol = URL.canParse(url) ? new URL(url).protocol : '';
  if (protocol !== 'http:' && protocol !== 'https:')
    throw partnerError('partner.webhook_url_invalid', 'webhookUrl: an http: or https: URL', {
      field: 'webhookUrl',
    });
}
