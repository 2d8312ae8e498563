/**
 * The notifications outbox over time. Real: the platform's Nest modules composed as in
 * production on an in-memory PGlite with the seeded demo world, and a real SMTP server
 * (`smtp-server` on loopback) that nodemailer delivers to. The clock is a ManualClock: retries,
 * backoff and quiet hours move only when the test advances it and runs what fell due.
 */
import type { ServiceRequest, Ticket } from '../../../../contracts/src';
import { SmtpSink } from '../../../../tests/support/smtp-sink';
import { MONDAY_1PM, ServiceHarness } from '../../../../tests/support/service-harness';
import { CustomersService } from '../customers/customers.service';
import type { Customer } from '../customers/customers.repository';
import { DevicesService } from '../devices/devices.service';
import { EscalationContacts } from './escalation-contacts.service';
import { NotificationTriggers } from './notification-triggers.service';
import type { OutboxMessage } from './outbox-port';
import { OutboxRepository } from './outbox.repository';
import { OutboxService, RETRY_BACKOFF_MS } from './outbox.service';
import { RecipientsRepository } from './recipients.repository';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('notifications outbox', () => {
  let h: ServiceHarness;
  let smtp: SmtpSink;
  let outbox: OutboxService;
  let stored: OutboxRepository;
  let seq = 0;

  const message = (overrides: Partial<OutboxMessage> = {}): OutboxMessage => ({
    idempotencyKey: `test:${++seq}`,
    kind: 'request_updated',
    channel: 'email',
    address: `person${seq}@example.net`,
    language: 'en',
    subject: `Test ${seq}`,
    body: 'Hello',
    urgent: false,
    ...overrides,
  });

  /** The customer's account id, language set, and their address on file. */
  async function customerUser(customer: Customer, language: 'en' | 'zh-CN'): Promise<string> {
    const rows = await h.db.query<{ id: string }>(
      "SELECT id FROM users WHERE customer_id = $1 AND role = 'customer'",
      [customer.id],
    );
    await h.db.query('UPDATE users SET language = $2 WHERE id = $1', [rows[0].id, language]);
    return rows[0].id;
  }

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    h = await ServiceHarness.start({ env: { SMTP_URL: smtp.url } });
    outbox = h.get(OutboxService);
    stored = h.get(OutboxRepository);
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
  });

  it('stores and sends a message once however often it is enqueued', async () => {
    const m = message();
    await outbox.enqueue(m);
    await outbox.enqueue({ ...m, subject: 'a second try' });
    await outbox.runDue();
    await outbox.runDue();
    const rows = await h.db.query('SELECT id FROM notification_outbox WHERE idempotency_key = $1', [
      m.idempotencyKey,
    ]);
    expect(rows).toHaveLength(1);
    const mails = smtp.to(m.address!);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe(m.subject);
    const record = await stored.findByKey(m.idempotencyKey);
    expect(record).toMatchObject({ state: 'sent', attempts: 1, sentAtMs: h.clock.now() });
    expect(mails[0].notificationId).toBe(record!.id);
  });

  it('retries a refused e-mail with backoff and sends it once accepted', async () => {
    smtp.reject(2);
    const m = message();
    const start = h.clock.now();
    await outbox.enqueue(m);
    await outbox.runDue();
    let record = await stored.findByKey(m.idempotencyKey);
    expect(record).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAtMs: start + RETRY_BACKOFF_MS[0],
    });
    expect(record!.lastError).toMatch(/451|try again/i);

    h.clock.advance(RETRY_BACKOFF_MS[0] - 1000);
    await outbox.runDue();
    expect((await stored.findByKey(m.idempotencyKey))!.attempts).toBe(1);

    h.clock.advance(1000);
    await outbox.runDue();
    record = await stored.findByKey(m.idempotencyKey);
    expect(record).toMatchObject({
      state: 'pending',
      attempts: 2,
      nextAttemptAtMs: h.clock.now() + RETRY_BACKOFF_MS[1],
    });

    h.clock.advance(RETRY_BACKOFF_MS[1]);
    await outbox.runDue();
    record = await stored.findByKey(m.idempotencyKey);
    expect(record).toMatchObject({ state: 'sent', attempts: 3 });
    expect(smtp.to(m.address!)).toHaveLength(1);
  });

  it('gives up after the last retry, saying why', async () => {
    const m = message({ address: 'nobody-home@example.net' });
    smtp.rejectAlways(m.address!);
    await outbox.enqueue(m);
    await outbox.runDue();
    for (const wait of RETRY_BACKOFF_MS) {
      expect((await stored.findByKey(m.idempotencyKey))!.state).toBe('pending');
      h.clock.advance(wait);
      await outbox.runDue();
    }
    const record = await stored.findByKey(m.idempotencyKey);
    expect(record).toMatchObject({
      state: 'failed',
      attempts: RETRY_BACKOFF_MS.length + 1,
      nextAttemptAtMs: null,
    });
    expect(record!.lastError).toMatch(/try again later/i);
    expect(smtp.to(m.address!)).toHaveLength(0);
    // nothing more happens to it
    h.clock.advance(24 * HOUR);
    await outbox.runDue();
    expect((await stored.findByKey(m.idempotencyKey))!.attempts).toBe(RETRY_BACKOFF_MS.length + 1);
  });

  it('holds a non-urgent e-mail in quiet hours and sends it when they end; urgent ones go at once', async () => {
    const [customer] = await h.get(CustomersService).list({ limit: 1, offset: 0 });
    const userId = await customerUser(customer, 'en');
    // 13:00 UTC is 21:00 in Shanghai: inside 20:00-08:00, which ends at 00:00 UTC
    await h
      .get(RecipientsRepository)
      .savePreferences(
        userId,
        { email: true, push: true, quietHours: { start: '20:00', end: '08:00' }, timeZone: 'Asia/Shanghai' },
        h.clock.now(),
      );
    const day = Math.floor(h.clock.now() / (24 * HOUR)) * 24 * HOUR;
    const endsAt = day + 24 * HOUR;
    const quiet = message({ recipientUserId: userId, address: 'quiet@example.net' });
    const urgent = message({
      recipientUserId: userId,
      address: 'quiet@example.net',
      urgent: true,
      subject: 'Urgent',
    });
    await outbox.enqueue(quiet);
    await outbox.enqueue(urgent);
    await outbox.runDue();
    expect(await stored.findByKey(quiet.idempotencyKey)).toMatchObject({
      state: 'held',
      nextAttemptAtMs: endsAt,
    });
    expect(smtp.to('quiet@example.net').map((m) => m.subject)).toEqual(['Urgent']);

    h.clock.set(endsAt - MIN);
    await outbox.runDue();
    expect(smtp.to('quiet@example.net')).toHaveLength(1);

    h.clock.set(endsAt);
    await outbox.runDue();
    expect(smtp.to('quiet@example.net').map((m) => m.subject)).toEqual(['Urgent', quiet.subject]);
    expect(await stored.findByKey(quiet.idempotencyKey)).toMatchObject({ state: 'sent', sentAtMs: endsAt });
  });

  it('skips e-mail for someone who turned it off, and still fills their inbox', async () => {
    const [, customer] = await h.get(CustomersService).list({ limit: 2, offset: 0 });
    const userId = await customerUser(customer, 'en');
    await h
      .get(RecipientsRepository)
      .savePreferences(
        userId,
        { email: false, push: true, quietHours: null, timeZone: 'UTC' },
        h.clock.now(),
      );
    const inboxSeen = h.record('notification.inbox');
    const mail = message({ recipientUserId: userId, address: 'off@example.net' });
    const inbox = message({ recipientUserId: userId, channel: 'inbox', address: null });
    await outbox.enqueue(mail);
    await outbox.enqueue(inbox);
    await outbox.runDue();
    expect(await stored.findByKey(mail.idempotencyKey)).toBeUndefined();
    expect(await stored.findByKey(inbox.idempotencyKey)).toMatchObject({ state: 'sent' });
    expect(smtp.to('off@example.net')).toHaveLength(0);
    expect(inboxSeen.seen).toEqual([
      expect.objectContaining({ userId, event: expect.objectContaining({ unread: 1 }) }),
    ]);
    inboxSeen.stop();
  });

  it('tells a Chinese-speaking customer of a predicted failure in Chinese, once, with a book-a-visit action', async () => {
    h.clock.set(MONDAY_1PM + 2 * 24 * HOUR);
    const customers = await h.get(CustomersService).list({ limit: 5, offset: 0 });
    const customer = customers[3];
    const userId = await customerUser(customer, 'zh-CN');
    const device = await h.provision('refrigerator', customer);
    const ticket: Ticket = {
      id: 'T-prediction-1',
      deviceId: device.id,
      alarmId: null,
      customerId: customer.id,
      source: 'prediction',
      priority: 'P3',
      status: 'new',
      title: 'Predicted door_gasket_failure',
      description: 'model says so',
      createdAt: h.clock.now(),
      updatedAt: h.clock.now(),
      respondBy: h.clock.now() + HOUR,
      onSiteBy: h.clock.now() + 24 * HOUR,
      resolveBy: h.clock.now() + 48 * HOUR,
      incidentId: null,
      faultMode: 'door_gasket_failure',
      failureProbability: 0.8,
      hoursToFailure: 72,
      likelyPart: 'door-gasket',
      assigneeId: null,
      tier: 'standard',
      remote: false,
      reopenCount: 0,
      resolvedAt: null,
    };
    const triggers = h.get(NotificationTriggers);
    h.events.emit('ticket.changed', ticket);
    h.events.emit('ticket.changed', { ...ticket, updatedAt: ticket.updatedAt + 1 });
    await triggers.settled();
    await outbox.runDue();
    const items = (await stored.list({ ticketId: ticket.id, limit: 50 })).filter(
      (m) => m.kind === 'maintenance_alert',
    );
    expect(items.map((m) => m.channel).sort()).toEqual(['email', 'inbox']);
    const inbox = items.find((m) => m.channel === 'inbox')!;
    expect(inbox).toMatchObject({
      recipientUserId: userId,
      language: 'zh-CN',
      action: { kind: 'book_visit', id: ticket.id },
    });
    expect(inbox.subject).toContain('冰箱');
    expect(inbox.body).toContain('门封条');
    expect(inbox.body).not.toContain('door_gasket_failure');
    const mails = smtp.received.filter((m) => m.subject === inbox.subject);
    expect(mails).toHaveLength(1);
    expect(mails[0].contentLanguage).toBe('zh-CN');
    expect(h.get(DevicesService).find(device.id)?.type).toBe('refrigerator');
  });

  it('acknowledges a request once with its number, answers an unknown sender at their address, and relays staff replies', async () => {
    const [customer] = await h.get(CustomersService).list({ limit: 1, offset: 6 });
    await customerUser(customer, 'en');
    const device = await h.provision('washer', customer);
    const at = new Date(h.clock.now()).toISOString();
    const request = requestFixture({
      id: 'sr-test-1',
      number: 'SR-000042',
      deviceId: device.id,
      customerId: customer.id,
      createdAt: at,
    });
    const triggers = h.get(NotificationTriggers);
    h.events.emit('service_request.changed', request);
    h.events.emit('service_request.changed', { ...request, status: 'triaging' });
    h.events.emit('service_request.changed', {
      ...request,
      status: 'ticket_opened',
      messages: [{ at, from: 'staff', channel: 'engineer', text: 'We will call you tomorrow.' }],
    });
    const stranger = { ...request, id: 'sr-test-2', number: 'SR-000043', customerId: null, deviceId: null };
    h.events.emit('service_request.changed', {
      ...stranger,
      status: 'needs_matching',
      contact: { email: 'who@example.org' },
    });
    await triggers.settled();
    await outbox.runDue();

    const mails = smtp.to(customer.email as string);
    expect(mails.map((m) => m.kind).sort()).toEqual(['request_received', 'request_reply']);
    expect(mails.every((m) => m.subject.startsWith('[SR-000042] '))).toBe(true);
    expect(mails.find((m) => m.kind === 'request_reply')?.text).toContain('We will call you tomorrow.');
    expect(mails.find((m) => m.kind === 'request_received')?.text).toContain('washing machine');
    const unknown = smtp.to('who@example.org');
    expect(unknown.map((m) => [m.kind, m.subject])).toEqual([
      ['request_received', '[SR-000043] We have received your request'],
    ]);
    const inbox = await stored.list({ requestId: request.id, channel: 'inbox', limit: 10 });
    expect(inbox.map((m) => m.kind).sort()).toEqual(['request_received', 'request_reply']);
  });

  it('writes about a request in the language the customer wrote it in when they saved none', async () => {
    const [customer] = await h.get(CustomersService).list({ limit: 1, offset: 8 });
    const userId = await customerUser(customer, 'en');
    await h.db.query('UPDATE users SET language = NULL WHERE id = $1', [userId]);
    const device = await h.provision('dishwasher', customer);
    const at = new Date(h.clock.now()).toISOString();
    const base = requestFixture({
      id: 'sr-lang-1',
      number: 'SR-000077',
      deviceId: device.id,
      customerId: customer.id,
      createdAt: at,
      language: 'zh-CN',
    });
    h.events.emit('service_request.changed', base);
    // an unknown sender who wrote in Chinese is answered in Chinese too
    h.events.emit('service_request.changed', {
      ...base,
      id: 'sr-lang-2',
      number: 'SR-000078',
      customerId: null,
      deviceId: null,
      status: 'needs_matching',
      contact: { email: 'zhang@example.cn' },
    });
    await h.get(NotificationTriggers).settled();
    await outbox.runDue();
    const [mail] = smtp.to(customer.email as string).filter((m) => m.subject.startsWith('[SR-000077]'));
    expect(mail.contentLanguage).toBe('zh-CN');
    expect(mail.subject).toMatch(/[\u4e00-\u9fff]/);
    const [stranger] = smtp.to('zhang@example.cn');
    expect(stranger.contentLanguage).toBe('zh-CN');
    const [inbox] = await stored.list({ requestId: 'sr-lang-1', channel: 'inbox', limit: 10 });
    expect(inbox.language).toBe('zh-CN');
  });

  it("escalates to real staff accounts: a senior engineer and the region's manager", async () => {
    const contacts = await h.get(EscalationContacts).forTicket(null, 'north');
    const recipients = h.get(RecipientsRepository);
    expect((await recipients.user(contacts.seniorEngineerId!))?.email).toBe('senior.engineer@example.com');
    expect((await recipients.user(contacts.regionalManagerId!))?.email).toBe('manager.north@example.com');
  });

  it('tells the escalation contacts of an SLA breach by inbox and e-mail, the assignee through their account', async () => {
    const contacts = await h.get(EscalationContacts).forTicket(null, 'north');
    const technician = (
      await h.db.query<{ id: string; user_id: string; email: string }>(
        'SELECT id, user_id, email FROM technicians WHERE user_id IS NOT NULL ORDER BY id LIMIT 1',
      )
    )[0];
    const event = {
      type: 'sla.breach' as const,
      ticketId: 'T-sla-1',
      clock: 'onSite' as const,
      atMs: h.clock.now(),
      elapsedMs: 2 * HOUR,
      targetMs: 2 * HOUR,
      level: 1,
      assigneeId: technician.id,
      notifications: [
        { role: 'assignee', recipientId: technician.id, kind: 'info' as const, message: 'fyi' },
        {
          role: 'senior_engineer',
          recipientId: contacts.seniorEngineerId!,
          kind: 'action' as const,
          message: 'act',
        },
      ],
    };
    h.events.emit('sla.event', event);
    h.events.emit('sla.event', event);
    await h.get(NotificationTriggers).settled();
    await outbox.runDue();
    const sent = await stored.list({ ticketId: 'T-sla-1', limit: 20 });
    expect(sent.map((m) => `${m.recipientUserId}:${m.channel}`).sort()).toEqual(
      [
        `${contacts.seniorEngineerId}:email`,
        `${contacts.seniorEngineerId}:inbox`,
        `${technician.user_id}:email`,
        `${technician.user_id}:inbox`,
      ].sort(),
    );
    expect(sent.every((m) => m.kind === 'sla_breach' && m.urgent)).toBe(true);
    const mail = smtp.to('senior.engineer@example.com');
    expect(mail).toHaveLength(1);
    expect(mail[0].subject).toBe('SLA breached: ticket (T-sla-1)');
    expect(mail[0].text).toContain('on-site');
  });
});

/** A portal request about a drain that does not drain, received at `createdAt` and not answered yet. */
function requestFixture(
  fields: Pick<ServiceRequest, 'id' | 'number' | 'deviceId' | 'customerId' | 'createdAt'> &
    Partial<ServiceRequest>,
): ServiceRequest {
  return {
    channel: 'portal',
    type: 'quality',
    urgency: 'core_function',
    department: 'technical_service',
    status: 'received',
    partnerId: null,
    externalRef: null,
    symptom: 'not_draining',
    description: null,
    contact: {},
    preferredWindows: [],
    updatedAt: fields.createdAt,
    respondBy: fields.createdAt,
    respondedAt: null,
    mergedCount: 0,
    triage: null,
    messages: [],
    attachments: [],
    ...fields,
  };
}
