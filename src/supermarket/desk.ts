import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { households, type Household, type Village } from '../db/schema/index.ts';
import { findCadre, type KnownCadre } from '../directory.ts';
import { answerOnce } from '../idempotency.ts';
import { householdBalance } from '../ledger/balance.ts';
import { tellHousehold } from '../messages/household.ts';
import { runInTransaction, transactionOf } from '../plans/runner.ts';
import { itemName } from '../templates.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import { MAX_QUANTITY, type RedemptionLine } from './pricing.ts';
import { redeem, type Redemption } from './redeem.ts';
import { reverseRedemption, type Reversal } from './reverse.ts';

/** The supermarket's counter, shared by a cadre's SMS, the CLI and the API: records, receipts, reversals. */

/** A cadre or household the CLI or API names that jifen does not know, or a cadre who may not redeem. */
export class DeskError extends Error {
  constructor(readonly reason: 'unknown_cadre' | 'not_allowed' | 'unknown_household', message: string) {
    super(message);
  }
}

/** The cadre behind a CLI or API call: known, and allowed to record redemptions (can_redeem). */
export async function redeemingCadre(db: Executor, phone: string): Promise<KnownCadre> {
  const cadre = await findCadre(db, 'cli', phone);
  if (!cadre) throw new DeskError('unknown_cadre', `no cadre with phone ${phone}`);
  if (!cadre.canRedeem) throw new DeskError('not_allowed', `cadre ${cadre.name} may not record redemptions (can_redeem)`);
  return cadre;
}

export async function villageHousehold(db: Executor, cadre: KnownCadre, code: string): Promise<Household> {
  const [household] = await db.select().from(households).where(and(eq(households.code, code), eq(households.villageId, cadre.villageId)));
  if (!household) throw new DeskError('unknown_household', `no household ${code} in ${cadre.village.code}`);
  return household;
}

export const receiptLines = (result: Extract<Redemption, { kind: 'done' }>) => result.lines.map(({ name, quantity }) => `${itemName(name)}×${quantity}`);

/** Records a redemption and, when it is done, sends the household its receipt with the new balance (once per redemption). */
export async function redeemFor(context: Context, cadre: KnownCadre, household: Household, lines: RedemptionLine[], key: string): Promise<Redemption> {
  const result = await redeem(context.db, household, lines, key, cadre.id);
  if (result.kind === 'done') await sendReceipt(context, household, cadre.village, result.id, receiptLines(result), result.points, result.balance);
  return result;
}

/** The household's receipt, once per redemption (its message key), so sending it again is harmless. */
async function sendReceipt(context: Context, household: Household, village: Village, id: number, lines: string[], points: number, balance: number): Promise<void> {
  await tellHousehold(context, household, village, `redemption-${id}-receipt`, textsOf(village).redemption.receipt(lines, points, balance, id), 'redemption_receipt');
}

/** Reverses a redemption and tells the household, once, in the runner's transaction; the balance is the one after the reversal. */
export async function reverseFor(context: Context, cadre: KnownCadre, redemptionId: number): Promise<Reversal & { balance?: number }> {
  const result = await reverseRedemption(transactionOf(context), cadre.villageId, redemptionId, cadre.id);
  if (result.kind === 'unknown') return result;
  const { balance } = await householdBalance(context.db, result.household.code);
  await tellHousehold(context, result.household, cadre.village, `redemption-${redemptionId}-reversed`,
    textsOf(cadre.village).reversal.toHousehold(redemptionId, result.redemption.points, balance), 'redemption_reversed');
  return { ...result, balance };
}

export interface DeskRedemption {
  cadrePhone: string;
  household: string;
  /** The goods and how many of each (one line from the CLI and API, several from the console's counter). */
  lines: RedemptionLine[];
  /** Names the redemption so a retried call records it once; reused for another request it is refused. */
  key: string;
}

export type DeskResult =
  | { ok: true; redemption: number; household: string; points: number; balance: number; lines: string[]; replayed: boolean }
  | { ok: false; refused: Exclude<Redemption['kind'], 'done'>; reason: string };

/** The refusal as the cadre reads it: why nothing changed. */
export function refusal(texts: Texts, household: string, result: Exclude<Redemption, { kind: 'done' }>): string {
  switch (result.kind) {
    case 'not_enough_points': return texts.redemption.notEnoughPoints(household, result.needed, result.balance);
    case 'out_of_stock': return texts.redemption.outOfStock(itemName(result.name), result.left);
    case 'unknown_goods': return texts.redemption.whichGoods(household);
    case 'bad_quantity': return texts.redemption.badQuantity(household, MAX_QUANTITY);
  }
}

/**
 * `jifen redeem`, `POST /api/redemptions` and the console's counter: a redemption recorded by a
 * cadre with can_redeem, outside a message, in one transaction with its receipt. A keyed request:
 * a retry answers the first result (replayed), the key reused for another request throws
 * IdempotencyConflictError; a refusal records nothing, the key included.
 */
export function redeemAtDesk(context: Context, request: DeskRedemption): Promise<DeskResult> {
  return runInTransaction(context, (tx) => redeemKeyed(tx, request), 'redeem');
}

async function redeemKeyed(context: Context, request: DeskRedemption): Promise<DeskResult> {
  const { key, cadrePhone, household: code, lines } = request;
  let parties: { cadre: KnownCadre; household: Household } | undefined;
  const { response, replayed } = await answerOnce<DeskResult>(context.db, key, { cadre: cadrePhone, household: code, lines }, {
    run: async (tx) => {
      const cadre = await redeemingCadre(tx, cadrePhone);
      const household = await villageHousehold(tx, cadre, code);
      parties = { cadre, household };
      const result = await redeem(tx, household, lines, key, cadre.id);
      if (result.kind !== 'done') return { ok: false, refused: result.kind, reason: refusal(textsOf(cadre.village), household.code, result) };
      return { ok: true, redemption: result.id, household: household.code, points: result.points, balance: result.balance, lines: receiptLines(result), replayed: false };
    },
    keep: (result) => result.ok,
  });
  if (!response.ok) return response;
  if (replayed) return { ...response, replayed };
  // The receipt commits with the redemption: a replay's was recorded by the first request (the sweeper sends it if it is stuck).
  const { cadre, household } = parties!;
  await sendReceipt(context, household, cadre.village, response.redemption, response.lines, response.points, response.balance);
  return response;
}

export type DeskReversal =
  | { ok: true; redemption: number; household: string; points: number; balance: number; replayed: boolean }
  | { ok: false; refused: 'unknown'; reason: string };

/** `jifen redeem --reverse` and `POST /api/redemptions/:id/reversal`: one transaction, the household's notice with it. */
export function reverseAtDesk(context: Context, cadrePhone: string, redemptionId: number): Promise<DeskReversal> {
  return runInTransaction(context, async (tx): Promise<DeskReversal> => {
    const cadre = await redeemingCadre(tx.db, cadrePhone);
    const result = await reverseFor(tx, cadre, redemptionId);
    if (result.kind === 'unknown') return { ok: false, refused: 'unknown', reason: textsOf(cadre.village).reversal.unknown(redemptionId) };
    return { ok: true, redemption: redemptionId, household: result.household.code, points: result.redemption.points, balance: result.balance!, replayed: result.replayed };
  }, 'reverse-redemption');
}
