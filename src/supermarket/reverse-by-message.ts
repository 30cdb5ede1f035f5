import type { Context } from '../context.ts';
import type { InboundMessage } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { reverseFor } from '../supermarket/desk.ts';
import { textsOf } from '../village-texts.ts';
import { answer } from '../commands/answer.ts';

/** 撤销兑换 12: a cadre who can redeem undoes a redemption; points and stock come back once. */
export async function reverseRedemptionByMessage(context: Context, message: InboundMessage, cadre: KnownCadre, redemptionId: number | undefined) {
  const texts = textsOf(cadre.village);
  if (!cadre.canRedeem) return answer(context, message, cadre, texts.reversal.notAllowed(), 'not_allowed');
  if (redemptionId === undefined) return answer(context, message, cadre, texts.reversal.whichOne(), 'reversal_unclear');
  const result = await reverseFor(context, cadre, redemptionId);
  if (result.kind === 'unknown') return answer(context, message, cadre, texts.reversal.unknown(redemptionId), 'unknown_redemption');
  await answer(context, message, cadre, texts.reversal.done(redemptionId, result.household.code, result.redemption.points, result.balance!), 'redemption_reversed');
}
