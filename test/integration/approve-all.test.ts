import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { findCadre } from '../../src/directory.ts';
import { approveAllWaiting } from '../../src/reviews/approve-all.ts';
import { testBackend } from '../support/backend.ts';
import { people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

const WAITING = 150;
const LIMIT = 50;

describe(`全部同意 from three cadres at once (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  const waitingCount = async () => Number((await jifen.context.db.execute<{ n: string }>(sql`select count(*) n from jifen.claims where state = 'awaiting_review'`)).rows[0]!.n);

  it(`with ${WAITING} claims waiting, each of three cadres approves ${LIMIT}: nobody is told nothing waits while claims wait`, async () => {
    await jifen.sms('+8613900020011', '参加了院坝会'); // FNP-011: one real claim, copied below
    await referenceSentTo(jifen, people.liuFang);
    // The copies come from messages of their own (a claim is unique per message and item), each with its reference.
    await jifen.context.db.execute(sql`
      with template as (select * from jifen.claims where state = 'awaiting_review' limit 1),
      messages as (
        insert into jifen.inbound_messages (channel, external_id, sender, text, raw, queued_at, processed_at, outcome)
        select 'sms', 'bulk-' || g, '+8613900020011', '参加了院坝会', '{}', now(), now(), 'claim' from generate_series(2, ${WAITING}) g returning id)
      insert into jifen.claims (village_id, household_id, member_id, source_message_id, rule_id, text, state, period_key, points, reference, claimed_at)
      select t.village_id, t.household_id, t.member_id, m.id, t.rule_id, t.text, 'awaiting_review', t.period_key, t.points, 6000 + row_number() over (order by m.id), now()
      from messages m cross join template t`);
    expect(await waitingCount()).toBe(WAITING);

    const cadres = await Promise.all([people.liuFang, people.wangJianguo, people.zhangMing].map((phone) => findCadre(jifen.context.db, 'sms', phone)));
    const [message] = (await jifen.context.db.execute<{ id: string }>(sql`select id from jifen.inbound_messages order by id limit 1`)).rows;
    const via = { channel: 'sms', messageId: Number(message!.id) } as const;
    // Each cadre's 全部同意 is one transaction of its own, as the runner runs it.
    const approveAll = (cadre: NonNullable<(typeof cadres)[number]>) => jifen.context.db.transaction((tx) => approveAllWaiting(tx, cadre, via, LIMIT));
    const results = await Promise.all(cadres.map((cadre) => approveAll(cadre!)));
    expect(results.map((r) => r.decided)).toEqual([LIMIT, LIMIT, LIMIT]);
    expect(await waitingCount()).toBe(0);
    expect(await approveAll(cadres[0]!)).toEqual({ decided: 0, more: false });
  });
});
