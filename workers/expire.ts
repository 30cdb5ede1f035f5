import { eq } from 'drizzle-orm';
import { localDay } from '../src/claims/period.ts';
import { villages } from '../src/db/schema/index.ts';
import { runExpiry } from '../src/supermarket/expiry.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** The daily expiry of a village, as of today in its timezone; idempotent (per-household keys and dedupe keys). */
export const expire: PipelineStage<'expire'> = async (context, { villageId }) => {
  const [village] = await context.db.select().from(villages).where(eq(villages.id, villageId));
  if (!village) return;
  const run = await runExpiry(context, village, localDay(new Date(), village.timezone));
  if (run.expired.length + run.warned.length > 0) context.log.info({ village: village.code, expired: run.expired.length, warned: run.warned.length }, 'points expiry');
};
