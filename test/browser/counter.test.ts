import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { catalogueItems, redemptions } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { fitsWidth, launchChromium, listen, screenshots, signInAs } from '../support/browser.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';
import { award } from '../support/records.ts';

const stockOf = async (jifen: Harness, code: string) =>
  (await jifen.context.db.select({ stock: catalogueItems.stock }).from(catalogueItems).where(eq(catalogueItems.code, code)))[0]!.stock;

describe('console: households and the supermarket counter (Chromium)', () => {
  let jifen: Harness;
  let browser: Browser;
  let base: string;
  let page: Page;
  beforeAll(async () => {
    jifen = await startJifen();
    base = await listen(jifen);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
    await award(jifen.context, 'FNP-003', 30);
    await signInAs(jifen, page, base, people.liuFang);
  });
  afterAll(async () => {
    await browser?.close();
    await jifen?.close();
  });

  it('finds a household by a member\'s name and shows its statement', async () => {
    await page.goto(`${base}/console/households?q=${encodeURIComponent('王兰英')}`);
    await page.click('a:has-text("FNP-003")');
    expect(await page.textContent('.big')).toBe('30');
    expect(await page.textContent('main')).toContain('+30');
    await screenshots(page, 'household');
    expect(await fitsWidth(page)).toBe(true);
  });

  it('a redemption submitted twice redeems once: stock and balance go down once', async () => {
    const stockBefore = await stockOf(jifen, 'S01');
    await page.goto(`${base}/console/counter?q=FNP-003`);
    await page.click('a:has-text("FNP-003")');
    await page.fill('input[name=qty_S01]', '2');
    await page.waitForFunction(() => document.querySelector('#total')?.textContent?.includes('兑换后余额 10'));
    await screenshots(page, 'counter');
    expect(await fitsWidth(page)).toBe(true);
    // The same form sent twice (a double tap, a resend): its key names one redemption.
    const form = await page.$eval('#redeem', (f) => Object.fromEntries(new FormData(f as HTMLFormElement)) as Record<string, string>);
    const first = await page.request.post(`${base}/console/counter/FNP-003`, { form, maxRedirects: 0 });
    const second = await page.request.post(`${base}/console/counter/FNP-003`, { form, maxRedirects: 0 });
    expect([first.status(), second.status()]).toEqual([303, 303]);
    expect(second.headers().location).toBe(first.headers().location);
    expect(await stockOf(jifen, 'S01')).toBe(stockBefore! - 2);
    expect(await householdBalance(jifen.context.db, 'FNP-003')).toMatchObject({ balance: 10 });
    const household = await jifen.context.db.select().from(redemptions);
    expect(household).toHaveLength(1);

    await page.goto(`${base}${first.headers().location}`);
    expect(await page.textContent('#balance-after')).toBe('10');
    await screenshots(page, 'receipt');
  });

  it('an overdraft is refused with the reason, and nothing changes', async () => {
    await page.goto(`${base}/console/counter/FNP-003`);
    await page.fill('input[name=qty_S02]', '1');
    await page.click('#confirm');
    expect(await page.textContent('.error')).toBe('FNP-003 余额 10分，不够兑换（需 50分），未兑换');
    expect(await householdBalance(jifen.context.db, 'FNP-003')).toMatchObject({ balance: 10 });
    expect(await stockOf(jifen, 'S02')).toBe(20);
  });

  it('a redemption is reversed from its receipt: points and stock come back', async () => {
    const [done] = await jifen.context.db.select().from(redemptions).where(and(eq(redemptions.state, 'done')));
    await page.goto(`${base}/console/redemptions/${done!.id}`);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button:has-text("撤销这笔兑换")');
    expect(await page.textContent('.notice')).toBe(`已撤销兑换 ${done!.id}，退回 20分，余额 30分`);
    expect(await stockOf(jifen, 'S01')).toBe(60);
    expect((await verifyLedger(jifen.context.db)).ok).toBe(true);
  });

  it('restocks goods', async () => {
    await page.goto(`${base}/console/stock`);
    const form = page.locator('form', { hasText: '食用油' });
    await form.locator('input[name=stock]').fill('3');
    await form.locator('button').click();
    expect(await page.textContent('.notice')).toBe('食用油（5升） 库存已更新为 3');
    expect(await page.textContent('main')).toContain('库存不足：食用油（5升） 3');
    await screenshots(page, 'stock');
  });
});
