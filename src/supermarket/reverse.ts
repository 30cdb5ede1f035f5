import { eq, sql } from 'drizzle-orm';
import type { Transaction } from '../db/database.ts';
import { catalogueItems, households, redemptions, type Household, type RedemptionRecord } from '../db/schema/index.ts';
import { reverse } from '../ledger/ledger.ts';

export type Reversal =
  | { kind: 'reversed'; redemption: RedemptionRecord; household: Household; replayed: boolean }
  | { kind: 'unknown' };

/**
 * Undoes a redemption: the mirror-image ledger transaction (reversal-of-<id>, so posting it twice is
 * one reversal) gives the points back and the goods return to stock, in the runner's transaction.
 * A redemption reversed already returns as it is, changing nothing.
 */
export async function reverseRedemption(tx: Transaction, villageId: number, redemptionId: number, cadreId: number | null): Promise<Reversal> {
  // Locked first: of two reversals at once, the second sees the first's result.
  const [redemption] = await tx.select().from(redemptions).where(eq(redemptions.id, redemptionId)).for('update');
  if (!redemption || redemption.villageId !== villageId) return { kind: 'unknown' };
  const [household] = await tx.select().from(households).where(eq(households.id, redemption.householdId));
  if (redemption.state === 'reversed') return { kind: 'reversed', redemption, household: household!, replayed: true };
  const posting = redemption.transactionId === null ? undefined
    : await reverse(tx, redemption.transactionId, `${household!.code} 撤销兑换 ${redemptionId}`);
  for (const line of redemption.lines) {
    await tx.update(catalogueItems).set({ stock: sql`${catalogueItems.stock} + ${line.quantity}` })
      .where(sql`${catalogueItems.id} = ${line.goodsId} and ${catalogueItems.stock} is not null`);
  }
  const [reversed] = await tx.update(redemptions).set({
    state: 'reversed', reversalTransactionId: posting?.transactionId ?? null, reversedBy: cadreId, reversedAt: new Date(),
  }).where(eq(redemptions.id, redemptionId)).returning();
  return { kind: 'reversed', redemption: reversed!, household: household!, replayed: false };
}
