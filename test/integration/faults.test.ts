import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import { createClaims } from '../../src/claims/new-claims.ts';
import { claims, inboundMessages, outbox, outboundMessages, rules, villages } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { injectFaults, type FaultPoint } from '../../src/plans/faults.ts';
import { relayLeftovers } from '../../src/plans/outbox.ts';
import { runInTransaction, transactionOf } from '../../src/plans/runner.ts';
import { STALE_MS, sweep } from '../../src/plans/sweeper.ts';
import { testBackend } from '../support/backend.ts';
import { lastInbound, people, startJifen, type Harness } from '../support/jifen.ts';

/** Heads of households of the example village, by SMS. */
const villagers = ['+8613900020004', '+8613900020005', '+8613900020006', '+8613900020007', '+8613900020008'];

describe(`a failure between any two steps (enqueue, commit, send) strands nothing and doubles nothing (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });
  afterEach(() => injectFaults(undefined));

  /** Makes the first intake job reaching `point` fail there; resolves with its label once it did. */
  function failFirstIntakeAt(point: FaultPoint): Promise<string> {
    return new Promise((resolve) => {
      let done = false;
      injectFaults((at, label) => {
        if (done || at !== point || !label.startsWith('intake:')) return;
        done = true;
        resolve(label);
        throw new Error(`injected failure ${point}`);
      });
    });
  }

  const claimOf = async (messageId: number) => (await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, messageId)))[0];
  const recorded = async (pattern: string) => jifen.context.db.select().from(outboundMessages).where(like(outboundMessages.dedupeKey, pattern));
  const sentTo = (address: string) => jifen.twilioApi.requests.filter((r) => r.method === 'POST' && r.form.To === address).map((r) => r.form.Body ?? '');

  async function expectLedgerSound() {
    expect((await verifyLedger(jifen.context.db)).problems).toEqual([]);
  }

  it('understand again for a message whose claims exist changes nothing and does not throw', async () => {
    await jifen.sms(villagers[0]!, '参加了院坝会');
    const message = await jifen.waitFor(async () => {
      const last = await lastInbound(jifen.context, villagers[0]!);
      return last?.processedAt ? last : undefined;
    }, 'the claim to be understood');
    const claim = (await claimOf(message.id))!;
    const [village] = await jifen.context.db.select().from(villages);
    const [rule] = await jifen.context.db.select().from(rules).where(eq(rules.id, claim.ruleId));
    // The understanding step recording the same claims again, as a re-run of its job does.
    await runInTransaction(jifen.context, (context) => createClaims(transactionOf(context), message, {
      village: village!, householdId: claim.householdId, memberId: claim.memberId ?? undefined,
    }, [{ rule: rule!, text: claim.text }]));
    expect(await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, message.id))).toHaveLength(1);
  });

  it('a failure before commit leaves no trace; the retry does it all once', async () => {
    const failed = failFirstIntakeAt('before-commit');
    const { sid } = await jifen.sms(villagers[1]!, '参加了院坝会');
    await failed;
    const [message] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sid));
    const claim = await jifen.waitFor(async () => {
      const found = await claimOf(message!.id);
      return found?.state === 'awaiting_review' && found;
    }, 'the retried claim to await review');
    await jifen.waitFor(async () => sentTo(villagers[1]!).length === 1, 'the acknowledgement');
    expect(await recorded(`claim-${claim.id}-%`)).toHaveLength(1 + (await recorded(`claim-${claim.id}-review-%`)).length);
    expect(sentTo(villagers[1]!)).toHaveLength(1);
    await expectLedgerSound();
  });

  it('a crash after commit, before the relay: the sweeper relays the outbox and nothing is sent twice', async () => {
    const failed = failFirstIntakeAt('after-commit');
    const { sid } = await jifen.sms(villagers[2]!, '参加了院坝会');
    await failed;
    const [message] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sid));
    // Committed whole: the claim awaits review and its messages are recorded, but their send order is only in the outbox.
    const claim = (await claimOf(message!.id))!;
    expect(claim.state).toBe('awaiting_review');
    expect((await recorded(`claim-${claim.id}-ack`))[0]!.status).toBe('pending');
    expect((await jifen.context.db.select().from(outbox)).length).toBeGreaterThan(0);
    expect(sentTo(villagers[2]!)).toEqual([]);
    await relayLeftovers(jifen.context, 0);
    await jifen.waitFor(async () => sentTo(villagers[2]!).length === 1, 'the acknowledgement, relayed by the sweeper');
    await relayLeftovers(jifen.context, 0); // a second relay adds nothing
    await sweep(jifen.context, new Date(Date.now() + 2 * STALE_MS)); // nor does a sweep of everything unfinished
    await jifen.waitFor(async () => (await recorded(`claim-${claim.id}-%`)).every((m) => m.status !== 'pending'), 'every message sent');
    expect(sentTo(villagers[2]!)).toHaveLength(1);
    await expectLedgerSound();
  });

  it('代报: a crash after commit still leaves the claim on its way to review, never understood for ever', async () => {
    const failed = failFirstIntakeAt('after-commit');
    await jifen.sms(people.liuFang, '代报 FNP-021 参加了院坝会');
    await failed;
    const message = (await lastInbound(jifen.context, people.liuFang))!;
    expect(message.outcome).toBe('declared');
    const claim = (await claimOf(message.id))!;
    expect(claim.state).toBe('awaiting_review');
    expect(claim.reference).not.toBeNull();
    await relayLeftovers(jifen.context, 0);
    await jifen.waitFor(async () => sentTo(people.liuFang).some((text) => text.startsWith('已为 FNP-021 代报')), 'the answer to the cadre');
    const reviewers = await recorded(`claim-${claim.id}-review-%`);
    expect(reviewers.length).toBeGreaterThan(0);
    await jifen.waitFor(async () => (await recorded(`claim-${claim.id}-review-%`)).every((m) => m.status === 'sent'), 'the review requests sent');
  });

  it('a queue that lost its jobs: the sweeper finds the unfinished records in PostgreSQL and finishes them', async () => {
    const pipeline = jifen.context.jobs.pipeline as unknown as Queue;
    await pipeline.pause();
    const { sid } = await jifen.sms(villagers[3]!, '参加了院坝会');
    const [stored] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sid));
    expect(stored!.queuedAt).not.toBeNull();
    await pipeline.drain(true); // the queue forgets the waiting intake job
    await pipeline.resume();
    await sweep(jifen.context, new Date(Date.now() + 2 * STALE_MS));
    const claim = await jifen.waitFor(async () => {
      const found = await claimOf(stored!.id);
      return found?.state === 'awaiting_review' && found;
    }, 'the swept message to become a claim awaiting review');
    await jifen.waitFor(async () => sentTo(villagers[3]!).length === 1, 'the acknowledgement');
    const [processed] = await jifen.context.db.select().from(inboundMessages).where(and(eq(inboundMessages.id, stored!.id)));
    expect(processed!.processedAt).not.toBeNull();
    expect(await jifen.context.db.select({ n: sql<number>`count(*)::int` }).from(claims).where(eq(claims.id, claim.id))).toEqual([{ n: 1 }]);
    await expectLedgerSound();
  });
});
