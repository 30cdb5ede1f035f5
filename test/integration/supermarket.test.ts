import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { catalogueItems, redemptions } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { catalogueOf } from '../../src/supermarket/catalogue.ts';
import { redeemAtDesk } from '../../src/supermarket/desk.ts';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';
import { award, say } from '../support/records.ts';

const TOKEN = 'api-test-token';

describe(`the points supermarket (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ config: { apiToken: TOKEN } }); });
  afterAll(async () => { await jifen?.close(); });

  const balance = async (code: string) => (await householdBalance(jifen.context.db, code)).balance;
  const stock = async (code: string) => (await jifen.context.db.select().from(catalogueItems).where(eq(catalogueItems.code, code)))[0]!.stock;
  const ledgerOk = async () => expect(await verifyLedger(jifen.context.db)).toMatchObject({ ok: true, problems: [] });
  /** Everything a refused redemption must leave as it was. */
  const snapshot = async () => (await jifen.context.db.execute(sql`
    select (select count(*) from jifen.ledger_transactions)::int as transactions, (select count(*) from jifen.redemptions)::int as redemptions,
           (select coalesce(sum(stock), 0) from jifen.catalogue_items)::int as stock, (select sum(balance) from jifen.accounts where kind = 'household')::int as balances`)).rows[0];
  const api = (url: string, payload: object, token = TOKEN) => jifen.app.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${token}` } });

  it('lists the catalogue with prices and stock; a villager asking sees the prices', async () => {
    const goods = await catalogueOf(jifen.context.db, 'fangniuping');
    expect(goods[0]).toEqual({ village: 'fangniuping', code: 'S01', name: '洗衣粉（1袋）', points: 10, stock: 60 });
    expect(goods.find((g) => g.code === 'S09')).toMatchObject({ stock: null });
    expect(await say(jifen, people.wangLanying, '积分可以换什么')).toMatch(/^积分超市可换：洗衣粉10分、食用油50分、大米40分、肥皂3分/);
  });

  it('refuses an oversell and an overdraft with a clear reason and changes nothing', async () => {
    await award(jifen.context, 'FNP-034', 2000);
    const before = await snapshot();
    const oversell = await api('/api/redemptions', { household: 'FNP-034', goods: 'S02', quantity: 21, cadre: people.ranDebing });
    expect(oversell.statusCode).toBe(409);
    expect(oversell.json()).toEqual({ ok: false, refused: 'out_of_stock', reason: '食用油 库存只剩 20，未兑换' });
    const overdraft = await api('/api/redemptions', { household: 'FNP-035', goods: 'S01', cadre: people.ranDebing });
    expect(overdraft.statusCode).toBe(409);
    expect(overdraft.json()).toEqual({ ok: false, refused: 'not_enough_points', reason: 'FNP-035 余额 0分，不够兑换（需 10分），未兑换' });
    expect(await say(jifen, people.ranDebing, '兑换 FNP-034 S02 21')).toBe('食用油 库存只剩 20，未兑换');
    expect(await snapshot()).toEqual(before);
    await ledgerOk();
  });

  it('by SMS a count that is no whole number from 1 to 999 is refused with a clear answer, as the API refuses it', async () => {
    await award(jifen.context, 'FNP-009', 500);
    const before = await snapshot();
    for (const count of ['0', '-1', '９９９９９', '1e3', '2.5', '12345678901234567890']) {
      expect(await say(jifen, people.ranDebing, `兑换 FNP-009 S04 ${count}`), count).toBe('兑换数量须是1到999的整数，如「兑换 FNP-009 S01 2」，未兑换');
    }
    expect(await snapshot()).toEqual(before);
    for (const quantity of [0, -1, 2.5, 1000]) {
      expect((await api('/api/redemptions', { household: 'FNP-009', goods: 'S04', quantity, cadre: people.ranDebing })).statusCode, String(quantity)).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
    await ledgerOk();
  });

  it('refuses callers without the token, cadres without can_redeem, unknown households and bad bodies', async () => {
    expect((await api('/api/redemptions', { household: 'FNP-034', goods: 'S01', cadre: people.ranDebing }, 'wrong')).statusCode).toBe(401);
    expect((await api('/api/redemptions', { household: 'FNP-034', goods: 'S01', cadre: people.zhangMing })).statusCode).toBe(403);
    expect((await api('/api/redemptions', { household: 'FNP-999', goods: 'S01', cadre: people.ranDebing })).statusCode).toBe(404);
    expect((await api('/api/redemptions', { household: 'FNP-034', goods: 'S99', cadre: people.ranDebing })).statusCode).toBe(404);
    expect((await api('/api/redemptions', { household: 'FNP-034', goods: 'S01', quantity: 0, cadre: people.ranDebing })).statusCode).toBe(400);
  });

  it('concurrent redemptions never overdraw: exactly as many succeed as the balance pays for', async () => {
    await award(jifen.context, 'FNP-036', 52);
    const stockBefore = await stock('S05');
    const attempts = await Promise.all(Array.from({ length: 16 }, (_, i) => redeemAtDesk(jifen.context, {
      cadrePhone: people.ranDebing, household: 'FNP-036', lines: [{ code: 'S05', quantity: 1 }], key: `test-concurrent-${i}`,
    })));
    expect(attempts.filter((a) => a.ok)).toHaveLength(10);
    expect(attempts.filter((a) => !a.ok).map((a) => !a.ok && a.refused)).toEqual(Array(6).fill('not_enough_points'));
    expect(await balance('FNP-036')).toBe(2);
    expect(await stock('S05')).toBe(stockBefore! - 10);
    await ledgerOk();
  });

  it('concurrent redemptions never oversell: exactly the stock is handed out', async () => {
    await award(jifen.context, 'FNP-037', 5000);
    const attempts = await Promise.all(Array.from({ length: 8 }, (_, i) => redeemAtDesk(jifen.context, {
      cadrePhone: people.ranDebing, household: 'FNP-037', lines: [{ code: 'S02', quantity: 3 }], key: `test-oversell-${i}`,
    })));
    expect(attempts.filter((a) => a.ok)).toHaveLength(6);
    expect(await stock('S02')).toBe(2);
    expect(await balance('FNP-037')).toBe(5000 - 6 * 150);
    await ledgerOk();
  });

  it('a reversal restores stock and balance, tells the household once, and is idempotent', async () => {
    await award(jifen.context, 'FNP-038', 100);
    const done = await api('/api/redemptions', { household: 'FNP-038', goods: 'S03', quantity: 2, cadre: people.ranDebing, key: 'till-38' });
    expect(done.statusCode).toBe(201);
    const { redemption } = done.json();
    expect(done.json()).toEqual({ ok: true, redemption, household: 'FNP-038', points: 80, balance: 20, lines: ['大米×2'], replayed: false });
    // The same key again (a retried call) records it once and answers the first result.
    const retried = await api('/api/redemptions', { household: 'FNP-038', goods: 'S03', quantity: 2, cadre: people.ranDebing, key: 'till-38' });
    expect(retried.statusCode).toBe(201);
    expect(retried.json()).toEqual({ ...done.json(), replayed: true });
    expect(await stock('S03')).toBe(28);
    const reversed = await api(`/api/redemptions/${redemption}/reversal`, { cadre: people.ranDebing });
    expect(reversed.json()).toEqual({ ok: true, redemption, household: 'FNP-038', points: 80, balance: 100, replayed: false });
    expect((await api(`/api/redemptions/${redemption}/reversal`, { cadre: people.ranDebing })).json()).toMatchObject({ balance: 100, replayed: true });
    expect(await say(jifen, people.ranDebing, `撤销兑换 ${redemption}`)).toBe(`已撤销兑换 ${redemption}，退回 FNP-038 80分，余额 100分，库存已恢复`);
    expect(await balance('FNP-038')).toBe(100);
    expect(await stock('S03')).toBe(30);
    const household = (await jifen.outbox('+8613900020038')).filter((t) => t.includes(`兑换 ${redemption} 已撤销`));
    expect(household).toEqual([`您家的兑换 ${redemption} 已撤销，退回 80分，当前余额 100分`]);
    const [row] = await jifen.context.db.select().from(redemptions).where(eq(redemptions.id, redemption));
    expect(row).toMatchObject({ state: 'reversed', reversalTransactionId: expect.any(Number) });
    expect((await api('/api/redemptions/999999/reversal', { cadre: people.ranDebing })).statusCode).toBe(404);
    expect(await say(jifen, people.zhangMing, `撤销兑换 ${redemption}`)).toBe('您没有撤销兑换的权限，请联系积分超市管理员');
    await ledgerOk();
  });

  it('a key reused for another request is refused (409 idempotency_conflict) and records nothing', async () => {
    await award(jifen.context, 'FNP-039', 100);
    await award(jifen.context, 'FNP-040', 100);
    const first = await api('/api/redemptions', { household: 'FNP-039', goods: 'S01', quantity: 1, cadre: people.ranDebing, key: 'till-reused' });
    expect(first.statusCode).toBe(201);
    const before = await snapshot();
    const messages = async () => (await jifen.context.db.execute(sql`select count(*)::int as n from jifen.outbound_messages`)).rows[0];
    const messagesBefore = await messages();
    for (const other of [{ household: 'FNP-040' }, { quantity: 2 }, { goods: 'S04' }]) {
      const reused = await api('/api/redemptions', { household: 'FNP-039', goods: 'S01', quantity: 1, cadre: people.ranDebing, key: 'till-reused', ...other });
      expect(reused.statusCode).toBe(409);
      expect(reused.json()).toMatchObject({ ok: false, refused: 'idempotency_conflict' });
    }
    expect(await snapshot()).toEqual(before);
    expect(await balance('FNP-040')).toBe(100);
    expect(await messages()).toEqual(messagesBefore);
    // The first request itself still replays.
    expect((await api('/api/redemptions', { household: 'FNP-039', goods: 'S01', quantity: 1, cadre: people.ranDebing, key: 'till-reused' })).json())
      .toEqual({ ...first.json(), replayed: true });
    await ledgerOk();
  });

  it('ten concurrent requests with one key all answer the one redemption, charged once', async () => {
    await award(jifen.context, 'FNP-032', 100);
    const stockBefore = await stock('S01');
    const attempts = await Promise.all(Array.from({ length: 10 }, () =>
      api('/api/redemptions', { household: 'FNP-032', goods: 'S01', quantity: 2, cadre: people.ranDebing, key: 'till-busy' })));
    expect(attempts.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    const answers = attempts.map((a) => a.json());
    const { redemption } = answers[0];
    expect(answers.map(({ replayed: _, ...answer }) => answer)).toEqual(Array(10).fill({ ok: true, redemption, household: 'FNP-032', points: 20, balance: 80, lines: ['洗衣粉×2'] }));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await balance('FNP-032')).toBe(80);
    expect(await stock('S01')).toBe(stockBefore! - 2);
    expect((await jifen.outbox('+8613900020032')).filter((t) => t.includes(`兑换号${redemption}`))).toHaveLength(1);
    await ledgerOk();
  });

  it('a refused keyed request keeps nothing: the same key is free once the household can pay', async () => {
    const refused = await api('/api/redemptions', { household: 'FNP-035', goods: 'S04', cadre: people.ranDebing, key: 'till-refused' });
    expect(refused.json()).toMatchObject({ ok: false, refused: 'not_enough_points' });
    await award(jifen.context, 'FNP-035', 50);
    const paid = await api('/api/redemptions', { household: 'FNP-035', goods: 'S04', cadre: people.ranDebing, key: 'till-refused' });
    expect(paid.statusCode).toBe(201);
    expect(paid.json()).toMatchObject({ ok: true, replayed: false });
  });

  it('concurrent reversals of one redemption give the points back once', async () => {
    await award(jifen.context, 'FNP-033', 100);
    const { redemption } = (await api('/api/redemptions', { household: 'FNP-033', goods: 'S01', cadre: people.ranDebing, key: 'till-33' })).json();
    const reversals = await Promise.all(Array.from({ length: 10 }, () => api(`/api/redemptions/${redemption}/reversal`, { cadre: people.ranDebing })));
    expect(reversals.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    expect(reversals.filter((r) => !r.json().replayed)).toHaveLength(1);
    expect(await balance('FNP-033')).toBe(100);
    await ledgerOk();
  });
});
