/**
 * Large test: customer care, part 2, in the engineer console, on the whole built product, in English
 * and Chinese. Real: the product (broker, platform, dashboards, a simulated fleet), Debian's Chromium.
 * Set up through the HTTP API: a proactive ticket is dispatched, worked and resolved with a part (so
 * the investigation has a technician and a part lot); its customer complains; the appliance has a sale
 * and its customer returns it on day 3. In the browser: the engineer takes the investigation, records
 * the findings and proposes a solution with a coupon above their limit; the approval queue says why
 * they cannot approve it; the admin (in Chinese) approves it; the engineer records the customer's
 * agreement from a call, carries it out and closes the complaint; the analysis board draws its charts;
 * the returns desk receives the appliance and pays the refund within its clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page, Browser } from 'playwright-core';
import type {
  Compensation,
  Complaint,
  ComplaintInvestigation,
  Customer,
  DeviceView,
  ReturnCase,
  Technician,
  Ticket,
  TicketDetail,
} from '../../contracts/src';
import { DESKTOP, PHONE, checkPage, launchChromium, newPage, signIn } from '../support/browser';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'aftercare-desk-admin-password' };
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const CUSTOMER_PASSWORD = 'customer-demo-password';
const TECHNICIAN_PASSWORD = 'technician-demo-password';
const UI_TIMEOUT_MS = 30_000;
const OPEN = new Set(['new', 'acknowledged', 'reopened']);
const DAY_MS = 86_400_000;
const HAN = /[\u4e00-\u9fff]/;

describe('complaints, approvals, analysis and returns at the service desk', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftercare-desk-test-'));
  let product: ProductProcess;
  let browser: Browser;
  let admin: string;
  let engineer: string;
  let customerToken: string;
  let ticket: TicketDetail;
  let tech: Technician;
  let complaint: Complaint;
  let returned: ReturnCase;
  const PRICE_MINOR = 329_900;

  async function call<T>(method: string, pathname: string, body: unknown, token: string): Promise<T> {
    const raw = body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`${product.baseUrl}${pathname}`, {
      method,
      headers: { ...(raw ? { 'content-type': 'application/json' } : {}), authorization: `Bearer ${token}` },
      body: raw,
    });
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  const api = <T>(method: string, pathname: string, body?: unknown, token = engineer): Promise<T> =>
    call<T>(method, pathname, body, token);

  async function login(email: string, password: string): Promise<string> {
    const res = await fetch(`${product.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (!res.ok) throw new Error(`login ${email}: ${res.status}`);
    return ((await res.json()) as { accessToken: string }).accessToken;
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

  /** A chart has drawn when ECharts put its SVG in it and the page says how many points it has. */
  async function expectChart(page: Page, testId: string): Promise<number> {
    const chart = page.getByTestId(testId);
    await chart.locator('svg').first().waitFor();
    return Number(await chart.getAttribute('data-points'));
  }

  beforeAll(async () => {
    product = new ProductProcess({
      DATA_DIR: dataDir,
      SIM_DEVICES: '8',
      SIM_FAULT_RATE: '1',
      SIM_TIME_SCALE: '20000',
      SIM_FIELD_FORCE: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // the engineer may grant up to 200.00 without approval, the admin up to 5,000.00
      COMPENSATION_LIMITS: 'engineer:20000,admin:500000',
      LOG_LEVEL: 'warn',
    });
    await product.start();
    browser = await launchChromium();
    admin = await login(ADMIN.email, ADMIN.password);
    engineer = await login(ENGINEER.email, ENGINEER.password);

    // a proactive ticket of a customer's appliance, worked by a technician and resolved with a part
    const proactive = await waitFor(
      async () =>
        (await api<Ticket[]>('GET', '/api/tickets?open=true')).find(
          (t) => OPEN.has(t.status) && t.customerId && t.faultMode && t.likelyPart,
        ),
      { timeoutMs: 90_000, intervalMs: 500, what: 'an open proactive ticket' },
    );
    const device = await api<DeviceView>('GET', `/api/devices/${proactive.deviceId}`);
    tech = (await api<Technician[]>('GET', '/api/technicians')).find(
      (x) => x.skills[device.type] && x.email,
    ) as Technician;
    await api('POST', `/api/tickets/${proactive.id}/dispatch`, {
      technicianId: tech.id,
      reason: 'large test',
    });
    const dispatched = await api<TicketDetail>('GET', `/api/tickets/${proactive.id}`);
    const sku = dispatched.reservations[0]?.sku;
    expect(sku).toEqual(expect.any(String));
    const techToken = await login(tech.email as string, TECHNICIAN_PASSWORD);
    const owner = await api<Customer>('GET', `/api/customers/${proactive.customerId}`);
    const site = owner.location ?? { lat: 52.5, lon: 13.4 };
    await api('POST', `/api/tickets/${proactive.id}/accept`, {}, techToken);
    await api(
      'POST',
      `/api/tickets/${proactive.id}/en-route`,
      { lat: site.lat + 0.02, lon: site.lon },
      techToken,
    );
    await api('POST', `/api/tickets/${proactive.id}/arrive`, {}, techToken);
    await api(
      'POST',
      `/api/tickets/${proactive.id}/resolve`,
      { rootCause: 'Replaced the worn part; test cycle normal', partsUsed: [{ sku, qty: 1 }] },
      techToken,
    );
    ticket = await api<TicketDetail>('GET', `/api/tickets/${proactive.id}`);
    expect(ticket.consumptions.length).toBeGreaterThan(0);

    // its customer complains about the repair in the portal
    customerToken = await login(owner.email as string, CUSTOMER_PASSWORD);
    complaint = await api<Complaint>(
      'POST',
      '/api/complaints',
      {
        ticketId: ticket.id,
        description:
          'The technician was late and the appliance is noisy again two days after the repair. Very disappointed with the service.',
      },
      customerToken,
    );
    expect(complaint.number).toMatch(/^CP-\d{6}$/);

    // the appliance was delivered 3 days ago; its customer returns it (no reason needed in 7 days)
    await api('PUT', `/api/devices/${device.id}/sale`, {
      channel: 'online',
      orderRef: 'ORD-2026-7781',
      priceMinor: PRICE_MINOR,
      currency: 'CNY',
      deliveredAt: new Date(Date.now() - 3 * DAY_MS).toISOString(),
    });
    returned = await api<ReturnCase>(
      'POST',
      '/api/returns',
      { deviceId: device.id, kind: 'return' },
      customerToken,
    );
    expect(returned).toMatchObject({ status: 'approved', daysSinceDelivery: expect.any(Number) });
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the engineer investigates a complaint and proposes a coupon above their limit; the admin approves it in Chinese', async () => {
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, product.baseUrl, ENGINEER.email, ENGINEER.password);

    // ---- the desk: the complaint with its step and the deadline that counts ----------------------
    await open(page, '/complaints', 'Complaint desk');
    const row = page.getByTestId(`complaint-row-${complaint.id}`);
    await expectText(row.getByTestId('complaint-link'), complaint.number);
    await expectText(row.getByTestId('complaint-step'), `Step ${complaint.step} of 8`);
    await expectText(row.getByTestId('complaint-deadline'), /Investigation: due in/);
    await checkPage(page, 'aftercare-desk-complaints-en');

    // ---- the complaint: eight steps, the investigation in one place ------------------------------
    await row.getByTestId('complaint-link').click();
    await page.getByRole('heading', { level: 1, name: `Complaint ${complaint.number}` }).waitFor();
    await expect(page.getByTestId('complaint-stepper').getAttribute('data-step')).resolves.toBe(
      String(complaint.step),
    );
    await expectText(page.getByTestId('complaint-description'), /noisy again/);
    const repair = page.getByTestId(`investigation-ticket-${ticket.id}`);
    // the technician who worked it; a fault that came back reopens the ticket, which clears its assignee
    const investigation = await api<ComplaintInvestigation>(
      'GET',
      `/api/complaints/${complaint.id}/investigation`,
    );
    const listed = investigation.tickets.find((x) => x.id === ticket.id);
    expect(listed).toBeDefined();
    expect([tech.name, null]).toContain(listed?.technicianName);
    await expectText(
      repair.getByTestId('investigation-technician'),
      listed?.technicianName ?? 'Not assigned',
    );
    await expectText(
      repair.getByTestId('investigation-lots'),
      new RegExp(`lot ${ticket.consumptions[0].lot}`),
    );
    const points = await waitFor(async () => (await expectChart(page, 'investigation-chart')) || undefined, {
      timeoutMs: UI_TIMEOUT_MS,
      what: 'the telemetry chart to draw points',
    });
    expect(points).toBeGreaterThan(0);
    await expect(page.getByTestId('investigation-alarm').count()).resolves.toBeGreaterThan(0);

    // step 4: the engineer takes it; the 48 h clock runs
    await page.getByTestId('complaint-assign').click();
    await expectText(page.getByTestId('complaint-investigator'), 'You');
    await expectText(page.getByTestId('complaint-step-text'), /Step 4 of 8/);
    await expect(page.getByTestId('care-clock-investigate').getAttribute('data-phase')).resolves.toBe(
      'running',
    );
    await page
      .getByTestId('investigate-findings')
      .fill('Vibration readings rose again two days after the repair; the visit started 40 minutes late.');
    await page.getByTestId('investigate-cause').fill('Late visit, incomplete repair');
    await page.getByTestId('investigate-submit').click();
    await expectText(page.getByTestId('complaint-step-text'), /Step 5 of 8/);

    // step 5: a solution with a coupon of 500.00, above the engineer's 200.00
    await page
      .getByTestId('propose-solution')
      .fill('A free second visit this week and a coupon for the trouble.');
    await page.getByTestId('propose-compensation-on').check();
    await page.getByTestId('propose-compensation-type').selectOption('coupon');
    await page.getByTestId('propose-compensation-amount').fill('500');
    await page.getByTestId('propose-submit').click();
    await expectText(page.getByTestId('complaint-step-text'), /Step 6 of 8/);
    await expectText(page.getByTestId('complaint-compensation'), /Coupon.*500.*Waiting for approval/);
    // the navigation counts what waits for approval
    await expectText(page.getByTestId('approvals-badge'), /[1-9]\d* waiting/);
    await checkPage(page, 'aftercare-desk-complaint-en');

    // ---- the approval queue: the engineer sees it and why they cannot approve it ------------------
    const stored = await api<Complaint>('GET', `/api/complaints/${complaint.id}`);
    const compensationId = stored.compensationId as string;
    expect(compensationId).toEqual(expect.any(String));
    await open(page, '/approvals', 'Approval queue');
    const item = page.getByTestId(`approval-row-${compensationId}`);
    await expectText(item.getByTestId('approval-amount'), /500/);
    await expectText(item.getByTestId('approval-complaint'), complaint.number);
    await expectText(item.getByTestId('approval-cannot'), /Above your limit of .*200/);
    await expect(item.getByTestId('approval-approve').count()).resolves.toBe(0);
    await expectText(page.getByTestId('approval-waiting'), /[1-9]\d* waiting/);
    await checkPage(page, 'aftercare-desk-approvals-engineer-en');

    // ---- the admin, in Chinese, approves it ------------------------------------------------------
    const zh = await newPage(browser, { viewport: DESKTOP, locale: 'zh-CN' });
    zh.page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(zh.page, product.baseUrl, ADMIN.email, ADMIN.password);
    await open(zh.page, '/approvals', '审批队列');
    const adminItem = zh.page.getByTestId(`approval-row-${compensationId}`);
    await adminItem.getByTestId('approval-note').fill('同意，客户为老客户');
    const approvalsZh = await checkPage(zh.page, 'aftercare-desk-approvals-admin-zh');
    expect(approvalsZh).toMatch(HAN);
    expect(approvalsZh).toContain('优惠券');
    await adminItem.getByTestId('approval-approve').click();
    await expectText(zh.page.getByTestId('approval-done'), /已批准/);
    await adminItem.waitFor({ state: 'detached' });
    const decided = await api<Compensation>('GET', `/api/compensations/${compensationId}`, undefined, admin);
    expect(['approved', 'granted']).toContain(decided.status);

    // the engineer's page follows: the compensation is no longer waiting
    await open(page, `/complaints/${complaint.id}`, `Complaint ${complaint.number}`);
    await expectText(page.getByTestId('complaint-compensation'), /Approved|Granted/);

    // step 6 → 8: the customer agreed on the phone; carried out; closed
    await page.getByTestId('answer-agree').check();
    await page.getByTestId('answer-comment').fill('Agreed on the phone at 10:15.');
    await page.getByTestId('answer-submit').click();
    await expectText(page.getByTestId('complaint-step-text'), /Step 7 of 8/);
    await page.getByTestId('execute-note').fill('Second visit booked; coupon issued.');
    await page.getByTestId('execute-submit').click();
    await page.getByTestId('close-form').waitFor();
    await page.getByTestId('close-submit').click();
    await expectText(page.getByTestId('complaint-step-text'), /Step 8 of 8/);
    await expect(page.getByTestId('complaint-step-8').getAttribute('data-state')).resolves.toBe('done');
    await expect(page.getByTestId('complaint-audit-entry').count()).resolves.toBeGreaterThan(6);
    await checkPage(page, 'aftercare-desk-complaint-closed-en');
    await page.setViewportSize(PHONE);
    await checkPage(page, 'aftercare-desk-complaint-phone-en');

    // the same complaint in Chinese
    await open(zh.page, `/complaints/${complaint.id}`, `投诉 ${complaint.number}`);
    const complaintZh = await checkPage(zh.page, 'aftercare-desk-complaint-zh');
    expect(complaintZh).toContain('已结案');
    expect(complaintZh).toContain('处理记录');
    expect(complaintZh).not.toMatch(/Investigation|Waiting for approval|Step \d/);

    await zh.context.close();
    await context.close();
  }, 150_000);

  it('the analysis board draws its charts, in both languages', async () => {
    for (const locale of ['en-US', 'zh-CN'] as const) {
      const { context, page } = await newPage(browser, { viewport: DESKTOP, locale });
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      await signIn(page, product.baseUrl, ADMIN.email, ADMIN.password);
      await open(page, '/care-analysis', locale === 'en-US' ? 'Care analysis' : '客服分析');
      await expectText(
        page.getByTestId('analysis-complaint-total'),
        locale === 'en-US' ? /[1-9]\d* complaints?/ : /共 [1-9]\d* 条投诉/,
      );
      expect(await expectChart(page, 'chart-complaint-state')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-complaint-source')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-complaint-category')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-complaint-month')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-complaint-cause')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-sentiment')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-terms')).toBeGreaterThan(0);
      expect(await expectChart(page, 'chart-return-channel')).toBeGreaterThan(0);
      await page.getByTestId('analysis-response-rate').waitFor();
      const text = await checkPage(page, `aftercare-desk-analysis-${locale === 'en-US' ? 'en' : 'zh'}`);
      if (locale === 'zh-CN') expect(text).not.toMatch(/Complaints|Response rate|Recurring issues/);
      await context.close();
    }
  }, 90_000);

  it('a return is received, inspected and refunded within its refund clock', async () => {
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await open(page, '/returns', 'Returns desk');
    const row = page.getByTestId(`return-row-${returned.id}`);
    await expectText(row.getByTestId('return-status'), 'Approved, waiting for the appliance');
    await checkPage(page, 'aftercare-desk-returns-en');
    await page.setViewportSize(PHONE);
    await checkPage(page, 'aftercare-desk-returns-phone-en');
    await page.setViewportSize(DESKTOP);
    await row.getByTestId('return-link').click();
    await page.getByRole('heading', { level: 1, name: `Return ${returned.number}` }).waitFor();

    await page.getByTestId('return-passed').check();
    await page.getByTestId('return-receive-note').fill('Complete, in its box, no damage.');
    await page.getByTestId('return-receive').click();
    await expectText(page.getByTestId('return-facts').getByTestId('return-status'), 'Received and inspected');
    const clock = page.getByTestId('care-clock-refund');
    await expect(clock.getAttribute('data-phase')).resolves.toBe('running');
    await expectText(clock, /due in/);
    // the refund amount defaults to the price paid
    await expect(page.getByTestId('return-refund-amount').inputValue()).resolves.toBe(
      String(PRICE_MINOR / 100),
    );
    await checkPage(page, 'aftercare-desk-return-received-en');

    await page.getByTestId('return-refund-reference').fill('PAY-88231');
    await page.getByTestId('return-refund').click();
    await expectText(page.getByTestId('return-facts').getByTestId('return-status'), 'Refunded');
    await expectText(page.getByTestId('return-refund-amount-shown'), /3,299\.00/);
    await expect(clock.getAttribute('data-phase')).resolves.toBe('met');
    const stored = await api<ReturnCase>('GET', `/api/returns/${returned.id}`);
    expect(stored).toMatchObject({ status: 'refunded', refundAmountMinor: PRICE_MINOR });
    await checkPage(page, 'aftercare-desk-return-refunded-en');
    await context.close();

    // the returns desk in Chinese
    const zh = await newPage(browser, { viewport: DESKTOP, locale: 'zh-CN' });
    await signIn(zh.page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await open(zh.page, `/returns/${returned.id}`, `退换货 ${returned.number}`);
    const text = await checkPage(zh.page, 'aftercare-desk-return-zh');
    expect(text).toContain('已退款');
    await zh.context.close();
  }, 90_000);
});
