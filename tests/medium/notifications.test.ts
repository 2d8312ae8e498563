/**
 * Medium test of notifications reaching people. Real: the platform (Nest HTTP, Socket.IO, the
 * Aedes gateway, the embedded telemetry store) on PGlite with the seeded demo world; a real
 * SMTP server (`smtp-server` on loopback, mail parsed with `mailparser`) that the outbox
 * delivers to through nodemailer; a local HTTP server standing in for a browser push service,
 * with a subscription made from our own ECDH P-256 key pair, whose payloads we decrypt with
 * `http_ece`. The platform's clock is a ManualClock on a Monday 13:00 UTC.
 */
import { createECDH, randomBytes } from 'node:crypto';
import http from 'node:http';
import ece from 'http_ece';
import type { Socket } from 'socket.io-client';
import type { CreatedDevice, Notification, NotificationEvent, Ticket } from '../../contracts/src';
import { ManualClock } from '../../platform/src/common/clock/clock';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { JobScheduler } from '../../platform/src/modules/jobs/job-scheduler.service';
import { OutboxPort } from '../../platform/src/modules/notifications/outbox-port';
import type { Technician } from '../../platform/src/modules/technicians/technicians.repository';
import { freePort, waitFor } from '../support/free-port';
import { startTestPlatform, telemetry, type TestPlatform } from '../support/platform-fixture';
import { SmtpSink } from '../support/smtp-sink';
import {
  CUSTOMER_PASSWORD,
  TECHNICIAN_PASSWORD,
  dispatchedTicket,
  healthyReading,
  pickScenario,
} from './service-support';

const MONDAY_1PM = Date.UTC(2026, 0, 5, 13);
const HOLD_MS = 3_600_000;
const CJK = /[\u4e00-\u9fff]/;
const CUSTOMER_KINDS = [
  'technician_assigned',
  'technician_en_route',
  'technician_arrived',
  'repaired',
  'fix_verified',
] as const;

interface PushReceived {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

describe('notifications over e-mail, the portal inbox and Web Push', () => {
  const clock = new ManualClock(MONDAY_1PM);
  let smtp: SmtpSink;
  let t: TestPlatform;
  let admin: string;
  let customerToken: string;
  let techToken: string;
  let scenario: ReturnType<typeof pickScenario>;
  let ticket: Ticket;
  let device: CreatedDevice;
  let customerSocket: Socket;
  const socketEvents: NotificationEvent[] = [];
  // the push service: answers 201, or 410 once the test says the subscription is gone
  const pushes: PushReceived[] = [];
  let pushStatus = 201;
  let pushServer: http.Server;
  let pushUrl: string;
  const receiver = createECDH('prime256v1');
  receiver.generateKeys();
  const authSecret = randomBytes(16);

  const act = (id: string, action: string, token: string, body: unknown = {}) =>
    t.http<Ticket>('POST', `/api/tickets/${id}/${action}`, { token, body });
  const list = (token: string, query = '') =>
    t.http<{ items: Notification[]; unread: number }>('GET', `/api/notifications${query}`, { token });
  const customerEmail = () => (scenario.customer.email as string).toLowerCase();
  const mailOf = (kind: string) => smtp.to(customerEmail()).filter((m) => m.kind === kind);

  beforeAll(async () => {
    smtp = await SmtpSink.start();
    const port = await freePort();
    pushServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        pushes.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(pushStatus).end();
      });
    });
    await new Promise<void>((resolve) => pushServer.listen(port, '127.0.0.1', resolve));
    pushUrl = `http://127.0.0.1:${port}/push/customer-browser`;

    t = await startTestPlatform({ SMTP_URL: smtp.url, FIX_VERIFY_HOLD_MS: String(HOLD_MS) }, { clock });
    admin = await t.login();
    const technicians = (await t.http<Technician[]>('GET', '/api/technicians', { token: admin })).body;
    const customers = (await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })).body;
    scenario = pickScenario(technicians, customers, clock.now());
    customerToken = await t.login({ email: scenario.customer.email as string, password: CUSTOMER_PASSWORD });
    expect(
      (await t.http('PATCH', '/api/me', { token: customerToken, body: { language: 'zh-CN' } })).status,
    ).toBe(200);
    customerSocket = await t.connectSocket(customerToken);
    customerSocket.on('notification', (e: NotificationEvent) => socketEvents.push(e));
  });

  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
    await new Promise((resolve) => pushServer?.close(resolve));
  });

  it('keeps a browser push subscription made with the public key it hands out', async () => {
    const key = await t.http<{ publicKey: string }>('GET', '/api/push/public-key', { token: customerToken });
    expect(key.status).toBe(200);
    // an uncompressed P-256 point, base64url: what a browser's applicationServerKey takes
    expect(Buffer.from(key.body.publicKey, 'base64url')).toHaveLength(65);
    const bad = await t.http<{ field?: string }>('POST', '/api/push/subscriptions', {
      token: customerToken,
      body: { endpoint: 'not a url', keys: { p256dh: 'x', auth: 'y' } },
    });
    expect(bad.status).toBe(400);
    const made = await t.http('POST', '/api/push/subscriptions', {
      token: customerToken,
      body: {
        endpoint: pushUrl,
        expirationTime: null,
        keys: {
          p256dh: receiver.getPublicKey().toString('base64url'),
          auth: authSecret.toString('base64url'),
        },
      },
    });
    expect(made.status).toBe(201);
  });

  it('tells the customer of each step of the repair once, in Chinese, by e-mail, inbox, socket and push', async () => {
    ({ device, ticket } = await dispatchedTicket(t, admin, scenario, clock.now()));
    const technician = scenario.eligible.find((e) => e.id === ticket.assigneeId) as Technician;
    techToken = await t.login({ email: technician.email as string, password: TECHNICIAN_PASSWORD });
    await waitFor(() => mailOf('technician_assigned')[0], { what: 'the technician-assigned e-mail' });

    expect((await act(ticket.id, 'accept', techToken)).status).toBe(200);
    const site = scenario.customer.location as { lat: number; lon: number };
    expect(
      (await act(ticket.id, 'en-route', techToken, { lat: site.lat + 0.05, lon: site.lon })).body.status,
    ).toBe('en_route');
    await waitFor(() => mailOf('technician_en_route')[0], { what: 'the en-route e-mail' });
    clock.advance(30 * 60_000);
    expect((await act(ticket.id, 'arrive', techToken)).body.status).toBe('on_site');
    expect(
      (await act(ticket.id, 'resolve', techToken, { rootCause: 'replaced the worn part' })).body.status,
    ).toBe('resolved');
    await waitFor(() => mailOf('repaired')[0], { what: 'the repaired e-mail' });
    await verify(ticket);
    await waitFor(() => mailOf('fix_verified')[0], { what: 'the fix-verified e-mail' });

    // each e-mail once, in the customer's language, about this ticket
    for (const kind of CUSTOMER_KINDS) {
      const mails = mailOf(kind);
      expect(mails).toHaveLength(1);
      expect(mails[0].contentLanguage).toBe('zh-CN');
      expect(mails[0].subject).toMatch(CJK);
      expect(mails[0].text).toContain(ticket.id);
    }
    const ids = smtp.received.map((m) => m.notificationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(mailOf('technician_en_route')[0].text).toMatch(/预计 \d\d:\d\d 左右到达/);

    // the portal inbox has each, unread, and the socket said so as they came
    const inbox = await list(customerToken, '?channel=inbox');
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((n) => n.kind).sort()).toEqual([...CUSTOMER_KINDS].sort());
    expect(inbox.body.unread).toBe(CUSTOMER_KINDS.length);
    await waitFor(() => (socketEvents.length >= CUSTOMER_KINDS.length ? true : undefined), {
      what: 'a socket notification for each step',
    });
    expect(socketEvents.map((e) => e.notification.kind).sort()).toEqual([...CUSTOMER_KINDS].sort());
    expect(socketEvents.map((e) => e.unread)).toEqual([1, 2, 3, 4, 5]);

    // every step was pushed, encrypted for our key pair only
    await waitFor(() => (pushes.length >= CUSTOMER_KINDS.length ? true : undefined), { what: 'the pushes' });
    const decrypted = pushes.map((p) => {
      expect(p.headers['content-encoding']).toBe('aes128gcm');
      expect(p.headers.authorization).toMatch(/^vapid t=.+, k=.+/);
      return JSON.parse(
        ece
          .decrypt(p.body, {
            version: 'aes128gcm',
            privateKey: receiver,
            authSecret: authSecret.toString('base64url'),
          })
          .toString(),
      ) as { kind: string; title: string; ticketId: string };
    });
    expect(decrypted.map((d) => d.kind).sort()).toEqual([...CUSTOMER_KINDS].sort());
    expect(decrypted.every((d) => d.ticketId === ticket.id && CJK.test(d.title))).toBe(true);
    expect(pushes.find((p) => p.body.includes(Buffer.from(ticket.id)))).toBeUndefined();
  });

  /** The appliance stays normal for the hold time after the repair: the fix is verified. */
  async function verify(tk: Ticket): Promise<void> {
    const client = await t.connectDevice(device);
    const normal = async (seq: number) => {
      await client.publishAsync(
        `devices/${device.id}/telemetry`,
        telemetry(seq, healthyReading(scenario.type), clock.now()),
        { qos: 1 },
      );
      await t.platform.settle();
    };
    clock.advance(HOLD_MS / 2);
    await normal(100);
    await t.platform.app.get(JobScheduler).runDue();
    clock.advance(HOLD_MS / 2 + 60_000);
    await normal(101);
    await t.platform.app.get(JobScheduler).runDue();
    await waitFor(
      async () =>
        (await t.http<Ticket>('GET', `/api/tickets/${tk.id}`, { token: admin })).body.status === 'verified' ||
        undefined,
      { what: 'the fix verified' },
    );
  }

  it('offered the job to the technician in their inbox', async () => {
    const mine = await list(techToken);
    expect(mine.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'new_offer', channel: 'inbox', ticketId: ticket.id }),
      ]),
    );
    // technicians see only their own
    expect(mine.body.items.every((n) => n.recipientUserId === mine.body.items[0].recipientUserId)).toBe(true);
  });

  it('shows staff the whole history of the ticket, and other customers nothing of it', async () => {
    const all = await list(admin, `?ticketId=${ticket.id}`);
    const kinds = all.body.items.map((n) => `${n.kind}:${n.channel}`);
    for (const kind of CUSTOMER_KINDS)
      expect(kinds).toEqual(expect.arrayContaining([`${kind}:email`, `${kind}:inbox`]));
    expect(all.body.items.filter((n) => n.channel === 'email').every((n) => n.state === 'sent')).toBe(true);
    expect(await t.metric('notifications_sent_total{channel="email",state="sent"}')).toBeGreaterThanOrEqual(
      CUSTOMER_KINDS.length,
    );
    const mine = await list(customerToken, `?ticketId=${ticket.id}&channel=email`);
    expect(mine.body.items).toHaveLength(CUSTOMER_KINDS.length);
    const stranger = (await t.http<Customer[]>('GET', '/api/customers?limit=5', { token: admin })).body.find(
      (c) => c.id !== scenario.customer.id,
    ) as Customer;
    const strangerToken = await t.login({ email: stranger.email as string, password: CUSTOMER_PASSWORD });
    expect((await list(strangerToken, `?ticketId=${ticket.id}`)).body.items).toEqual([]);
    expect((await list(admin, '?channel=fax')).status).toBe(400);
  });

  it("marks the inbox read, one or all, only the reader's own", async () => {
    const inbox = (await list(customerToken, '?channel=inbox&unread=true')).body.items;
    const one = await t.http<NotificationEvent>('POST', `/api/notifications/${inbox[0].id}/read`, {
      token: customerToken,
    });
    expect(one.status).toBe(200);
    expect(one.body.unread).toBe(CUSTOMER_KINDS.length - 1);
    expect(one.body.notification.readAt).not.toBeNull();
    const notMine = await t.http<{ code: string }>('POST', `/api/notifications/${inbox[1].id}/read`, {
      token: techToken,
    });
    expect(notMine.status).toBe(404);
    expect(notMine.body.code).toBe('notifications.not_found');
    const all = await t.http<{ unread: number }>('POST', '/api/notifications/read-all', {
      token: customerToken,
    });
    expect(all.body.unread).toBe(0);
    expect((await list(customerToken, '?unread=true')).body.items).toEqual([]);
  });

  it('keeps preferences, refusing a time zone nobody has', async () => {
    const initial = await t.http('GET', '/api/me/notification-preferences', { token: customerToken });
    expect(initial.body).toEqual({ email: true, push: true, quietHours: null, timeZone: 'UTC' });
    const bad = await t.http<{ code: string; field: string }>('PUT', '/api/me/notification-preferences', {
      token: customerToken,
      body: { email: true, push: true, quietHours: null, timeZone: 'Mars/Olympus' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'notifications.bad_time_zone', field: 'timeZone' });
    const badHours = await t.http<{ field: string }>('PUT', '/api/me/notification-preferences', {
      token: customerToken,
      body: { email: true, push: true, quietHours: { start: '25:00', end: '07:00' }, timeZone: 'UTC' },
    });
    expect(badHours.status).toBe(400);
    const saved = {
      email: false,
      push: true,
      quietHours: { start: '22:00', end: '07:00' },
      timeZone: 'Asia/Shanghai',
    };
    expect(
      (await t.http('PUT', '/api/me/notification-preferences', { token: customerToken, body: saved })).body,
    ).toEqual(saved);
    expect((await t.http('GET', '/api/me/notification-preferences', { token: customerToken })).body).toEqual(
      saved,
    );
  });

  it('forgets a push subscription the push service says is gone', async () => {
    pushStatus = 410;
    const before = pushes.length;
    const me = await t.http<{ id: string }>('GET', '/api/me', { token: customerToken });
    await t.platform.app.get(OutboxPort).enqueue({
      idempotencyKey: 'test:push-gone',
      kind: 'request_updated',
      channel: 'push',
      recipientUserId: me.body.id,
      language: 'zh-CN',
      subject: '更新',
      body: '有新的进展',
      urgent: true,
      ticketId: ticket.id,
    });
    await waitFor(() => (pushes.length > before ? true : undefined), { what: 'a push attempt' });
    const gone = await waitFor(
      async () => {
        const pushed = (await list(admin, `?ticketId=${ticket.id}&channel=push`)).body.items.filter(
          (n) => n.state === 'failed',
        );
        return pushed.length > 0 ? pushed : undefined;
      },
      { what: 'the push marked failed' },
    );
    expect(gone[0].lastError).toMatch(/410/);
    const again = await t.http<{ code: string }>('DELETE', '/api/push/subscriptions', {
      token: customerToken,
      body: { endpoint: pushUrl },
    });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('notifications.push_subscription_not_found');
  });
});
