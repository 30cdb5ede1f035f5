import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { isConstraintViolation } from '../db/errors.ts';
import { catalogueItems, redemptions, type Household } from '../db/schema/index.ts';
import { householdAccountId, systemAccountId } from '../ledger/accounts.ts';
import { householdBalance } from '../ledger/balance.ts';
import { InsufficientPointsError, post } from '../ledger/ledger.ts';
import { priceRedemption, type RedemptionLine } from './pricing.ts';

export type Redemption =
  | { kind: 'done'; id: number; points: number; balance: number; lines: Array<{ name: string; quantity: number }> }
  | { kind: 'out_of_stock'; name: string; left: number }
  | { kind: 'not_enough_points'; needed: number; balance: number }
  | { kind: 'unknown_goods'; code: string }
  | { kind: 'bad_quantity'; quantity: number };

class OutOfStock extends Error {
  constructor(readonly goods: string) {
    super(`${goods} is out of stock`);
  }
}

/**
 * Records a redemption at the points supermarket: the household pays the goods' price into the
 * supermarket account and the stock goes down, in one transaction. Too few points or too little
 * stock (both enforced by the database), or a count that is no whole number from 1 to 999, changes nothing. `key` names the redemption: recording it
 * again (a re-run) returns the first result without paying or counting down twice.
 */
export async function redeem(db: Executor, household: Household, lines: RedemptionLine[], key: string, cadreId?: number): Promise<Redemption> {
  const goods = await db.select().from(catalogueItems).where(eq(catalogueItems.villageId, household.villageId));
  const pricing = priceRedemption(goods, lines);
  if (pricing.kind !== 'priced') return pricing;
  const { lines: priced, points } = pricing;
  const done = (id: number) => householdBalance(db, household.code)
    .then((b): Redemption => ({ kind: 'done', id, points, balance: b.balance, lines: priced.map(({ item, quantity }) => ({ name: item.name, quantity })) }));
  let id: number;
  try {
    // A savepoint in the caller's transaction: a refusal the database raises rolls back this redemption only.
    id = await db.transaction(async (tx) => {
      const [earlier] = await tx.select({ id: redemptions.id }).from(redemptions).where(eq(redemptions.key, key));
      if (earlier) return earlier.id;
      const posting = points === 0 ? undefined : await post(tx, {
        idempotencyKey: key, kind: 'redemption', affectsLifetime: false,
        memo: `${household.code} ${priced.map(({ item, quantity }) => `${item.code}×${quantity}`).join(' ')}`,
        entries: [
          { accountId: await householdAccountId(tx, household.id), amount: -points },
          { accountId: await systemAccountId(tx, household.villageId, 'supermarket'), amount: points },
        ],
      });
      for (const { item, quantity } of priced) {
        if (item.stock === null) continue;
        try {
          await tx.update(catalogueItems).set({ stock: sql`${catalogueItems.stock} - ${quantity}` })
            .where(eq(catalogueItems.id, item.id));
        } catch (error) {
          throw isConstraintViolation(error, 'catalogue_stock_never_negative') ? new OutOfStock(item.name) : error;
        }
      }
      const [record] = await tx.insert(redemptions).values({
        key, villageId: household.villageId, householdId: household.id, cadreId: cadreId ?? null, points, transactionId: posting?.transactionId ?? null,
        lines: priced.map(({ item, quantity }) => ({ goodsId: item.id, code: item.code, name: item.name, quantity, points: item.points * quantity })),
      }).returning({ id: redemptions.id });
      return record!.id;
    });
  } catch (error) {
    if (error instanceof InsufficientPointsError) {
      return { kind: 'not_enough_points', needed: points, balance: (await householdBalance(db, household.code)).balance };
    }
    if (error instanceof OutOfStock) {
      const [left] = await db.select({ stock: catalogueItems.stock }).from(catalogueItems)
        .where(and(eq(catalogueItems.villageId, household.villageId), eq(catalogueItems.name, error.goods)));
      return { kind: 'out_of_stock', name: error.goods, left: left?.stock ?? 0 };
    }
    throw error;
  }
  return done(id);
}
