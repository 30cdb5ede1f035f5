import { eq } from 'drizzle-orm';
import { claimsOfMessage, createClaims } from '../claims/new-claims.ts';
import type { Context } from '../context.ts';
import { households, type Household, type InboundMessage } from '../db/schema/index.ts';
import { householdContact, type KnownCadre } from '../directory.ts';
import { receiptLines, redeemFor, refusal } from '../supermarket/desk.ts';
import { itemName, templates } from '../templates.ts';
import type { CadreCommand } from '../understanding/cadre.ts';
import type { KnownVillage } from '../understanding/village-models.ts';
import { understandVillager } from '../understanding/villager.ts';
import { advanceClaim } from '../claims/advance.ts';
import { transactionOf } from '../plans/runner.ts';
import { deductAsCadre } from '../deductions/record.ts';
import { answer } from './answer.ts';

type Command<I extends CadreCommand['intent']> = Extract<CadreCommand, { intent: I }>;

async function householdRow(context: Context, code: string): Promise<Household> {
  const [row] = await context.db.select().from(households).where(eq(households.code, code));
  return row!;
}

/** 代报 (口头申报): a cadre declares a claim for a household; it goes through review like any claim. */
export async function declare(context: Context, known: KnownVillage, message: InboundMessage, cadre: KnownCadre, command: Command<'declare'>) {
  if (!command.household) return answer(context, message, cadre, templates.declare.whichHousehold(), 'declare_unclear');
  const understanding = understandVillager(known.model, command.text);
  if (understanding.intent !== 'claim' || understanding.clarify || understanding.items.length === 0) {
    return answer(context, message, cadre, templates.declare.whichItem(command.household.code), 'declare_unclear');
  }
  const household = await householdRow(context, command.household.code);
  const contact = await householdContact(context.db, household.id);
  const tx = transactionOf(context);
  await createClaims(tx, message, { village: known.village, householdId: household.id, memberId: contact?.id, enteredBy: cadre.id },
    understanding.items.map((item) => ({ rule: known.rules.get(item.rule.code)!, text: command.text })));
  await answer(context, message, cadre, templates.declare.done(household.code, understanding.items.map((i) => itemName(i.rule.name))), 'declared');
  // Answered, recorded and on its way to review in one transaction: no claim is left understood.
  for (const claimId of await claimsOfMessage(tx, message.id)) await advanceClaim(context, claimId);
}

/** 扣分: a deduction from the negative list, posted to the ledger; the household is told why. */
export async function recordDeduction(context: Context, known: KnownVillage, message: InboundMessage, cadre: KnownCadre, command: Command<'deduct'>) {
  if (!cadre.canApprove) return answer(context, message, cadre, templates.deduction.notAllowed(), 'not_allowed');
  if (!command.household) return answer(context, message, cadre, templates.deduction.whichHousehold(), 'deduct_unclear');
  if (command.items.length === 0) return answer(context, message, cadre, templates.deduction.whichItem(command.household.code), 'deduct_unclear');
  // The list decides the points: a cadre who says otherwise is asked, nothing is recorded.
  const rule = command.items.length === 1 ? known.rules.get(command.items[0]!.rule.code)! : undefined;
  if (rule && command.points !== undefined && Math.abs(rule.points) !== command.points) {
    return answer(context, message, cadre, templates.deduction.otherPoints(command.household.code, itemName(rule.name), rule.code, Math.abs(rule.points), command.points), 'deduct_unclear');
  }
  const household = await householdRow(context, command.household.code);
  const items = command.items.map((item) => known.rules.get(item.rule.code)!);
  const recorded = await deductAsCadre(context, cadre, household, items, { key: `deduction-message-${message.id}`, messageId: message.id, channel: message.channel });
  await answer(context, message, cadre, recorded.text, recorded.outcome);
}

/** 兑换: goods taken at the points supermarket; points and stock are checked together. */
export async function recordRedemption(context: Context, message: InboundMessage, cadre: KnownCadre, command: Command<'redeem'>) {
  if (!cadre.canRedeem) return answer(context, message, cadre, templates.redemption.notAllowed(), 'not_allowed');
  if (!command.household) return answer(context, message, cadre, templates.redemption.whichHousehold(), 'redeem_unclear');
  if (command.items.length === 0) return answer(context, message, cadre, templates.redemption.whichGoods(command.household.code), 'redeem_unclear');
  const household = await householdRow(context, command.household.code);
  const result = await redeemFor(context, cadre, household, command.items.map((item) => ({ code: item.rule.code, quantity: command.quantity })), `redemption-message-${message.id}`);
  if (result.kind === 'done') {
    return answer(context, message, cadre, templates.redemption.done(household.code, receiptLines(result), result.points, result.balance, result.id), 'redeemed');
  }
  await answer(context, message, cadre, refusal(household.code, result), result.kind === 'unknown_goods' ? 'redeem_unclear' : result.kind);
}
