import { Global, Module } from '@nestjs/common';
import { PartnerAuthenticator } from '../auth/partner-auth.port';
import { WebhookSecrets } from '../notifications/outbox-port';
import { PartnerAuthenticatorService } from './partner-authenticator.service';
import { PartnerWebhooksService } from './partner-webhooks.service';
import { PartnersController } from './partners.controller';
import { PartnersRepository } from './partners.repository';
import { PartnersService } from './partners.service';

/**
 * Partner systems: admin API for their keys, the authenticator the auth guard calls on
 * `@PartnerAllowed()` routes, the webhook secrets the outbox signs with, and the webhooks.
 */
@Global()
@Module({
  controllers: [PartnersController],
  providers: [
    PartnersRepository,
    PartnersService,
    PartnerWebhooksService,
    { provide: PartnerAuthenticator, useClass: PartnerAuthenticatorService },
    { provide: WebhookSecrets, useExisting: PartnersService },
  ],
  exports: [PartnerAuthenticator, WebhookSecrets, PartnersService],
})
export class PartnersModule {}
