/**
 * Large test: the engineer console's service desk (dispatch board, new device, guidance, parts) and the
 * administration pages, at 1440x900, in English and Chinese, on the whole built product. Real: the
 * product (broker, platform, dashboards, a simulated fleet whose 6 appliances all develop a fault
 * 20,000× faster than real time), Debian's Chromium. The simulated field force is off
 * (SIM_FIELD_FORCE=false): a technician drives to a job through the API while the board watches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type {
  Customer,
  DeviceView,
  GuidanceArticle,
  Me,
  Technician,
  Ticket,
  TicketDetail,
  UserView,
  VanStock,
} from '../../contracts/src';
import { DESKTOP, PHONE, launchChromium, newPage, rawIdsIn, signIn, checkPage } from '../support/browser';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'desk-test-admin-password' };
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const TECHNICIAN_PASSWORD = 'technician-demo-password';
const NEW_TECHNICIAN = {
  email: 'nora.lindqvist@service.example.com',
  name: 'Nora Lindqvist',
  password: 'nora-first-password',
};
const WAITING: ReadonlySet<string> = new Set(['new', 'acknowledged', 'dispatched', 'reopened']);
const HAN = /[\u4e00-\u9fff]/;
/** How long the page may take to show something: generous, the product and Chromium share the machine. */
const UI_TIMEOUT_MS = 30_000;
const containing = (text: string): RegExp => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('the service desk and the administration in the browser', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'desk-test-'));
  let product: ProductProcess;
  let browser: Browser;
  let admin: string;
  let engineer: string;

  async function api<T>(method: string, pathname: string, body?: unknown, token = engineer): Promise<T> {
    const res = await fetch(`${product.baseUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function login(email: string, password: string): Promise<{ status: number; token?: string }> {
    const res = await fetch(`${product.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await res.json()) as { accessToken?: string };
    return { status: res.status, token: body.accessToken };
  }

  /** Waits until the element's text is `expected` (a string: exactly; a pattern: matching); answers it. */
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

  /** Waits until an ECharts chart has drawn its SVG (at least `paths` shapes). */
  async function chartDrawn(chart: Locator, paths = 5): Promise<void> {
    await waitFor(async () => (await chart.locator('svg path').count()) >= paths, {
      timeoutMs: UI_TIMEOUT_MS,
      what: 'the chart drawn',
    });
  }

  /** Opens a route of the signed-in app and waits for its heading. */
  async function open(page: Page, route: string, heading: string | RegExp): Promise<void> {
    await page.goto(`${product.baseUrl}/#${route}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  }

  async function signOut(page: Page): Promise<void> {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-email').waitFor();
  }

  beforeAll(async () => {
    product = new ProductProcess({
      DATA_DIR: dataDir,
      SIM_DEVICES: '6',
      SIM_FAULT_RATE: '1',
      SIM_TIME_SCALE: '20000',
      SIM_FIELD_FORCE: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    await product.start();
    browser = await launchChromium();
    admin = (await login(ADMIN.email, ADMIN.password)).token as string;
    engineer = (await login(ENGINEER.email, ENGINEER.password)).token as string;
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an admin creates a technician who then signs in to their jobs, edits technicians and customers, and disables an account', async () => {
    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, product.baseUrl, ADMIN.email, ADMIN.password);

    // ---- users: the list, then a new technician through the form -------------------------------
    await open(page, '/users', 'Users');
    await page.getByTestId('user-table').waitFor();
    await expectText(page.getByTestId('user-count'), /^\d+ users$/);
    await checkPage(page, 'admin-users-en');

    await page.getByTestId('user-new').click();
    await page.getByTestId('user-email').fill(NEW_TECHNICIAN.email);
    await page.getByTestId('user-name').fill(NEW_TECHNICIAN.name);
    await page.getByTestId('user-role').selectOption('technician');
    await page.getByTestId('user-password').fill(NEW_TECHNICIAN.password);
    await page.getByTestId('user-language').selectOption('en');
    await page.getByTestId('user-region').fill('north');
    // a known region starts the base location from its technicians' bases
    await waitFor(async () => /^5\d\.\d+$/.test(await page.getByTestId('user-base-lat').inputValue()), {
      timeoutMs: UI_TIMEOUT_MS,
      what: 'the base latitude filled in from the region',
    });
    await page.getByTestId('user-skills-washer').selectOption('2');
    await page.getByTestId('user-skills-dishwasher').selectOption('3');
    await page.getByTestId('user-max-jobs').fill('4');
    await expect(page.getByTestId('user-shifts-row').count()).resolves.toBe(5);
    await checkPage(page, 'admin-user-new-en');
    await page.getByTestId('user-submit').click();
    await page.getByTestId(`user-row-${NEW_TECHNICIAN.email}`).waitFor();
    await expectText(
      page.getByTestId('user-notice'),
      containing(`Account created for ${NEW_TECHNICIAN.email}`),
    );

    const created = (await api<Technician[]>('GET', '/api/technicians', undefined, admin)).find(
      (tech) => tech.email === NEW_TECHNICIAN.email,
    );
    expect(created).toMatchObject({
      name: NEW_TECHNICIAN.name,
      region: 'north',
      maxOpenTickets: 4,
      skills: { washer: { level: 2 }, dishwasher: { level: 3 } },
      weeklyShifts: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMin: 480, endMin: 1020 })),
    });

    // a duplicate e-mail is refused in the admin's words, not the server's
    await page.getByTestId('user-new').click();
    await page.getByTestId('user-email').fill(NEW_TECHNICIAN.email.toUpperCase());
    await page.getByTestId('user-name').fill('Someone else');
    await page.getByTestId('user-password').fill('another-password-1');
    await page.getByTestId('user-submit').click();
    await expectText(page.getByTestId('user-form-error'), 'An account with this e-mail exists already.');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // ---- technicians: the new one is listed; the admin changes status and workload -------------
    await open(page, '/technicians', 'Technicians');
    await page.getByTestId('technician-search').fill('Lindqvist');
    const row = page.getByTestId(`technician-row-${created!.id}`);
    await expectText(row, /Washing machine 2 · Dishwasher 3.*Mon–Fri 08:00–17:00/);
    await row.getByTestId('technician-edit').click();
    await page.getByTestId('technician-status').selectOption('busy');
    await page.getByTestId('technician-max-jobs-input').fill('3');
    await checkPage(page, 'admin-technicians-en');
    await page.getByTestId('technician-save').click();
    await page.getByTestId('technician-saved').waitFor();
    await expectText(row.getByTestId('technician-max-jobs'), '3');
    expect(await api<Technician>('GET', `/api/technicians/${created!.id}`, undefined, admin)).toMatchObject({
      status: 'busy',
      maxOpenTickets: 3,
    });

    // ---- customers: search one and change their tier -------------------------------------------
    const customers = await api<Customer[]>('GET', '/api/customers?limit=500', undefined, admin);
    const customer = customers.find((c) => c.tier === 'standard' && c.email) as Customer;
    await open(page, '/customers', 'Customers');
    await page.getByTestId('customer-search').fill(customer.email!);
    await expectText(page.getByTestId('customer-count'), '1 customer');
    await page.getByTestId(`customer-row-${customer.id}`).getByTestId('customer-tier').selectOption('vip');
    await expectText(page.getByTestId('customer-notice'), `${customer.name} is now VIP.`);
    expect((await api<Customer>('GET', `/api/customers/${customer.id}`, undefined, admin)).tier).toBe('vip');
    await checkPage(page, 'admin-customers-en');

    // ---- the new technician signs in and lands on their jobs -----------------------------------
    await signOut(page);
    await signIn(page, product.baseUrl, NEW_TECHNICIAN.email, NEW_TECHNICIAN.password);
    await expectText(page.getByTestId('main-nav'), containing('My jobs'));
    const me = await page.evaluate(async () => {
      // runs in the page, where the app keeps its session
      const storage = (
        globalThis as unknown as { sessionStorage: { getItem: (key: string) => string | null } }
      ).sessionStorage;
      const session = JSON.parse(storage.getItem('appliance-care.session') ?? '{}') as {
        accessToken: string;
      };
      const res = await fetch('/api/me', { headers: { Authorization: `Bearer ${session.accessToken}` } });
      return (await res.json()) as Me;
    });
    expect(me).toMatchObject({ role: 'technician', email: NEW_TECHNICIAN.email, technicianId: created!.id });

    // ---- back as admin: a password reset shown once, then the technician disabled --------------
    await signOut(page);
    await signIn(page, product.baseUrl, ADMIN.email, ADMIN.password);
    await open(page, '/users', 'Users');
    const users = await api<UserView[]>('GET', '/api/users?role=customer', undefined, admin);
    const customerUser = users.find((u) => u.customerId === customer.id) as UserView;
    await page.getByTestId('user-search').fill(customerUser.email);
    await page.getByTestId(`user-row-${customerUser.email}`).getByTestId('user-reset').click();
    const temporary = (await page.getByTestId('user-temporary-password-value').textContent()) ?? '';
    await expectText(page.getByTestId('user-temporary-password'), containing('it will not be shown again'));
    expect(temporary.length).toBeGreaterThanOrEqual(10);
    expect((await login(customerUser.email, temporary)).status).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('user-temporary-password').waitFor({ state: 'detached' });

    await page.getByTestId('user-search').fill(NEW_TECHNICIAN.email);
    const technicianRow = page.getByTestId(`user-row-${NEW_TECHNICIAN.email}`);
    await technicianRow.getByTestId('user-disable').click();
    await page.locator(`[data-testid="user-row-${NEW_TECHNICIAN.email}"][data-disabled="true"]`).waitFor();
    await expectText(
      page.getByTestId('user-notice'),
      containing(`${NEW_TECHNICIAN.name} can no longer sign in`),
    );
    expect(
      (await api<UserView[]>('GET', '/api/users?role=technician', undefined, admin)).find(
        (u) => u.email === NEW_TECHNICIAN.email,
      ),
    ).toMatchObject({
      disabled: true,
    });

    // the disabled technician is told so at the sign-in
    await signOut(page);
    await page.getByTestId('login-email').fill(NEW_TECHNICIAN.email);
    await page.getByTestId('login-password').fill(NEW_TECHNICIAN.password);
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), 'This account is disabled. Ask your administrator.');

    // ---- the administration in Chinese, switched in the page -----------------------------------
    await signIn(page, product.baseUrl, ADMIN.email, ADMIN.password);
    await page.getByTestId('language').selectOption('zh-CN');
    for (const [route, heading, name] of [
      ['/users', '用户', 'admin-users-zh'],
      ['/technicians', '服务工程师', 'admin-technicians-zh'],
      ['/customers', '客户', 'admin-customers-zh'],
    ] as const) {
      await open(page, route, heading);
      await page.locator('table.data-table tbody tr').first().waitFor();
      const text = await checkPage(page, name);
      expect(text).toMatch(HAN);
    }
    await open(page, '/users', '用户');
    await page.getByTestId('user-search').fill(NEW_TECHNICIAN.email);
    await expectText(page.getByTestId(`user-row-${NEW_TECHNICIAN.email}`), containing('已停用'));
    await context.close();
  }, 150_000);

  it('the engineer watches a technician drive on the dispatch board, registers a device, writes guidance and reads the parts, in English and Chinese', async () => {
    // ---- a ticket waiting at a customer's, dispatched to a technician who can repair it -------
    const ticket = await waitFor(
      async () =>
        (await api<Ticket[]>('GET', '/api/tickets?open=true')).find(
          (t) => WAITING.has(t.status) && t.customerId,
        ),
      { timeoutMs: 90_000, intervalMs: 500, what: 'an open ticket at a customer' },
    );
    const device = await api<DeviceView>('GET', `/api/devices/${ticket.deviceId}`);
    const site = await api<Customer>('GET', `/api/customers/${ticket.customerId}`);
    const technicians = await api<Technician[]>('GET', '/api/technicians');
    const candidates = technicians.filter(
      (t) => t.skills[device.type] && t.email && t.status === 'available' && t.email !== NEW_TECHNICIAN.email,
    );
    // someone from the customer's region, as dispatch would choose
    const tech = candidates.find((t) => t.region === site.region) ?? candidates[0];
    expect(tech).toBeDefined();
    if ((await api<TicketDetail>('GET', `/api/tickets/${ticket.id}`)).assigneeId !== tech.id)
      await api<Ticket>('POST', `/api/tickets/${ticket.id}/dispatch`, {
        technicianId: tech.id,
        reason: 'large test: the technician the board follows',
      });

    const { context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(page, product.baseUrl, ENGINEER.email, ENGINEER.password);

    // ---- the dispatch board: the map with its technicians and jobs, and the same in lists ------
    await open(page, '/dispatch', 'Dispatch board');
    const map = page.getByTestId('dispatch-map');
    await chartDrawn(map, 20);
    await expect(map.getAttribute('data-technicians')).resolves.toBe(String(technicians.length));
    expect(Number(await map.getAttribute('data-regions'))).toBeGreaterThanOrEqual(4);
    await expect(page.getByTestId('dispatch-technicians').locator('li').count()).resolves.toBe(
      technicians.length,
    );
    await page.getByTestId(`dispatch-job-${ticket.id}`).waitFor();
    await expectText(page.getByTestId(`dispatch-job-${ticket.id}`), containing(tech.name));
    // the technician's workload counts their jobs as dispatch does: "1 of 6 jobs"
    const assigned = (await api<Ticket[]>('GET', `/api/tickets?assigneeId=${tech.id}&open=true`)).filter(
      (t) => ['dispatched', 'en_route', 'on_site', 'waiting_parts'].includes(t.status),
    );
    expect(assigned.map((t) => t.id)).toContain(ticket.id);
    const techItem = page.getByTestId(`dispatch-technician-${tech.id}`);
    await expectText(techItem, containing(`${assigned.length} of ${tech.maxOpenTickets} jobs`));

    // the technician accepts and drives: the board moves them as they report where they are
    const techToken = (await login(tech.email!, TECHNICIAN_PASSWORD)).token as string;
    await api('POST', `/api/tickets/${ticket.id}/accept`, {}, techToken);
    await api('POST', `/api/tickets/${ticket.id}/en-route`, tech.currentLocation, techToken);
    const moved = {
      lat: +(tech.currentLocation.lat + 0.05).toFixed(5),
      lon: +(tech.currentLocation.lon + 0.05).toFixed(5),
    };
    await api('POST', `/api/tickets/${ticket.id}/location`, moved, techToken);
    await page
      .locator(
        `[data-testid="dispatch-technician-${tech.id}"][data-lat="${moved.lat}"][data-lon="${moved.lon}"]`,
      )
      .waitFor();
    await expectText(techItem.getByTestId('dispatch-en-route'), /^On the way to job \w+/);
    // pointing at a technician on the map tells their status and workload
    const mapBox = (await map.boundingBox())!;
    const dots = (
      await map.locator('svg path[fill="#166534"]').evaluateAll((paths) =>
        paths.map((path) => {
          const box = path.getBoundingClientRect();
          return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
        }),
      )
    ).filter((dot) => dot.y < mapBox.y + mapBox.height - 48); // not the legend's icon at the bottom
    expect(dots.length).toBeGreaterThan(0);
    let pointed = 0;
    const tooltip = await waitFor(
      async () => {
        const dot = dots[pointed++ % dots.length];
        await page.mouse.move(dot.x, dot.y, { steps: 2 });
        const text = await map.innerText();
        return /Available\s+\d+ of \d+ jobs\s+Region \w+/.test(text) ? text : undefined;
      },
      { timeoutMs: UI_TIMEOUT_MS, intervalMs: 200, what: "a technician's tooltip on the map" },
    );
    expect(tooltip).toMatch(/\d+ of \d+ jobs/);
    await checkPage(page, 'desk-dispatch-en');

    // ---- a new device, its secret shown once ---------------------------------------------------
    const customers = await api<Customer[]>('GET', '/api/customers?limit=500');
    const owner = customers.find((c) => c.region) as Customer;
    await open(page, '/devices/new', 'New device');
    await page.getByTestId('provision-type').selectOption('refrigerator');
    await page.getByTestId('provision-serial').fill('RF-DESK-0001');
    await page.getByTestId('provision-customer').selectOption(owner.id);
    await waitFor(async () => (await page.getByTestId('provision-region').inputValue()) === owner.region, {
      timeoutMs: UI_TIMEOUT_MS,
      what: "the customer's region filled in",
    });
    await page.getByTestId('provision-model').fill('RF-7400');
    await page.getByTestId('provision-installed').fill('2025-03-01');
    await page.getByTestId('provision-warranty').fill('2030-03-01');
    await page.getByTestId('provision-submit').click();
    await page.getByTestId('provision-result').waitFor();
    const secret = (await page.getByTestId('device-secret-value').textContent()) ?? '';
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await expectText(page.getByTestId('device-secret'), containing('it will not be shown again'));
    const registered = (await api<DeviceView[]>('GET', '/api/devices?q=RF-DESK-0001'))[0];
    expect(registered).toMatchObject({
      type: 'refrigerator',
      customerId: owner.id,
      region: owner.region,
      model: 'RF-7400',
      installedAt: Date.UTC(2025, 2, 1),
      warrantyUntil: Date.UTC(2030, 2, 1),
    });
    await checkPage(page, 'desk-provision-en');
    // gone once the page is left
    await open(page, '/parts', 'Parts');
    await open(page, '/devices/new', 'New device');
    await page.getByTestId('provision-form').waitFor();
    await expect(page.getByTestId('device-secret').count()).resolves.toBe(0);

    // ---- guidance: an article edited into version 2 --------------------------------------------
    await open(page, '/guidance', 'Repair guidance');
    await page.getByTestId('guidance-filter-type').selectOption('washer');
    await page.getByTestId('guidance-row-washer-bearing_wear').getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: 'Drum bearing wear · Washing machine' }).waitFor();
    await expectText(page.getByTestId('guidance-version'), '1');
    await page.getByTestId('guidance-edit').click();
    await page.getByTestId('guidance-form').waitFor();
    await checkPage(page, 'desk-guidance-edit-en');
    // the editor starts from the text as shown: metrics by name, not by id
    const draft = await page
      .getByTestId('guidance-form')
      .locator('textarea, input')
      .evaluateAll((fields) =>
        fields.map((field) => (field as unknown as { value: string }).value).join('\n'),
      );
    expect(draft).toContain('Compare Drum vibration (mm/s)');
    expect(rawIdsIn(draft)).toEqual([]);
    await page
      .getByTestId('guidance-title')
      .fill('Drum bearing wear: replace the bearing kit and check the drum');
    await page
      .getByTestId('guidance-steps')
      .fill(
        'Confirm the vibration in the live readings\nReplace the drum bearing kit\nRun a spin cycle and watch the vibration',
      );
    await page.getByTestId('guidance-save').click();
    await expectText(page.getByTestId('guidance-saved'), 'Saved as version 2.');
    await expectText(page.getByTestId('guidance-version'), '2');
    await expectText(page.getByTestId('guidance-version-2'), /Version 2.*Current.*You \(Senior engineer\)/);
    await page.getByTestId('guidance-version-1').waitFor();
    const history = await api<GuidanceArticle[]>(
      'GET',
      '/api/guidance/history?type=washer&faultMode=bearing_wear',
    );
    expect(history.map((v) => v.version)).toEqual([2, 1]);
    expect(history[0].steps).toHaveLength(3);
    await checkPage(page, 'desk-guidance-en');

    // ---- parts: stock, the chart, the fill rate, a lot traced ----------------------------------
    const van = await api<VanStock>('GET', `/api/technicians/${tech.id}/van`);
    const lot = van.items.flatMap((item) => item.lots)[0]?.lot ?? 'L000000-000';
    await open(page, '/parts', 'Parts');
    await page.getByTestId('parts-stock').waitFor();
    const skus = (await api<unknown[]>('GET', '/api/parts/stock')).length;
    await expectText(page.getByTestId('parts-summary'), new RegExp(`^${skus} parts,`));
    await chartDrawn(page.getByTestId('parts-chart'));
    expect(Number(await page.getByTestId('parts-chart').getAttribute('data-points'))).toBeGreaterThan(0);
    await expectText(page.getByTestId('parts-fill-rate-value'), /%|No repairs with parts yet/);
    await page.getByTestId('parts-lot').fill(lot);
    await page.getByTestId('parts-lot-submit').click();
    await expectText(page.getByTestId('parts-lot-result'), containing(lot));
    await checkPage(page, 'desk-parts-en');

    // ---- the same pages in Chinese, switched in the page ---------------------------------------
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('heading', { level: 1, name: '备件' }).waitFor();
    for (const [route, heading, ready, name] of [
      ['/dispatch', '派工看板', 'dispatch-technicians', 'desk-dispatch-zh'],
      ['/devices/new', '新增设备', 'provision-form', 'desk-provision-zh'],
      ['/guidance', '维修指导', 'guidance-list', 'desk-guidance-list-zh'],
      ['/guidance/washer/bearing_wear', '洗衣机 · 滚筒轴承磨损', 'guidance-history', 'desk-guidance-zh'],
      ['/parts', '备件', 'parts-stock', 'desk-parts-zh'],
    ] as const) {
      await open(page, route, heading);
      await page.getByTestId(ready).waitFor();
      if (route === '/dispatch') await chartDrawn(page.getByTestId('dispatch-map'), 20);
      if (route === '/parts') await chartDrawn(page.getByTestId('parts-chart'));
      const text = await checkPage(page, name);
      expect(text).toMatch(HAN);
    }
    await context.close();

    // ---- the board and the parts on a phone ----------------------------------------------------
    const phone = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    phone.page.setDefaultTimeout(UI_TIMEOUT_MS);
    await signIn(phone.page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    // the engineer chose Chinese: the app follows the saved choice on every device
    await phone.page.getByRole('link', { name: '派工' }).waitFor();
    await phone.page.getByTestId('language').selectOption('en');
    await open(phone.page, '/dispatch', 'Dispatch board');
    await chartDrawn(phone.page.getByTestId('dispatch-map'), 20);
    await checkPage(phone.page, 'desk-dispatch-phone-en');
    await open(phone.page, '/parts', 'Parts');
    await chartDrawn(phone.page.getByTestId('parts-chart'));
    await checkPage(phone.page, 'desk-parts-phone-en');
    await phone.context.close();
  }, 150_000);
});
