import { sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { villages } from '../db/schema/index.ts';
import { consentSource } from '../privacy/consent.ts';
import { importVillage } from './import.ts';
import { readVillageFile } from './village-file.ts';

/** On first start (no village yet) imports the configured village file, the bundled example by default. */
export async function seedIfEmpty(context: Context): Promise<void> {
  const file = context.config.seedVillageFile;
  if (!file) return;
  const [{ count }] = (await context.db.select({ count: sql<number>`count(*)::int` }).from(villages)) as [{ count: number }];
  if (count > 0) return;
  const summary = await importVillage(context.db, await readVillageFile(file), consentSource.villageFile(file));
  context.log.info(summary, `first start: imported village ${summary.village} from ${file}`);
}
