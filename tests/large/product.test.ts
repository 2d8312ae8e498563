/**
 * Large test: the whole product started as a user starts it (built `main.js`: broker, platform,
 * dashboards and a simulated fleet as a child process) on embedded storage. Real: everything,
 * including Debian's Chromium driven by playwright-core. The simulated devices all carry an
 * injected fault and time runs 20,000× faster, so faults develop into failures within seconds.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import type { Alarm, DeviceView, Ticket } from '../../contracts/src';
import { waitFor } from '../support/free-port';
import { ProductProcess } from '../support/product-process';

const ADMIN = { email: 'admin@example.com', password: 'large-test-password' };
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

async function login(baseUrl: string, credentials = ADMIN): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function getJson<T>(baseUrl: string, pathname: string, token: string): Promise<T> {
  const res = await fetch(`${baseUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe('the product, end to end', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'product-test-'));
  const env = {
    DATA_DIR: dataDir,
    SIM_DEVICES: '10',
    SIM_FAULT_RATE: '1',
    SIM_TIME_SCALE: '20000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: 'info',
  };
  let product: ProductProcess;
  let socket: Socket | undefined;
  let browser: Browser | undefined;
  let token: string;

  beforeAll(async () => {
    product = new ProductProcess(env);
    await product.start();
    token = await login(product.baseUrl);
  }, 90_000);

  afterAll(async () => {
    socket?.disconnect();
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an injected fault in a simulated device reaches a Socket.IO client as an alarm and a ticket', async () => {
    socket = io(product.baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false });
    const alarms: Alarm[] = [];
    const tickets: Ticket[] = [];
    socket.on('alarm', (a: Alarm) => alarms.push(a));
    socket.on('ticket', (t: Ticket) => tickets.push(t));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', resolve);
      socket!.once('connect_error', reject);
    });
    expect(await socket.emitWithAck('subscribe', { room: 'fleet' })).toEqual({ ok: true });

    await waitFor(() => tickets.length > 0 || undefined, {
      timeoutMs: 120_000,
      what: `a ticket event\n${product.log.slice(-2000)}`,
    });
    const ticket = tickets[0];
    const groundTruth = fs
      .readFileSync(path.join(dataDir, 'sim', 'ground-truth.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { deviceId: string; mode: string });
    expect(groundTruth.map((g) => g.deviceId)).toContain(ticket.deviceId);
    expect(['P1', 'P2']).toContain(ticket.priority);
    const alarm = alarms.find((a) => a.id === ticket.alarmId);
    expect(alarm).toMatchObject({ deviceId: ticket.deviceId, state: 'active' });
    const listed = await getJson<Ticket[]>(
      product.baseUrl,
      `/api/tickets?deviceId=${ticket.deviceId}`,
      token,
    );
    expect(listed.map((t) => t.id)).toContain(ticket.id);

    // the demo's appliances belong to its customers: the ticket's customer signs in and sees both
    expect(ticket.customerId).toEqual(expect.any(String));
    const owner = await getJson<{ email: string }>(
      product.baseUrl,
      `/api/customers/${ticket.customerId}`,
      token,
    );
    const ownerToken = await login(product.baseUrl, {
      email: owner.email,
      password: 'customer-demo-password',
    });
    const own = await getJson<DeviceView[]>(product.baseUrl, '/api/devices', ownerToken);
    expect(own.map((d) => d.id)).toContain(ticket.deviceId);
    const ownTickets = await getJson<Ticket[]>(product.baseUrl, '/api/tickets', ownerToken);
    expect(ownTickets.map((t) => t.id)).toContain(ticket.id);
  }, 150_000);

  it('the dashboard signs in, lists the fleet and shows a device with live data', async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage();
    await page.goto(product.baseUrl + '/');
    await page.getByTestId('login-email').fill(ADMIN.email);
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').waitFor();
    await page.getByTestId('login-password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();

    await page.getByTestId('fleet-table').waitFor();
    const devices = await getJson<DeviceView[]>(product.baseUrl, '/api/devices', token);
    expect(devices).toHaveLength(10);
    const device = devices.find((d) => d.type === 'washer') ?? devices[0];
    await page.getByTestId(`device-row-${device.id}`).waitFor();
    expect(await page.locator('[data-testid^="device-row-"]').count()).toBe(10);

    // "last seen" follows the devices' readings live, without a reload
    const lastSeen = page.getByTestId(`device-row-${device.id}`).getByTestId('last-seen');
    const seenFirst = Number(await lastSeen.getAttribute('data-ts'));
    await waitFor(async () => Number(await lastSeen.getAttribute('data-ts')) > seenFirst || undefined, {
      timeoutMs: 30_000,
      what: 'last seen to move on live',
    });
    // a lost connection shows, and the page recovers by itself when it comes back
    await page.context().setOffline(true);
    await page.getByTestId('offline-banner').waitFor({ timeout: 30_000 });
    await page.context().setOffline(false);
    await page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await expect(page.getByTestId('connection').getAttribute('data-connected')).resolves.toBe('true');
    const seenAfterGap = Number(await lastSeen.getAttribute('data-ts'));
    await waitFor(async () => Number(await lastSeen.getAttribute('data-ts')) > seenAfterGap || undefined, {
      timeoutMs: 30_000,
      what: 'last seen to move on after the connection came back',
    });

    await page.getByTestId(`device-row-${device.id}`).getByRole('link').first().click();
    await page.getByTestId('device-online').waitFor();
    await expect(page.getByTestId('device-online').textContent()).resolves.toMatch(/online/i);
    const metric = Object.keys(device.latest)[0] ?? 'drumVibrationMmS';
    await page.getByTestId(`latest-${metric}`).waitFor();
    await expect(page.getByTestId(`latest-${metric}`).textContent()).resolves.toMatch(/\d/);
    // the chart fills from history and then live readings
    await waitFor(
      async () =>
        Number(await page.getByTestId('telemetry-chart').getAttribute('data-points')) > 0 || undefined,
      { timeoutMs: 60_000, what: 'the device chart to draw points' },
    );
    const screenshot = await page.screenshot({ fullPage: true });
    expect(screenshot.length).toBeGreaterThan(10_000);
  }, 120_000);

  it('SIGTERM flushes and exits cleanly; a restart keeps devices, tickets and telemetry', async () => {
    const before = await fetch(`${product.baseUrl}/metrics`).then((r) => r.text());
    const readingsBefore = Number(/^telemetry_readings_total (\d+)/m.exec(before)?.[1]);
    expect(readingsBefore).toBeGreaterThan(0);
    const ticketsBefore = await getJson<Ticket[]>(product.baseUrl, '/api/tickets', token);
    socket?.disconnect();
    await browser?.close();
    browser = undefined;
    expect(await product.stop()).toBe(0);

    product = new ProductProcess({ ...env, SIM_DEVICES: '0' });
    await product.start();
    const devices = await getJson<DeviceView[]>(product.baseUrl, '/api/devices', token);
    expect(devices).toHaveLength(10);
    expect(devices.every((d) => !d.online)).toBe(true);
    const ticketsAfter = await getJson<Ticket[]>(product.baseUrl, '/api/tickets', token);
    expect(ticketsAfter.map((t) => t.id)).toEqual(expect.arrayContaining(ticketsBefore.map((t) => t.id)));

    // every reading accepted before the stop is still there: count one metric of every device
    let stored = 0;
    for (const device of devices) {
      const metric = Object.keys(device.latest)[0];
      if (!metric) continue;
      const points = await getJson<unknown[]>(
        product.baseUrl,
        `/api/devices/${device.id}/telemetry?metric=${metric}&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`,
        token,
      );
      stored += points.length;
    }
    expect(stored).toBeGreaterThanOrEqual(readingsBefore);
  }, 120_000);

  it('refuses to start on a bad configuration value, naming the key', () => {
    const result = spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/platform/src/main.js')], {
      env: { PATH: process.env.PATH, PORT: 'not-a-port', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT: /);
  });
});
