import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { cadres, deductionEvents, deductions, households, rules, type DeductionState, type Village } from '../db/schema/index.ts';
import type { AppealVerdict } from '../deductions/appeals.ts';
import { decideAsCadre, type DeductionAnswer } from '../deductions/appeal-messages.ts';
import { deductAsCadre } from '../deductions/record.ts';
import type { KnownCadre } from '../directory.ts';
import { runInTransaction } from '../plans/runner.ts';
import { templates } from '../templates.ts';
import { audit } from './audit.ts';

const LIST_LIMIT = 100;

export interface DeductionLine {
  reference: number;
  household: string;
  head: string;
  item: string;
  pointsListed: number;
  pointsTaken: number;
  state: DeductionState;
  at: Date;
  cadre: string;
  /** The household's appeal (申诉), if any, and the decision on it. */
  appeal?: { at: Date; reason: string | null };
  decision?: { at: Date; by: string; reason: string | null };
}

/** The village's deductions, appeals waiting first, then newest first: what 扣分与申诉 lists. */
export async function deductionList(db: Executor, village: Village): Promise<DeductionLine[]> {
  const rows = await db.select({ deduction: deductions, household: households.code, head: households.head, item: rules.name, cadre: cadres.name })
    .from(deductions).innerJoin(households, eq(households.id, deductions.householdId)).innerJoin(rules, eq(rules.id, deductions.ruleId))
    .innerJoin(cadres, eq(cadres.id, deductions.cadreId))
    .where(eq(deductions.villageId, village.id))
    .orderBy(sql`${deductions.state} = 'appealed' desc`, desc(deductions.id)).limit(LIST_LIMIT);
  const events = rows.length === 0 ? [] : await db.select().from(deductionEvents)
    .where(inArray(deductionEvents.deductionId, rows.map((row) => row.deduction.id))).orderBy(deductionEvents.id);
  return rows.map(({ deduction, household, head, item, cadre }) => {
    const history = events.filter((event) => event.deductionId === deduction.id);
    const appeal = history.find((event) => event.toState === 'appealed');
    const decision = history.find((event) => event.fromState !== null && event.toState !== 'appealed');
    return {
      reference: deduction.reference, household, head, item, pointsListed: deduction.pointsListed, pointsTaken: deduction.pointsTaken,
      state: deduction.state, at: deduction.createdAt, cadre,
      ...(appeal ? { appeal: { at: appeal.at, reason: appeal.reason } } : {}),
      ...(decision ? { decision: { at: decision.at, by: decision.actor, reason: decision.reason } } : {}),
    };
  });
}

/** The village's negative list (负面清单): what a deduction can be changed to. */
export const deductionItems = (db: Executor, village: Village) =>
  db.select().from(rules).where(and(eq(rules.villageId, village.id), eq(rules.active, true), lt(rules.points, 0))).orderBy(rules.code);

export interface ConsoleVerdict {
  reference: number;
  verdict: AppealVerdict['verdict'];
  /** 改: another item of the negative list, or other points. */
  rule?: string;
  points?: number;
  reason?: string;
  ip: string;
}

/** A cadre's decision on a deduction in the console: the same function as 维持/撤销/改 by SMS, with its audit row, in one transaction. */
export async function decideDeductionFromConsole(context: Context, cadre: KnownCadre, decision: ConsoleVerdict): Promise<DeductionAnswer> {
  return runInTransaction(context, async (work) => {
    const rule = decision.rule ? (await deductionItems(work.db, cadre.village)).find((item) => item.code === decision.rule) : undefined;
    const verdict: AppealVerdict = decision.verdict === 'change' ? { verdict: 'change', rule, points: decision.points } : { verdict: decision.verdict };
    const answer = await decideAsCadre(work, cadre, decision.reference, verdict, { actor: `cadre:${cadre.id}`, channel: 'console', reason: decision.reason });
    await audit(work.db, {
      actor: `cadre:${cadre.id}`, ip: decision.ip, action: `deduction_${decision.verdict}`,
      detail: { reference: decision.reference, rule: decision.rule, points: decision.points, reason: decision.reason, outcome: answer.outcome },
    });
    return answer;
  }, `console-deduction-${decision.reference}`);
}

export interface ConsoleDeduction { household: string; rule: string; key: string; ip: string }

/**
 * 扣分 in the console: the same recording as 「扣分 FNP-003 N01」 by SMS (a cadre who can approve, an
 * item of the village's negative list, the household told), with its audit row, in one transaction.
 * The form's key makes a resent form record nothing more.
 */
export async function recordDeductionFromConsole(context: Context, cadre: KnownCadre, form: ConsoleDeduction): Promise<DeductionAnswer> {
  if (!cadre.canApprove) return { text: templates.deduction.notAllowed(), outcome: 'not_allowed' };
  return runInTransaction(context, async (work) => {
    const [household] = await work.db.select().from(households).where(and(eq(households.villageId, cadre.villageId), eq(households.code, form.household)));
    const rule = (await deductionItems(work.db, cadre.village)).find((item) => item.code === form.rule);
    const answer = !household ? { text: templates.console.noHousehold(form.household), outcome: 'unknown_household' }
      : !rule ? { text: templates.deduction.whichItem(household.code), outcome: 'deduct_unclear' }
      : await deductAsCadre(work, cadre, household, [rule], { key: `deduction-console-${form.key}-${household.code}`, channel: 'console' });
    await audit(work.db, { actor: `cadre:${cadre.id}`, ip: form.ip, action: 'deduction_record', detail: { household: form.household, rule: form.rule, outcome: answer.outcome } });
    return answer;
  }, `console-deduct-${form.key}`);
}
