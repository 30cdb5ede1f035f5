import { UnrecoverableError } from 'bullmq';
import type { Context } from '../context.ts';
import type { ClaimState } from '../db/schema/index.ts';
import { householdAndSystemAccountIds } from '../ledger/accounts.ts';
import { householdBalance } from '../ledger/balance.ts';
import { post as postToLedger } from '../ledger/ledger.ts';
import { transactionOf } from '../plans/runner.ts';
import { textsOf } from '../village-texts.ts';
import { loadClaim, transition, type LoadedClaim } from './claims.ts';
import { tellClaimant } from './notices.ts';

/**
 * Posts a claim's points to the household with the claim's move from `from` (approved, or the end
 * of its publicity) to posted, and tells the villager; all in the caller's transaction. Safe to repeat.
 * `preloaded`: the claim as the caller just read it in this transaction.
 */
export async function postClaim(context: Context, claimId: number, from: ClaimState, reason?: string, preloaded?: LoadedClaim): Promise<void> {
  const tx = transactionOf(context);
  const loaded = preloaded ?? (await loadClaim(tx, claimId));
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  const { claim, rule, household, village } = loaded;

  let balance: number | undefined;
  if (claim.state === from) {
    const points = claim.points!;
    const account = await householdAndSystemAccountIds(tx, household.id, village.id, 'issuance');
    const posting = await postToLedger(tx, {
      idempotencyKey: `claim-${claimId}`, kind: 'award', affectsLifetime: true,
      memo: `${household.code} ${rule.code} ${rule.name} (claim ${claimId})`,
      entries: [
        { accountId: account.household, amount: points },
        { accountId: account.system, amount: -points },
      ],
    });
    balance = posting.balances?.get(account.household);
    await transition(tx, claimId, from, 'posted', { actor: 'system', reason, detail: { transactionId: posting.transactionId } });
  } else if (claim.state !== 'posted') {
    return;
  }
  balance ??= (await householdBalance(tx, household.code)).balance;
  await tellClaimant(context, loaded, 'posted', textsOf(village).posted(claim.points!, balance), { points: String(claim.points), balance: String(balance) });
}
