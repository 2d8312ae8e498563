/**
 * Fast test: the SMTP listener on loopback. A message is accepted (250) once handled, refused
 * with 552 over the size limit (and not handed on), and answered 451 (try later) when it could
 * not be handled, so the sending server keeps it. Real: smtp-server, mailparser, nodemailer's
 * SMTP client; a recorder stands in for InboundMailService.
 */
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { createLogger } from '../../common/logging/logger';
import type { InboundMailService } from './inbound-mail.service';
import { InboundSmtpListener } from './inbound-smtp.listener';

describe('the inbound SMTP listener', () => {
  const handled: Array<{ mail: ParsedMail; mailFrom: string | null }> = [];
  let failNext = false;
  const service = {
    receive: (mail: ParsedMail, _raw: Buffer, envelope: { mailFrom: string | null }) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('database unavailable'));
      }
      handled.push({ mail, mailFrom: envelope.mailFrom });
      return Promise.resolve({ kind: 'duplicate' as const });
    },
  } as unknown as InboundMailService;
  const listener = new InboundSmtpListener(
    service,
    { host: '127.0.0.1', inboundSmtpPort: undefined },
    createLogger('silent'),
  );
  const send = (message: SendMailOptions) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true })
      .sendMail({ from: 'anna@example.com', to: 'care@example.com', ...message });

  beforeAll(async () => {
    await listener.start(0, '127.0.0.1', 8 * 1024);
  });

  afterAll(async () => {
    await listener.stop();
  });

  it('accepts a message once it is handled, parsed, with the envelope sender', async () => {
    const info = await send({ subject: 'Washer leaking', text: 'Water on the floor.' });
    expect(info.response).toMatch(/^250/);
    expect(handled).toHaveLength(1);
    expect(handled[0].mail.subject).toBe('Washer leaking');
    expect(handled[0].mail.text?.trim()).toBe('Water on the floor.');
    expect(handled[0].mailFrom).toBe('anna@example.com');
  });

  it('refuses a message over the size limit with 552, and hands nothing on', async () => {
    const before = handled.length;
    await expect(
      send({
        subject: 'photos',
        text: 'x',
        attachments: [{ filename: 'big.jpg', content: Buffer.alloc(16 * 1024, 7) }],
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(handled).toHaveLength(before);
  });

  it('answers 451 when the message could not be handled, so the sender retries', async () => {
    failNext = true;
    await expect(send({ subject: 'later', text: 'x' })).rejects.toMatchObject({ responseCode: 451 });
    // and the retry goes through
    await expect(send({ subject: 'later', text: 'x' })).resolves.toMatchObject({
      response: expect.stringMatching(/^250/),
    });
  });

  it('offers neither AUTH nor STARTTLS', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: listener.port,
      secure: false,
      requireTLS: true,
    });
    await expect(transport.sendMail({ from: 'a@b.c', to: 'care@example.com', text: 'x' })).rejects.toThrow(
      /STARTTLS/,
    );
  });
});
