import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { catalogueItems, households, redemptions, type CatalogueItem } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { householdBalance } from '../ledger/balance.ts';
import { redeemAtDesk, reverseFor } from '../supermarket/desk.ts';
import type { RedemptionLine } from '../supermarket/pricing.ts';
import { audit } from './audit.ts';
import { runInTransaction } from '../plans/runner.ts';

/** The most of one goods a counter form takes. */
export const MAX_QUANTITY = 99;

export const goodsOf = (context: Context, villageId: number) =>
  context.db.select().from(catalogueItems).where(eq(catalogueItems.villageId, villageId)).orderBy(catalogueItems.code);

/** The lines a counter form picked: one quantity field per goods (qty_S01), empty or 0 for none. */
export function pickedLines(goods: CatalogueItem[], form: Record<string, unknown>): RedemptionLine[] {
  return goods.map((item) => ({ code: item.code, quantity: Number(form[`qty_${item.code}`] ?? 0) }))
    .filter((line) => Number.isInteger(line.quantity) && line.quantity > 0 && line.quantity <= MAX_QUANTITY);
}

/** What the picked goods cost and what the household would have left: the counter shows it before anyone confirms. */
export function priceOf(goods: CatalogueItem[], lines: RedemptionLine[], balance: number) {
  const points = lines.reduce((sum, line) => sum + (goods.find((g) => g.code === line.code)?.points ?? 0) * line.quantity, 0);
  return { points, after: balance - points };
}

export type CounterResult = { kind: 'done'; id: number } | { kind: 'refused'; reason: string };

/**
 * A redemption confirmed at the counter: the same keyed desk request as the CLI and API. The form's
 * key names it: a double click or a resent form redeems once and shows the same receipt; the key
 * reused for other goods is refused (IdempotencyConflictError), nothing recorded.
 */
export function redeemAtCounter(context: Context, cadre: KnownCadre, code: string, lines: RedemptionLine[], formKey: string, ip: string): Promise<CounterResult> {
  // The audit row joins the redemption's transaction.
  return runInTransaction(context, async (tx): Promise<CounterResult> => {
    const result = await redeemAtDesk(tx, { cadrePhone: cadre.phone, household: code, lines, key: `redemption-console-${formKey}` });
    await audit(tx.db, { actor: `cadre:${cadre.id}`, ip, action: 'redeem', detail: { household: code, lines, ...(result.ok ? { redemption: result.redemption, replayed: result.replayed } : { result: result.refused }) } });
    return result.ok ? { kind: 'done', id: result.redemption } : { kind: 'refused', reason: result.reason };
  }, 'redeem');
}

/** A redemption of the cadre's village with its household's balance now, for the receipt. */
export async function receipt(context: Context, villageId: number, id: number) {
  const [row] = await context.db.select().from(redemptions).where(and(eq(redemptions.id, id), eq(redemptions.villageId, villageId)));
  if (!row) return undefined;
  const [household] = await context.db.select().from(households).where(eq(households.id, row.householdId));
  return { redemption: row, household: household!, balance: (await householdBalance(context.db, household!.code)).balance };
}

/** A reversal at the counter: the reversal, the household's notice and the audit line in one transaction. */
export function reverseAtCounter(context: Context, cadre: KnownCadre, id: number, ip: string) {
  return runInTransaction(context, async (tx) => {
    const result = await reverseFor(tx, cadre, id);
    await audit(tx.db, { actor: `cadre:${cadre.id}`, ip, action: 'reverse_redemption', detail: { redemption: id, result: result.kind } });
    return result;
  }, 'reverse-redemption');
}

/** Sets a goods' stock after a delivery or a count (restocking); services without stock stay without. */
export async function restock(context: Context, cadre: KnownCadre, code: string, stock: number, ip: string) {
  const [item] = await context.db.update(catalogueItems).set({ stock })
    .where(and(eq(catalogueItems.villageId, cadre.villageId), eq(catalogueItems.code, code))).returning();
  if (item) await audit(context.db, { actor: `cadre:${cadre.id}`, ip, action: 'restock', detail: { goods: code, stock } });
  return item;
}
