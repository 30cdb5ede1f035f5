/** Every queue and job jifen runs, in one place. */

/** The claim pipeline's stages, and the sending of recorded messages (its own retry and rate policy). */
export const QUEUES = { pipeline: 'pipeline', outbound: 'outbound' } as const;

/** The claim pipeline: one job name per stage, each idempotent (see workers/). */
export type PipelineJob =
  | { name: 'intake'; data: { messageId: number } }
  | { name: 'understand'; data: { messageId: number } }
  | { name: 'cadre-command'; data: { messageId: number } }
  | { name: 'validate'; data: { claimId: number } }
  | { name: 'score'; data: { claimId: number } }
  | { name: 'review-request'; data: { claimId: number; round?: number } }
  | { name: 'post'; data: { claimId: number } }
  /** Delayed: remind the first reviewers, then ask every approver, if the claim still waits in that review round. */
  | { name: 'review-remind'; data: { claimId: number; round: number } }
  | { name: 'review-escalate'; data: { claimId: number; round: number } }
  /** Delayed: the end of a claim's publicity (公示) in that review round; posts it unless an objection came. */
  | { name: 'publicity-end'; data: { claimId: number; round: number } }
  /** Daily per village (a job scheduler in its timezone): points expiry and its warnings. */
  | { name: 'expire'; data: { villageId: number } };

export type OutboundJob = { name: 'send'; data: { outboundId: number } };

export type PipelineJobName = PipelineJob['name'];

/**
 * Deterministic ids: the same message or claim at the same stage is one job, so a
 * duplicate delivery or a replayed stage collapses into the job already queued.
 */
export function pipelineJobId(job: PipelineJob): string {
  const subject = 'claimId' in job.data ? `claim-${job.data.claimId}` : 'villageId' in job.data ? `village-${job.data.villageId}` : `message-${job.data.messageId}`;
  // A claim sent back to review by an objection goes through review again: a new round, new jobs.
  const round = 'round' in job.data && job.data.round ? `-round-${job.data.round}` : '';
  return `${job.name}-${subject}${round}`;
}

export const outboundJobId = (job: OutboundJob) => `send-${job.data.outboundId}`;

/** The job scheduler that runs a village's expiry every day in its timezone. */
export const expirySchedulerId = (villageCode: string) => `expire-${villageCode}`;
