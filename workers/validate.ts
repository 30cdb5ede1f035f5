import { sql } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import { countTowardCap, loadClaim, transition } from '../src/claims/claims.ts';
import { templates } from '../src/templates.ts';
import { tellClaimant } from './claim-notices.ts';
import type { PipelineStage } from './stage.ts';

/** Does the claim stand? The item must still be on the list and the household within its cap for the period. */
export const validate: PipelineStage<'validate'> = async (context, { claimId }) => {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  const { claim, rule } = loaded;

  if (claim.state === 'understood') {
    const moved = await context.db.transaction(async (tx) => {
      // Two claims of one item by one household must not both pass the cap check.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`cap:${claim.householdId}:${claim.ruleId}`}))`);
      let reason: string | undefined;
      if (!rule.active) reason = templates.inactiveRule(rule.name);
      else if (rule.cap !== null && (await countTowardCap(tx, claim)) >= rule.cap) {
        reason = templates.capReached(rule.name, rule.cap, templates.periods[rule.per ?? ''] ?? '');
      }
      return transition(tx, claimId, 'understood', reason ? 'invalid' : 'validated', { actor: 'system', reason });
    });
    loaded.claim = moved ?? (await loadClaim(context.db, claimId))!.claim;
  }

  if (loaded.claim.state === 'invalid') {
    await tellClaimant(context, loaded, 'invalid', loaded.claim.reason ?? '');
  } else if (loaded.claim.state !== 'understood') {
    await context.jobs.enqueue({ name: 'score', data: { claimId } });
  }
};
