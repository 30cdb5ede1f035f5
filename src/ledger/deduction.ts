import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { accounts, ledgerEntries, ledgerTransactions, type Household, type Rule } from '../db/schema/index.ts';
import { householdAccountId, systemAccountId } from './accounts.ts';
import { post } from './ledger.ts';

/**
 * Records a deduction from the negative list (负面清单) as a ledger transaction from the household
 * to the adjustment account. A balance never goes below zero: a household with fewer points than
 * the item costs loses what it has. Returns the points taken; `key` makes a re-run take nothing more.
 */
export async function deduct(db: Db, household: Household, rule: Rule, key: string): Promise<number> {
  return db.transaction(async (tx) => {
    const accountId = await householdAccountId(tx, household.id);
    // Lock the balance before reading it, so a posting in between cannot make the amount wrong.
    const [account] = await tx.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, accountId)).for('update');
    const [earlier] = await tx.select({ amount: ledgerEntries.amount }).from(ledgerTransactions)
      .innerJoin(ledgerEntries, eq(ledgerEntries.transactionId, ledgerTransactions.id))
      .where(and(eq(ledgerTransactions.idempotencyKey, key), eq(ledgerEntries.accountId, accountId)));
    if (earlier) return -earlier.amount;
    const amount = Math.min(Math.abs(rule.points), account!.balance);
    if (amount === 0) return 0;
    await post(tx, {
      idempotencyKey: key, kind: 'deduction', affectsLifetime: true, memo: `${household.code} ${rule.code} ${rule.name}`,
      entries: [
        { accountId, amount: -amount },
        { accountId: await systemAccountId(tx, household.villageId, 'adjustment'), amount },
      ],
    });
    return amount;
  });
}
