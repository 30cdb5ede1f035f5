import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { claimEvents, claims } from '../../src/db/schema/index.ts';
import { correctionLines } from '../../src/cli/corrections.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { findCadre } from '../../src/directory.ts';
import { testBackend } from '../support/backend.ts';
import { people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { say } from '../support/records.ts';

/** 张建平, FNP-005, writes by SMS. */
const villager = '+8613900020005';

describe(`改 1234 P07: a cadre corrects a claim's item before approval (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  it('changes the item and points, records who changed what, tells the villager, and posts the corrected item', async () => {
    await jifen.sms(villager, '院坝扫干净了'); // read as P05 庭院卫生整洁, 2 points
    const reference = await referenceSentTo(jifen, people.liuFang);
    const [before] = await jifen.context.db.select().from(claims).where(eq(claims.reference, reference));
    expect(before).toMatchObject({ state: 'awaiting_review', points: 2 });

    expect(await say(jifen, people.liuFang, `改 ${reference} P07`)).toBe(`已将 ${reference} 由「庭院卫生整洁」改为「门前清洁」+1分，请再审核`);
    const [after] = await jifen.context.db.select().from(claims).where(eq(claims.id, before!.id));
    expect(after).toMatchObject({ state: 'awaiting_review', points: 1 });
    expect(after!.ruleId).not.toBe(before!.ruleId);

    const liuFang = (await findCadre(jifen.context.db, 'sms', people.liuFang))!;
    const events = await jifen.context.db.select().from(claimEvents)
      .where(and(eq(claimEvents.claimId, before!.id), sql`${claimEvents.detail} ? 'correction'`));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: `cadre:${liuFang.id}`, channel: 'sms', fromState: 'awaiting_review', toState: 'awaiting_review',
      detail: { correction: { from: { code: 'P05', name: '庭院卫生整洁', points: 2 }, to: { code: 'P07', name: '门前清洁', points: 1 } } },
    });
    await jifen.waitFor(async () => (await jifen.outbox(villager)).includes(`您的申报 ${reference} 经村干部核对，改为「门前清洁」+1分，审核通过后入账`), 'the notice to the villager');

    // the same item again changes nothing; the name of an item works as its code
    expect(await say(jifen, people.liuFang, `改 ${reference} 门前三包`)).toBe(`申报 ${reference} 已是「门前清洁」，未修改`);
    expect(await say(jifen, people.liuFang, `同意 ${reference}`)).toBe(`已同意 ${reference}，积分将入账`);
    await jifen.waitFor(async () => (await householdBalance(jifen.context.db, 'FNP-005')).balance === 1, 'the posting of the corrected item');
    // once decided, the claim no longer takes corrections
    expect(await say(jifen, people.liuFang, `改 ${reference} P05`)).toBe(`没有待审的申报 ${reference}，请核对编号`);

    expect(await correctionLines(jifen.context.db, 'fangniuping')).toEqual([
      { text: '院坝扫干净了', intent: 'claim', items: ['P07'], style: 'sms', tags: ['correction'], split: 'dev' },
    ]);
    expect(await correctionLines(jifen.context.db, 'nowhere')).toEqual([]);
  });

  it('asks for the reference and one item, and refuses a cadre who cannot approve', async () => {
    expect(await say(jifen, people.liuFang, '改 P07')).toBe('请写明编号和项目，如「改 1234 P07」或「改 1234 门前清洁」');
    expect(await say(jifen, people.liuFang, '改 9999 P07')).toBe('没有待审的申报 9999，请核对编号');
    expect(await say(jifen, people.ranDebing, '改 9999 P07')).toBe('您没有审核权限，请联系综合专干');
  });
});
