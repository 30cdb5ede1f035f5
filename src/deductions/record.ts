import type { Context } from '../context.ts';
import type { Household, Rule } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { householdBalance } from '../ledger/balance.ts';
import { deduct } from '../ledger/deduction.ts';
import { tellHousehold } from '../messages/household.ts';
import { transactionOf } from '../plans/runner.ts';
import { itemName, templates } from '../templates.ts';

/**
 * 扣分 by a cadre, from SMS or the console: each item of the negative list recorded and posted once
 * (`<key>-<item code>`), the household told why and its balance once (`key`). Returns the cadre's
 * answer. Runs in the caller's transaction.
 */
export async function deductAsCadre(context: Context, cadre: KnownCadre, household: Household, items: Rule[], how: { key: string; messageId?: number; channel: string }) {
  const lines: string[] = [];
  for (const rule of items) {
    const recorded = await deduct(transactionOf(context), {
      household, rule, key: `${how.key}-${rule.code}`, cadreId: cadre.id, messageId: how.messageId, channel: how.channel,
    });
    lines.push(templates.deduction.line(itemName(rule.name), recorded.pointsListed, recorded.pointsTaken, recorded.reference));
  }
  const { balance } = await householdBalance(context.db, household.code);
  await tellHousehold(context, household, cadre.village, how.key, templates.deduction.toHousehold(lines, balance), 'deduction');
  return { text: templates.deduction.done(household.code, lines, balance), outcome: 'deducted' };
}
