import { and, asc, eq, inArray } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../db/database.ts';
import { deductionEvents, deductions, households, rules, villages, type DeductionEvent } from '../db/schema/index.ts';

export interface AppealLine {
  reference: number;
  household: string;
  item: string;
  pointsListed: number;
  pointsTaken: number;
  /** appealed while waiting; upheld, changed or revoked once decided. */
  state: string;
  appeal: { at: string; by: string; reason: string | null };
  decision?: { at: string; by: string; outcome: string; reason: string | null };
  /** What a changed deduction became. */
  replacement?: { reference: number; item: string; pointsTaken: number };
}

const summary = (event: DeductionEvent) => ({ at: event.at.toISOString(), by: event.actor, reason: event.reason });

/** `jifen appeals`: every deduction of the village that was appealed (申诉), with the appeal and its outcome, oldest first. */
export async function appealReport(db: Db, villageCode: string): Promise<AppealLine[]> {
  const replacement = alias(deductions, 'replacement');
  const replacementRule = alias(rules, 'replacement_rule');
  const appealed = db.select({ id: deductionEvents.deductionId }).from(deductionEvents).where(eq(deductionEvents.toState, 'appealed'));
  const rows = await db.select({ deduction: deductions, household: households.code, item: rules.name, replacement, replacementItem: replacementRule.name })
    .from(deductions)
    .innerJoin(villages, eq(villages.id, deductions.villageId))
    .innerJoin(households, eq(households.id, deductions.householdId))
    .innerJoin(rules, eq(rules.id, deductions.ruleId))
    .leftJoin(replacement, eq(replacement.replacesId, deductions.id))
    .leftJoin(replacementRule, eq(replacementRule.id, replacement.ruleId))
    .where(and(eq(villages.code, villageCode), inArray(deductions.id, appealed)))
    .orderBy(asc(deductions.id));
  if (rows.length === 0) return [];
  const events = await db.select().from(deductionEvents)
    .where(inArray(deductionEvents.deductionId, rows.map((row) => row.deduction.id))).orderBy(asc(deductionEvents.id));
  return rows.map(({ deduction, household, item, replacement: replaced, replacementItem }) => {
    const history = events.filter((event) => event.deductionId === deduction.id);
    const appeal = history.find((event) => event.toState === 'appealed')!;
    const decision = history.find((event) => event.fromState === 'appealed');
    return {
      reference: deduction.reference, household, item, pointsListed: deduction.pointsListed, pointsTaken: deduction.pointsTaken, state: deduction.state,
      appeal: summary(appeal),
      ...(decision ? { decision: { ...summary(decision), outcome: decision.toState } } : {}),
      ...(replaced ? { replacement: { reference: replaced.reference, item: replacementItem!, pointsTaken: replaced.pointsTaken } } : {}),
    };
  });
}
