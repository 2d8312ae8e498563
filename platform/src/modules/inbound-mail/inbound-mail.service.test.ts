/**
 * Fast test: what an inbound e-mail becomes. A known customer's e-mail is a request on the
 * appliance it names, a reply quoting a request's number is a message on it (from that
 * request's customer only), an unknown sender's is a request flagged for an engineer, and an
 * attachment over the limit or of another kind is refused with a reply in the sender's language.
 * Real: the platform's modules as composed (the service requests queue behind IntakePort
 * included), PGlite with the demo world, mailparser on messages built by nodemailer's composer.
 * A recorder stands in for the notifications outbox; the clock is a ManualClock.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { simpleParser } from 'mailparser';
import type { ServiceRequest } from '../../../../contracts/src';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import { UsersService } from '../users/users.service';
import { OutboxPort, type OutboxMessage } from '../notifications/outbox-port';
import { ServiceRequestsService } from '../service-requests/service-requests.service';
import { InboundMailService, type InboundOutcome } from './inbound-mail.service';

const LIMIT_BYTES = 10 * 1024;

describe('inbound e-mail', () => {
  let h: ServiceHarness;
  const enqueued: OutboxMessage[] = [];
  const outbox: OutboxPort = { enqueue: (message) => Promise.resolve(void enqueued.push(message)) };
  let anna: { id: string; email: string };
  let bo: { id: string; email: string };
  let washer: string;
  let fridge: string;
  let dishwasher: string;

  const receive = async (message: Mail.Options): Promise<Extract<InboundOutcome, { requestId: string }>> => {
    const raw = await new MailComposer({ to: 'care@example.com', ...message }).compile().build();
    const outcome = await h.get(InboundMailService).receive(await simpleParser(raw), raw);
    if (outcome.kind === 'duplicate' || outcome.kind === 'own_message')
      throw new Error(`unexpected ${outcome.kind}`);
    return outcome;
  };
  const request = (id: string): Promise<ServiceRequest> =>
    h.get(ServiceRequestsService).get(id, { principal: ADMIN });
  const requestCount = async () =>
    (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM service_requests'))[0].n;

  beforeAll(async () => {
    h = await ServiceHarness.start({
      env: { ATTACHMENT_MAX_BYTES: String(LIMIT_BYTES) },
      overrides: [{ provide: OutboxPort, useValue: outbox }],
    });
    const customers = await h.db.query<{ id: string; email: string; region: string | null }>(
      'SELECT id, email, region FROM customers WHERE email IS NOT NULL ORDER BY id LIMIT 2',
    );
    [anna, bo] = customers;
    washer = (await h.provision('washer', { id: anna.id, region: customers[0].region })).id;
    fridge = (await h.provision('refrigerator', { id: anna.id, region: customers[0].region })).id;
    dishwasher = (await h.provision('dishwasher', { id: bo.id, region: customers[1].region })).id;
  });

  afterAll(async () => {
    await h?.close();
  });

  it("makes a known customer's e-mail a request on the appliance it names", async () => {
    const outcome = await receive({
      from: `Anna <${anna.email.toUpperCase()}>`,
      subject: 'Fridge too warm',
      text: 'The fridge has been at 12 °C since this morning.',
    });
    expect(outcome).toMatchObject({ kind: 'request', customerId: anna.id, deviceId: fridge });
    const created = await request(outcome.requestId);
    expect(created).toMatchObject({
      number: outcome.number,
      channel: 'email',
      customerId: anna.id,
      deviceId: fridge,
      contact: { name: 'Anna' },
    });
    expect(created.contact.email?.toLowerCase()).toBe(anna.email.toLowerCase());
    expect(created.description).toBe('Fridge too warm\n\nThe fridge has been at 12 °C since this morning.');
    expect(created.status).not.toBe('needs_matching');
  });

  it('reads the appliance in Chinese, and takes the only appliance a customer has', async () => {
    const washing = await receive({ from: anna.email, subject: '洗衣机漏水', text: '洗衣机下面有水。' });
    expect(washing).toMatchObject({ customerId: anna.id, deviceId: washer });
    const only = await receive({ from: bo.email, subject: 'Help', text: 'It makes a loud noise.' });
    expect(only).toMatchObject({ customerId: bo.id, deviceId: dishwasher });
  });

  it('matches a customer by the e-mail of their account, not only their customer record', async () => {
    const account = await h.get(UsersService).create({
      email: 'anna.at.work@example.org',
      password: 'a-long-password',
      role: 'customer',
      name: 'Anna at work',
      customerId: anna.id,
    });
    const outcome = await receive({
      from: account.email,
      subject: 'My washing machine',
      text: 'Will not spin.',
    });
    expect(outcome).toMatchObject({ customerId: anna.id, deviceId: washer });
  });

  it("leaves the appliance to an engineer when the customer's e-mail does not say which", async () => {
    const outcome = await receive({
      from: anna.email,
      subject: 'Something is wrong',
      text: 'Please call me.',
    });
    expect(outcome).toMatchObject({ kind: 'request', customerId: anna.id, deviceId: null });
    expect(await request(outcome.requestId)).toMatchObject({ deviceId: null, status: 'needs_matching' });
  });

  it('keeps an unknown sender’s e-mail as a request flagged for matching', async () => {
    const outcome = await receive({
      from: 'Stranger <nobody@unknown.example>',
      subject: '冰箱坏了',
      text: '请联系我',
    });
    expect(outcome).toMatchObject({ kind: 'request', customerId: null, deviceId: null });
    expect(await request(outcome.requestId)).toMatchObject({
      channel: 'email',
      customerId: null,
      status: 'needs_matching',
      contact: { email: 'nobody@unknown.example' },
      // written in Chinese: the acknowledgement and replies go in Chinese
      language: 'zh-CN',
    });
  });

  it("adds a reply quoting the request's number to that request, without the quoted text", async () => {
    const first = await receive({
      from: bo.email,
      subject: 'Dishwasher does not drain',
      text: 'Water stays.',
    });
    const before = await requestCount();
    const reply = await receive({
      from: bo.email,
      subject: `Re: [${first.number}] We received your request`,
      text: `Still full of water after the reset.\n\nOn Mon, Appliance Care wrote:\n> We received ${first.number}`,
    });
    expect(reply).toMatchObject({ kind: 'reply', requestId: first.requestId, number: first.number });
    expect(await requestCount()).toBe(before);
    const messages = (await request(first.requestId)).messages;
    expect(messages.at(-1)).toMatchObject({
      from: 'customer',
      channel: 'email',
      text: 'Still full of water after the reset.',
    });
  });

  it("does not let a stranger reply on someone else's request: theirs is a new, flagged one", async () => {
    const annas = await receive({ from: anna.email, subject: 'fridge noisy', text: 'Humming.' });
    const messagesBefore = (await request(annas.requestId)).messages.length;
    const stranger = await receive({
      from: 'mallory@unknown.example',
      subject: `Re: ${annas.number}`,
      text: 'Cancel it',
    });
    expect(stranger).toMatchObject({ kind: 'request', customerId: null });
    expect(stranger.requestId).not.toBe(annas.requestId);
    expect((await request(annas.requestId)).messages).toHaveLength(messagesBefore);
  });

  it('keeps photos and PDFs within the limit, refuses the others and tells the sender once, in their language', async () => {
    enqueued.length = 0;
    const photo = Buffer.alloc(2 * 1024, 1);
    const bigPdf = Buffer.alloc(LIMIT_BYTES + 1, 2);
    const outcome = await receive({
      from: bo.email,
      messageId: '<refusal-1@bo.example>',
      subject: 'Dishwasher pictures',
      text: 'See attached.',
      attachments: [
        { filename: 'door.jpg', content: photo, contentType: 'image/jpeg' },
        { filename: 'receipt.pdf', content: Buffer.alloc(1024, 3), contentType: 'application/pdf' },
        { filename: 'manual.pdf', content: bigPdf, contentType: 'application/pdf' },
        { filename: 'logs.zip', content: Buffer.alloc(100, 4), contentType: 'application/zip' },
      ],
    });
    expect(outcome.refused.map((r) => [r.name, r.reason])).toEqual([
      ['manual.pdf', 'too_large'],
      ['logs.zip', 'kind'],
    ]);
    const stored = await request(outcome.requestId);
    expect(stored.attachments.map((a) => a.name).sort()).toEqual(['door.jpg', 'receipt.pdf']);
    const replies = enqueued.filter((m) => m.kind === 'attachment_refused');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      channel: 'email',
      address: bo.email,
      language: 'en',
      requestId: outcome.requestId,
    });
    expect(replies[0].body).toContain('"manual.pdf" (10 KB) is larger than the limit of 10 KB');
    expect(replies[0].body).toContain('"logs.zip" is not a photo or a PDF file');
    expect(replies[0].body).toContain(outcome.number);

    // the same message delivered again changes nothing
    const raw = await new MailComposer({
      from: bo.email,
      to: 'care@example.com',
      messageId: '<refusal-1@bo.example>',
      subject: 'Dishwasher pictures',
      text: 'See attached.',
    })
      .compile()
      .build();
    const count = await requestCount();
    expect(await h.get(InboundMailService).receive(await simpleParser(raw), raw)).toEqual({
      kind: 'duplicate',
    });
    expect(await requestCount()).toBe(count);
  });

  it('writes the refusal in Chinese to a customer who chose Chinese', async () => {
    enqueued.length = 0;
    const account = await h.get(UsersService).create({
      email: 'wang@example.cn',
      password: 'a-long-password',
      role: 'customer',
      name: '王先生',
      language: 'zh-CN',
      customerId: bo.id,
    });
    const outcome = await receive({
      from: account.email,
      subject: '洗碗机照片',
      text: '见附件',
      attachments: [
        { filename: '照片.png', content: Buffer.alloc(LIMIT_BYTES * 2, 5), contentType: 'image/png' },
      ],
    });
    const [reply] = enqueued.filter((m) => m.kind === 'attachment_refused');
    expect(reply).toMatchObject({
      language: 'zh-CN',
      address: 'wang@example.cn',
      recipientUserId: account.id,
    });
    expect(reply.body).toContain('“照片.png”（20 KB）超过了 10 KB 的大小限制');
    expect(reply.subject).toContain('附件未被接收');
    // (merged into Bo's open dishwasher request: the same customer and appliance within 24 h)
    expect((await request(outcome.requestId)).attachments.map((a) => a.name)).not.toContain('照片.png');
  });

  it("does not make a request of the platform's own e-mail come back (no mail loop)", async () => {
    const raw = await new MailComposer({
      from: h.core.config.notifyFrom,
      to: 'care@example.com',
      subject: '[SR-000001] We received your request',
      text: 'Thank you.',
    })
      .compile()
      .build();
    const count = await requestCount();
    expect(await h.get(InboundMailService).receive(await simpleParser(raw), raw)).toEqual({
      kind: 'own_message',
    });
    expect(await requestCount()).toBe(count);
  });
});
