import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { catalogueItems, households, members, rules, type Rule, type Village } from '../db/schema/index.ts';
import { compileVillage, type CatalogueInfo, type VillageModel, type VillageVocabulary } from './model.ts';

export interface KnownVillage {
  village: Village;
  model: VillageModel;
  /** Active rules of both lists by code. */
  rules: Map<string, Rule>;
  /** The supermarket's goods with their prices. */
  goods: CatalogueInfo[];
}

/**
 * Compiled villages by identity: id, code and creation time tell one village from another even
 * across databases in one process (tests, the benchmark); a job's transaction shares the cache.
 */
const compiled = new Map<string, KnownVillage>();
const identity = (village: Village) => `${village.id}:${village.code}:${village.createdAt.getTime()}`;

/** The village's vocabulary as it is in the database now: its active rules, goods, households and words. */
async function loadVocabulary(db: Executor, village: Village): Promise<{ vocabulary: VillageVocabulary; ruleRows: Rule[] }> {
  // One after the other: inside a transaction all go over its one connection.
  const ruleRows = await db.select().from(rules).where(and(eq(rules.villageId, village.id), eq(rules.active, true))).orderBy(rules.id);
  const goods = await db.select({ code: catalogueItems.code, name: catalogueItems.name, points: catalogueItems.points }).from(catalogueItems)
    .where(eq(catalogueItems.villageId, village.id)).orderBy(catalogueItems.id);
  const people = await db.select({ code: households.code, head: households.head, member: members.name }).from(households)
    .leftJoin(members, eq(members.householdId, households.id)).where(eq(households.villageId, village.id)).orderBy(households.id, members.id);
  const byHousehold = new Map<string, { code: string; head: string; members: string[] }>();
  for (const row of people) {
    const household = byHousehold.get(row.code) ?? { code: row.code, head: row.head, members: [] };
    if (row.member) household.members.push(row.member);
    byHousehold.set(row.code, household);
  }
  return {
    ruleRows,
    vocabulary: {
      rules: ruleRows.filter((r) => r.kind === 'earn'), deductions: ruleRows.filter((r) => r.kind === 'deduct'),
      catalogue: goods, households: [...byHousehold.values()], synonyms: village.settings.synonyms,
    },
  };
}

/**
 * The village's compiled understanding, rebuilt only when an import changed the village's words
 * (its vocabulary version): a message costs no query for it.
 */
export async function knownVillage(db: Executor, village: Village): Promise<KnownVillage> {
  const cached = compiled.get(identity(village));
  if (cached?.village.vocabularyVersion === village.vocabularyVersion) return cached;
  const { vocabulary, ruleRows } = await loadVocabulary(db, village);
  const known = { village, model: compileVillage(vocabulary), rules: new Map(ruleRows.map((r) => [r.code, r])), goods: [...vocabulary.catalogue ?? []] };
  compiled.set(identity(village), known);
  return known;
}
