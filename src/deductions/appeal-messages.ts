import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { cadres, type InboundMessage } from '../db/schema/index.ts';
import { decideDeduction, fileAppeal, findDeduction, type AppealVerdict } from '../deductions/appeals.ts';
import type { DeductionChange } from '../ledger/deduction.ts';
import type { KnownCadre, KnownMember } from '../directory.ts';
import { householdBalance } from '../ledger/balance.ts';
import { tellHousehold } from '../messages/household.ts';
import { queueMessages } from '../messages/outbound.ts';
import { routeTo } from '../messages/addressing.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import type { CadreCommand } from '../understanding/cadre.ts';
import type { KnownVillage } from '../understanding/village-models.ts';
import { answer } from '../commands/answer.ts';
import { transactionOf } from '../plans/runner.ts';

/** 申诉 1234 原因: records the household's appeal and tells the village's approvers; returns the answer to the villager. */
export async function appealDeduction(context: Context, member: KnownMember, message: InboundMessage, appeal: { reference?: number; reason?: string } = {}): Promise<string> {
  const texts = textsOf(member.village);
  if (appeal.reference === undefined) return texts.appeal.whichOne();
  const loaded = await findDeduction(context.db, member.village.id, appeal.reference);
  if (!loaded || loaded.household.id !== member.household.id) return texts.appeal.unknownReference(appeal.reference);
  const reason = appeal.reason ?? texts.noReason;
  const filed = await fileAppeal(transactionOf(context), loaded, { actor: `member:${member.id}`, channel: message.channel, messageId: message.id, reason });
  if (filed.kind === 'already_appealed') return texts.appeal.alreadyFiled(appeal.reference);
  if (filed.kind === 'already_decided') return texts.appeal.alreadyDecided(appeal.reference);
  const approvers = await context.db.select().from(cadres).where(and(eq(cadres.villageId, member.village.id), eq(cadres.canApprove, true)));
  const text = texts.appeal.toApprover(member.village.name, appeal.reference, loaded.household.code, loaded.household.head,
    itemName(loaded.rule.name), loaded.deduction.pointsTaken, reason);
  await queueMessages(context, approvers.flatMap((cadre) => {
    const route = routeTo(context, cadre);
    return route ? [{ dedupeKey: `deduction-${loaded.deduction.id}-appeal-to-${cadre.id}`, ...route, text, sender: member.village.settings.smsSenderNumber, kind: 'appeal_request' }] : [];
  }));
  return texts.appeal.filed(appeal.reference);
}

type Decide = Extract<CadreCommand, { intent: 'decide_deduction' }>;

/** What a cadre is answered after deciding a deduction, and the outcome recorded for it. */
export interface DeductionAnswer { text: string; outcome: string }

/**
 * 维持 / 撤销 / 改 by a cadre who can approve, from SMS or the console: never their own household's;
 * the household is told the outcome and its balance. Runs in the caller's transaction.
 */
export async function decideAsCadre(context: Context, cadre: KnownCadre, reference: number, verdict: AppealVerdict, how: DeductionChange): Promise<DeductionAnswer> {
  const texts = textsOf(cadre.village);
  if (!cadre.canApprove) return { text: texts.decision.notApprover(), outcome: 'not_approver' };
  const loaded = await findDeduction(context.db, cadre.villageId, reference);
  if (!loaded) return { text: texts.appeal.unknownDeduction(reference), outcome: 'unknown_reference' };
  if (loaded.household.id === cadre.householdId) return { text: texts.appeal.ownHousehold(reference), outcome: 'own_household' };
  const decided = await decideDeduction(transactionOf(context), loaded, cadre.id, verdict, how);
  if (decided.kind === 'not_decidable') return { text: texts.appeal.notDecidable(reference, decided.state), outcome: 'not_decidable' };
  const outcome = decided.replacement
    ? texts.appeal.changedTo(itemName(verdict.verdict === 'change' && verdict.rule ? verdict.rule.name : loaded.rule.name), decided.replacement.pointsTaken)
    : texts.appeal.outcomes[decided.state]!;
  const { balance } = await householdBalance(context.db, loaded.household.code);
  await tellHousehold(context, loaded.household, cadre.village, `deduction-${loaded.deduction.id}-${decided.state}`, texts.appeal.toHousehold(reference, outcome, balance), 'appeal_outcome');
  return { text: texts.appeal.decided(reference, outcome, balance), outcome: `deduction_${decided.state}` };
}

/** 维持 / 撤销 / 改 by SMS or WeChat: the cadre is answered on their channel. */
export async function decideAppeal(context: Context, known: KnownVillage, message: InboundMessage, cadre: KnownCadre, command: Decide) {
  const texts = textsOf(cadre.village);
  if (!cadre.canApprove) return answer(context, message, cadre, texts.decision.notApprover(), 'not_approver');
  const { reference } = command;
  const verdict = toVerdict(known, command);
  if (reference === undefined || !verdict) return answer(context, message, cadre, texts.appeal.whichDeduction(), 'appeal_unclear');
  const decided = await decideAsCadre(context, cadre, reference, verdict, {
    actor: `cadre:${cadre.id}`, channel: message.channel, messageId: message.id, reason: command.reason,
  });
  await answer(context, message, cadre, decided.text, decided.outcome);
}

function toVerdict(known: KnownVillage, command: Decide): AppealVerdict | undefined {
  if (command.verdict !== 'change') return { verdict: command.verdict };
  if (command.items.length > 1 || (command.items.length === 0 && command.points === undefined)) return undefined;
  const rule = command.items[0] && known.rules.get(command.items[0].rule.code);
  return { verdict: 'change', rule, points: command.points };
}
