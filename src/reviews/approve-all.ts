import type { Transaction } from '../db/database.ts';
import type { Cadre, Village } from '../db/schema/index.ts';
import { approve, type Via } from './approval.ts';
import { waitingFor } from './review.ts';

/** How many batches one 全部同意 reads at most: each batch decides a claim or finds it gone, so this is never reached in practice. */
const MAX_BATCHES = 100;

export interface ApprovedAll {
  /** Claims this cadre approved or voted for now. */
  decided: number;
  /** True when claims still wait for this cadre after the limit was reached: they are told to send 全部同意 again. */
  more: boolean;
}

/**
 * 全部同意: the cadre approves the claims waiting for them, oldest first, up to `limit`. Claims that
 * other cadres decide at the same moment are skipped and the next ones taken, so three cadres sending
 * 全部同意 together share the work, and "nothing waiting" is said only when nothing waits. Runs in the
 * message's one transaction: a claim another cadre's open transaction holds is waited for, then found decided.
 */
export async function approveAllWaiting(tx: Transaction, cadre: Cadre & { village: Village }, via: Via, limit: number): Promise<ApprovedAll> {
  let decided = 0;
  for (let batch = 0; batch < MAX_BATCHES && decided < limit; batch++) {
    const waiting = await waitingFor(tx, cadre, limit - decided);
    if (waiting.length === 0) return { decided, more: false };
    for (const claim of waiting) {
      const outcome = await approve(tx, claim.id, cadre, via);
      if (outcome === 'approved' || outcome === 'first_approval') decided++;
    }
  }
  return { decided, more: (await waitingFor(tx, cadre, 1)).length > 0 };
}
