import { eq } from 'drizzle-orm';
import { villages } from '../src/db/schema/index.ts';
import { purgeOldMessages } from '../src/privacy/retention.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** A village's daily retention: old message texts, photos and recordings erased; idempotent (erased rows are skipped). */
export const retention: PipelineStage<'retention'> = async (context, { villageId }) => {
  const [village] = await context.db.select().from(villages).where(eq(villages.id, villageId));
  if (!village) return;
  const run = await purgeOldMessages(context, village, new Date());
  if (run.erased + run.erasedUnknown > 0) context.log.info(run, 'message retention');
};
