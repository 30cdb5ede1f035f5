import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';

const villager = '+8613900020004'; // FNP-004
const LIMIT = 3;

describe(`flood control: a sender past the limit is answered once, then only stored (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    const base = await import('../../src/ops-settings.ts');
    jifen = await startJifen({ config: { operations: { ...base.operationsSettings({}), floodPerMinute: LIMIT } } });
  });
  afterAll(async () => { await jifen?.close(); });

  it('12 messages in a minute: 3 answered, the 4th gets one notice and the cadres are told, the rest are stored only', async () => {
    for (let i = 0; i < 12; i++) expect((await jifen.sms(villager, '查积分')).status).toBe(200);
    const outcomes = await jifen.waitFor(async () => {
      const rows = (await jifen.context.db.execute<{ outcome: string | null }>(sql`
        select outcome from jifen.inbound_messages where sender = ${villager} order by id`)).rows;
      return rows.length === 12 && rows.every((row) => row.outcome !== null) && rows.map((row) => row.outcome);
    }, 'every message processed');
    expect(outcomes.slice(LIMIT)).toEqual(Array(12 - LIMIT).fill('flood'));
    expect(outcomes.slice(0, LIMIT)).not.toContain('flood');

    const answers = await jifen.waitFor(async () => {
      const texts = await jifen.outbox(villager);
      return texts.length === LIMIT + 1 && texts;
    }, 'the answers');
    expect(answers.filter((text) => text.includes('当前积分余额'))).toHaveLength(LIMIT);
    expect(answers.filter((text) => text.includes('消息太多'))).toHaveLength(1);
    for (const cadre of [people.liuFang, people.wangJianguo, people.zhangMing]) {
      expect((await jifen.outbox(cadre)).filter((text) => text.includes('FNP-004') && text.includes('一分钟内发来4条消息'))).toHaveLength(1);
    }
    expect((await jifen.outbox(people.ranDebing)).filter((text) => text.includes('一分钟内'))).toEqual([]); // not an approver
    // Stored, every one: nothing is lost, only the answers are held back.
    expect((await jifen.context.db.execute<{ n: number }>(sql`select count(*)::int as n from jifen.inbound_messages where sender = ${villager}`)).rows[0]!.n).toBe(12);
  });

  it('another villager is not held back by someone else\'s flood', async () => {
    expect((await jifen.sms(people.wangLanying, '查积分')).status).toBe(200);
    const answer = await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).at(-1), 'the answer');
    expect(answer).toContain('当前积分余额');
  });
});
