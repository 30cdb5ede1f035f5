import { UnrecoverableError } from 'bullmq';
import { loadClaim, transition } from '../src/claims/claims.ts';
import type { PipelineStage } from './stage.ts';

/** How many points the claim is worth: the item's points from the village's list. */
export const score: PipelineStage<'score'> = async (context, { claimId }) => {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  if (loaded.claim.state === 'validated') {
    await context.db.transaction((tx) => transition(tx, claimId, 'validated', 'scored', {
      actor: 'system', set: { points: loaded.rule.points }, detail: { rule: loaded.rule.code, points: loaded.rule.points },
    }));
  } else if (loaded.claim.points === null) {
    return; // not validated (yet, or ever)
  }
  await context.jobs.enqueue({ name: 'review-request', data: { claimId } });
};
