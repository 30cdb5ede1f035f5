import { eq, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Executor } from './db/database.ts';
import { cadres, households, members, villages, type Cadre, type Household, type Member, type Village } from './db/schema/index.ts';

export type KnownCadre = Cadre & { village: Village };
export type KnownMember = Member & { household: Household; village: Village };

export interface Sender {
  cadre?: KnownCadre;
  member?: KnownMember;
}

/** Phone channels (SMS, calls) and the operators' CLI know people by number, WeChat by WeChat id (an official account's openid), QQ by its address. */
const PHONE_CHANNELS = ['sms', 'voice', 'cli'];
const byPhone = (channel: string) => PHONE_CHANNELS.includes(channel);
const addressColumn = <T extends { phone: unknown; wechat: unknown; qq: unknown }>(table: T, channel: string) =>
  (byPhone(channel) ? table.phone : channel === 'qq' ? table.qq : table.wechat) as T['phone'];

/** addressColumn as a join condition, for a channel and an address read in the same statement (a stored message's). */
export function reachedAt(table: { phone: SQLWrapper; wechat: SQLWrapper; qq: SQLWrapper }, channel: SQLWrapper, address: SQLWrapper): SQL {
  const phoneChannels = sql.join(PHONE_CHANNELS.map((name) => sql`${name}`), sql`, `);
  return sql`((${channel} in (${phoneChannels}) and ${table.phone} = ${address})
    or (${channel} = 'qq' and ${table.qq} = ${address})
    or (${channel} not in (${phoneChannels}, 'qq') and ${table.wechat} = ${address}))`;
}

/** The cadre who writes from this address, if any. */
export async function findCadre(db: Executor, channel: string, address: string): Promise<KnownCadre | undefined> {
  const [row] = await db.select({ cadre: cadres, village: villages }).from(cadres)
    .innerJoin(villages, eq(villages.id, cadres.villageId)).where(eq(addressColumn(cadres, channel), address));
  return row && { ...row.cadre, village: row.village };
}

/** The household member who writes from this address, if any. */
export async function findMember(db: Executor, channel: string, address: string): Promise<KnownMember | undefined> {
  const [row] = await db.select({ member: members, household: households, village: villages }).from(members)
    .innerJoin(households, eq(households.id, members.householdId))
    .innerJoin(villages, eq(villages.id, households.villageId))
    .where(eq(addressColumn(members, channel), address));
  return row && { ...row.member, household: row.household, village: row.village };
}

/** Who wrote from this address: a cadre, a household member, both, or nobody we know. */
export async function findSender(db: Executor, channel: string, address: string): Promise<Sender> {
  // One after the other: inside a transaction both go over its one connection.
  return { cadre: await findCadre(db, channel, address), member: await findMember(db, channel, address) };
}

/** Where to tell a household something (a deduction, a receipt): its head if they have a phone, else any member who has. */
export async function householdContact(db: Executor, householdId: number): Promise<Member | undefined> {
  const rows = await db.select({ member: members, head: households.head }).from(members)
    .innerJoin(households, eq(households.id, members.householdId)).where(eq(members.householdId, householdId)).orderBy(members.id);
  const reachable = rows.filter((row) => row.member.phone);
  return (reachable.find((row) => row.member.name === row.head) ?? reachable[0])?.member;
}
