/**
 * Medium test: requests from partner systems and from e-mail. Real: the platform (Nest HTTP with
 * its raw-body parsers, the Aedes gateway, PGlite, the embedded store) with its seeded demo world,
 * its inbound SMTP listener on loopback (INBOUND_SMTP_PORT) fed by nodemailer's SMTP client, the
 * notifications outbox (no SMTP_URL: e-mail is kept in the outbox), and a loopback HTTP server
 * playing the partner's webhook endpoint. The clock is the system clock (partners sign with it).
 * ATTACHMENT_MAX_BYTES is 10 KiB so an oversized attachment is small.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Availability, CreatedDevice, Notification, ServiceRequest, Ticket } from '../../contracts/src';
import type { Customer } from '../../platform/src/modules/customers/customers.repository';
import { partnerHeaders, signPartnerRequest } from '../../platform/src/modules/partners/partner-signature';
import { freePort } from '../support/free-port';
import { startTestPlatform, type TestPlatform } from '../support/platform-fixture';
import { waitFor } from '../support/wait-for';
import { CUSTOMER_PASSWORD } from './service-support';

const LIMIT_BYTES = 10 * 1024;

type ErrorBody = { statusCode: number; code: string; field?: string };
type CreatedPartner = {
  id: string;
  name: string;
  webhookUrl: string | null;
  disabled: boolean;
  apiKey: string;
  webhookSecret: string;
};

describe('partner systems and inbound e-mail', () => {
  let t: TestPlatform;
  let admin: string;
  let alice: { customer: Customer; washer: CreatedDevice };
  let bob: { customer: Customer; fridge: CreatedDevice };
  let shop: CreatedPartner;
  let smtpPort: number;
  const hooks: Array<{ headers: http.IncomingHttpHeaders; body: string }> = [];
  let hookServer: http.Server;
  let hookUrl: string;

  /** A partner's call, signed over the exact bytes it sends. */
  const partnerCall = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    pathname: string,
    partner: { apiKey: string; webhookSecret: string },
    options: { body?: unknown; timestampMs?: number; sendBody?: string } = {},
  ) => {
    const raw = options.body === undefined ? '' : JSON.stringify(options.body);
    const headers = partnerHeaders({
      apiKey: partner.apiKey,
      secret: partner.webhookSecret,
      body: raw,
      timestampMs: options.timestampMs,
    });
    const response = await fetch(`${t.baseUrl}${pathname}`, {
      method,
      headers: { ...headers, ...(raw ? { 'content-type': 'application/json' } : {}) },
      body: options.sendBody ?? (raw || undefined),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as unknown };
  };
  const failures = (reason: string) => t.metric(`partner_auth_failures_total{reason="${reason}"}`);
  const mail = (message: SendMailOptions) =>
    nodemailer
      .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
      .sendMail({ to: 'care@example.com', ...message });
  const requests = async (query: string): Promise<ServiceRequest[]> => {
    const res = await t.http<ServiceRequest[]>('GET', `/api/service-requests?${query}`, { token: admin });
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    hookServer = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => hookServer.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/care-hook`;

    smtpPort = await freePort();
    t = await startTestPlatform({
      INBOUND_SMTP_PORT: String(smtpPort),
      ATTACHMENT_MAX_BYTES: String(LIMIT_BYTES),
    });
    admin = await t.login();
    const customers = (
      await t.http<Customer[]>('GET', '/api/customers?limit=500', { token: admin })
    ).body.filter((c) => c.email);
    const [a, b] = customers;
    alice = {
      customer: a,
      washer: await t.provision(admin, { type: 'washer', customerId: a.id, region: a.region }),
    };
    bob = {
      customer: b,
      fridge: await t.provision(admin, { type: 'refrigerator', customerId: b.id, region: b.region }),
    };
  });

  afterAll(async () => {
    await t?.stop();
    await new Promise((resolve) => hookServer?.close(resolve));
  });

  it('lets an admin register a partner, showing its key and secret once', async () => {
    const created = await t.http<CreatedPartner>('POST', '/api/partners', {
      token: admin,
      body: { name: 'Shop', webhookUrl: hookUrl },
    });
    expect(created.status).toBe(201);
    shop = created.body;
    expect(shop).toMatchObject({ name: 'Shop', webhookUrl: hookUrl, disabled: false });
    expect(shop.apiKey).toMatch(/^pk_/);
    expect(shop.webhookSecret).toMatch(/^whsec_/);

    const listed = await t.http<Array<Record<string, unknown>>>('GET', '/api/partners', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      { id: shop.id, name: 'Shop', webhookUrl: hookUrl, createdAt: expect.any(String), disabled: false },
    ]);

    const missingName = await t.http<ErrorBody>('POST', '/api/partners', { token: admin, body: {} });
    expect(missingName.status).toBe(400);
    expect(missingName.body.field).toBe('name');
    const customer = await t.login({ email: alice.customer.email as string, password: CUSTOMER_PASSWORD });
    expect((await t.http('GET', '/api/partners', { token: customer })).status).toBe(403);
    expect((await t.http('POST', '/api/partners', { token: customer, body: { name: 'x' } })).status).toBe(
      403,
    );
    // an engineer reads the names (to say who filed a request) but manages nothing
    const engineer = await t.login({ email: 'engineer@example.com', password: 'engineer-demo-password' });
    const seen = await t.http<Array<Record<string, unknown>>>('GET', '/api/partners', { token: engineer });
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual(listed.body);
    expect((await t.http('POST', '/api/partners', { token: engineer, body: { name: 'x' } })).status).toBe(
      403,
    );
    expect((await t.http('POST', `/api/partners/${shop.id}/rotate`, { token: engineer })).status).toBe(403);
  });

  let partnerRequest: ServiceRequest;

  it("turns a correctly signed partner call into a request, and tells the partner's webhook, signed", async () => {
    const res = await partnerCall('POST', '/api/service-requests', shop, {
      body: {
        deviceId: alice.washer.id,
        description: 'Customer called: washer leaking',
        externalRef: 'CALL-77',
      },
    });
    expect(res.status).toBe(201);
    partnerRequest = res.body as ServiceRequest;
    expect(partnerRequest).toMatchObject({ channel: 'partner', partnerId: shop.id, externalRef: 'CALL-77' });

    // its own requests, with a signed GET (no body: the signature covers "<timestamp>.")
    const own = await partnerCall('GET', '/api/service-requests', shop);
    expect(own.status).toBe(200);
    expect((own.body as ServiceRequest[]).map((r) => r.id)).toContain(partnerRequest.id);

    const hook = await waitFor(
      () =>
        hooks.find(
          (h) => (JSON.parse(h.body) as { request: ServiceRequest }).request.id === partnerRequest.id,
        ),
      { what: 'the webhook of the partner request' },
    );
    expect(hook.headers['x-signature']).toBe(
      signPartnerRequest(shop.webhookSecret, hook.headers['x-timestamp'] as string, hook.body),
    );
    const payload = JSON.parse(hook.body) as { event: string; request: ServiceRequest };
    expect(payload.event).toBe('service_request.updated');
    expect(payload.request).toMatchObject({
      id: partnerRequest.id,
      number: partnerRequest.number,
      channel: 'partner',
    });
  });

  it('lets the partner book a visit for the request it filed, and for nothing else', async () => {
    const opened = await waitFor(
      async () => {
        const res = await t.http<ServiceRequest>('GET', `/api/service-requests/${partnerRequest.id}`, {
          token: admin,
        });
        return res.body.ticketId ? res.body : undefined;
      },
      { what: 'the visit the partner request opened' },
    );
    const free = await partnerCall('GET', `/api/availability?deviceId=${alice.washer.id}`, shop);
    expect(free.status).toBe(200);
    const [slot] = (free.body as Availability).slots;
    expect(slot).toBeDefined();
    const booked = await partnerCall('PUT', `/api/tickets/${opened.ticketId}/appointment`, shop, {
      body: { start: slot.start, end: slot.end },
    });
    expect(booked.status).toBe(200);
    const ticket = await t.http<Ticket>('GET', `/api/tickets/${opened.ticketId}`, { token: admin });
    expect(ticket.body.appointment).toMatchObject({ start: slot.start, end: slot.end });

    // another customer's appliance, or a ticket it did not open: the same 404 as one that does not exist
    const foreign = await partnerCall('GET', `/api/availability?deviceId=${bob.fridge.id}`, shop);
    expect(foreign.status).toBe(404);
    const missing = await partnerCall('GET', '/api/availability?deviceId=no-such-device', shop);
    expect(missing.body).toMatchObject({ code: (foreign.body as { code: string }).code });
    const notItsTicket = await partnerCall('PUT', '/api/tickets/no-such-ticket/appointment', shop, {
      body: { start: slot.start, end: slot.end },
    });
    expect(notItsTicket.status).toBe(404);
  });

  it('refuses a bad signature, a stale timestamp or an unknown key with 401, counted in /metrics', async () => {
    const body = { deviceId: alice.washer.id, description: 'leaking' };
    const before = {
      bad: await failures('bad_signature'),
      stale: await failures('stale_timestamp'),
      unknown: await failures('unknown_key'),
    };

    const tampered = await partnerCall('POST', '/api/service-requests', shop, {
      body,
      sendBody: JSON.stringify({ ...body, description: 'changed on the way' }),
    });
    expect(tampered).toMatchObject({ status: 401, body: { code: 'partner.bad_signature' } });
    const wrongSecret = await partnerCall(
      'POST',
      '/api/service-requests',
      { ...shop, webhookSecret: 'whsec_guess' },
      { body },
    );
    expect(wrongSecret).toMatchObject({ status: 401, body: { code: 'partner.bad_signature' } });
    const stale = await partnerCall('POST', '/api/service-requests', shop, {
      body,
      timestampMs: Date.now() - 10 * 60_000,
    });
    expect(stale).toMatchObject({ status: 401, body: { code: 'partner.stale_timestamp' } });
    const unknown = await partnerCall('GET', '/api/service-requests', { ...shop, apiKey: 'pk_nobody' });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'partner.unknown_key' } });

    expect(await failures('bad_signature')).toBe(before.bad + 2);
    expect(await failures('stale_timestamp')).toBe(before.stale + 1);
    expect(await failures('unknown_key')).toBe(before.unknown + 1);
    // a key opens only the routes meant for partners
    expect((await partnerCall('GET', '/api/devices', shop)).status).toBe(401);
  });

  it('stops the old key when rotated, and a disabled partner altogether', async () => {
    const rotated = await t.http<CreatedPartner>('POST', `/api/partners/${shop.id}/rotate`, { token: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.apiKey).not.toBe(shop.apiKey);
    expect(await partnerCall('GET', '/api/service-requests', shop)).toMatchObject({
      status: 401,
      body: { code: 'partner.unknown_key' },
    });
    expect((await partnerCall('GET', '/api/service-requests', rotated.body)).status).toBe(200);

    const disabled = await t.http<CreatedPartner>('POST', `/api/partners/${shop.id}/disable`, {
      token: admin,
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: shop.id, disabled: true });
    expect(disabled.body).not.toHaveProperty('apiKey');
    const before = await failures('disabled');
    expect(await partnerCall('GET', '/api/service-requests', rotated.body)).toMatchObject({
      status: 401,
      body: { code: 'partner.disabled' },
    });
    expect(await failures('disabled')).toBe(before + 1);
    expect(
      (await t.http<ErrorBody>('POST', '/api/partners/partner-nope/disable', { token: admin })).body.code,
    ).toBe('partner.not_found');
  });

  let emailed: ServiceRequest;

  it("makes a known customer's e-mail a request with channel email on their appliance", async () => {
    const info = await mail({
      from: `${bob.customer.name} <${bob.customer.email}>`,
      subject: '冰箱不制冷',
      text: '冰箱里面是温的。',
    });
    expect(info.response).toMatch(/^250/);
    const [bobs] = await requests(`channel=email&customerId=${bob.customer.id}`);
    expect(bobs).toMatchObject({ channel: 'email', customerId: bob.customer.id, deviceId: bob.fridge.id });
    expect(bobs.description).toContain('冰箱不制冷');
    emailed = bobs;
  });

  it("adds a reply quoting the request's number to that request", async () => {
    await mail({
      from: bob.customer.email as string,
      subject: `Re: [${emailed.number}] We received your request`,
      text: `It is 15 °C inside now.\n\nOn Mon, Appliance Care wrote:\n> We received ${emailed.number}`,
    });
    const after = (
      await t.http<ServiceRequest>('GET', `/api/service-requests/${emailed.id}`, { token: admin })
    ).body;
    expect(after.messages.at(-1)).toMatchObject({
      from: 'customer',
      channel: 'email',
      text: 'It is 15 °C inside now.',
    });
    expect(await requests(`channel=email&customerId=${bob.customer.id}`)).toHaveLength(1);
  });

  it("keeps an unknown sender's e-mail as a request flagged for an engineer", async () => {
    await mail({
      from: 'Walk-in <walk.in@unknown.example>',
      subject: 'Broken dishwasher',
      text: 'Please call 555-0100.',
    });
    const flagged = (await requests('status=needs_matching&channel=email')).find(
      (r) => r.contact.email === 'walk.in@unknown.example',
    );
    expect(flagged).toMatchObject({ channel: 'email', customerId: null, status: 'needs_matching' });
  });

  it('refuses an attachment over the limit and tells the sender so, through the outbox', async () => {
    await mail({
      from: bob.customer.email as string,
      subject: `[${emailed.number}] photos`,
      text: 'Photos of the fridge attached.',
      attachments: [
        { filename: 'fridge.jpg', content: Buffer.alloc(2048, 1), contentType: 'image/jpeg' },
        { filename: 'video-still.png', content: Buffer.alloc(LIMIT_BYTES * 2, 2), contentType: 'image/png' },
      ],
    });
    const request = (
      await t.http<ServiceRequest>('GET', `/api/service-requests/${emailed.id}`, { token: admin })
    ).body;
    expect(request.attachments.map((a) => a.name)).toEqual(['fridge.jpg']);
    const refusal = await waitFor(
      async () =>
        (
          await t.http<{ items: Notification[] }>(
            'GET',
            `/api/notifications?requestId=${emailed.id}&channel=email`,
            {
              token: admin,
            },
          )
        ).body.items.find((n) => n.kind === 'attachment_refused'),
      { what: 'the attachment refusal in the outbox' },
    );
    expect(refusal).toMatchObject({ channel: 'email', address: bob.customer.email });
    expect(refusal.body).toContain('"video-still.png" (20 KB) is larger than the limit of 10 KB');
  });
});
