import { createHash, randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.ts';
import { householdCards, households, villages, type Household } from '../db/schema/index.ts';

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** New cards for these households: each gets a fresh token and its earlier cards stop working. */
export async function issueCards(db: Db, list: Household[]): Promise<Array<{ household: Household; token: string }>> {
  return db.transaction(async (tx) => {
    const ids = list.map((h) => h.id);
    if (ids.length > 0) {
      await tx.update(householdCards).set({ revokedAt: new Date() }).where(and(inArray(householdCards.householdId, ids), isNull(householdCards.revokedAt)));
    }
    const cards = list.map((household) => ({ household, token: randomBytes(18).toString('base64url') }));
    if (cards.length > 0) await tx.insert(householdCards).values(cards.map((c) => ({ householdId: c.household.id, tokenHash: tokenHash(c.token) })));
    return cards;
  });
}

export async function revokeCards(db: Executor, householdId: number): Promise<void> {
  await db.update(householdCards).set({ revokedAt: new Date() }).where(and(eq(householdCards.householdId, householdId), isNull(householdCards.revokedAt)));
}

/** The token in what a card's QR says: its 查分 link (…/console/q/<token>), or the token alone. */
export const tokenOfCard = (scanned: string) => /\/q\/([A-Za-z0-9_-]+)\/?$/.exec(scanned.trim())?.[1] ?? scanned.trim();

/** The household a card that still works belongs to, with its village; undefined for a revoked or unknown token. */
export async function cardHolder(db: Executor, token: string) {
  const [row] = await db.select({ household: households, village: villages }).from(householdCards)
    .innerJoin(households, eq(households.id, householdCards.householdId)).innerJoin(villages, eq(villages.id, households.villageId))
    .where(and(eq(householdCards.tokenHash, tokenHash(token)), isNull(householdCards.revokedAt)));
  return row;
}

/**
 * What a card's 查分 page shows: that household's balance, lifetime total, rank in the village and
 * this year's points by item; nothing of any other household, no phone number.
 */
export async function cardStatement(db: Executor, token: string) {
  const row = await cardHolder(db, token);
  if (!row) return undefined;
  const { household, village } = row;
  const [standing] = (await db.execute<{ balance: number; lifetime: number; rank: number }>(sql`
    select balance::int as balance, lifetime::int as lifetime, rank::int as rank from (
      select household_id, balance, lifetime_earned as lifetime, rank() over (order by lifetime_earned desc) as rank
      from jifen.accounts where village_id = ${village.id} and kind = 'household') s where household_id = ${household.id}`)).rows;
  const items = (await db.execute<{ name: string; points: number }>(sql`
    select r.name, sum(c.points)::int as points from jifen.claims c join jifen.rules r on r.id = c.rule_id
    where c.household_id = ${household.id} and c.state = 'posted'
      and c.claimed_at >= date_trunc('year', now() at time zone ${village.timezone}) at time zone ${village.timezone}
    group by r.name order by points desc, r.name`)).rows;
  return { household, village, ...standing!, items };
}
