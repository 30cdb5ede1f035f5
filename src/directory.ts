import { eq } from 'drizzle-orm';
import type { Executor } from './db/database.ts';
import { cadres, households, members, villages, type Cadre, type Household, type Member, type Village } from './db/schema/index.ts';

export interface Sender {
  cadre?: Cadre & { village: Village };
  member?: Member & { household: Household; village: Village };
}

/** Who wrote from this address: a cadre, a household member, both, or nobody we know. */
export async function findSender(db: Executor, channel: string, address: string): Promise<Sender> {
  if (channel !== 'sms') return {};
  const [cadreRow] = await db.select({ cadre: cadres, village: villages }).from(cadres)
    .innerJoin(villages, eq(villages.id, cadres.villageId)).where(eq(cadres.phone, address));
  const [memberRow] = await db.select({ member: members, household: households, village: villages }).from(members)
    .innerJoin(households, eq(households.id, members.householdId))
    .innerJoin(villages, eq(villages.id, households.villageId))
    .where(eq(members.phone, address));
  return {
    cadre: cadreRow && { ...cadreRow.cadre, village: cadreRow.village },
    member: memberRow && { ...memberRow.member, household: memberRow.household, village: memberRow.village },
  };
}
