/**
 * Large test: customer care in the engineer console and the administration, on the whole built
 * product, in English and Chinese, at desktop and phone sizes. Real: the product (broker, platform,
 * dashboards, a simulated fleet), Debian's Chromium. Two requests come in before the engineer looks:
 * one a customer makes through the portal API, one a partner system sends with its API key and a
 * signature. The engineer finds both in the queue, filters by channel, opens one, replies and reads
 * what the customer was told; the admin registers a partner and reads its key once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Browser, Locator, Page } from 'playwright-core';
import type { Customer, DeviceView, Notification, ServiceRequest } from '../../contracts/src';
import { partnerHeaders } from '../../platform/src/modules/partners/partner-signature';
import { DESKTOP, PHONE, launchChromium, newPage, screenshot, signIn, checkPage } from '../support/browser';
import { freePort } from '../support/free-port';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'care-desk-admin-password' };
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const CUSTOMER_PASSWORD = 'customer-demo-password';
const HAN = /[\u4e00-\u9fff]/;
const UI_TIMEOUT_MS = 30_000;
const REPLY = 'We have read your request: a technician will call you today to agree a time.';
/** A 1x1 PNG: the photo an unknown sender attaches. */
const PHOTO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const containing = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

interface CreatedPartner {
  id: string;
  name: string;
  apiKey: string;
  webhookSecret: string;
}

describe('customer care at the service desk and in the administration', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'care-desk-test-'));
  let product: ProductProcess;
  let browser: Browser;
  let admin: string;
  let engineer: string;
  let fromCustomer: ServiceRequest;
  let fromPartner: ServiceRequest;
  let fromEmail: ServiceRequest;
  /** A customer who asks while the engineer watches the queue. */
  let third: { customer: Customer; device: DeviceView };

  async function call<T>(
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const raw = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`${product.baseUrl}${pathname}`, {
      method,
      headers: { ...(raw ? { 'content-type': 'application/json' } : {}), ...headers },
      body: raw,
    });
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  const api = <T>(method: string, pathname: string, body?: unknown, token = engineer): Promise<T> =>
    call<T>(method, pathname, body, { authorization: `Bearer ${token}` });

  /** A partner's signed call: the signature covers the timestamp and the exact bytes sent. */
  async function partnerCall<T>(partner: CreatedPartner, pathname: string, body: unknown): Promise<T> {
    const raw = JSON.stringify(body);
    const res = await fetch(`${product.baseUrl}${pathname}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...partnerHeaders({ apiKey: partner.apiKey, secret: partner.webhookSecret, body: raw }),
      },
      body: raw,
    });
    if (!res.ok) throw new Error(`partner POST ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function login(email: string, password: string): Promise<string> {
    return (await call<{ accessToken: string }>('POST', '/api/auth/login', { email, password })).accessToken;
  }

  async function expectText(locator: Locator, expected: string | RegExp): Promise<string> {
    let last: string | null = null;
    try {
      return await waitFor(
        async () => {
          last = await locator.textContent({ timeout: 1_000 }).catch(() => null);
          if (last === null) return undefined;
          return (typeof expected === 'string' ? last === expected : expected.test(last)) ? last : undefined;
        },
        { timeoutMs: UI_TIMEOUT_MS, what: String(expected) },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the text was ${JSON.stringify(last)}`);
    }
  }

  async function open(page: Page, route: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${product.baseUrl}/#${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  beforeAll(async () => {
    const smtpPort = await freePort();
    product = new ProductProcess({
      INBOUND_SMTP_PORT: String(smtpPort),
      DATA_DIR: dataDir,
      SIM_DEVICES: '6',
      SIM_FAULT_RATE: '0',
      SIM_FIELD_FORCE: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    await product.start();
    browser = await launchChromium();
    admin = await login(ADMIN.email, ADMIN.password);
    engineer = await login(ENGINEER.email, ENGINEER.password);

    // two customers with an appliance each: one asks in the portal, the other calls a partner's call centre
    // the simulated fleet registers its appliances shortly after the start
    const owners = await waitFor(
      async () => {
        const customers = await api<Customer[]>('GET', '/api/customers?limit=500');
        const found: Array<{ customer: Customer; device: DeviceView }> = [];
        for (const customer of customers.filter((c) => c.email)) {
          const devices = await api<DeviceView[]>('GET', `/api/devices?customerId=${customer.id}`);
          if (devices[0]) found.push({ customer, device: devices[0] });
          if (found.length === 3) return found;
        }
        return undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'three customers with an appliance each' },
    );
    const [portal, phoned] = owners;
    third = owners[2];

    const customerToken = await login(portal.customer.email!, CUSTOMER_PASSWORD);
    fromCustomer = await api<ServiceRequest>(
      'POST',
      '/api/service-requests',
      {
        deviceId: portal.device.id,
        symptom: 'error_code_shown',
        description: 'The display shows an error and the programme stops after a few minutes.',
      },
      customerToken,
    );
    expect(fromCustomer).toMatchObject({ channel: 'portal', customerId: portal.customer.id });

    const partner = await api<CreatedPartner>('POST', '/api/partners', { name: 'Call centre east' }, admin);
    fromPartner = await partnerCall<ServiceRequest>(partner, '/api/service-requests', {
      deviceId: phoned.device.id,
      symptom: 'delivery_problem',
      description: 'Customer called: the delivery left the appliance without its installation kit.',
      externalRef: 'CC-2026-00917',
      contact: { name: phoned.customer.name, phone: '+49 30 1234567' },
    });
    expect(fromPartner).toMatchObject({ channel: 'partner', partnerId: partner.id });

    // an e-mail from someone the platform does not know, with a photo: flagged for an engineer to match
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true })
      .sendMail({
        from: 'Walk-in Customer <walk.in@unknown.example>',
        to: 'care@example.com',
        subject: 'Dishwasher leaves the dishes dirty',
        text: 'Since last week the dishes come out dirty. Photo attached.',
        attachments: [{ filename: 'dishes.png', content: PHOTO, contentType: 'image/png' }],
      });
    fromEmail = await waitFor(
      async () =>
        (await api<ServiceRequest[]>('GET', '/api/service-requests?channel=email')).find(
          (r) => r.contact.email === 'walk.in@unknown.example',
        ),
      { timeoutMs: 20_000, intervalMs: 300, what: 'the e-mailed request' },
    );
    expect(fromEmail).toMatchObject({ status: 'needs_matching', customerId: null });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the engineer reads both channels in the queue, filters, replies to a request and reads what the customer was told', async () => {
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, product.baseUrl, ENGINEER.email, ENGINEER.password);

    // ---- the queue: both requests, their channel in words -------------------------------------
    await open(page, '/requests', 'Service requests');
    const customerRow = page.getByTestId(`request-row-${fromCustomer.id}`);
    const partnerRow = page.getByTestId(`request-row-${fromPartner.id}`);
    await expectText(customerRow.getByTestId('request-channel'), 'Customer portal');
    await expectText(partnerRow.getByTestId('request-channel'), 'Partner system');
    const emailRow = page.getByTestId(`request-row-${fromEmail.id}`);
    await expectText(emailRow.getByTestId('request-channel'), 'E-mail');
    await expectText(emailRow.getByTestId('request-status'), 'Needs matching');
    await expectText(customerRow, containing(fromCustomer.number));
    await expectText(partnerRow, /Delivery.*Logistics/);
    // the answer-by time: a countdown until the first answer
    await expectText(partnerRow.getByTestId('request-answer-by'), /due in|overdue by|Answered/);
    await checkPage(page, 'care-requests-en');

    // a safety hazard reported while the engineer watches: it arrives live, first, highlighted
    const urgent = await api<ServiceRequest>(
      'POST',
      '/api/service-requests',
      { deviceId: third.device.id, symptom: 'burning_smell', description: 'It smells of burning plastic.' },
      await login(third.customer.email!, CUSTOMER_PASSWORD),
    );
    expect(urgent.urgency).toBe('safety');
    await expectText(page.getByTestId('request-count'), '4 requests');
    const first = page.locator('[data-testid="request-table"] tbody tr').first();
    await expect(first.getAttribute('data-testid')).resolves.toBe(`request-row-${urgent.id}`);
    await expect(first.getAttribute('class')).resolves.toContain('care-row--safety');
    await expectText(first.getByTestId('request-urgency'), 'Safety hazard');

    // filtered by channel: only the partner's
    await page.getByTestId('filter-channel').selectOption('partner');
    await expectText(page.getByTestId('request-count'), '1 request');
    await partnerRow.waitFor();
    await expect(customerRow.count()).resolves.toBe(0);
    await page.getByTestId('filter-channel').selectOption('portal');
    await customerRow.waitFor();
    await expect(partnerRow.count()).resolves.toBe(0);
    await page.getByTestId('filter-channel').selectOption('');
    await partnerRow.waitFor();

    // ---- one request: facts in words, a reply in the conversation, the notification history ----
    await customerRow.getByTestId('request-link').click();
    await page.getByRole('heading', { level: 1, name: `Request ${fromCustomer.number}` }).waitFor();
    await expectText(page.getByTestId('request-symptom'), 'Shows an error code');
    await expectText(page.getByTestId('request-facts'), /Customer portal.*Quality.*Technical service/);
    await page.getByTestId('reply-text').fill(REPLY);
    await page.getByTestId('reply-send').click();
    await page.getByTestId('reply-sent').waitFor();
    const reply = page.locator('[data-testid="request-message"][data-from="staff"]');
    await expectText(reply, containing(REPLY));
    await expectText(reply, /Service desk/);
    const stored = await api<ServiceRequest>('GET', `/api/service-requests/${fromCustomer.id}`);
    expect(stored.messages).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 'staff', text: REPLY })]),
    );

    // what the customer was told: the request received, then the reply (once each per channel)
    const notified = await waitFor(
      async () => {
        const list = await api<{ items: Notification[] }>(
          'GET',
          `/api/notifications?requestId=${fromCustomer.id}`,
        );
        const kinds = new Set(list.items.map((n) => n.kind));
        return kinds.has('request_received') && kinds.has('request_reply') ? list.items : undefined;
      },
      { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500, what: 'the request-received and reply notifications' },
    );
    await page.reload();
    const history = page.getByTestId('request-notifications');
    await waitFor(
      async () => (await history.getByTestId('notification-row').count()) >= Math.min(notified.length, 10),
      {
        timeoutMs: UI_TIMEOUT_MS,
        what: `at least ${notified.length} notification rows`,
      },
    );
    await expectText(history, /Request received/);
    await expectText(history, /Reply from the service desk/);
    await expectText(history, /E-mail|Portal inbox/);
    await checkPage(page, 'care-request-en');

    // the visit the self-triage opened: its ticket links back and lists the same notifications
    if (stored.ticketId) {
      await page.getByTestId('request-ticket-link').click();
      await page.getByTestId('ticket-summary').waitFor();
      await expectText(page.getByTestId('ticket-request-link'), fromCustomer.number);
      const onTicket = page.getByTestId('ticket-notifications');
      // the reply was sent after the visit opened, so it is the ticket's too (an offer or an assignment
      // only when a technician is on shift at the hour the test runs)
      await expectText(onTicket, /Reply from the service desk|Technician assigned|New job offer/);
      await checkPage(page, 'care-ticket-en');
    }

    // the e-mailed request: its photo as a thumbnail, then matched to a customer and appliance
    const asked = new Set(
      (await api<ServiceRequest[]>('GET', '/api/service-requests')).map((request) => request.deviceId),
    );
    const free = (await api<DeviceView[]>('GET', '/api/devices')).find(
      (d) => d.customerId && !asked.has(d.id),
    );
    expect(free).toBeDefined();
    await open(page, `/requests/${fromEmail.id}`, `Request ${fromEmail.number}`);
    const thumb = page.getByTestId('attachment-thumb');
    await waitFor(
      async () => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
      {
        timeoutMs: UI_TIMEOUT_MS,
        what: 'the photo shown',
      },
    );
    await expectText(page.getByTestId('request-facts'), /E-mail.*Needs matching.*Not matched yet/);
    await expectText(page.getByTestId('request-description'), /dishes come out dirty/);
    await checkPage(page, 'care-request-email-en');
    await page.getByTestId('match-customer').selectOption(free!.customerId);
    await page
      .locator(`[data-testid="match-device"] option[value="${free!.id}"]`)
      .waitFor({ state: 'attached' });
    await page.getByTestId('match-device').selectOption(free!.id);
    await page.getByTestId('match-submit').click();
    await page.getByTestId('request-match').waitFor({ state: 'detached' });
    const matched = await api<ServiceRequest>('GET', `/api/service-requests/${fromEmail.id}`);
    expect(matched).toMatchObject({ customerId: free!.customerId, deviceId: free!.id });
    expect(matched.status).not.toBe('needs_matching');
    await expectText(page.getByTestId('request-customer'), /\w/);

    // the partner's request shows which partner filed it, its reference and contact
    await open(page, `/requests/${fromPartner.id}`, `Request ${fromPartner.number}`);
    await expectText(page.getByTestId('request-facts'), /Partner system.*CC-2026-00917/);
    await expectText(page.getByTestId('request-partner'), /^Call centre east$/);
    await checkPage(page, 'care-request-partner-en');

    // ---- the same in Chinese ------------------------------------------------------------------
    await page.getByTestId('language').selectOption('zh-CN');
    await open(page, '/requests', '服务请求');
    await expectText(
      page.getByTestId(`request-row-${fromPartner.id}`).getByTestId('request-channel'),
      '合作伙伴系统',
    );
    expect(await checkPage(page, 'care-requests-zh')).toMatch(HAN);
    await open(page, `/requests/${fromCustomer.id}`, `服务请求 ${fromCustomer.number}`);
    await expectText(page.getByTestId('request-symptom'), '显示故障代码');
    await expectText(page.getByTestId('request-notifications'), /已受理服务请求/);
    expect(await checkPage(page, 'care-request-zh')).toMatch(HAN);
    await context.close();

    // ---- on a phone ---------------------------------------------------------------------------
    const phone = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    phone.page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(phone.page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await phone.page.getByTestId('language').selectOption('en');
    await open(phone.page, '/requests', 'Service requests');
    await phone.page.getByTestId(`request-row-${fromCustomer.id}`).waitFor();
    await checkPage(phone.page, 'care-requests-phone-en');
    await open(phone.page, `/requests/${fromCustomer.id}`, `Request ${fromCustomer.number}`);
    await phone.page.locator('[data-testid="request-message"][data-from="staff"]').waitFor();
    await checkPage(phone.page, 'care-request-phone-en');
    await phone.context.close();
  }, 150_000);

  it('the admin registers a partner and reads its key and secret once; the key works', async () => {
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, product.baseUrl, ADMIN.email, ADMIN.password);
    await open(page, '/partners', 'Partners');
    await page.getByTestId('partner-row-Call centre east').waitFor();

    await page.getByTestId('partner-new').click();
    await page.getByTestId('partner-name').fill('Online shop');
    await page.getByTestId('partner-webhook').fill('http://127.0.0.1:9/hooks/care');
    await page.getByTestId('partner-submit').click();
    await page.getByTestId('partner-credentials').waitFor();
    await expectText(page.getByTestId('partner-api-key'), containing('it will not be shown again'));
    await expectText(page.getByTestId('partner-secret'), containing('it will not be shown again'));
    const apiKey = (await page.getByTestId('partner-api-key-value').textContent()) ?? '';
    const secret = (await page.getByTestId('partner-secret-value').textContent()) ?? '';
    expect(apiKey).toMatch(/^pk_/);
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await expectText(
      page.getByTestId('partner-row-Online shop'),
      /Online shop.*http:\/\/127\.0\.0\.1:9\/hooks\/care.*Active/,
    );
    await checkPage(page, 'care-partners-en', [apiKey, secret]);

    // the key and secret shown are the ones that work
    // appliances nobody asked about yet (a second request about one would merge into the first)
    const used = new Set(
      (await api<ServiceRequest[]>('GET', '/api/service-requests')).map((request) => request.deviceId),
    );
    const devices = (await api<DeviceView[]>('GET', '/api/devices')).filter((d) => !used.has(d.id));
    const created = await partnerCall<ServiceRequest>(
      { id: '', name: 'Online shop', apiKey, webhookSecret: secret },
      '/api/service-requests',
      { deviceId: devices[0].id, symptom: 'billing_question', externalRef: 'SHOP-42' },
    );
    expect(created.channel).toBe('partner');

    // shown once: gone after "Done" and after leaving the page
    await page.getByTestId('partner-dismiss').click();
    await page.getByTestId('partner-credentials').waitFor({ state: 'detached' });
    await open(page, '/users', 'Users');
    await open(page, '/partners', 'Partners');
    await page.getByTestId('partner-row-Online shop').waitFor();
    await expect(page.getByTestId('partner-api-key').count()).resolves.toBe(0);

    // disabled: its key stops working
    await page.getByTestId('partner-row-Online shop').getByTestId('partner-disable').click();
    await page.locator('[data-testid="partner-row-Online shop"][data-disabled="true"]').waitFor();
    await expect(
      partnerCall({ id: '', name: 'Online shop', apiKey, webhookSecret: secret }, '/api/service-requests', {
        deviceId: devices[1].id,
        symptom: 'billing_question',
      }),
    ).rejects.toThrow(/401/);

    await page.getByTestId('language').selectOption('zh-CN');
    await open(page, '/partners', '合作伙伴');
    await expectText(page.getByTestId('partner-row-Online shop'), /已停用/);
    expect(await checkPage(page, 'care-partners-zh')).toMatch(HAN);
    await context.close();

    const phone = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    phone.page.setDefaultTimeout(UI_TIMEOUT_MS);
    try {
      await signIn(phone.page, product.baseUrl, ADMIN.email, ADMIN.password);
    } catch (error) {
      await screenshot(phone.page, 'DEBUG-phone-admin');
      console.log(await phone.page.content(), product.log.slice(-3000));
      throw error;
    }
    await phone.page.getByTestId('language').selectOption('en');
    await open(phone.page, '/partners', 'Partners');
    await phone.page.getByTestId('partner-table').waitFor();
    await checkPage(phone.page, 'care-partners-phone-en');
    await phone.context.close();
  }, 120_000);
});
