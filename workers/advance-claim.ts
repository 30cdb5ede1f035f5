import { advanceClaim } from '../src/claims/advance.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** A claim the sweeper found short of review (validation, scoring, its review request): takes it the rest of the way. */
export const advanceClaimJob: PipelineStage<'advance-claim'> = (context, { claimId }) => advanceClaim(context, claimId);
