import { postClaim } from '../src/claims/post.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** Posts an approved claim (a claim left approved by a crash before this round's one-job approval). */
export const post: PipelineStage<'post'> = (context, { claimId }) => postClaim(context, claimId, 'approved');
