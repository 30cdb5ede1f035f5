import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { consoleAudit, consoleSignInCodes } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { fitsWidth, launchChromium, listen, screenshots, signInAs } from '../support/browser.ts';
import { people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

describe('console: sign-in and the review queue (Chromium)', () => {
  let jifen: Harness;
  let browser: Browser;
  let base: string;
  let page: Page;
  beforeAll(async () => {
    jifen = await startJifen();
    base = await listen(jifen);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  });
  afterAll(async () => {
    await browser?.close();
    await jifen?.close();
  });

  it('an anonymous visitor is sent to sign-in', async () => {
    await page.goto(`${base}/console/review`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
    expect(await page.textContent('h1')).toBe('登录积分管理后台');
    await screenshots(page, 'sign-in');
    expect(await fitsWidth(page)).toBe(true);
  });

  it('a wrong code spends a try and says how many are left', async () => {
    await page.goto(`${base}/console/sign-in`);
    await page.fill('input[name=phone]', '13900010003');
    await page.click('button[type=submit]');
    await page.fill('input[name=code]', '000000');
    const [issued] = await jifen.context.db.select().from(consoleSignInCodes).where(eq(consoleSignInCodes.phone, people.zhangMing));
    const wrong = issued!.code === '000000' ? '111111' : '000000';
    await page.fill('input[name=code]', wrong);
    await page.click('button[type=submit]');
    expect(await page.textContent('.error')).toBe('验证码不对，还可以再试4次');
  });

  it('a cadre signs in with the code sent to them and approves a claim; the villager is told', async () => {
    await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    const reference = await referenceSentTo(jifen, people.liuFang);
    await signInAs(jifen, page, base, people.liuFang);
    expect(new URL(page.url()).pathname).toBe('/console/review');
    expect(await page.textContent('main')).toContain(`${reference}`);
    expect(await page.textContent('main')).toContain('今天把院坝扫干净了');
    await screenshots(page, 'review');
    expect(await fitsWidth(page)).toBe(true);

    await page.click(`button:has-text("同意 ${reference}")`);
    expect(await page.textContent('.notice')).toBe('已处理：同意 1 条');
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).includes('已入账 +2分，当前余额 2分'), 'the villager\'s confirmation');
    expect(await householdBalance(jifen.context.db, 'FNP-003')).toMatchObject({ balance: 2 });
    const actions = await jifen.context.db.select().from(consoleAudit).orderBy(consoleAudit.id);
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['signed_in', 'claim_approved']));
    expect(actions.find((a) => a.action === 'claim_approved')).toMatchObject({ ip: '127.0.0.1', detail: expect.objectContaining({ outcome: 'approved' }) });
  });

  it('several claims are rejected at once with a reason', async () => {
    await jifen.sms(people.chenChangjiang, '今天把院坝扫干净了');
    await referenceSentTo(jifen, people.liuFang, 2);
    await page.goto(`${base}/console/review`);
    for (const box of await page.$$('input[type=checkbox][name=claim]')) await box.check();
    await page.fill('input[name=reason]', '照片看不清');
    await page.click('button[value=rejected]');
    expect(await page.textContent('.notice')).toBe('已驳回 1 条，已告知村民');
    await jifen.waitFor(async () => (await jifen.outbox(people.chenChangjiang)).some((t) => t.includes('照片看不清')), 'the rejection');
  });

  it('a form posted without its CSRF token changes nothing', async () => {
    const response = await page.request.post(`${base}/console/review`, { form: { verdict: 'approved', claim: '1' } });
    expect(response.status()).toBe(403);
  });

  it('signing out ends the session', async () => {
    await page.goto(`${base}/console/review`);
    await page.click('button:has-text("退出")');
    expect(await page.textContent('.notice')).toBe('已退出登录');
    await page.goto(`${base}/console/review`);
    expect(new URL(page.url()).pathname).toBe('/console/sign-in');
  });
});
