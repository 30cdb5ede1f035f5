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
  | { name: 'review-request'; data: { claimId: number } }
  | { name: 'post'; data: { claimId: number } }
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
  return `${job.name}-${subject}`;
}

export const outboundJobId = (job: OutboundJob) => `send-${job.data.outboundId}`;

/** The job scheduler that runs a village's expiry every day, shortly after midnight in its timezone. */
export const expirySchedulerId = (villageCode: string) => `expire-${villageCode}`;
