import type { AddressInfo } from 'node:net';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { SMTPServer, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { APP_CONFIG, type AppConfig } from '../../common/config/app-config';
import { LOGGER, type Logger } from '../../common/logging/logger';
import { InboundMailService } from './inbound-mail.service';

/** The largest whole message (text and attachments, as encoded) accepted; over it: SMTP 552. */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

type SmtpError = Error & { responseCode: number };
const smtpError = (responseCode: number, message: string): SmtpError =>
  Object.assign(new Error(message), { responseCode });

/**
 * The e-mail intake: an SMTP listener on `HOST`:`INBOUND_SMTP_PORT` (off when the port is not
 * set) that hands each message to `InboundMailService`. For the demo there is no AUTH and no
 * STARTTLS; put it behind the organisation's mail server in production. A message is accepted
 * (250) only once it became a request or a reply; a failure answers 451 so the sending server
 * retries later, and nothing is lost.
 */
@Injectable()
export class InboundSmtpListener implements OnModuleInit, OnModuleDestroy {
  private server?: SMTPServer;
  private boundPort?: number;

  constructor(
    private readonly mail: InboundMailService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'host' | 'inboundSmtpPort'>,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The port it listens on (the one the OS picked when configured as 0); undefined when off. */
  get port(): number | undefined {
    return this.boundPort;
  }

  async onModuleInit(): Promise<void> {
    if (this.config.inboundSmtpPort === undefined) return;
    await this.start(this.config.inboundSmtpPort, this.config.host, MAX_MESSAGE_BYTES);
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  async start(port: number, host: string, maxMessageBytes: number): Promise<void> {
    // smtp-server and mailparser (~25 MB of RSS) load only where the intake is on.
    const { SMTPServer } = await import('smtp-server');
    const server = new SMTPServer({
      name: 'appliance-care',
      banner: 'Appliance Care service requests',
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      size: maxMessageBytes,
      logger: false,
      closeTimeout: 5_000,
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (error: SmtpError) => callback(error),
        );
      },
    });
    server.on('error', (error) => this.logger.error({ err: error }, 'inbound SMTP error'));
    await new Promise<void>((resolve, reject) => {
      const net = server.listen(port, host, () => {
        net.off('error', reject);
        resolve();
      });
      net.once('error', reject);
    });
    this.server = server;
    this.boundPort = (server.server.address() as AddressInfo).port;
    this.logger.info({ port: this.boundPort, host }, 'inbound SMTP listening');
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // past the limit the rest is read (the client is still sending) but not kept
      if (!stream.sizeExceeded) chunks.push(chunk);
    }
    if (stream.sizeExceeded) throw smtpError(552, 'Message exceeds the maximum message size');
    const raw = Buffer.concat(chunks);
    try {
      const { simpleParser } = await import('mailparser');
      const parsed = await simpleParser(raw);
      const mailFrom = session.envelope.mailFrom;
      await this.mail.receive(parsed, raw, { mailFrom: mailFrom ? mailFrom.address : null });
    } catch (error) {
      this.logger.error({ err: error }, 'inbound e-mail not handled; the sender is asked to retry');
      throw smtpError(451, 'Temporary failure handling the message, try again later');
    }
  }
}
