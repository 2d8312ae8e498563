import { Module } from '@nestjs/common';
import { InboundMailRepository } from './inbound-mail.repository';
import { InboundMailService } from './inbound-mail.service';
import { InboundSmtpListener } from './inbound-smtp.listener';

/** E-mail intake: the SMTP listener (`INBOUND_SMTP_PORT`) and the rules that make requests of e-mails. */
@Module({
  providers: [InboundMailRepository, InboundMailService, InboundSmtpListener],
  exports: [InboundMailService, InboundSmtpListener],
})
export class InboundMailModule {}
