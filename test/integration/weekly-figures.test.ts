import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { households, villages } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { redeem } from '../../src/supermarket/redeem.ts';
import { reverseRedemption } from '../../src/supermarket/reverse.ts';
import { templates } from '../../src/templates.ts';
import { isoWeekOf, mondayOf } from '../../src/weekly/calendar.ts';
import { householdWeeks } from '../../src/weekly/household-week.ts';
import { testBackend } from '../support/backend.ts';
import { startJifen, type Harness } from '../support/jifen.ts';
import { award } from '../support/records.ts';

/** A small deterministic generator (mulberry32): the same seed, the same sequence, so a failure can be replayed. */
function random(seed: number) {
  return (below: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % below);
  };
}

describe(`the weekly figures reconcile with the ledger (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ workers: false }); });
  afterAll(async () => { await jifen?.close(); });

  it('after a reversed redemption the SMS says what the balance did: 本周+22分，余额22分', async () => {
    const db = jifen.context.db;
    const [household] = await db.select().from(households).where(eq(households.code, 'FNP-030'));
    await award(jifen.context, 'FNP-030', 22, { key: 'w-22' });
    const done = await redeem(db, household!, [{ code: 'S01', quantity: 2 }], 'w-redeem');
    expect(done.kind).toBe('done');
    await db.transaction((tx) => reverseRedemption(tx, household!.villageId, (done as { id: number }).id, null));
    const [village] = await db.select().from(villages).where(eq(villages.id, household!.villageId));
    const week = isoWeekOf(new Date(), village!.timezone);
    const [mine] = (await householdWeeks(db, { villageId: village!.id, firstHouseholdId: household!.id, lastHouseholdId: household!.id }, mondayOf(week), village!.timezone));
    expect(mine).toMatchObject({ earned: 22, redeemed: 0, expired: 0, balance: 22 });
    expect(templates.weekly.sms('放牛坪村', 'FNP-030', mine!.earned, mine!.redeemed, mine!.balance, mine!.lifetime, mine!.rank, mine!.expired))
      .toMatch(/^【放牛坪村积分】FNP-030本周\+22分，余额22分，/);
  });

  it('property: for random weeks of awards, deductions, redemptions and reversals, earned − redeemed − expired = the balance\'s change', async () => {
    const db = jifen.context.db;
    const next = random(20261203);
    const list = await db.select().from(households).where(eq(households.villageId, (await db.select().from(villages))[0]!.id)).orderBy(households.id);
    const chosen = list.filter((h) => !['FNP-030'].includes(h.code)).slice(0, 25);
    for (const household of chosen) {
      const redeemed: number[] = [];
      for (let step = 0; step < 8; step++) {
        const roll = next(10);
        const key = `p-${household.code}-${step}`;
        if (roll < 4) await award(jifen.context, household.code, 1 + next(30), { key });
        else if (roll < 5) {
          // a correction: lifetime goes down too; never below what the household holds
          const { balance } = await householdBalance(db, household.code);
          if (balance > 0) await award(jifen.context, household.code, -(1 + next(Math.min(balance, 5))), { key });
        }
        else if (roll < 8) {
          const result = await redeem(db, household, [{ code: ['S01', 'S04', 'S07'][next(3)]!, quantity: 1 + next(3) }], key);
          if (result.kind === 'done') redeemed.push(result.id);
        } else if (redeemed.length > 0) {
          await db.transaction((tx) => reverseRedemption(tx, household.villageId, redeemed.splice(next(redeemed.length), 1)[0]!, null));
        }
      }
    }
    const village = (await db.select().from(villages))[0]!;
    const week = isoWeekOf(new Date(), village.timezone);
    const weeks = await householdWeeks(db, { villageId: village.id, firstHouseholdId: chosen[0]!.id, lastHouseholdId: chosen.at(-1)!.id }, mondayOf(week), village.timezone);
    for (const household of chosen) {
      const figures = weeks.find((w) => w.householdId === household.id)!;
      // every household started the week at 0: its balance is the week's change
      const { balance } = await householdBalance(db, household.code);
      expect(figures.earned - figures.redeemed - figures.expired, household.code).toBe(balance);
      expect(figures.balance).toBe(balance);
    }
  });
});
