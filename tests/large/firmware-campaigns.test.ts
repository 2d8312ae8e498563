/**
 * Large test: the firmware page of the engineer console in the browser, on the whole product as a
 * user starts it (built `main.js`: broker, platform, dashboards and a simulated fleet) on embedded
 * storage. The engineer uploads a simulated firmware image (its checksum computed in the browser),
 * is told when the same version is uploaded twice, creates a campaign in two waves with a short soak,
 * starts it and watches it live: the waves move on, the progress grows, the devices install the new
 * version and the campaign completes. Then the same pages in Chinese, on a desktop and on a phone;
 * every page passes axe, shows no raw ids and is kept as a screenshot (test-output/screenshots/firmware-*).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ApplianceType, DeviceView } from '../../contracts/src';
import { buildFirmwareImage } from '../../firmware-sim/src/firmware-image';
import { checkPage, DESKTOP, launchChromium, newPage, PHONE, signIn } from '../support/browser';
import { ProductProcess } from '../support/product-process';
import { waitFor } from '../support/wait-for';

const ADMIN = { email: 'admin@example.com', password: 'firmware-campaigns-test-password' };
const ENGINEER = { email: 'engineer@example.com', password: 'engineer-demo-password' };
const DEVICES = 8;
const VERSION = '9.4.0';
const FAULTY_VERSION = '9.5.0';

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

/** Waits until a numeric attribute of the element is at least `atLeast`. */
async function waitForAttribute(
  page: Page,
  selector: string,
  attribute: string,
  atLeast: number,
  timeout = 30_000,
): Promise<void> {
  await page.waitForFunction(
    ({ sel, attr, min }) => {
      // runs in the page
      const { document } = globalThis as unknown as {
        document: { querySelector(s: string): { getAttribute(a: string): string | null } | null };
      };
      const value = Number(document.querySelector(sel)?.getAttribute(attr));
      return Number.isFinite(value) && value >= min;
    },
    { sel: selector, attr: attribute, min: atLeast },
    { timeout },
  );
}

describe('firmware campaigns in the engineer console', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'firmware-campaigns-'));
  let product: ProductProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let type: ApplianceType;
  let targeted: DeviceView[];
  let campaignUrl: string;

  beforeAll(async () => {
    product = new ProductProcess({
      DATA_DIR: dataDir,
      SIM_DEVICES: String(DEVICES),
      // no fault of their own: only a faulty firmware makes them raise error codes; readings every 100 ms
      SIM_FAULT_RATE: '0',
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

  it('uploads an image, refuses the same version twice and creates a campaign in two waves', async () => {
    const devices = await waitFor(
      async () => {
        const all = await getJson<DeviceView[]>(product.baseUrl, '/api/devices', token);
        return all.length === DEVICES && all.every((d) => d.online) ? all : undefined;
      },
      { timeoutMs: 60_000, what: 'the simulated fleet online' },
    );
    // the appliance type most devices have: the campaign's targets
    const byType = new Map<ApplianceType, DeviceView[]>();
    for (const device of devices) byType.set(device.type, [...(byType.get(device.type) ?? []), device]);
    [type, targeted] = [...byType.entries()].sort((a, b) => b[1].length - a[1].length)[0];

    await signIn(page, product.baseUrl, ENGINEER.email, ENGINEER.password);
    await page.getByTestId('main-nav').getByRole('link', { name: 'Firmware', exact: true }).click();
    await page.getByTestId('fw-campaigns').getByText('No update campaign yet.').waitFor();
    await page.getByTestId('fw-images').getByText('No firmware image uploaded yet.').waitFor();
    await checkPage(page, 'firmware-empty-en');

    const image = { name: `appliance-${VERSION}.bin`, mimeType: 'application/octet-stream' };
    const upload = async (): Promise<void> => {
      await page
        .getByTestId('fw-upload-file')
        .setInputFiles({ ...image, buffer: buildFirmwareImage({ version: VERSION }) });
      await page.getByTestId('fw-upload-version').fill(VERSION);
      await page.getByTestId('fw-upload-type').selectOption(type);
      await page.getByTestId('fw-upload-notes').fill('Steadier door lock timing.');
      await page.getByTestId('fw-upload-submit').click();
    };
    await upload();
    await page.getByTestId('fw-upload-done').getByText(`Version ${VERSION} uploaded and signed.`).waitFor();
    const row = page.getByTestId(`fw-image-${VERSION}`);
    await row.waitFor();
    expect(await row.innerText()).toContain('All models');

    // the same version of the same type again: refused, and said so on the form
    await upload();
    await page.getByTestId('fw-upload').getByTestId('error').waitFor();
    expect(await page.locator('[data-testid^="fw-image-"]').count()).toBe(1);

    // two waves (50 % then 100 %) with a six-second soak
    await page.getByTestId('fw-new-name').fill('Door lock timing fix');
    await page.getByTestId('fw-new-wave-0').fill('50');
    await page.getByTestId('fw-new-wave-1').fill('100');
    await page.getByRole('button', { name: 'Remove wave 4' }).click();
    await page.getByRole('button', { name: 'Remove wave 3' }).click();
    await page.getByTestId('fw-new-soak').fill('0.1');
    await page.getByTestId('fw-new-submit').click();

    await page.getByTestId('fw-campaign-title').getByText('Campaign: Door lock timing fix').waitFor();
    await page.locator('[data-testid="fw-campaign-state"][data-state="draft"]').waitFor();
    campaignUrl = page.url();
    expect(await page.locator('[data-testid^="fw-wave-"][data-state]').count()).toBe(2);
    await checkPage(page, 'firmware-campaign-draft-en');
  }, 120_000);

  it('starts the campaign and follows it live until every targeted device runs the new version', async () => {
    await page.getByTestId('fw-action-start').click();
    await page.getByTestId('fw-action-done').getByText('The campaign has started.').waitFor();
    await page.locator('[data-testid="fw-wave-0"]:not([data-state="pending"])').waitFor();
    await waitForAttribute(page, '[data-testid="fw-progress-summary"]', 'data-total', targeted.length);
    expect(await page.getByTestId('fw-progress-summary').getAttribute('data-total')).toBe(
      String(targeted.length),
    );
    await page.getByTestId('fw-progress-chart').waitFor();

    // live: the page is not reloaded; the devices download, install, the waves soak and pass
    await waitForAttribute(page, '[data-testid="fw-progress-summary"]', 'data-installed', 1, 60_000);
    await page
      .locator('[data-testid="fw-campaign-state"][data-state="completed"]')
      .waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-testid^="fw-wave-"][data-state="passed"]').count()).toBe(2);
    expect(await page.getByTestId('fw-progress-summary').innerText()).toBe(
      `Installed on ${targeted.length} of ${targeted.length} targeted devices.`,
    );
    await waitFor(
      async () =>
        (await page.locator('[data-testid^="fw-device-"][data-state="installed"]').count()) ===
        targeted.length,
      { what: 'every device row installed' },
    );
    // rolling back asks first; keeping the update leaves it as it is
    await page.getByTestId('fw-action-rollback').click();
    await page.getByRole('alertdialog').getByText('Roll back every device this campaign updated').waitFor();
    await page.getByTestId('fw-confirm-no').click();
    await page.getByTestId('fw-confirm-rollback').waitFor({ state: 'detached' });
    expect(await page.getByTestId('fw-campaign-state').getAttribute('data-state')).toBe('completed');
    await checkPage(page, 'firmware-campaign-completed-en');

    // the devices themselves report the new version
    const fleet = await getJson<DeviceView[]>(product.baseUrl, '/api/devices', token);
    const ids = new Set(targeted.map((d) => d.id));
    expect(fleet.filter((d) => ids.has(d.id)).map((d) => d.fw)).toEqual(targeted.map(() => VERSION));

    // the list shows it too
    await page.getByRole('link', { name: 'All firmware campaigns' }).click();
    const listRow = page.getByTestId('fw-campaigns-table').locator('tbody tr');
    await listRow.first().waitFor();
    expect(await listRow.first().innerText()).toContain(`Installed ${targeted.length} of ${targeted.length}`);
    expect(await listRow.first().innerText()).toContain('Completed');
    await checkPage(page, 'firmware-list-en');
  }, 180_000);

  it('halts a faulty image after its first wave, says why and rolls that wave back', async () => {
    await page.getByTestId('fw-upload-file').setInputFiles({
      name: `appliance-${FAULTY_VERSION}.bin`,
      mimeType: 'application/octet-stream',
      buffer: buildFirmwareImage({ version: FAULTY_VERSION, faulty: true }),
    });
    await page.getByTestId('fw-upload-version').fill(FAULTY_VERSION);
    await page.getByTestId('fw-upload-type').selectOption(type);
    await page.getByTestId('fw-upload-submit').click();
    await page.getByTestId(`fw-image-${FAULTY_VERSION}`).waitFor();

    await page.getByTestId('fw-new-name').fill('Faster spin ramp');
    // the newest image comes first
    await page.getByTestId('fw-new-image').selectOption({ index: 0 });
    expect(await page.getByTestId('fw-new-image').locator('option:checked').innerText()).toContain(
      FAULTY_VERSION,
    );
    await page.getByTestId('fw-new-wave-0').fill('50');
    await page.getByTestId('fw-new-wave-1').fill('100');
    await page.getByRole('button', { name: 'Remove wave 4' }).click();
    await page.getByRole('button', { name: 'Remove wave 3' }).click();
    await page.getByTestId('fw-new-soak').fill('0.4');
    await page.getByTestId('fw-new-submit').click();
    await page.getByTestId('fw-campaign-title').getByText('Campaign: Faster spin ramp').waitFor();
    campaignUrl = page.url();
    await page.getByTestId('fw-action-start').click();

    // the first wave installs, then soaks: its countdown keeps moving
    const soak = page.getByTestId('fw-wave-0-soak');
    await page.locator('[data-testid="fw-wave-0"][data-state="soaking"]').waitFor({ timeout: 30_000 });
    const before = await soak.innerText();
    expect(before).toMatch(/^Soak ends in \d+s$/);
    await waitFor(async () => (await soak.innerText()) !== before, {
      timeoutMs: 5_000,
      what: 'the soak countdown to tick',
    });

    // at the end of the soak the updated device has raised error codes far more often than the other
    const halt = page.getByTestId('fw-halt');
    await halt.waitFor({ timeout: 60_000 });
    expect(await halt.getAttribute('data-signal')).toBe('error_rate');
    expect(await page.getByTestId('fw-halt-why').innerText()).toMatch(
      /^Halted .+ in wave 1 by the signal: Error code rate\.$/,
    );
    const updatedRate = Number(await page.getByTestId('fw-halt-updated').getAttribute('data-rate'));
    const controlRate = Number(await page.getByTestId('fw-halt-control').getAttribute('data-rate'));
    expect(updatedRate).toBeGreaterThan(controlRate);
    expect(await page.getByTestId('fw-halt-updated').innerText()).toContain('per device-hour');
    expect(await page.getByTestId('fw-halt-ratio').innerText()).toMatch(/against a threshold of 2×/);
    await page.getByTestId('fw-halt-chart').waitFor();

    // the second wave never starts; the first is rolled back to the version before
    await page
      .getByTestId('fw-halt-outcome')
      .getByText('What happened: the updated devices were rolled back to their previous firmware.')
      .waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="fw-campaign-state"][data-state="rolled_back"]').waitFor();
    expect(await page.getByTestId('fw-wave-1').getAttribute('data-state')).toBe('pending');
    await waitFor(
      async () => (await page.locator('[data-testid^="fw-device-"][data-state="rolled_back"]').count()) === 1,
      {
        what: "the first wave's device rolled back in the table",
      },
    );
    // every targeted device runs the good version again
    const ids = new Set(targeted.map((d) => d.id));
    await waitFor(
      async () =>
        (await getJson<DeviceView[]>(product.baseUrl, '/api/devices', token))
          .filter((d) => ids.has(d.id))
          .every((d) => d.fw === VERSION),
      { what: `every targeted device back on ${VERSION}` },
    );
    await checkPage(page, 'firmware-campaign-halted-en');
  }, 150_000);

  it('reads in Chinese, on a desktop and on a phone', async () => {
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByTestId('main-nav').getByRole('link', { name: '固件升级', exact: true }).click();
    await page.getByTestId('fw-campaigns-table').waitFor();
    const listText = await checkPage(page, 'firmware-list-zh');
    expect(listText).toContain('升级活动');
    expect(listText).toContain('已完成');
    expect(listText).not.toContain('Completed');

    await page.goto(campaignUrl);
    await page.getByTestId('fw-waves').getByRole('heading', { name: '分批进度' }).waitFor();
    const campaignText = await checkPage(page, 'firmware-campaign-zh');
    expect(campaignText).toContain('升级活动已中止');
    expect(campaignText).toContain('触发信号：故障码发生率');
    expect(campaignText).toContain('每设备小时');
    expect(campaignText).toContain('第 2 批');
    expect(campaignText).not.toContain('Error code rate');

    const phone = await newPage(browser, { viewport: PHONE, locale: 'zh-CN' });
    try {
      await signIn(phone.page, product.baseUrl, ENGINEER.email, ENGINEER.password);
      await phone.page.goto(campaignUrl);
      await phone.page.getByTestId('fw-halt-chart').waitFor();
      await checkPage(phone.page, 'firmware-campaign-phone-zh');
      await phone.page.goto(`${product.baseUrl}/#/firmware`);
      await phone.page.getByTestId('fw-campaigns-table').waitFor();
      await checkPage(phone.page, 'firmware-list-phone-zh');
    } finally {
      await phone.context.close();
    }
  }, 90_000);
});
