import { followUpOverdue } from '../src/reviews/follow-up.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** A village's periodic review follow-up: reminders and escalations of claims waiting too long. */
export const reviewFollowUp: PipelineStage<'review-follow-up'> = async (context, { villageId }) => {
  await followUpOverdue(context, villageId, new Date());
};
