import type { Preview } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { findMember } from '../directory.ts';
import { householdBalance } from '../ledger/balance.ts';
import { itemName, templates } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { knownVillage } from './village-models.ts';
import { understandVillager } from './villager.ts';

/** What jifen makes of a caller's words, to read back before the claim is sent in (nothing is stored). */
export async function preview(context: Context, channel: string, sender: string, text: string): Promise<Preview> {
  const member = await findMember(context.db, channel, sender);
  if (!member) return { kind: 'unknown_caller', speech: templates.unregistered() };
  const known = await knownVillage(context.db, member.village);
  const texts = textsOf(member.village);
  const understanding = understandVillager(known.model, text);
  if (understanding.intent === 'claim' && !understanding.clarify && understanding.items.length > 0) {
    const said = understanding.items.map((item) => `${itemName(item.rule.name)}，${known.rules.get(item.rule.code)!.points}分`);
    return { kind: 'claim', speech: texts.spoken.claim(said.join('；')) };
  }
  if (understanding.intent === 'balance') {
    const b = await householdBalance(context.db, member.household.code);
    return { kind: 'answer', speech: texts.balance(b.household, b.balance, b.lifetime) };
  }
  return { kind: 'unclear', speech: texts.spoken.unclear() };
}
