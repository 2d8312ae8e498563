import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  notificationId: string | null;
  kind: string | null;
  contentLanguage: string | null;
  messageId: string | null;
  parsed: ParsedMail;
}

const header = (mail: ParsedMail, name: string): string | null => {
  const value = mail.headers.get(name);
  return typeof value === 'string' ? value : null;
};

/**
 * A real SMTP server (the `smtp-server` package) on 127.0.0.1 that keeps what it receives,
 * parsed with `mailparser`. `reject(n)` makes it answer the next n messages with a temporary
 * failure (451); `rejectAlways(address)` refuses every message for one recipient.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private rejectNext = 0;
  private readonly alwaysRejected = new Set<string>();

  private readonly server: SMTPServer;

  private constructor(readonly port: number) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 10 * 1024 * 1024,
      onData: (stream, session, callback) => {
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        simpleParser(stream)
          .then((parsed) => this.accept(parsed, to, callback))
          .catch((error: unknown) => callback(error as Error));
      },
    });
  }

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink(await freePort());
    await new Promise<void>((resolve, reject) => {
      sink.server.once('error', reject);
      sink.server.listen(sink.port, '127.0.0.1', () => resolve());
    });
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  reject(count: number): void {
    this.rejectNext = count;
  }

  rejectAlways(address: string): void {
    this.alwaysRejected.add(address.toLowerCase());
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to === address.toLowerCase());
  }

  private accept(parsed: ParsedMail, to: string[], callback: (error?: Error | null) => void): void {
    if (this.rejectNext > 0 || to.some((a) => this.alwaysRejected.has(a))) {
      if (this.rejectNext > 0) this.rejectNext--;
      const error = Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 });
      callback(error);
      return;
    }
    for (const address of to) {
      this.received.push({
        to: address,
        subject: parsed.subject ?? '',
        text: parsed.text ?? '',
        notificationId: header(parsed, 'x-notification-id'),
        kind: header(parsed, 'x-notification-kind'),
        contentLanguage: header(parsed, 'content-language'),
        messageId: parsed.messageId ?? null,
        parsed,
      });
    }
    callback();
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
