import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { households, memberConsents, villages, type VillageSettings } from '../db/schema/index.ts';
import { templates } from '../templates.ts';
import type { VillageFile } from '../village/village-file.ts';

/** How long inbound messages are kept when the village file does not say (PIPL asks for a stated period). */
export const DEFAULT_RETENTION_DAYS = 400;

/** Where a member's data came from, as recorded with their consent. */
export const consentSource = {
  villageFile: (file: string) => `village-file:${path.basename(file)}`,
  roster: () => 'roster-xlsx',
  smsBinding: (channel: string) => `sms-binding:${channel}`,
};

/** The village file's privacy section with its defaults, as stored in the village's settings. */
export function privacySettings(file: VillageFile): NonNullable<VillageSettings['privacy']> {
  return { purpose: file.privacy?.purpose ?? templates.privacy.purpose(), retentionDays: file.privacy?.retention_days ?? DEFAULT_RETENTION_DAYS };
}

/** The purpose a village's members consent to (a village imported before jifen recorded one: the default). */
export async function villagePurpose(tx: Executor, villageId: number): Promise<string> {
  const [village] = await tx.select({ settings: villages.settings }).from(villages).where(eq(villages.id, villageId));
  return village?.settings.privacy?.purpose ?? templates.privacy.purpose();
}

/** The purpose of the village a household belongs to. */
export async function householdPurpose(tx: Executor, householdId: number): Promise<string> {
  const [household] = await tx.select({ villageId: households.villageId }).from(households).where(eq(households.id, householdId));
  return villagePurpose(tx, household!.villageId);
}

/** Records each member's consent for this source and purpose; one already recorded keeps its first date. */
export async function recordConsents(tx: Executor, memberIds: number[], consent: { source: string; purpose: string }): Promise<void> {
  if (memberIds.length === 0) return;
  await tx.insert(memberConsents).values(memberIds.map((memberId) => ({ memberId, ...consent }))).onConflictDoNothing();
}
