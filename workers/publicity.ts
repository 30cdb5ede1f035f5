import { endPublicity } from '../src/reviews/publicity.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** The end of a claim's publicity (公示) in a review round. */
export const publicityEnded: PipelineStage<'publicity-end'> = (context, { claimId, round }) => endPublicity(context, claimId, round);
