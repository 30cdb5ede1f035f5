import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { claimEvents, claims, inboundMessages, rules, villages } from '../db/schema/index.ts';

/** One labelled line of the understanding corpus (test/fixtures/understanding/*.jsonl). */
export interface CorpusLine {
  text: string;
  intent: 'claim';
  items: string[];
  style: string;
  tags: string[];
  split: 'dev';
}

/** Claims no longer standing for what the message said. */
const DROPPED = ['rejected', 'cancelled', 'invalid'] as const;

/** The corpus's style of a channel: what the villager typed on, or said. */
const styleOf = (channel: string) => (channel === 'voice' ? 'voice' : channel.startsWith('wechat') ? 'wechat' : 'sms');

/**
 * `jifen corrections --village <code>`: every villager message whose claim a cadre corrected (改 1234 P07),
 * labelled with the items its claims are for now, in the corpus's own format, oldest first: lines
 * to add to the dev split so that the lexicon learns from them.
 */
export async function correctionLines(db: Executor, villageCode: string): Promise<CorpusLine[]> {
  const corrected = await db.selectDistinctOn([claims.sourceMessageId], { messageId: claims.sourceMessageId, at: claimEvents.at })
    .from(claimEvents).innerJoin(claims, eq(claims.id, claimEvents.claimId)).innerJoin(villages, eq(villages.id, claims.villageId))
    .where(and(eq(villages.code, villageCode), sql`${claimEvents.detail} ? 'correction'`))
    .orderBy(asc(claims.sourceMessageId), asc(claimEvents.at));
  if (corrected.length === 0) return [];
  const ids = corrected.sort((a, b) => a.at.getTime() - b.at.getTime()).map((c) => c.messageId);
  const rows = await db.select({ messageId: claims.sourceMessageId, text: inboundMessages.text, channel: inboundMessages.channel, code: rules.code })
    .from(claims).innerJoin(inboundMessages, eq(inboundMessages.id, claims.sourceMessageId)).innerJoin(rules, eq(rules.id, claims.ruleId))
    .where(and(inArray(claims.sourceMessageId, ids), notInArray(claims.state, [...DROPPED]))).orderBy(asc(rules.code));
  return ids.flatMap((id) => {
    const own = rows.filter((r) => r.messageId === id);
    if (own.length === 0) return [];
    return [{ text: own[0]!.text, intent: 'claim' as const, items: own.map((r) => r.code), style: styleOf(own[0]!.channel), tags: ['correction'], split: 'dev' as const }];
  });
}
