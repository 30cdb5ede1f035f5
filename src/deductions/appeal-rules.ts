import type { Deduction, DeductionState, Rule } from '../db/schema/index.ts';

/**
 * The decisions about a deduction's appeal (申诉) as pure functions: what the database knows is
 * passed in (the deduction, the state an earlier run of the same message moved it to), what
 * must change comes back. src/deductions/appeals.ts applies them in the runner's transaction.
 */

/** A cadre's decision on a deduction: 维持 (uphold), 撤销 (revoke), 改 (change to another item or other points). */
export type AppealVerdict =
  | { verdict: 'uphold' }
  | { verdict: 'revoke' }
  | { verdict: 'change'; rule?: Rule; points?: number };

const DECIDABLE: Record<AppealVerdict['verdict'], readonly DeductionState[]> = {
  uphold: ['appealed'], revoke: ['recorded', 'appealed'], change: ['recorded', 'appealed'],
};
const OUTCOME: Record<AppealVerdict['verdict'], DeductionState> = { uphold: 'upheld', revoke: 'revoked', change: 'changed' };

/** The state a verdict leaves a deduction in. */
export const outcomeOf = (decision: AppealVerdict): DeductionState => OUTCOME[decision.verdict];

export type Filing = 'file' | 'filed' | 'already_appealed' | 'already_decided';

/**
 * What an appeal does: `file` moves the deduction to appealed; `filed` when this message already
 * did (a job run again answers as the first run did); only a deduction still standing can be appealed.
 */
export function appealFiling(state: DeductionState, movedByThisMessage: DeductionState | undefined): Filing {
  if (movedByThisMessage === 'appealed') return 'filed';
  if (state === 'appealed') return 'already_appealed';
  return state === 'recorded' ? 'file' : 'already_decided';
}

/** What a decision does to the ledger and the records: the move, whether its posting is reversed, the deduction that replaces it. */
export interface DeductionPlan {
  from: readonly DeductionState[];
  to: DeductionState;
  reversesPosting: boolean;
  /** 改: the item and points (undefined: the item's listed points) of the new deduction. */
  replacement?: { rule: Rule; points?: number };
}

/**
 * The plan of a verdict on a deduction, or undefined when its state does not allow it (upholding a
 * deduction nobody appealed, deciding one decided). Changing to other points of the same item keeps
 * what the item listed unless the cadre says the points.
 */
export function planDecision(deduction: Pick<Deduction, 'state' | 'transactionId' | 'pointsListed'>, rule: Rule, decision: AppealVerdict): DeductionPlan | undefined {
  const from = DECIDABLE[decision.verdict];
  if (!from.includes(deduction.state)) return undefined;
  const plan: DeductionPlan = { from, to: outcomeOf(decision), reversesPosting: decision.verdict !== 'uphold' && deduction.transactionId !== null };
  if (decision.verdict !== 'change') return plan;
  return { ...plan, replacement: { rule: decision.rule ?? rule, points: decision.points ?? (decision.rule ? undefined : deduction.pointsListed) } };
}
