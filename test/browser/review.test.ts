import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { consoleAudit, consoleSignInCodes } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { fitsWidth, screenshots, signInAs, useConsole } from '../support/browser.ts';
import { people, referenceSentTo } from '../support/jifen.ts';

describe('console: sign-in and the review queue (Chromium)', () => {
  const c = useConsole();

  it('an anonymous visitor is sent to sign-in', async () => {
    await c.page.goto(`${c.base}/console/review`);
    expect(new URL(c.page.url()).pathname).toBe('/console/sign-in');
    expect(await c.page.textContent('h1')).toBe('登录积分管理后台');
    await screenshots(c.page, 'sign-in');
    expect(await fitsWidth(c.page)).toBe(true);
  });

  it('a wrong code spends a try and says how many are left', async () => {
    await c.page.goto(`${c.base}/console/sign-in`);
    await c.page.fill('input[name=phone]', '13900010003');
    await c.page.click('button[type=submit]');
    await c.page.fill('input[name=code]', '000000');
    const [issued] = await c.jifen.context.db.select().from(consoleSignInCodes).where(eq(consoleSignInCodes.phone, people.zhangMing));
    const wrong = issued!.code === '000000' ? '111111' : '000000';
    await c.page.fill('input[name=code]', wrong);
    await c.page.click('button[type=submit]');
    expect(await c.page.textContent('.error')).toBe('验证码不对，还可以再试4次');
  });

  it('a cadre signs in with the code sent to them and approves a claim; the villager is told', async () => {
    await c.jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    const reference = await referenceSentTo(c.jifen, people.liuFang);
    await signInAs(c.jifen, c.page, c.base, people.liuFang);
    expect(new URL(c.page.url()).pathname).toBe('/console/review');
    expect(await c.page.textContent('main')).toContain(`${reference}`);
    expect(await c.page.textContent('main')).toContain('今天把院坝扫干净了');
    await screenshots(c.page, 'review');
    expect(await fitsWidth(c.page)).toBe(true);

    await c.page.click(`button:has-text("同意 ${reference}")`);
    expect(await c.page.textContent('.notice')).toBe('已处理：同意 1 条');
    await c.jifen.waitFor(async () => (await c.jifen.outbox(people.wangLanying)).includes('已入账 +2分，当前余额 2分'), 'the villager\'s confirmation');
    expect(await householdBalance(c.jifen.context.db, 'FNP-003')).toMatchObject({ balance: 2 });
    const actions = await c.jifen.context.db.select().from(consoleAudit).orderBy(consoleAudit.id);
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['signed_in', 'claim_approved']));
    expect(actions.find((a) => a.action === 'claim_approved')).toMatchObject({ ip: '127.0.0.1', detail: expect.objectContaining({ outcome: 'approved' }) });
  });

  it('several claims are rejected at once with a reason', async () => {
    await c.jifen.sms(people.chenChangjiang, '今天把院坝扫干净了');
    await referenceSentTo(c.jifen, people.liuFang, 2);
    await c.page.goto(`${c.base}/console/review`);
    for (const box of await c.page.$$('input[type=checkbox][name=claim]')) await box.check();
    await c.page.fill('input[name=reason]', '照片看不清');
    await c.page.click('button[value=rejected]');
    expect(await c.page.textContent('.notice')).toBe('已驳回 1 条，已告知村民');
    await c.jifen.waitFor(async () => (await c.jifen.outbox(people.chenChangjiang)).some((t) => t.includes('照片看不清')), 'the rejection');
  });

  it('a form posted without its CSRF token changes nothing', async () => {
    const response = await c.page.request.post(`${c.base}/console/review`, { form: { verdict: 'approved', claim: '1' } });
    expect(response.status()).toBe(403);
  });

  it('signing out ends the session', async () => {
    await c.page.goto(`${c.base}/console/review`);
    await c.page.click('button:has-text("退出")');
    expect(await c.page.textContent('.notice')).toBe('已退出登录');
    await c.page.goto(`${c.base}/console/review`);
    expect(new URL(c.page.url()).pathname).toBe('/console/sign-in');
  });
});
