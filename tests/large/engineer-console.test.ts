/**
 * Large test: the support engineer's console in the browser, on the whole product as a user starts
 * it (built `main.js`: broker, platform, dashboards and a simulated fleet) on embedded storage. Real:
 * everything, Debian's Chromium driven by playwright-core included. Every simulated appliance carries
 * a fault and time runs 20,000× faster, so tickets open within seconds; the simulated field force is
 * off, so nobody else moves the tickets. The engineer works a device page, the ticket queue and a
 * ticket in English, then switches the app to Chinese; every page passes axe, shows no raw ids and is
 * kept as a screenshot (test-output/screenshots/engineer-*).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { DeviceView, Technician, TicketDetail, TicketListItem } from '../../contracts/src';
import { DESKTOP, launchChromium, newPage, signIn, checkPage } from '../support/browser';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'engineer-console-test-password' };
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const DEVICES = 8;

async function login(baseUrl: string, credentials: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (res.status !== 200) throw new Error(`login ${credentials.email}: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function getJson<T>(baseUrl: string, pathname: string, token: string): Promise<T> {
  const res = await fetch(`${baseUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Waits until a numeric attribute of the element is above `above` or at most `atMost`. */
async function waitForAttribute(
  page: Page,
  selector: string,
  attribute: string,
  bound: { above?: number; atMost?: number },
  timeout = 30_000,
): Promise<void> {
  await page.waitForFunction(
    ({ sel, attr, above, atMost }) => {
      // runs in the page
      const { document } = globalThis as unknown as {
        document: { querySelector(s: string): { getAttribute(a: string): string | null } | null };
      };
      const value = Number(document.querySelector(sel)?.getAttribute(attr));
      return (
        Number.isFinite(value) && (above === null || value > above) && (atMost === null || value <= atMost)
      );
    },
    { sel: selector, attr: attribute, above: bound.above ?? null, atMost: bound.atMost ?? null },
    { timeout },
  );
}

describe('the support engineer console in the browser', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'engineer-console-'));
  let product: ProductProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let ticket: TicketListItem;
  let device: DeviceView;

  beforeAll(async () => {
    product = new ProductProcess({
      DATA_DIR: dataDir,
      SIM_DEVICES: String(DEVICES),
      SIM_FAULT_RATE: '1',
      SIM_TIME_SCALE: '20000',
      SIM_FIELD_FORCE: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    await product.start();
    token = await login(product.baseUrl, ENGINEER);
    browser = await launchChromium();
    ({ context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' }));
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the fleet and opens a device with a ticket: readings, chart, self test, an acknowledged alarm', async () => {
    await waitFor(
      async () => (await getJson<DeviceView[]>(product.baseUrl, '/api/devices', token)).length === DEVICES,
      { timeoutMs: 60_000, what: 'the simulated fleet to register' },
    );
    await signIn(page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await page.getByTestId('fleet-table').waitFor();
    await waitFor(async () => (await page.locator('[data-testid^="device-row-"]').count()) === DEVICES, {
      what: 'every device in the fleet table',
    });
    await checkPage(page, 'engineer-fleet-en');

    // a fault becomes a ticket within seconds at this time scale
    ticket = await waitFor(
      async () => {
        const open = await getJson<TicketListItem[]>(product.baseUrl, '/api/tickets?open=true', token);
        return open[0];
      },
      { timeoutMs: 120_000, what: `an open ticket\n${product.log.slice(-2000)}` },
    );
    device = await getJson<DeviceView>(product.baseUrl, `/api/devices/${ticket.deviceId}`, token);

    await page.getByTestId(`device-row-${device.id}`).getByRole('link').first().click();
    await page.getByTestId('device-title').waitFor();
    expect(await page.getByTestId('device-title').innerText()).toContain(device.serial ?? device.id);
    await expect(page.getByTestId('device-online').innerText()).resolves.toBe('Online');
    // the owner's name loads after the device (an ellipsis until then)
    await waitFor(async () => /\w+ \w+/.test(await page.getByTestId('device-owner').innerText()), {
      what: "the device owner's name",
    });
    await expect(page.getByTestId('device-warranty').innerText()).resolves.toMatch(/warranty/i);

    // live readings: label, value with unit, normal range
    const metric = Object.keys(device.latest)[0];
    await expect(page.getByTestId(`latest-${metric}`).innerText()).resolves.toMatch(/\d/);
    await expect(page.getByTestId('device-readings').innerText()).resolves.toMatch(/normal: /);

    // the chart draws history, then grows with live readings
    await waitForAttribute(page, '[data-testid="telemetry-chart"]', 'data-points', { above: 0 }, 60_000);
    const drawn = Number(await page.getByTestId('telemetry-chart').getAttribute('data-points'));
    await waitForAttribute(page, '[data-testid="telemetry-chart"]', 'data-points', { above: drawn });
    expect(await page.locator('[data-testid="telemetry-chart"] svg path').count()).toBeGreaterThan(1);

    // a remote self test and the device's answer in words
    await page.getByTestId('command-self_test').click();
    const answer = page.getByTestId('command-answer');
    await answer.waitFor();
    await expect(answer.innerText()).resolves.toMatch(/Self test[\s\S]*(Passed|Failed)/);
    expect(await page.getByTestId('self-test-components').locator('li').count()).toBeGreaterThan(0);
    await page.getByTestId('command-history').getByText('Run self test').first().waitFor();

    // acknowledge an active alarm with a comment: an error code or a prediction, which stay open
    // until someone acts (a threshold alarm may clear itself meanwhile)
    await page.locator('li[data-cause][data-state="active"]').first().waitFor();
    const lasting = page.locator(
      'li[data-cause^="code:"][data-state="active"], li[data-cause^="prediction:"][data-state="active"]',
    );
    const active =
      (await lasting.count()) > 0
        ? lasting.first()
        : page.locator('li[data-cause][data-state="active"]').first();
    const alarmTestId = (await active.getAttribute('data-testid')) as string;
    const alarm = page.getByTestId(alarmTestId);
    await alarm.getByTestId('alarm-acknowledge').click();
    const comment = 'Checked the readings remotely, customer informed';
    await alarm.getByTestId('alarm-comment').fill(comment);
    await alarm.getByTestId('alarm-action-submit').click();
    await page.locator(`[data-testid="${alarmTestId}"][data-state="acknowledged"]`).waitFor();
    await expect(alarm.getByTestId('alarm-state').innerText()).resolves.toBe('Acknowledged');
    await expect(alarm.getByTestId('alarm-last-comment').innerText()).resolves.toContain(comment);

    await page.getByTestId(`device-ticket-${ticket.id}`).waitFor();
    await checkPage(page, 'engineer-device-en');
  }, 180_000);

  it('filters the ticket queue, opens the ticket and dispatches it to a chosen technician', async () => {
    await page.getByTestId('main-nav').getByRole('link', { name: 'Tickets', exact: true }).click();
    await page.getByTestId('ticket-table').waitFor();
    await expect(page.getByTestId('filter-open').isChecked()).resolves.toBe(true);
    await page.getByTestId('filter-priority').selectOption(ticket.priority);
    if (device.region) await page.getByTestId('filter-region').selectOption(device.region);
    const row = page.getByTestId(`ticket-row-${ticket.id}`);
    await row.waitFor();
    const expected = await getJson<TicketListItem[]>(
      product.baseUrl,
      `/api/tickets?open=true&priority=${ticket.priority}${device.region ? `&region=${device.region}` : ''}`,
      token,
    );
    await waitFor(
      async () => (await page.locator('[data-testid^="ticket-row-"]').count()) === expected.length,
      {
        what: 'the filtered queue',
      },
    );
    await checkPage(page, 'engineer-tickets-en');

    await row.getByTestId('ticket-link').click();
    await page.getByTestId('ticket-title').waitFor();
    await page.getByTestId('sla-clocks').waitFor();

    const technicians = await getJson<Technician[]>(product.baseUrl, '/api/technicians', token);
    const before = await getJson<TicketDetail>(product.baseUrl, `/api/tickets/${ticket.id}`, token);
    const chosen =
      technicians.find(
        (x) => x.id !== before.assigneeId && x.skills[device.type] && x.region === device.region,
      ) ??
      technicians.find((x) => x.id !== before.assigneeId) ??
      technicians[0];

    await page.getByTestId('action-override').click();
    // a manual override must say why: the form says so before asking the server
    await page.getByTestId('override-technician').selectOption(chosen.id);
    await page.getByTestId('override-submit').click();
    await page.getByTestId('action-missing').waitFor();
    const reason = 'The customer asked for the technician who installed the appliance';
    await page.getByTestId('override-reason').fill(reason);
    await page.getByTestId('override-submit').click();
    await page.getByTestId('action-result').waitFor();

    // the assignment and the timeline follow, live
    await page.locator(`[data-testid="ticket-assignment"][data-technician="${chosen.id}"]`).waitFor();
    await expect(page.getByTestId('assignment-technician').innerText()).resolves.toBe(chosen.name);
    await page.getByTestId('assignment-manual').waitFor();
    await expect(page.getByTestId('assignment-override-reason').innerText()).resolves.toContain(reason);
    // platform notes may come after it: find the override among the timeline's entries
    const overridden = page
      .getByTestId('ticket-timeline')
      .locator('li[data-to="dispatched"]')
      .filter({ hasText: reason })
      .first();
    await overridden.waitFor();
    await expect(overridden.innerText()).resolves.toContain('You');
    const after = await getJson<TicketDetail>(product.baseUrl, `/api/tickets/${ticket.id}`, token);
    expect(after.assignment).toMatchObject({ technicianId: chosen.id, manual: true });

    // the SLA clocks count down
    const clock = page
      .locator(
        '[data-testid^="sla-clock-"][data-phase="running"], [data-testid^="sla-clock-"][data-phase="warning"], [data-testid^="sla-clock-"][data-phase="overdue"]',
      )
      .first();
    const clockId = (await clock.getAttribute('data-testid')) as string;
    const remaining = Number(await clock.getAttribute('data-remaining-ms'));
    const face = await page.getByTestId(`${clockId}-time`).innerText();
    await waitForAttribute(page, `[data-testid="${clockId}"]`, 'data-remaining-ms', {
      atMost: remaining - 1500,
    });
    expect(await page.getByTestId(`${clockId}-time`).innerText()).not.toBe(face);

    await checkPage(page, 'engineer-ticket-en');
  }, 120_000);

  it('shows the same pages in Chinese once the language is switched', async () => {
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByTestId('ticket-sla').getByRole('heading', { name: 'SLA 时钟' }).waitFor();
    const ticketText = await checkPage(page, 'engineer-ticket-zh');
    expect(ticketText).toContain('时间线');
    expect(ticketText).toContain('人工指定');
    // the timeline is in words of the reader's language too: who, what, why
    const timeline = await page.getByTestId('ticket-timeline').innerText();
    expect(timeline).toContain('已派工');
    expect(timeline).toContain('您');
    expect(timeline).not.toContain('Dispatched');

    await page.getByTestId('ticket-device-link').click();
    await page.getByTestId('device-title').waitFor();
    await page.getByTestId('device-readings').getByRole('heading', { name: '实时读数' }).waitFor();
    await waitForAttribute(page, '[data-testid="telemetry-chart"]', 'data-points', { above: 0 });
    const deviceText = await checkPage(page, 'engineer-device-zh');
    expect(deviceText).toContain('正常范围');
    expect(deviceText).toContain('告警');

    await page.getByTestId('main-nav').getByRole('link', { name: '工单', exact: true }).click();
    await page.getByTestId('ticket-table').waitFor();
    const queueText = await checkPage(page, 'engineer-tickets-zh');
    expect(queueText).toContain('仅显示未完结工单');

    await page.getByTestId('main-nav').getByRole('link', { name: '设备', exact: true }).click();
    await page.getByTestId('fleet-table').waitFor();
    await checkPage(page, 'engineer-fleet-zh');
  }, 90_000);

  it('opens the page the address names when it changes as the workspace first appears', async () => {
    // A link followed the moment the signed-in frame appears (a bookmark opened as the app starts,
    // a quick click) once left the workspace on the page it started with: the router listened to
    // address changes only from after its first paint. Here the address changes right then.
    const quick = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    // (the browser's code as text: these tests are type-checked without the DOM's types)
    await quick.page.addInitScript({
      content: `new MutationObserver((_, observer) => {
        if (!document.querySelector('[data-testid="main-nav"]')) return;
        observer.disconnect();
        window.location.hash = '#/parts';
      }).observe(document, { childList: true, subtree: true });`,
    });
    await signIn(quick.page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await quick.page.getByTestId('shipments-filter').waitFor();
    expect(await quick.page.getByTestId('fleet-table').count()).toBe(0);
    await quick.context.close();
  }, 60_000);
});
