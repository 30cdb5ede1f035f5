import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { desc, eq, like } from 'drizzle-orm';
import { consoleAudit, households, outboundMessages, redemptions } from '../../src/db/schema/index.ts';
import { issueCards } from '../../src/console/cards.ts';
import { redeemAtCounter } from '../../src/console/counter.ts';
import { requestSignInCode, signIn } from '../../src/console/sign-in.ts';
import { findCadre } from '../../src/directory.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { importVillage } from '../../src/village/import.ts';
import { importTownship, parseTownshipFile } from '../../src/village/township-file.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';
import { award } from '../support/records.ts';

const SHUANGQIAO = path.resolve(import.meta.dirname, '../fixtures/villages/shuangqiao.yaml');
const heLi = '+8613911010001'; // 双桥村, approves
const qiuDacheng = '+8613911010002'; // 双桥村, supermarket

/** Every console route but sign-in, with a value for its parameters. */
const ROUTES: Array<[method: 'GET' | 'POST', url: string]> = [
  ['GET', '/console'], ['GET', '/console/review'], ['POST', '/console/review'], ['POST', '/console/sign-out'],
  ['GET', '/console/households'], ['GET', '/console/households/FNP-003'], ['GET', '/console/balances.xlsx'],
  ['GET', '/console/counter'], ['GET', '/console/counter/FNP-003'], ['GET', '/console/counter/FNP-003/preview'], ['POST', '/console/counter/FNP-003'],
  ['GET', '/console/redemptions/1'], ['POST', '/console/redemptions/1/reversal'], ['GET', '/console/stock'], ['POST', '/console/stock/S01'],
  ['GET', '/console/dashboard'], ['GET', '/console/dashboard.xlsx'], ['POST', '/console/cards.pdf'], ['POST', '/console/households/FNP-003/cards/revoke'],
  ['GET', '/console/roster'], ['GET', '/console/roster/template.xlsx'], ['POST', '/console/roster'],
  ['GET', '/console/exports'], ['GET', '/console/ledger.xlsx'], ['GET', '/console/publicity.xlsx'], ['GET', '/console/publicity'], ['GET', '/console/publicity.pdf'],
  ['GET', '/console/deductions'], ['POST', '/console/deductions'], ['POST', '/console/deductions/1001'], ['GET', '/console/messages'], ['GET', '/console/weekly'],
  ['GET', '/console/counter?card=x'],
];

/** The new pages of a village: what a person of another village or township must not read. */
const VILLAGE_PAGES = ['/console/exports', '/console/ledger.xlsx', '/console/publicity.xlsx', '/console/publicity', '/console/publicity.pdf', '/console/deductions', '/console/messages'];

const LONGSHUI = `township: { code: longshui, name: 龙水镇 }
villages: [shuangqiao]
officers: [{ name: 周强, phone: "+8613911030009" }]
`;

describe(`console access (${testBackend})`, () => {
  let jifen: Harness;
  const cookieOf = async (phone: string) => {
    await requestSignInCode(jifen.context, phone, '10.0.0.1');
    const [sent] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, phone)).orderBy(desc(outboundMessages.id)).limit(1);
    const result = await signIn(jifen.context, phone, sent!.params!.code!, '10.0.0.1');
    if (result.kind !== 'signed_in') throw new Error(`could not sign in ${phone}`);
    return `jifen_console=${result.token}`;
  };
  beforeAll(async () => {
    jifen = await startJifen({ workers: false });
    await importVillage(jifen.context.db, await readVillageFile(SHUANGQIAO));
  });
  afterAll(async () => { await jifen?.close(); });

  it.each(ROUTES)('%s %s refuses an anonymous request', async (method, url) => {
    const response = await jifen.app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
    if (method === 'GET') {
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe('/console/sign-in');
    } else {
      expect(response.statusCode).toBe(401);
    }
  });

  it('a session cookie that was never issued is anonymous', async () => {
    const response = await jifen.app.inject({ url: '/console/review', headers: { cookie: 'jifen_console=forged' } });
    expect(response.headers.location).toBe('/console/sign-in');
  });

  it('a cadre of one village sees nothing of another', async () => {
    await award(jifen.context, 'FNP-003', 30);
    const cookie = await cookieOf(heLi);
    const household = await jifen.app.inject({ url: '/console/households/FNP-003', headers: { cookie } });
    expect(household.statusCode).toBe(404);
    const search = await jifen.app.inject({ url: '/console/households?q=FNP', headers: { cookie } });
    expect(search.body).not.toContain('FNP-');
    expect(search.body).not.toContain('王兰英');
    const everyone = await jifen.app.inject({ url: '/console/households', headers: { cookie } });
    expect(everyone.body).toContain('SQ-001');
    expect(everyone.body).not.toContain('FNP-');
  });

  it('a supermarket keeper of one village can neither redeem for nor read a receipt of another', async () => {
    const fangniuping = await cookieOf(people.liuFang);
    const shuangqiao = await cookieOf(qiuDacheng);
    const counter = await jifen.app.inject({ url: '/console/counter/FNP-003', headers: { cookie: shuangqiao } });
    expect(counter.statusCode).toBe(404);
    const found = await jifen.app.inject({ url: '/console/counter?q=FNP-003', headers: { cookie: shuangqiao } });
    expect(found.body).not.toContain('王兰英');
    // A redemption of 放牛坪 exists; 双桥's keeper asks for its receipt.
    const page = await jifen.app.inject({ url: '/console/counter/FNP-003', headers: { cookie: fangniuping } });
    expect(page.statusCode).toBe(200);
    await redeemAtCounter(jifen.context, (await findCadre(jifen.context.db, 'cli', people.liuFang))!, 'FNP-003', [{ code: 'S01', quantity: 1 }], 'access-test-1', '10.0.0.1');
    const [done] = await jifen.context.db.select().from(redemptions);
    const receipt = await jifen.app.inject({ url: `/console/redemptions/${done!.id}`, headers: { cookie: shuangqiao } });
    expect(receipt.statusCode).toBe(404);
    expect(receipt.body).not.toContain('王兰英');
  });

  it('a cadre without can_redeem is refused at the counter, one without can_approve at the queue', async () => {
    const approver = await cookieOf(heLi);
    expect((await jifen.app.inject({ url: '/console/counter', headers: { cookie: approver } })).statusCode).toBe(403);
    const keeper = await cookieOf(qiuDacheng);
    expect((await jifen.app.inject({ url: '/console/review', headers: { cookie: keeper } })).statusCode).toBe(403);
    expect((await jifen.app.inject({ url: '/console/roster', headers: { cookie: keeper } })).statusCode).toBe(403);
  });

  it('a cadre of one village gets nothing of another\'s ledger, publicity, deductions, messages or weekly runs', async () => {
    const cookie = await cookieOf(heLi);
    for (const url of VILLAGE_PAGES) {
      const response = await jifen.app.inject({ url: `${url}?village=fangniuping`, headers: { cookie } });
      expect(response.statusCode, url).toBe(404);
      expect(response.body, url).not.toContain('放牛坪');
    }
    // Without a village named: their own village's, never another's.
    const messages = await jifen.app.inject({ url: '/console/messages', headers: { cookie } });
    expect(messages.body).toContain('双桥村');
    expect(messages.body).not.toMatch(/FNP-|王兰英|13900020003/);
    const weekly = await jifen.app.inject({ url: '/console/weekly', headers: { cookie } });
    expect(weekly.body).not.toContain('放牛坪');
    const deductions = await jifen.app.inject({ url: '/console/deductions', headers: { cookie } });
    expect(deductions.body).not.toContain('FNP-');
  });

  it('a card of another village is not found at the counter', async () => {
    const list = await jifen.context.db.select().from(households).where(eq(households.code, 'FNP-003'));
    const [card] = await issueCards(jifen.context.db, list);
    const response = await jifen.app.inject({ url: `/console/counter?card=${encodeURIComponent(`https://x/console/q/${card!.token}`)}`, headers: { cookie: await cookieOf(qiuDacheng) } });
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('王兰英');
  });

  it('a township officer decides no deduction', async () => {
    await importTownship(jifen.context.db, parseTownshipFile(LONGSHUI));
    const officer = await cookieOf('+8613911030009');
    const form = await jifen.app.inject({ url: '/console/deductions', headers: { cookie: officer } });
    expect(form.statusCode).toBe(200);
    expect(form.body).not.toContain('name="verdict"');
    const csrfCookie = form.cookies.find((c) => c.name === '_csrf')!;
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const post = await jifen.app.inject({
      method: 'POST', url: '/console/deductions/1001', payload: `_csrf=${encodeURIComponent(token)}&verdict=revoke`,
      headers: { cookie: `${officer}; _csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(post.statusCode).toBe(403);
  });

  it('a township officer reads only their township\'s villages', async () => {
    await importTownship(jifen.context.db, parseTownshipFile(LONGSHUI));
    const cookie = await cookieOf('+8613911030009');
    const dashboard = await jifen.app.inject({ url: '/console/dashboard', headers: { cookie } });
    expect(dashboard.body).toContain('双桥村');
    expect(dashboard.body).not.toContain('放牛坪村');
    expect((await jifen.app.inject({ url: '/console/households/FNP-003', headers: { cookie } })).statusCode).toBe(404);
    expect((await jifen.app.inject({ url: '/console/households/SQ-001', headers: { cookie } })).statusCode).toBe(200);
    for (const url of VILLAGE_PAGES) {
      expect((await jifen.app.inject({ url: `${url}?village=fangniuping`, headers: { cookie } })).statusCode, url).toBe(404);
      expect((await jifen.app.inject({ url: `${url}?village=shuangqiao`, headers: { cookie } })).statusCode, url).toBe(200);
    }
    const weekly = await jifen.app.inject({ url: '/console/weekly', headers: { cookie } });
    expect(weekly.body).toContain('双桥村');
    expect(weekly.body).not.toContain('放牛坪');
    // Each download the officer was given is an audit row naming them and the village; the refused ones are none.
    const audited = await jifen.context.db.select().from(consoleAudit).where(like(consoleAudit.actor, 'officer:%'));
    expect(audited.filter((row) => ['export_ledger', 'export_publicity', 'print_publicity'].includes(row.action))
      .map((row) => [row.action, (row.detail as { village: string }).village]).sort())
      .toEqual([['export_ledger', 'shuangqiao'], ['export_publicity', 'shuangqiao'], ['print_publicity', 'shuangqiao']]);
  });

  it('a household card\'s token opens that household\'s 查分 page and nothing else', async () => {
    const list = await jifen.context.db.select().from(households).where(eq(households.code, 'FNP-003'));
    const [card] = await issueCards(jifen.context.db, list);
    const own = await jifen.app.inject({ url: `/console/q/${card!.token}` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('FNP-003');
    expect(own.body).not.toMatch(/\+86|139\d{8}/);
    expect(own.body).not.toContain('FNP-002');
    expect(own.body).not.toContain('退出');
    for (const url of ['/console/households/FNP-003', '/console/review', '/console/dashboard']) {
      const other = await jifen.app.inject({ url, headers: { cookie: `jifen_console=${card!.token}` } });
      expect(other.headers.location).toBe('/console/sign-in');
    }
    expect((await jifen.app.inject({ url: `/console/q/${card!.token.slice(0, -2)}xx` })).statusCode).toBe(404);
    await issueCards(jifen.context.db, list);
    expect((await jifen.app.inject({ url: `/console/q/${card!.token}` })).statusCode).toBe(404);
  });

  it('a cadre prints the village\'s cards: a PDF, each card with its own working link', async () => {
    const cookie = await cookieOf(people.liuFang);
    const form = await jifen.app.inject({ url: '/console/households', headers: { cookie } });
    const csrfCookie = form.cookies.find((c) => c.name === '_csrf')!;
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const pdf = await jifen.app.inject({
      method: 'POST', url: '/console/cards.pdf', payload: `_csrf=${encodeURIComponent(token)}`,
      headers: { cookie: `${cookie}; _csrf=${csrfCookie.value}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('exports the balances of the cadre\'s village only, as the accounts hold them', async () => {
    const response = await jifen.app.inject({ url: '/console/balances.xlsx', headers: { cookie: await cookieOf(people.liuFang) } });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const rows = workbook.getWorksheet('余额')!.getSheetValues().slice(2) as unknown[][];
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row[1] === '放牛坪村')).toBe(true);
    expect(rows.find((row) => row[2] === 'FNP-003')![4]).toBe((await householdBalance(jifen.context.db, 'FNP-003')).balance);
  });

  it('limits sign-in codes per phone', async () => {
    const results = [];
    for (let i = 0; i < 6; i++) results.push((await requestSignInCode(jifen.context, people.zhangMing, `10.0.1.${i}`)).kind);
    expect(results).toEqual(['sent', 'sent', 'sent', 'sent', 'sent', 'too_many']);
  });

  it('limits sign-in codes per address, known phone or not', async () => {
    const results = [];
    for (let i = 0; i < 21; i++) results.push((await requestSignInCode(jifen.context, `+861390009${String(i).padStart(4, '0')}`, '10.0.2.1')).kind);
    expect(results.filter((kind) => kind === 'too_many')).toHaveLength(1);
    expect(results.at(-1)).toBe('too_many');
  });

  it('a code takes five tries, then a new one is needed', async () => {
    await requestSignInCode(jifen.context, people.wangJianguo, '10.0.3.1');
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push((await signIn(jifen.context, people.wangJianguo, 'abcdef', '10.0.3.1')).kind);
    expect(outcomes).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'wrong', 'expired']);
  });
});
