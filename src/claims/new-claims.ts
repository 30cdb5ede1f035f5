import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/database.ts';
import { claimEvents, claims, type Claim, type InboundMessage, type Rule, type Village } from '../db/schema/index.ts';
import { periodKey } from './period.ts';

export interface Claimant {
  village: Village;
  householdId: number;
  /** The member the claim is for (notices go to them); the household's contact when a cadre declares it. */
  memberId?: number;
  /** The cadre who entered it on the villager's behalf (口头申报). */
  enteredBy?: number;
}

/**
 * Records one claim per item of a message with its first two events (received, understood), in
 * one statement; a claim the message already made is left as it is. Returns the claims it created.
 */
export async function createClaims(tx: Transaction, message: InboundMessage, claimant: Claimant, items: Array<{ rule: Rule; text: string }>): Promise<Claim[]> {
  if (items.length === 0) return [];
  const actor = claimant.enteredBy === undefined ? `member:${claimant.memberId}` : `cadre:${claimant.enteredBy}`;
  const codes = Object.fromEntries(items.map(({ rule }) => [rule.id, rule.code]));
  const created = tx.$with('created').as(tx.insert(claims).values(items.map(({ rule, text }) => ({
    villageId: claimant.village.id, householdId: claimant.householdId, memberId: claimant.memberId, enteredBy: claimant.enteredBy,
    sourceMessageId: message.id, ruleId: rule.id, text, state: 'understood' as const, claimedAt: message.receivedAt,
    periodKey: periodKey(rule.per, message.receivedAt, claimant.village.timezone),
  }))).onConflictDoNothing({ target: [claims.sourceMessageId, claims.ruleId] }).returning());
  // Each new claim's first two events in the same statement; a re-run creates no claim and so no event.
  const recorded = tx.$with('recorded', {}).as(sql`
    insert into ${claimEvents} (claim_id, from_state, to_state, actor, channel, message_id, detail)
    select id, from_state, to_state, actor, channel, message_id, detail from (
      select id, 1 as step, null::text as from_state, 'received'::text as to_state, ${actor}::text as actor, ${message.channel}::text as channel,
             ${message.id}::bigint as message_id, null::jsonb as detail from created
      union all
      select id, 2, 'received', 'understood', 'system', null, null, jsonb_build_object('rule', ${JSON.stringify(codes)}::jsonb ->> rule_id::text) from created
    ) as e order by id, step`);
  return tx.with(created, recorded).select().from(created).orderBy(created.id);
}

export async function claimsOfMessage(db: Executor, messageId: number): Promise<number[]> {
  const rows = await db.select({ id: claims.id }).from(claims).where(eq(claims.sourceMessageId, messageId)).orderBy(claims.id);
  return rows.map((row) => row.id);
}

/** Claims a villager may still withdraw: not yet decided by a cadre. */
const WITHDRAWABLE = ['understood', 'validated', 'scored', 'awaiting_review'] as const;

/**
 * The claim a villager's 取消 withdraws: the one this message already cancelled (when its job
 * runs again), else the member's latest claim no cadre has decided yet.
 */
export async function claimToWithdraw(db: Executor, memberId: number, messageId: number) {
  const [cancelled] = await db.select({ claim: claims }).from(claimEvents).innerJoin(claims, eq(claims.id, claimEvents.claimId))
    .where(and(eq(claimEvents.messageId, messageId), eq(claimEvents.toState, 'cancelled')));
  if (cancelled) return cancelled.claim;
  const [latest] = await db.select().from(claims)
    .where(and(eq(claims.memberId, memberId), inArray(claims.state, [...WITHDRAWABLE])))
    .orderBy(desc(claims.id)).limit(1);
  return latest;
}
