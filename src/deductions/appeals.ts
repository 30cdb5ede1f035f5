import { and, desc, eq } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/database.ts';
import { deductionEvents, deductions, households, rules, type Deduction, type DeductionState, type Household, type Rule } from '../db/schema/index.ts';
import { deduct, moveDeduction, type DeductionChange } from '../ledger/deduction.ts';
import { reverse } from '../ledger/ledger.ts';
import { appealFiling, outcomeOf, planDecision, type AppealVerdict } from './appeal-rules.ts';

export type { AppealVerdict } from './appeal-rules.ts';

export interface LoadedDeduction {
  deduction: Deduction;
  household: Household;
  rule: Rule;
}

/** The village's newest deduction with this reference, with its household and item. */
export async function findDeduction(db: Executor, villageId: number, reference: number): Promise<LoadedDeduction | undefined> {
  const [row] = await db.select({ deduction: deductions, household: households, rule: rules }).from(deductions)
    .innerJoin(households, eq(households.id, deductions.householdId)).innerJoin(rules, eq(rules.id, deductions.ruleId))
    .where(and(eq(deductions.villageId, villageId), eq(deductions.reference, reference)))
    .orderBy(desc(deductions.id)).limit(1);
  return row;
}

export async function loadDeduction(db: Executor, id: number): Promise<LoadedDeduction> {
  const [row] = await db.select({ deduction: deductions, household: households, rule: rules }).from(deductions)
    .innerJoin(households, eq(households.id, deductions.householdId)).innerJoin(rules, eq(rules.id, deductions.ruleId))
    .where(eq(deductions.id, id));
  return row!;
}

/** The state a message already moved this deduction to: a job run again answers as the first run did. */
async function movedBy(db: Executor, deductionId: number, messageId: number | undefined): Promise<DeductionState | undefined> {
  if (messageId === undefined) return undefined;
  const [event] = await db.select({ toState: deductionEvents.toState }).from(deductionEvents)
    .where(and(eq(deductionEvents.deductionId, deductionId), eq(deductionEvents.messageId, messageId)));
  return event?.toState;
}

export type AppealFiled = { kind: 'filed' | 'already_appealed' | 'already_decided'; deduction: Deduction };

/** 申诉: the household asks the cadres to look at a deduction again, in the runner's transaction. */
export async function fileAppeal(tx: Transaction, loaded: LoadedDeduction, how: DeductionChange): Promise<AppealFiled> {
  const { deduction } = loaded;
  const filing = appealFiling(deduction.state, await movedBy(tx, deduction.id, how.messageId));
  if (filing !== 'file') return { kind: filing, deduction };
  const filed = await moveDeduction(tx, deduction, ['recorded'], 'appealed', how);
  return { kind: filed ? 'filed' : 'already_decided', deduction };
}

export type AppealDecision =
  | { kind: 'decided'; state: DeductionState; replacement?: Deduction }
  | { kind: 'not_decidable'; state: DeductionState };

/**
 * Decides a deduction in the runner's transaction (see planDecision): revoking posts the reversal
 * of its transaction (idempotent: reversal-of-<id>), changing posts the reversal and records the
 * new deduction that replaces it, upholding changes no points.
 */
export async function decideDeduction(tx: Transaction, loaded: LoadedDeduction, cadreId: number, decision: AppealVerdict, how: DeductionChange): Promise<AppealDecision> {
  const { deduction, household } = loaded;
  const replacementKey = `deduction-change-of-${deduction.id}`;
  if (await movedBy(tx, deduction.id, how.messageId)) {
    const [replacement] = await tx.select().from(deductions).where(eq(deductions.key, replacementKey));
    return { kind: 'decided', state: outcomeOf(decision), replacement };
  }
  const plan = planDecision(deduction, loaded.rule, decision);
  if (!plan || !(await moveDeduction(tx, deduction, plan.from, plan.to, how))) return { kind: 'not_decidable', state: deduction.state };
  if (plan.reversesPosting) await reverse(tx, deduction.transactionId!, `${household.code} 扣分 ${deduction.reference} ${plan.to}`);
  if (!plan.replacement) return { kind: 'decided', state: plan.to };
  const replacement = await deduct(tx, {
    household, rule: plan.replacement.rule, key: replacementKey, cadreId, points: plan.replacement.points,
    messageId: how.messageId, channel: how.channel, replacesId: deduction.id,
  });
  return { kind: 'decided', state: plan.to, replacement };
}
