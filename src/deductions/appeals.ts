import { and, desc, eq } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.ts';
import { deductionEvents, deductions, households, rules, type Deduction, type DeductionState, type Household, type Rule } from '../db/schema/index.ts';
import { deduct, moveDeduction, type DeductionChange } from '../ledger/deduction.ts';
import { reverse } from '../ledger/ledger.ts';

/** A cadre's decision on a deduction: 维持 (uphold), 撤销 (revoke), 改 (change to another item or other points). */
export type AppealVerdict =
  | { verdict: 'uphold' }
  | { verdict: 'revoke' }
  | { verdict: 'change'; rule?: Rule; points?: number };

const DECIDABLE: Record<AppealVerdict['verdict'], readonly DeductionState[]> = {
  uphold: ['appealed'], revoke: ['recorded', 'appealed'], change: ['recorded', 'appealed'],
};
const OUTCOME: Record<AppealVerdict['verdict'], DeductionState> = { uphold: 'upheld', revoke: 'revoked', change: 'changed' };

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

/** 申诉: the household asks the cadres to look at a deduction again; only a deduction still standing can be appealed. */
export async function fileAppeal(db: Db, loaded: LoadedDeduction, how: DeductionChange): Promise<AppealFiled> {
  const { deduction } = loaded;
  if ((await movedBy(db, deduction.id, how.messageId)) === 'appealed') return { kind: 'filed', deduction };
  if (deduction.state === 'appealed') return { kind: 'already_appealed', deduction };
  const filed = await db.transaction((tx) => moveDeduction(tx, deduction, ['recorded'], 'appealed', how));
  return { kind: filed ? 'filed' : 'already_decided', deduction };
}

export type AppealDecision =
  | { kind: 'decided'; state: DeductionState; replacement?: Deduction }
  | { kind: 'not_decidable'; state: DeductionState };

/**
 * Decides a deduction: revoking posts the reversal of its transaction (idempotent: reversal-of-<id>),
 * changing posts the reversal and records the new deduction that replaces it, upholding changes no points.
 */
export async function decideDeduction(db: Db, loaded: LoadedDeduction, cadreId: number, decision: AppealVerdict, how: DeductionChange): Promise<AppealDecision> {
  const { deduction, household } = loaded;
  const replacementKey = `deduction-change-of-${deduction.id}`;
  const replacementOf = async () => (await db.select().from(deductions).where(eq(deductions.key, replacementKey)))[0];
  if (await movedBy(db, deduction.id, how.messageId)) return { kind: 'decided', state: OUTCOME[decision.verdict], replacement: await replacementOf() };
  return db.transaction(async (tx) => {
    if (!(await moveDeduction(tx, deduction, DECIDABLE[decision.verdict], OUTCOME[decision.verdict], how))) {
      return { kind: 'not_decidable', state: deduction.state };
    }
    if (decision.verdict !== 'uphold' && deduction.transactionId !== null) {
      await reverse(tx, deduction.transactionId, `${household.code} 扣分 ${deduction.reference} ${OUTCOME[decision.verdict]}`);
    }
    if (decision.verdict !== 'change') return { kind: 'decided', state: OUTCOME[decision.verdict] };
    const rule = decision.rule ?? loaded.rule;
    const replacement = await deduct(tx, {
      household, rule, key: replacementKey, cadreId, points: decision.points ?? (decision.rule ? undefined : deduction.pointsListed),
      messageId: how.messageId, channel: how.channel, replacesId: deduction.id,
    });
    return { kind: 'decided', state: 'changed', replacement };
  });
}
