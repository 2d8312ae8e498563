/**
 * Browser tests' support: Debian's Chromium through playwright-core, sign-in through the UI, axe-core
 * run in the page (serious and critical violations fail the test), and screenshots of every page
 * visited kept under test-output/screenshots for people to look at (a chosen set goes to docs/img).
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const SCREENSHOT_DIR = path.resolve(__dirname, '../../test-output/screenshots');
const AXE_SOURCE = require.resolve('axe-core/axe.min.js');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A fresh browser profile with the given screen and language (the app opens in the browser's language). */
export async function newPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; locale?: 'en-US' | 'zh-CN' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC',
    isMobile: options.viewport?.width === PHONE.width,
    hasTouch: options.viewport?.width === PHONE.width,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Signs in through the login form and waits for the signed-in frame. */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('main-nav').waitFor();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core on the page as it is now; returns the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const present = await page.evaluate(() => 'axe' in globalThis);
  if (!present) await page.addScriptTag({ path: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const scope = globalThis as unknown as {
      axe: { run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await scope.axe.run(scope.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with a readable list when axe finds a serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousA11yViolations(page);
  if (violations.length > 0) {
    const lines = violations.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}`,
    );
    throw new Error(`axe found ${violations.length} serious violation(s) on ${what}:\n${lines.join('\n')}`);
  }
}

/** Keeps a full-page screenshot under test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** The visible text of the page's main area. */
export async function mainText(page: Page): Promise<string> {
  return page.locator('main').innerText();
}

/**
 * Raw identifiers a person should never read: camelCase metric ids (`supplyAirTempC`),
 * snake_case enum values (`en_route`, `drain_pump_clog`), alarm causes (`threshold:`).
 */
export function rawIdsIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(
    /\b[a-z]+(?:[A-Z][a-z]*)+(?:C|A|S|W|Pct|Kpa|Pa|Rpm|Lpm|Ntu|MmS|PerMin)\b/g,
  ))
    found.add(match[0]);
  for (const match of text.matchAll(/\b[a-z]+_[a-z_]+\b/g)) found.add(match[0]);
  for (const match of text.matchAll(/\b(?:threshold|code|prediction):[\w-]+/g)) found.add(match[0]);
  return [...found];
}

/**
 * Each page a person sees: no serious axe finding, no raw id in its text, a screenshot to look
 * at. `secrets`: random credentials shown on purpose (a partner's key), which may look like ids by chance.
 */
export async function checkPage(page: Page, name: string, secrets: readonly string[] = []): Promise<string> {
  await expectAccessible(page, name);
  const text = await mainText(page);
  const words = secrets.reduce((shown, secret) => shown.split(secret).join(' '), text);
  const rawIds = rawIdsIn(words);
  if (rawIds.length > 0) throw new Error(`page ${name} shows raw ids: ${rawIds.join(', ')}`);
  await screenshot(page, name);
  return text;
}
