import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startJifen, type Harness } from './jifen.ts';

/** Debian's Chromium (apt-get install chromium fonts-noto-cjk): no browser downloads. */
export const launchChromium = (extraArgs: string[] = []): Promise<Browser> => chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
});

/** Chromium whose camera plays this Y4M file (see fake-camera.ts), with the camera allowed without asking. */
export const launchWithCamera = (video: string) =>
  launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`]);

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../browser/screenshots');

/** The page as a phone (360 px) and a PC (1280 px) show it, for a person to look at. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const width of [360, 1280]) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 360, height: 740 });
}

/** True when nothing on the page is wider than the window (no sideways scrolling on a phone). */
export const fitsWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

export interface ConsoleUnderTest {
  jifen: Harness;
  browser: Browser;
  /** Where the jifen under test listens, e.g. http://127.0.0.1:41234. */
  base: string;
  /** A phone-sized page (360 px) in zh-CN. */
  page: Page;
  close(): Promise<void>;
}

/** A whole jifen listening on a local port, and Chromium with a phone-sized page to visit it. */
export async function startConsole(): Promise<ConsoleUnderTest> {
  const jifen = await startJifen();
  const base = await jifen.app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', acceptDownloads: true });
  return { jifen, browser, base, page, async close() { await browser.close(); await jifen.close(); } };
}

/** Signs a cadre or officer in through the form, with the code jifen sent them. */
export async function signInAs(jifen: Harness, page: Page, base: string, phone: string): Promise<void> {
  const before = (await jifen.outbox(phone)).length;
  await page.goto(`${base}/console/sign-in`);
  await page.fill('input[name=phone]', phone.replace('+86', ''));
  await page.click('button[type=submit]');
  const texts = await jifen.waitFor(async () => {
    const all = await jifen.outbox(phone);
    return all.length > before && all;
  }, `sign-in code to ${phone}`);
  const code = /验证码：(\d{6})/.exec(texts.at(-1)!)![1]!;
  await page.fill('input[name=code]', code);
  await Promise.all([page.waitForURL(/\/console\/(?!sign-in)/), page.click('button[type=submit]')]);
}

/** The console under test for a describe block: started before its tests (then `setup`), closed after. */
export function useConsole(setup?: (under: ConsoleUnderTest) => Promise<void>): ConsoleUnderTest {
  const under = {} as ConsoleUnderTest;
  beforeAll(async () => {
    Object.assign(under, await startConsole());
    await setup?.(under);
  });
  afterAll(async () => { await under.close?.(); });
  return under;
}
