import { describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { catalogueItems, redemptions } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { fitsWidth, screenshots, signInAs, useConsole } from '../support/browser.ts';
import { people, type Harness } from '../support/jifen.ts';
import { award } from '../support/records.ts';

const stockOf = async (jifen: Harness, code: string) =>
  (await jifen.context.db.select({ stock: catalogueItems.stock }).from(catalogueItems).where(eq(catalogueItems.code, code)))[0]!.stock;

describe('console: households and the supermarket counter (Chromium)', () => {
  const c = useConsole(async ({ jifen, page, base }) => {
    await award(jifen.context, 'FNP-003', 30);
    await signInAs(jifen, page, base, people.liuFang);
  });

  it('finds a household by a member\'s name and shows its statement', async () => {
    await c.page.goto(`${c.base}/console/households?q=${encodeURIComponent('王兰英')}`);
    await c.page.click('a:has-text("FNP-003")');
    expect(await c.page.textContent('.big')).toBe('30');
    expect(await c.page.textContent('main')).toContain('+30');
    await screenshots(c.page, 'household');
    expect(await fitsWidth(c.page)).toBe(true);
  });

  it('a redemption submitted twice redeems once: stock and balance go down once', async () => {
    const stockBefore = await stockOf(c.jifen, 'S01');
    await c.page.goto(`${c.base}/console/counter?q=FNP-003`);
    await c.page.click('a:has-text("FNP-003")');
    await c.page.fill('input[name=qty_S01]', '2');
    await c.page.waitForFunction(() => document.querySelector('#total')?.textContent?.includes('兑换后余额 10'));
    await screenshots(c.page, 'counter');
    expect(await fitsWidth(c.page)).toBe(true);
    // The same form sent twice (a double tap, a resend): its key names one redemption.
    const form = await c.page.$eval('#redeem', (f) => Object.fromEntries(new FormData(f as HTMLFormElement)) as Record<string, string>);
    const first = await c.page.request.post(`${c.base}/console/counter/FNP-003`, { form, maxRedirects: 0 });
    const second = await c.page.request.post(`${c.base}/console/counter/FNP-003`, { form, maxRedirects: 0 });
    expect([first.status(), second.status()]).toEqual([303, 303]);
    expect(second.headers().location).toBe(first.headers().location);
    // The same key with other goods is refused (a keyed request's content differs): nothing recorded.
    const reused = await c.page.request.post(`${c.base}/console/counter/FNP-003`, { form: { ...form, qty_S01: '1' }, maxRedirects: 0 });
    expect(reused.status()).toBe(409);
    expect(await reused.text()).toContain('这张兑换单已提交过别的商品');
    expect(await stockOf(c.jifen, 'S01')).toBe(stockBefore! - 2);
    expect(await householdBalance(c.jifen.context.db, 'FNP-003')).toMatchObject({ balance: 10 });
    const household = await c.jifen.context.db.select().from(redemptions);
    expect(household).toHaveLength(1);

    await c.page.goto(`${c.base}${first.headers().location}`);
    expect(await c.page.textContent('#balance-after')).toBe('10');
    await screenshots(c.page, 'receipt');
  });

  it('an overdraft is refused with the reason, and nothing changes', async () => {
    await c.page.goto(`${c.base}/console/counter/FNP-003`);
    await c.page.fill('input[name=qty_S02]', '1');
    await c.page.click('#confirm');
    expect(await c.page.textContent('.error')).toBe('FNP-003 余额 10分，不够兑换（需 50分），未兑换');
    expect(await householdBalance(c.jifen.context.db, 'FNP-003')).toMatchObject({ balance: 10 });
    expect(await stockOf(c.jifen, 'S02')).toBe(20);
  });

  it('a redemption is reversed from its receipt: points and stock come back', async () => {
    const [done] = await c.jifen.context.db.select().from(redemptions).where(and(eq(redemptions.state, 'done')));
    await c.page.goto(`${c.base}/console/redemptions/${done!.id}`);
    c.page.once('dialog', (dialog) => void dialog.accept());
    await c.page.click('button:has-text("撤销这笔兑换")');
    expect(await c.page.textContent('.notice')).toBe(`已撤销兑换 ${done!.id}，退回 20分，余额 30分`);
    expect(await stockOf(c.jifen, 'S01')).toBe(60);
    expect((await verifyLedger(c.jifen.context.db)).ok).toBe(true);
  });

  it('restocks goods', async () => {
    await c.page.goto(`${c.base}/console/stock`);
    const form = c.page.locator('form', { hasText: '食用油' });
    await form.locator('input[name=stock]').fill('3');
    await form.locator('button').click();
    expect(await c.page.textContent('.notice')).toBe('食用油（5升） 库存已更新为 3');
    expect(await c.page.textContent('main')).toContain('库存不足：食用油（5升） 3');
    await screenshots(c.page, 'stock');
  });
});
