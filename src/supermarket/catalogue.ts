import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { catalogueItems, villages } from '../db/schema/index.ts';

export interface CatalogueLine {
  village: string;
  code: string;
  name: string;
  points: number;
  /** null: a service without stock. */
  stock: number | null;
}

/** The points supermarket's goods with price and stock, of one village or of all. */
export async function catalogueOf(db: Db, villageCode?: string): Promise<CatalogueLine[]> {
  return db.select({ village: villages.code, code: catalogueItems.code, name: catalogueItems.name, points: catalogueItems.points, stock: catalogueItems.stock })
    .from(catalogueItems).innerJoin(villages, eq(villages.id, catalogueItems.villageId))
    .where(villageCode ? eq(villages.code, villageCode) : undefined)
    .orderBy(asc(villages.code), asc(catalogueItems.code));
}
