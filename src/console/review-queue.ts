import { and, desc, eq, ne } from 'drizzle-orm';
import { loadClaim, type LoadedClaim } from '../claims/claims.ts';
import type { Context } from '../context.ts';
import { claimEvidence, claims, inboundMessages, rules, type Attachment } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { runInTransaction } from '../plans/runner.ts';
import { decideClaim, followUp } from '../reviews/decide.ts';
import { waitingFor } from '../reviews/review.ts';
import { currentRound } from '../reviews/rounds.ts';
import { audit } from './audit.ts';

/** The most claims the queue shows, and a cadre decides at once. */
export const QUEUE_LIMIT = 50;

export interface QueuedClaim {
  loaded: LoadedClaim;
  said: string;
  photos: Attachment[];
  waitingSince?: Date;
  objection?: string;
  recent: Array<{ reference: number | null; item: string; points: number | null; state: string; at: Date }>;
}

async function photosOf(context: Context, loaded: LoadedClaim): Promise<{ said: string; photos: Attachment[] }> {
  const [source] = await context.db.select().from(inboundMessages).where(eq(inboundMessages.id, loaded.claim.sourceMessageId));
  const extra = await context.db.select({ attachments: inboundMessages.attachments }).from(claimEvidence)
    .innerJoin(inboundMessages, eq(inboundMessages.id, claimEvidence.messageId)).where(eq(claimEvidence.claimId, loaded.claim.id));
  return { said: source?.text ?? loaded.claim.text, photos: [...(source?.attachments ?? []), ...extra.flatMap((row) => row.attachments)] };
}

async function recentClaims(context: Context, loaded: LoadedClaim) {
  const rows = await context.db.select({ claim: claims, item: rules.name }).from(claims).innerJoin(rules, eq(rules.id, claims.ruleId))
    .where(and(eq(claims.householdId, loaded.household.id), ne(claims.id, loaded.claim.id))).orderBy(desc(claims.id)).limit(5);
  return rows.map(({ claim, item }) => ({ reference: claim.reference, item, points: claim.points, state: claim.state, at: claim.claimedAt }));
}

/** The claims waiting for this cadre, oldest first, with what a decision needs: the villager's words, photos, the household's recent claims. */
export async function reviewQueue(context: Context, cadre: KnownCadre): Promise<QueuedClaim[]> {
  const waiting = await waitingFor(context.db, cadre, QUEUE_LIMIT);
  return Promise.all(waiting.map(async (claim) => {
    const loaded = (await loadClaim(context.db, claim.id))!;
    const round = await currentRound(context.db, claim.id);
    return { loaded, ...await photosOf(context, loaded), waitingSince: round?.since, objection: round?.objection, recent: await recentClaims(context, loaded) };
  }));
}

export interface ConsoleDecision {
  claimIds: number[];
  verdict: 'approved' | 'rejected';
  reason?: string;
  ip: string;
}

export interface DecisionTally { approved: number; rejected: number; firstApprovals: number; refused: number }

/**
 * Decides claims picked in the queue with the same functions a cadre's SMS goes through, each claim
 * in one transaction with its follow-up (posting or publicity, a second approver asked, or the
 * villager told). Only claims waiting for this cadre can be decided (their village, not their
 * household, not voted on yet).
 */
export async function decideFromConsole(context: Context, cadre: KnownCadre, decision: ConsoleDecision): Promise<DecisionTally> {
  const waiting = new Set((await waitingFor(context.db, cadre, QUEUE_LIMIT)).map((claim) => claim.id));
  const tally: DecisionTally = { approved: 0, rejected: 0, firstApprovals: 0, refused: 0 };
  for (const claimId of decision.claimIds) {
    const outcome = await runInTransaction(context, async (work) => {
      const decided = waiting.has(claimId)
        ? await decideClaim(work, cadre, claimId, decision.verdict, { channel: 'console' }, decision.reason) : 'not_waiting';
      if (decided === 'approved' || decided === 'rejected' || decided === 'first_approval') await followUp(work, claimId, decided);
      await audit(work.db, { actor: `cadre:${cadre.id}`, ip: decision.ip, action: `claim_${decision.verdict}`, detail: { claimId, outcome: decided, reason: decision.reason } });
      return decided;
    }, `console-decision-${claimId}`);
    if (outcome === 'approved' || outcome === 'rejected') tally[outcome]++;
    else if (outcome === 'first_approval') tally.firstApprovals++;
    else tally.refused++;
  }
  return tally;
}
