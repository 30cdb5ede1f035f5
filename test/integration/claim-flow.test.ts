import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { claims, claimEvents, outboundMessages } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { testBackend } from '../support/backend.ts';
import { people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

describe(`a claim from SMS to the ledger (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  it('villager SMS → review request → cadre approval → posting → confirmation', async () => {
    const sent = await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    expect(sent.status).toBe(200);
    expect(sent.body).toContain('<Response>');

    const reference = await referenceSentTo(jifen, people.liuFang);
    expect(await jifen.outbox(people.wangLanying)).toEqual([`已收到：庭院卫生整洁 +2分，编号${reference}，待村干部审核`]);
    expect(await jifen.outbox(people.liuFang)).toEqual([
      `【放牛坪村积分】待审 ${reference}：FNP-003 王兰英家 申报 庭院卫生整洁 +2分。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
    ]);

    await jifen.sms(people.liuFang, `同意 ${reference}`);
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).length === 2, 'posting confirmation');
    expect((await jifen.outbox(people.wangLanying))[1]).toBe('已入账 +2分，当前余额 2分');
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).includes(`已同意 ${reference}，积分将入账`), 'the cadre\'s confirmation');
    expect(await householdBalance(jifen.context.db, 'FNP-003')).toEqual({ household: 'FNP-003', balance: 2, lifetime: 2 });

    const [claim] = await jifen.context.db.select().from(claims).where(eq(claims.reference, reference));
    const events = await jifen.context.db.select().from(claimEvents).where(eq(claimEvents.claimId, claim!.id)).orderBy(claimEvents.id);
    expect(events.map((e) => e.toState)).toEqual(['received', 'understood', 'validated', 'scored', 'awaiting_review', 'approved', 'posted']);
    expect(events.find((e) => e.toState === 'approved')!.actor).toMatch(/^cadre:/);

    // the acknowledgement, the one review request (刘芳 reviews first), the posting and the cadre's confirmation
    await jifen.waitFor(async () => jifen.twilioApi.messages.length >= 4, 'messages handed to Twilio');
    expect(jifen.twilioApi.messages.map((m) => m.To)).toContain(people.wangLanying);
    expect(jifen.twilioApi.messages[0]!.From).toBe('+8613900009999');
    expect((await verifyLedger(jifen.context.db)).ok).toBe(true);
    // the kind and values of each routine message, for providers that send only approved templates
    const [ack] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `claim-${claim!.id}-ack`));
    expect(ack).toMatchObject({ kind: 'claim_ack', params: { item: '庭院卫生整洁', points: '2', reference: String(reference) }, segments: 1 });
  });
});
