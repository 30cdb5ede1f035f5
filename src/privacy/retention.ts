import { and, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { cadres, households, inboundMessages, members, privacyEvents, villages, type Village } from '../db/schema/index.ts';
import { runInTransaction } from '../plans/runner.ts';
import { DEFAULT_RETENTION_DAYS } from './consent.ts';

const DAY_MS = 86_400_000;

/** The addresses of people (never null): a village's members and cadres, or everyone's (village undefined). */
function peopleAddresses(villageId?: number): SQL {
  const ofVillage = (column: SQL) => (villageId === undefined ? sql`` : sql`where ${column} = ${villageId}`);
  return sql`(select address from (
    select unnest(array[${members.phone}, ${members.wechat}, ${members.qq}]) as address from ${members}
      join ${households} on ${households.id} = ${members.householdId} ${ofVillage(sql`${households.villageId}`)}
    union
    select unnest(array[${cadres.phone}, ${cadres.wechat}, ${cadres.qq}]) from ${cadres} ${ofVillage(sql`${cadres.villageId}`)}
  ) addresses where address is not null)`;
}

/** Words, photos, recordings and the provider's payload of the messages matching `which` go; the rows (who, when, what became of them) stay. */
async function erase(tx: Executor, which: SQL | undefined, now: Date): Promise<number> {
  const erased = await tx.update(inboundMessages).set({
    text: '', attachments: [], raw: {}, erasedAt: now,
    queuedAt: sql`coalesce(${inboundMessages.queuedAt}, ${now})`, processedAt: sql`coalesce(${inboundMessages.processedAt}, ${now})`,
  }).where(and(isNull(inboundMessages.erasedAt), which)).returning({ id: inboundMessages.id });
  return erased.length;
}

export interface RetentionRun {
  village: string;
  retentionDays: number;
  /** Messages of the village's people erased, and messages of nobody known (kept the default period). */
  erased: number;
  erasedUnknown: number;
}

/**
 * The daily retention job of a village (PIPL article 19: kept no longer than the purpose needs):
 * inbound message texts, photos and voice recordings of the village's members and cadres older than
 * the village's period (village file `privacy.retention_days`, default 400 days) are erased;
 * messages from addresses nobody holds are erased after the default period. Claims, their events
 * and the ledger stay. Idempotent: an erased message is not touched again.
 */
export async function purgeOldMessages(context: Context, village: Village, now: Date): Promise<RetentionRun> {
  const retentionDays = village.settings.privacy?.retentionDays ?? DEFAULT_RETENTION_DAYS;
  return runInTransaction(context, async ({ db: tx }) => {
    const olderThan = (days: number) => lt(inboundMessages.receivedAt, new Date(now.getTime() - days * DAY_MS));
    const erased = await erase(tx, and(olderThan(retentionDays), sql`${inboundMessages.sender} in ${peopleAddresses(village.id)}`), now);
    const erasedUnknown = await erase(tx, and(olderThan(DEFAULT_RETENTION_DAYS), sql`${inboundMessages.sender} not in ${peopleAddresses()}`), now);
    if (erased + erasedUnknown > 0) {
      await tx.insert(privacyEvents).values({ action: 'retention', actor: 'system', detail: { village: village.code, retentionDays, erased, erasedUnknown }, at: now });
    }
    return { village: village.code, retentionDays, erased, erasedUnknown };
  }, `retention:${village.code}`);
}

/** Every village's retention run, as of `now` (the CLI's `jifen retention`). */
export async function purgeAllVillages(context: Context, now: Date): Promise<RetentionRun[]> {
  const all = await context.db.select().from(villages).orderBy(villages.id);
  const runs: RetentionRun[] = [];
  for (const village of all) runs.push(await purgeOldMessages(context, village, now));
  return runs;
}

