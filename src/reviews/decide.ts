import { transition } from '../claims/claims.ts';
import type { Db } from '../db/database.ts';
import type { Cadre } from '../db/schema/index.ts';
import { approve, type ApprovalOutcome, type Via } from './approval.ts';

export type DecisionOutcome = ApprovalOutcome | 'rejected';

/**
 * A cadre's verdict on one claim awaiting review, by SMS, WeChat or the console; the outcome says
 * what changed (see approve). A rejection by any approver rejects, whatever the item.
 */
export async function decideClaim(db: Db, cadre: Cadre, claimId: number, verdict: 'approved' | 'rejected', via: Via, reason?: string): Promise<DecisionOutcome> {
  if (verdict === 'approved') return approve(db, claimId, cadre, via);
  const moved = await db.transaction((tx) => transition(tx, claimId, 'awaiting_review', 'rejected', {
    actor: `cadre:${cadre.id}`, ...via, reason, set: { reviewedBy: cadre.id },
  }));
  return moved ? 'rejected' : 'not_waiting';
}
