import { UnrecoverableError } from 'bullmq';
import { loadClaim, transition } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import type { ClaimState } from '../src/db/schema/index.ts';
import { householdAccountId, systemAccountId } from '../src/ledger/accounts.ts';
import { householdBalance } from '../src/ledger/balance.ts';
import { post as postToLedger } from '../src/ledger/ledger.ts';
import { templates } from '../src/templates.ts';
import { tellClaimant } from './claim-notices.ts';
import type { PipelineStage } from './stage.ts';

/**
 * Posts a claim's points to the household in one database transaction with the claim's move from
 * `from` (approved, or the end of its publicity) to posted, and tells the villager. Safe to repeat.
 */
export async function postClaim(context: Context, claimId: number, from: ClaimState, reason?: string): Promise<void> {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  const { claim, rule, household, village } = loaded;

  if (claim.state === from) {
    await context.db.transaction(async (tx) => {
      const points = claim.points!;
      const posting = await postToLedger(tx, {
        idempotencyKey: `claim-${claimId}`, kind: 'award', affectsLifetime: true,
        memo: `${household.code} ${rule.code} ${rule.name} (claim ${claimId})`,
        entries: [
          { accountId: await householdAccountId(tx, household.id), amount: points },
          { accountId: await systemAccountId(tx, village.id, 'issuance'), amount: -points },
        ],
      });
      await transition(tx, claimId, from, 'posted', { actor: 'system', reason, detail: { transactionId: posting.transactionId } });
    });
  } else if (claim.state !== 'posted') {
    return;
  }
  const { balance } = await householdBalance(context.db, household.code);
  await tellClaimant(context, loaded, 'posted', templates.posted(claim.points!, balance), { points: String(claim.points), balance: String(balance) });
}

export const post: PipelineStage<'post'> = (context, { claimId }) => postClaim(context, claimId, 'approved');
