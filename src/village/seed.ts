import { sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { villages } from '../db/schema/index.ts';

/**
 * On first start (no village yet) imports the configured village file, the bundled example by
 * default. The village file's reader (YAML, its schema) is loaded only then, not on every start.
 */
export async function seedIfEmpty(context: Context): Promise<void> {
  const file = context.config.seedVillageFile;
  if (!file) return;
  const [{ count }] = (await context.db.select({ count: sql<number>`count(*)::int` }).from(villages)) as [{ count: number }];
  if (count > 0) return;
  const [{ importVillage }, { readVillageFile }, { consentSource }] = await Promise.all([
    import('./import.ts'), import('./village-file.ts'), import('../privacy/consent.ts'),
  ]);
  const summary = await importVillage(context.db, await readVillageFile(file), consentSource.villageFile(file));
  context.log.info(summary, `first start: imported village ${summary.village} from ${file}`);
}
