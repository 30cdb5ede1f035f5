import { loadClaim, transition } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import { publicityEnd } from '../src/reviews/policy.ts';
import { currentRound, publicitySince } from '../src/reviews/rounds.ts';
import { itemName, templates } from '../src/templates.ts';
import { tellClaimant } from './claim-notices.ts';
import { postClaim } from './post.ts';
import type { PipelineStage } from './stage.ts';

/**
 * What follows an approval: posting at once, or with `publicity_days` set, publicity (公示) first:
 * the claim is listed for that many days and posts at their end unless someone objects. Safe to repeat.
 */
export async function afterApproval(context: Context, claimId: number): Promise<void> {
  const loaded = (await loadClaim(context.db, claimId))!;
  const days = loaded.village.settings.publicityDays ?? 0;
  if (days <= 0) return context.jobs.enqueue({ name: 'post', data: { claimId } });
  if (loaded.claim.state === 'approved') {
    await context.db.transaction((tx) => transition(tx, claimId, 'approved', 'publicity', { actor: 'system', detail: { days } }));
  }
  const { claim, rule } = (await loadClaim(context.db, claimId))!;
  if (claim.state !== 'publicity') return;
  const round = (await currentRound(context.db, claimId))?.round ?? 0;
  const ends = publicityEnd((await publicitySince(context.db, claimId))!, days);
  await context.jobs.enqueue({ name: 'publicity-end', data: { claimId, round } }, { delayMs: ends.getTime() - Date.now() });
  await tellClaimant(context, loaded, round === 0 ? 'publicity' : `publicity-round-${round}`, templates.publicity.started(itemName(rule.name), days));
}

/** The days of publicity passed: posts the claim unless an objection sent it back to review in the meantime. */
export const publicityEnded: PipelineStage<'publicity-end'> = async (context, { claimId, round }) => {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded || (await currentRound(context.db, claimId))?.round !== round) return;
  await postClaim(context, claimId, 'publicity', '公示期满无异议');
};
