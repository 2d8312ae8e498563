import { chromium } from 'playwright-core';

export interface RenderPngOptions {
  width: number;
  height: number;
  /** A complete <svg> element; rendered on a white page of exactly width x height. */
  svg: string;
  executablePath?: string;
}

/** Flags for Debian's chromium on a headless, offline machine (see DEPENDENCIES.md). */
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

/** Rasterises an inline SVG with headless chromium, so docs get PNGs without a native canvas dependency. */
export async function renderPng(options: RenderPngOptions): Promise<Buffer> {
  const browser = await chromium.launch({
    executablePath: options.executablePath ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: options.width, height: options.height } });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:#fff">${options.svg}</body></html>`,
    );
    return await page.screenshot({
      type: 'png',
      clip: { x: 0, y: 0, width: options.width, height: options.height },
    });
  } finally {
    await browser.close();
  }
}
