/**
 * Large test: the four management boards in the browser, on the whole product as a user starts it
 * (built `main.js`) with a small demo history (12 months, 60 tickets a month) so every board has
 * numbers. A service manager (else the admin, where the history has no manager yet) opens each board
 * in English and in Chinese: the tiles show numbers, the warning lines are drawn, a number opens the
 * records behind it (as many as the tile counted) and a ticket among them, a chart's data is exported
 * as CSV and the monthly report downloads as a PDF. Every board passes axe and is kept as a
 * screenshot (test-output/screenshots/kpi-*).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ComplaintTerms, KpiAnswer, KpiName, KpiWarning } from '../../contracts/src';
import {
  DESKTOP,
  PHONE,
  expectAccessible,
  launchChromium,
  mainText,
  newPage,
  rawIdsIn,
  screenshot,
  signIn,
} from '../support/browser';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'kpi-boards-test-password' };
const MANAGER = { email: 'manager@example.com', password: 'manager-demo-password' };

async function login(
  baseUrl: string,
  credentials: { email: string; password: string },
): Promise<string | null> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  if (res.status !== 200) return null;
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function getJson<T>(baseUrl: string, pathname: string, token: string): Promise<T> {
  const res = await fetch(`${baseUrl}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${pathname}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Waits until a tile shows a value (the KPI answered with data). */
async function waitForTile(page: Page, name: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (testId) => {
      const { document } = globalThis as unknown as {
        document: { querySelector(s: string): { getAttribute(a: string): string | null } | null };
      };
      const value = document.querySelector(`[data-testid="${testId}"]`)?.getAttribute('data-value');
      return value !== null && value !== undefined && value !== '';
    },
    `kpi-tile-${name}`,
    { timeout },
  );
}

/** The count of elements matching `selector` once it reaches `atLeast` (the cloud lays out its words in steps). */
async function waitForCount(
  page: Page,
  selector: string,
  atLeast: number,
  timeout = 20_000,
): Promise<number> {
  await page.waitForFunction(
    ([s, n]) => {
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(s: string): { length: number } };
      };
      return document.querySelectorAll(s).length >= n;
    },
    [selector, atLeast] as const,
    { timeout },
  );
  return page.locator(selector).count();
}

async function openBoard(page: Page, baseUrl: string, board: string, tab?: string): Promise<void> {
  await page.goto(`${baseUrl}/#/kpi/${board}${tab ? `?tab=${tab}` : ''}`);
  await page.getByTestId(`board-${board}`).waitFor();
}

describe('the management boards in the browser', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpi-boards-'));
  let product: ProductProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let user = MANAGER;
  let token: string;
  let adminToken: string;

  beforeAll(async () => {
    product = new ProductProcess({
      DATA_DIR: dataDir,
      SIM_DEVICES: '6',
      SIM_FIELD_FORCE: 'false',
      DEMO_HISTORY_MONTHS: '12',
      DEMO_HISTORY_TICKETS_PER_MONTH: '60',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    });
    await product.start();
    const admin = await login(product.baseUrl, ADMIN);
    if (!admin) throw new Error('the admin cannot sign in');
    adminToken = admin;
    // the history is written in the background after the start: wait for its tickets in the KPIs
    await waitFor(
      async () => {
        const answer = await getJson<KpiAnswer>(
          product.baseUrl,
          '/api/kpis?names=tickets_created,first_time_fix_rate',
          adminToken,
        );
        const created = answer.kpis.find((kpi) => kpi.name === 'tickets_created');
        return (created?.value ?? 0) >= 300 || undefined;
      },
      {
        timeoutMs: 90_000,
        intervalMs: 1000,
        what: `the demo history in the KPIs\n${product.log.slice(-2000)}`,
      },
    );
    // the manager comes with the demo history; without one the admin reads the boards
    const managerToken = await login(product.baseUrl, MANAGER);
    if (managerToken) token = managerToken;
    else {
      user = ADMIN;
      token = adminToken;
    }
    browser = await launchChromium();
    ({ context, page } = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' }));
  }, 150_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await product?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the quality board with numbers and warning lines, drills to tickets and exports CSV', async () => {
    await signIn(page, product.baseUrl, user.email, user.password);
    await openBoard(page, product.baseUrl, 'quality');
    await waitForTile(page, 'first_time_fix_rate');
    await expect(page.getByTestId('kpi-tile-first_time_fix_rate').innerText()).resolves.toMatch(
      /First-time fix rate[\s\S]*\d+(\.\d)?\s?%/,
    );
    await expect(page.getByTestId('kpi-tile-service_cost').innerText()).resolves.toMatch(/CN¥|¥|No data/);
    await page.getByTestId('quality-pareto-chart').waitFor();
    expect(
      Number(await page.getByTestId('quality-pareto-chart').getAttribute('data-points')),
    ).toBeGreaterThan(0);
    // the regions failing most on a map, and beside it the same ranking as a list: the highest
    // failure rates of GET /api/kpis for the board's period (the demo has four regions: up to five)
    const regionCard = page.getByTestId('quality-top-regions');
    await page.getByTestId('quality-top-regions-map').waitFor();
    const period = `from=${encodeURIComponent((await regionCard.getAttribute('data-from')) ?? '')}&to=${encodeURIComponent((await regionCard.getAttribute('data-to')) ?? '')}`;
    const byRegion = await getJson<KpiAnswer>(
      product.baseUrl,
      `/api/kpis?names=failure_rate&groupBy=region&${period}`,
      token,
    );
    const rated = (byRegion.kpis[0]?.groups ?? []).filter(
      (group): group is typeof group & { value: number } => group.value !== null,
    );
    const highest = [...rated].sort((a, b) => b.value - a.value || a.key.localeCompare(b.key)).slice(0, 5);
    expect(highest.length).toBeGreaterThanOrEqual(4);
    const ranked = page.getByTestId('region-rank');
    expect(
      await ranked.evaluateAll((items) => items.map((item) => item.getAttribute('data-region'))),
    ).toEqual(highest.map((group) => group.key));
    expect(
      (await ranked.evaluateAll((items) => items.map((item) => item.getAttribute('data-value')))).map(Number),
    ).toEqual(highest.map((group) => group.value));
    await expect(ranked.first().innerText()).resolves.toMatch(
      /(North|East|South|West)[\s\S]*\d+(\.\d+)?\s?%/,
    );
    const map = page.getByTestId('quality-top-regions-map');
    expect(Number(await map.getAttribute('data-top'))).toBe(highest.length);
    // every region with a rate has a centre (GET /api/organisations) and a circle
    expect(Number(await map.getAttribute('data-points'))).toBe(
      rated.filter((group) => group.key !== 'unknown').length,
    );
    // every ranked region is on the map, labelled with its name and rate as in the list
    const mapText = (await map.locator('svg').textContent()) ?? '';
    const names = await page.locator('[data-testid="region-rank"] .kpi-rank__name').allInnerTexts();
    const rates = await page
      .getByTestId('region-rank-drill')
      .evaluateAll((buttons) => buttons.map((button) => button.firstChild?.textContent ?? ''));
    expect(names).toHaveLength(highest.length);
    for (const [i, name] of names.entries()) {
      expect(mapText).toContain(name);
      expect(mapText).toContain(rates[i]);
    }

    const text = await mainText(page);
    expect(rawIdsIn(text)).toEqual([]);
    expect(text).not.toMatch(/first_time_fix_rate|fault_mode|in_warranty/);
    await expectAccessible(page, 'the quality board (executive)');
    await screenshot(page, 'kpi-quality');

    // a region on the map opens its failures, as its bar did: the worst, drawn darkest
    await map.locator('svg path[fill="#7f1d1d"]').first().click({ force: true });
    await page.getByTestId('drill-panel').waitFor();
    await expect(page.getByTestId('drill-panel').getAttribute('data-kpi')).resolves.toBe('failure_rate');
    await expect(page.getByTestId('drill-panel').getAttribute('data-group')).resolves.toBe(highest[0].key);
    await page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])');
    await page.getByTestId('drill-close').click();
    // and so does the list, by keyboard
    await page.getByTestId('region-rank-drill').nth(1).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('drill-panel').getAttribute('data-group')).resolves.toBe(highest[1].key);
    await page.getByTestId('drill-close').click();

    // the filters are in the address: a link reproduces the view
    const everywhere = Number(
      await page.getByTestId('kpi-tile-first_time_fix_rate').getAttribute('data-samples'),
    );
    await page.locator('[data-testid="filter-region"] option[value="north"]').waitFor({ state: 'attached' });
    await page.getByTestId('filter-region').selectOption('north');
    expect(page.url()).toMatch(/#\/kpi\/quality\?.*region=north/);
    await page.reload();
    await page.getByTestId('board-quality').waitFor();
    await expect(page.getByTestId('filter-region').inputValue()).resolves.toBe('north');
    await waitForTile(page, 'first_time_fix_rate');
    const north = Number(await page.getByTestId('kpi-tile-first_time_fix_rate').getAttribute('data-samples'));
    expect(north).toBeGreaterThan(0);
    expect(north).toBeLessThan(everywhere);
    await page.getByTestId('filter-reset').click();
    expect(page.url()).not.toContain('region=');
    await page.waitForSelector(`[data-testid="kpi-tile-first_time_fix_rate"][data-samples="${everywhere}"]`);

    // a number opens the records behind it: as many as the tile counted, each ticket linked
    const tile = page.getByTestId('kpi-tile-first_time_fix_rate');
    const samples = Number(await tile.getAttribute('data-samples'));
    expect(samples).toBeGreaterThan(0);
    await tile.click();
    await page.getByTestId('drill-panel').waitFor();
    await page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])');
    expect(Number(await page.getByTestId('drill-total').getAttribute('data-total'))).toBe(samples);
    expect(await page.getByTestId('drill-row').count()).toBe(Math.min(25, samples));
    await expectAccessible(page, 'the drill-down panel');
    const link = page.getByTestId('drill-ticket-link').first();
    const ticketId = await link.innerText();
    await link.click();
    await page.waitForURL(new RegExp(`#/tickets/${encodeURIComponent(ticketId)}`));
    await expect(page.locator('main').innerText()).resolves.toContain(ticketId);
    await page.goBack();

    // the middle tab, by keyboard: the failure classes per month against their warning lines
    await openBoard(page, product.baseUrl, 'quality');
    await page.getByTestId('tab-executive').focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('tab-middle').getAttribute('aria-selected')).resolves.toBe('true');
    expect(page.url()).toContain('tab=middle');
    await page.getByTestId('quality-failure-trend-chart').waitFor();
    expect(Number(await page.getByTestId('quality-failure-trend-chart').getAttribute('data-warnings'))).toBe(
      3,
    );
    await expect(page.getByTestId('quality-failure-trend').textContent()).resolves.toMatch(
      /Warning line 400/,
    );
    await expectAccessible(page, 'the quality board (middle)');
    await screenshot(page, 'kpi-quality-middle');

    // a chart's numbers as CSV: the header, then one line per group
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('quality-by-model-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^quality-quality-by-model-.*\.csv$/);
    const csv = fs.readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('Model,Key,Failures,Failures (records)');
    expect(lines.length).toBeGreaterThan(1);

    // a bar opens its records: the tallest, the first model
    await page
      .locator('[data-testid="quality-by-model-chart"] svg path[fill="#1d4ed8"]')
      .first()
      .click({ force: true });
    await page.getByTestId('drill-panel').waitFor();
    await expect(page.getByTestId('drill-panel').getAttribute('data-kpi')).resolves.toBe('failures');
    const barModel = await page.getByTestId('drill-panel').getAttribute('data-group');
    expect(barModel).toBeTruthy();
    await page.getByTestId('drill-close').click();

    // the same from the table's cell for that model
    await page.locator('[data-testid="quality-by-model"] summary').click();
    const cell = page.locator(
      `[data-testid="quality-by-model-table"] [data-testid="kpi-cell"][data-group="${barModel}"]`,
    );
    const cellSamples = Number(await cell.getAttribute('data-samples'));
    await cell.click();
    await page.waitForSelector('[data-testid="drill-total"][data-total]:not([data-total=""])');
    expect(Number(await page.getByTestId('drill-total').getAttribute('data-total'))).toBe(cellSamples);
    await expect(page.getByTestId('drill-panel').getAttribute('data-group')).resolves.not.toBe('');

    // front line: failures with their records
    await page.getByTestId('tab-frontline').click();
    await page.getByTestId('failure-rows-table').waitFor();
    await screenshot(page, 'kpi-quality-frontline');
  }, 90_000);

  it('shows the ticket efficiency, staff and service indicator boards', async () => {
    await openBoard(page, product.baseUrl, 'efficiency');
    await waitForTile(page, 'response_10min_rate');
    await page.getByTestId('efficiency-rate-trend-chart').waitFor();
    expect(
      Number(await page.getByTestId('efficiency-rate-trend-chart').getAttribute('data-warnings')),
    ).toBeGreaterThan(0);
    // dispatch volume per organisation type: the branches' own service stations and the partners
    await page.getByTestId('efficiency-dispatch-org-type-chart').waitFor();
    expect(
      Number(await page.getByTestId('efficiency-dispatch-org-type-chart').getAttribute('data-points')),
    ).toBe(2);
    const dispatchLabel =
      (await page.getByTestId('efficiency-dispatch-org-type-chart').getAttribute('aria-label')) ?? '';
    expect(dispatchLabel).toContain('Own service station');
    expect(dispatchLabel).toContain('Service partner');
    await expectAccessible(page, 'the ticket efficiency board');
    await screenshot(page, 'kpi-efficiency');
    await page.getByTestId('tab-exceptions').click();
    await page.getByTestId('overdue-rows').waitFor();
    await page.waitForSelector('[data-testid="overdue-rows-total"][data-total]:not([data-total=""])');
    await expectAccessible(page, 'the exception ranking');
    await screenshot(page, 'kpi-efficiency-exceptions');

    await openBoard(page, product.baseUrl, 'staff');
    await waitForTile(page, 'technicians');
    await expectAccessible(page, 'the staff board');
    await screenshot(page, 'kpi-staff');
    await page.getByTestId('tab-workload').click();
    await page.getByTestId('staff-ranking').waitFor();
    await screenshot(page, 'kpi-staff-workload');

    // management warnings: an evaluation raises them for the KPIs past their warning lines; the
    // service board lists its own at the top
    const evaluated = await fetch(`${product.baseUrl}/api/kpi-warnings/evaluate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(evaluated.status).toBe(200);
    const serviceKpis: KpiName[] = [
      'satisfaction_rate',
      'avg_satisfaction_score',
      'survey_collection_rate',
      'complaint_rate',
      'return_rate',
      'service_cost_ratio',
      'parts_fill_rate_bc',
      'parts_fill_rate_overall',
      'parts_requested',
      'parts_unshipped',
      'parts_shipped_24h_rate',
      'parts_receipt_24h_rate',
      'parts_receipt_48h_rate',
      'parts_receipt_7d_rate',
      'complaints',
      'approvals_pending',
      'approvals_on_time_rate',
      'approvals_late',
      'feedback_first_response_48h_rate',
    ];
    const open = (
      await getJson<KpiWarning[]>(product.baseUrl, '/api/kpi-warnings?status=open', token)
    ).filter((warning) => serviceKpis.includes(warning.kpi));
    await openBoard(page, product.baseUrl, 'service');
    await page.getByTestId('service-tiles').waitFor();
    await page.getByTestId('kpi-warnings').waitFor();
    if (open.length > 0) {
      await expect(page.getByTestId('kpi-warnings-count').innerText()).resolves.toBe(`${open.length} open`);
      await expect(page.getByTestId('kpi-warning').first().innerText()).resolves.toMatch(/, warning line /);
    } else {
      await page.getByTestId('kpi-warnings-none').waitFor();
    }
    for (const name of ['satisfaction_rate', 'complaint_rate', 'return_rate', 'service_cost_ratio']) {
      const tile = page.getByTestId(`kpi-tile-${name}`);
      // a KPI without data reads "No data", never 0
      const value = await tile.getAttribute('data-value');
      if (value === '') await expect(tile.innerText()).resolves.toContain('No data');
      else await expect(tile.innerText()).resolves.toMatch(/\d/);
      // red exactly when the warning line is crossed
      const breached = (await tile.getAttribute('data-breached')) === 'true';
      expect(((await tile.getAttribute('class')) ?? '').includes('kpi-tile--breached')).toBe(breached);
    }
    await expectAccessible(page, 'the service indicator board');
    await screenshot(page, 'kpi-service');

    // the parts tab: warehouse dispatch beside the fill rates, the receipt rates the history's
    // shipments give, and the requests not shipped yet, each opening the shipment behind it
    await page.getByTestId('tab-parts').click();
    await page.getByTestId('parts-shipping-tiles').waitFor();
    const receipt = page.getByTestId('kpi-tile-parts_receipt_48h_rate');
    await expect(receipt.innerText()).resolves.toMatch(/\d+(\.\d)? ?%/);
    const shipping = await getJson<{ kpis: Array<{ name: string; value: number | null }> }>(
      product.baseUrl,
      '/api/kpis?names=parts_requested,parts_receipt_24h_rate,parts_receipt_7d_rate',
      token,
    );
    const shippingValue = (name: string) => shipping.kpis.find((k) => k.name === name)!.value!;
    expect(shippingValue('parts_requested')).toBeGreaterThan(0);
    expect(shippingValue('parts_receipt_24h_rate')).toBeLessThan(shippingValue('parts_receipt_7d_rate'));
    await page.getByTestId('service-shipping-trend').waitFor();
    await page.getByTestId('service-unshipped').waitFor();
    await expectAccessible(page, 'the parts tab');
    await screenshot(page, 'kpi-service-parts');

    // the complaints tab: the recurring terms of the period's complaints as a word cloud, the
    // terms the API finds, drawn as words (echarts-wordcloud on ECharts 6) and listed as a table
    await page.getByTestId('tab-complaints').click();
    const cloud = page.getByTestId('service-complaint-terms');
    await page.getByTestId('service-complaint-terms-chart').waitFor();
    const cloudPeriod = `from=${encodeURIComponent((await cloud.getAttribute('data-from')) ?? '')}&to=${encodeURIComponent((await cloud.getAttribute('data-to')) ?? '')}`;
    const terms = await getJson<ComplaintTerms>(
      product.baseUrl,
      `/api/kpis/complaint-terms?${cloudPeriod}`,
      token,
    );
    expect(terms.complaints).toBeGreaterThan(0);
    expect(terms.terms.length).toBeGreaterThanOrEqual(3);
    expect(Number(await page.getByTestId('service-complaint-terms-chart').getAttribute('data-terms'))).toBe(
      terms.terms.length,
    );
    const drawn = await waitForCount(page, '[data-testid="service-complaint-terms-chart"] svg text', 3);
    expect(drawn).toBeGreaterThanOrEqual(3);
    // the most frequent term is drawn, and it is the biggest word
    const words = await page
      .locator('[data-testid="service-complaint-terms-chart"] svg text')
      .evaluateAll((nodes) =>
        nodes.map((node) => ({
          text: node.textContent ?? '',
          size: parseFloat((node.getAttribute('style') ?? '').match(/([\d.]+)px/)?.[1] ?? '0'),
        })),
      );
    const top = words.find((word) => word.text === terms.terms[0].term);
    expect(top).toBeDefined();
    expect(top!.size).toBe(Math.max(...words.map((word) => word.size)));
    expect(
      await page
        .getByTestId('cloud-term')
        .evaluateAll((rows) =>
          rows.map((row) => [row.getAttribute('data-term'), Number(row.getAttribute('data-count'))]),
        ),
    ).toEqual(terms.terms.map((item) => [item.term, item.count]));
    await expectAccessible(page, 'the complaints tab with its word cloud');
    await screenshot(page, 'kpi-service-complaints');
    await page.getByTestId('tab-approvals').click();
    await page.getByTestId('approval-tiles').waitFor();
    const approvals = page.getByTestId('service-approvals-branch-chart');
    if ((await approvals.count()) > 0) {
      expect(Number(await approvals.getAttribute('data-warnings'))).toBe(1);
      await expect(page.getByTestId('service-approvals-branch').innerText()).resolves.toMatch(
        /Warning line 20\b/,
      );
    }
    // late and pending approvals per department, against the warning line of 20 pending
    const byDepartment = page.getByTestId('service-approvals-department-chart');
    if ((await byDepartment.count()) > 0) {
      expect(Number(await byDepartment.getAttribute('data-warnings'))).toBe(1);
      await expect(byDepartment.getAttribute('aria-label')).resolves.toContain('Customer service');
    }
    await expectAccessible(page, 'the approvals tab');
    await screenshot(page, 'kpi-service-approvals');
  }, 60_000);

  it('downloads the monthly report as a PDF', async () => {
    const month = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 1))
      .toISOString()
      .slice(0, 7);
    await openBoard(page, product.baseUrl, 'quality');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.getByTestId('monthly-report').click(),
    ]);
    expect(download.suggestedFilename()).toBe(`monthly-report-${month}.pdf`);
    const head = fs
      .readFileSync(await download.path())
      .subarray(0, 5)
      .toString('latin1');
    expect(head).toBe('%PDF-');

    // where the report's e-mail links to: the report itself, behind the sign-in, with its PDF
    await page.goto(`${product.baseUrl}/#/reports/${month}`);
    const frame = page.frameLocator('[data-testid="kpi-report-frame"]');
    await frame.locator('tr[data-kpi="first_time_fix_rate"]').waitFor({ timeout: 30_000 });
    await expect(frame.locator('tr[data-kpi]').count()).resolves.toBeGreaterThan(30);
    await expect(page.getByTestId('monthly-report').isVisible()).resolves.toBe(true);
    await expectAccessible(page, 'the monthly report page');
  }, 90_000);

  it('shows the view a link names when the address changes as the board first appears', async () => {
    // The board read its query (tab, filters) from the address at its first render and followed
    // the address's changes only from after its first paint: a change in between was never shown.
    const quick = await newPage(browser, { viewport: DESKTOP, locale: 'en-US' });
    try {
      await signIn(quick.page, product.baseUrl, user.email, user.password);
      // (the browser's code as text: these tests are type-checked without the DOM's types)
      await quick.page.addInitScript({
        content: `new MutationObserver((_, observer) => {
          if (!document.querySelector('[data-testid="board-quality"]')) return;
          observer.disconnect();
          window.location.hash = '#/kpi/quality?tab=middle';
        }).observe(document, { childList: true, subtree: true });`,
      });
      await quick.page.goto('about:blank');
      await openBoard(quick.page, product.baseUrl, 'quality');
      await quick.page.waitForSelector('[data-testid="tab-middle"][aria-selected="true"]', {
        timeout: 10_000,
      });
      await quick.page.getByTestId('quality-failure-trend-chart').waitFor();
    } finally {
      await quick.context.close();
    }
  }, 60_000);

  it('reads the boards in Chinese and on a phone', async () => {
    const zh = await newPage(browser, { viewport: DESKTOP, locale: 'zh-CN' });
    try {
      await signIn(zh.page, product.baseUrl, user.email, user.password);
      const expected: Record<string, { tile: string; words: RegExp }> = {
        quality: { tile: 'first_time_fix_rate', words: /一次修复率[\s\S]*平均修复时间/ },
        efficiency: {
          tile: 'response_10min_rate',
          words: /10分钟响应率[\s\S]*4小时到达率[\s\S]*24小时完成率/,
        },
        staff: { tile: 'technicians', words: /服务工程师人数/ },
        service: { tile: 'satisfaction_rate', words: /满意率[\s\S]*回访率[\s\S]*投诉率[\s\S]*退货率/ },
      };
      for (const [board, { tile, words }] of Object.entries(expected)) {
        await openBoard(zh.page, product.baseUrl, board);
        await zh.page.getByTestId(`kpi-tile-${tile}`).waitFor();
        const text = await mainText(zh.page);
        expect(text).toMatch(words);
        expect(text).not.toMatch(/First-time fix|Warning line|No data|Export CSV/);
        await expectAccessible(zh.page, `the ${board} board in Chinese`);
        await screenshot(zh.page, `kpi-${board}-zh`);
      }
      // the map's ranking in Chinese, and the word cloud's words around it
      await openBoard(zh.page, product.baseUrl, 'quality');
      await zh.page.getByTestId('quality-top-regions-map').waitFor();
      await expect(zh.page.getByTestId('quality-top-regions-list').innerText()).resolves.toMatch(
        /[东南西北]区[\s\S]*\d+(\.\d+)?\s?%/,
      );
      await openBoard(zh.page, product.baseUrl, 'service', 'complaints');
      await waitForCount(zh.page, '[data-testid="service-complaint-terms-chart"] svg text', 3);
      await expect(zh.page.getByTestId('service-complaint-terms').innerText()).resolves.toMatch(
        /投诉高频词[\s\S]*条投诉/,
      );
      await expectAccessible(zh.page, 'the complaints tab in Chinese');
      await screenshot(zh.page, 'kpi-service-complaints-zh');
      await openBoard(zh.page, product.baseUrl, 'quality', 'middle');
      await zh.page.getByTestId('quality-failure-trend-chart').waitFor();
      await expect(zh.page.getByTestId('quality-failure-trend').textContent()).resolves.toMatch(/预警线 400/);
    } finally {
      await zh.context.close();
    }

    const phone = await newPage(browser, { viewport: PHONE, locale: 'en-US' });
    try {
      await signIn(phone.page, product.baseUrl, user.email, user.password);
      await openBoard(phone.page, product.baseUrl, 'quality');
      await waitForTile(phone.page, 'first_time_fix_rate');
      await phone.page.getByTestId('quality-top-regions-map').waitFor();
      await expectAccessible(phone.page, 'the quality board on a phone');
      await screenshot(phone.page, 'kpi-quality-phone');
      await openBoard(phone.page, product.baseUrl, 'service', 'complaints');
      await waitForCount(phone.page, '[data-testid="service-complaint-terms-chart"] svg text', 3);
      await expectAccessible(phone.page, 'the complaints tab on a phone');
      await screenshot(phone.page, 'kpi-service-complaints-phone');
    } finally {
      await phone.context.close();
    }
  }, 60_000);
});
