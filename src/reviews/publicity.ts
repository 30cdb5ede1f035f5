import { loadClaim, transition } from '../claims/claims.ts';
import { tellClaimant } from '../claims/notices.ts';
import { postClaim } from '../claims/post.ts';
import type { Context } from '../context.ts';
import { transactionOf } from '../plans/runner.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { publicityEnd } from './policy.ts';
import { currentRound, publicitySince } from './rounds.ts';

/**
 * What follows an approval, in the same transaction: posting at once, or with `publicity_days` set,
 * publicity (公示) first: the claim is listed for that many days and posts at their end unless
 * someone objects. Safe to repeat.
 */
export async function afterApproval(context: Context, claimId: number): Promise<void> {
  const tx = transactionOf(context);
  const loaded = (await loadClaim(tx, claimId))!;
  const days = loaded.village.settings.publicityDays ?? 0;
  if (days <= 0) return postClaim(context, claimId, 'approved', undefined, loaded);
  if (loaded.claim.state === 'approved') await transition(tx, claimId, 'approved', 'publicity', { actor: 'system', detail: { days } });
  const { claim, rule } = (await loadClaim(tx, claimId))!;
  if (claim.state !== 'publicity') return;
  const round = (await currentRound(tx, claimId))?.round ?? 0;
  const ends = publicityEnd((await publicitySince(tx, claimId))!, days);
  await context.outbox.enqueue({ name: 'publicity-end', data: { claimId, round } }, { delayMs: ends.getTime() - Date.now() });
  await tellClaimant(context, loaded, round === 0 ? 'publicity' : `publicity-round-${round}`, textsOf(loaded.village).publicity.started(itemName(rule.name), days));
}

/** The days of publicity passed: posts the claim unless an objection sent it back to review in the meantime. */
export async function endPublicity(context: Context, claimId: number, round: number): Promise<void> {
  const loaded = await loadClaim(context.db, claimId);
  // A check-in's claim never waited for review: its publicity is round 0, as afterApproval counts it.
  if (!loaded || ((await currentRound(context.db, claimId))?.round ?? 0) !== round) return;
  await postClaim(context, claimId, 'publicity', '公示期满无异议');
}
