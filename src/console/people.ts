import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { officers, townships, townshipVillages, villages, type Officer, type Township, type Village } from '../db/schema/index.ts';
import { findCadre, type KnownCadre } from '../directory.ts';
import { textsOf } from '../village-texts.ts';

/** Who may use the console: a cadre (their own village, with their rights) or a township officer (read-only, the township's villages). */
export type ConsoleUser =
  | { kind: 'cadre'; cadre: KnownCadre; villages: Village[] }
  | { kind: 'officer'; officer: Officer; township: Township; villages: Village[] };

/** A cadre reads the console in their village's words; a township officer in jifen's own. */
export const consoleTexts = (user: ConsoleUser) => textsOf(user.kind === 'cadre' ? user.cadre.village : null);

export const actorOf = (user: ConsoleUser) => (user.kind === 'cadre' ? `cadre:${user.cadre.id}` : `officer:${user.officer.id}`);

export async function officerUser(db: Executor, officer: Officer): Promise<ConsoleUser> {
  const [township] = await db.select().from(townships).where(eq(townships.id, officer.townshipId));
  const rows = await db.select({ village: villages }).from(townshipVillages).innerJoin(villages, eq(villages.id, townshipVillages.villageId))
    .where(eq(townshipVillages.townshipId, officer.townshipId)).orderBy(villages.code);
  return { kind: 'officer', officer, township: township!, villages: rows.map((row) => row.village) };
}

export const cadreUser = (cadre: KnownCadre): ConsoleUser => ({ kind: 'cadre', cadre, villages: [cadre.village] });

/** The cadre or officer registered with this phone (a cadre first: they hold rights), or undefined. */
export async function consoleUserByPhone(db: Executor, phone: string): Promise<ConsoleUser | undefined> {
  const cadre = await findCadre(db, 'cli', phone);
  if (cadre) return cadreUser(cadre);
  const [officer] = await db.select().from(officers).where(eq(officers.phone, phone));
  return officer && officerUser(db, officer);
}
