import type { LoadedClaim } from '../claims/claims.ts';
import type { Context } from '../context.ts';
import type { Cadre } from '../db/schema/index.ts';
import { routeTo } from '../messages/addressing.ts';
import { queueMessages, type MessageToSend } from '../messages/outbound.ts';

/** Why a cadre is written to about a claim: each is one message per cadre and round (its dedupe key). */
export type RequestTopic = 'review' | 'remind' | 'escalate' | 'second';

/** The same text about a claim to each cadre, once per topic and round (their dedupe keys). */
export function reviewerMessages(context: Context, loaded: LoadedClaim, reviewers: Cadre[], topic: RequestTopic, round: number, text: string): MessageToSend[] {
  const { claim, rule, household, village } = loaded;
  const params = { village: village.name, reference: String(claim.reference), household: household.code, head: household.head, item: rule.name, points: String(claim.points) };
  // Round 0 keeps the key review requests always had (claim-42-review-7).
  const key = round === 0 ? topic : `${topic}-round-${round}`;
  return reviewers.flatMap((cadre) => {
    const route = routeTo(context, cadre);
    return route ? [{ dedupeKey: `claim-${claim.id}-${key}-${cadre.id}`, ...route, text, sender: village.settings.smsSenderNumber, kind: topic === 'review' ? 'review_request' : `review_${topic}`, params }] : [];
  });
}

/** Sends the same text about a claim to each cadre, once per topic and round. */
export async function writeToReviewers(context: Context, loaded: LoadedClaim, reviewers: Cadre[], topic: RequestTopic, round: number, text: string) {
  await queueMessages(context, reviewerMessages(context, loaded, reviewers, topic, round, text));
}
