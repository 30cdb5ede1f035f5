import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { catalogueItems, households, redemptions, type Household, type RedemptionRecord } from '../db/schema/index.ts';
import { reverse } from '../ledger/ledger.ts';

export type Reversal =
  | { kind: 'reversed'; redemption: RedemptionRecord; household: Household; replayed: boolean }
  | { kind: 'unknown' };

/**
 * Undoes a redemption: the mirror-image ledger transaction (reversal-of-<id>, so posting it twice is
 * one reversal) gives the points back and the goods return to stock, in one transaction. A
 * redemption reversed already returns as it is, changing nothing.
 */
export async function reverseRedemption(db: Db, villageId: number, redemptionId: number, cadreId: number | null): Promise<Reversal> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ redemption: redemptions, household: households }).from(redemptions)
      .innerJoin(households, eq(households.id, redemptions.householdId)).where(eq(redemptions.id, redemptionId)).for('update', { of: redemptions });
    if (!row || row.redemption.villageId !== villageId) return { kind: 'unknown' };
    if (row.redemption.state === 'reversed') return { kind: 'reversed', ...row, replayed: true };
    const posting = row.redemption.transactionId === null ? undefined
      : await reverse(tx, row.redemption.transactionId, `${row.household.code} 撤销兑换 ${redemptionId}`);
    for (const line of row.redemption.lines) {
      await tx.update(catalogueItems).set({ stock: sql`${catalogueItems.stock} + ${line.quantity}` })
        .where(sql`${catalogueItems.id} = ${line.goodsId} and ${catalogueItems.stock} is not null`);
    }
    const [reversed] = await tx.update(redemptions).set({
      state: 'reversed', reversalTransactionId: posting?.transactionId ?? null, reversedBy: cadreId, reversedAt: new Date(),
    }).where(eq(redemptions.id, redemptionId)).returning();
    return { kind: 'reversed', redemption: reversed!, household: row.household, replayed: false };
  });
}
