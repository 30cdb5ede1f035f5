/** Every queue and job jifen runs, in one place. */

/**
 * The claim pipeline's stages, the weekly notifications, and maintenance (the embedded default's daily backup). Recorded messages are sent from one
 * queue per channel (outboundQueue), so each channel's provider gets its own rate limit.
 */
export const QUEUES = { pipeline: 'pipeline', weekly: 'weekly', maintenance: 'maintenance' } as const;

/** The channels jifen sends on, each with its own outbound queue and rate limit. */
export const OUTBOUND_CHANNELS = ['sms', 'wechat', 'qq'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];
export const outboundQueue = (channel: OutboundChannel) => `outbound-${channel}`;

/** The pipeline: one job name per kind of work, each one transaction and idempotent (see workers/). */
export type PipelineJob =
  | { name: 'intake'; data: { messageId: number } }
  /** A claim short of review (the sweeper found it so): validation, scoring and its review request. */
  | { name: 'advance-claim'; data: { claimId: number } }
  /** An approved claim not posted (the sweeper found it so). */
  | { name: 'post'; data: { claimId: number } }
  /** Periodic per village (a job scheduler): reminds, then escalates, claims waiting too long for review. */
  | { name: 'review-follow-up'; data: { villageId: number } }
  /** Delayed: the end of a claim's publicity (公示) in that review round; posts it unless an objection came. */
  | { name: 'publicity-end'; data: { claimId: number; round: number } }
  /** Daily per village (a job scheduler in its timezone): points expiry and its warnings. */
  | { name: 'expire'; data: { villageId: number } }
  /** Daily per village: inbound message texts, photos and recordings older than the village's retention period are erased. */
  | { name: 'retention'; data: { villageId: number } }
  /** Delayed to the end of a check-in's window (签到): the attendance list to the cadre who opened it. */
  | { name: 'checkin-close'; data: { checkinId: number } }
  /** A confirmed announcement (村务通知): one message per household, then its delivery figures to the cadre. */
  | { name: 'announcement-send'; data: { announcementId: number } }
  | { name: 'announcement-report'; data: { announcementId: number; round: number } };

/** One message, or a batch of them (the weekly fan-out: one job for many messages). */
export type OutboundJob =
  | { name: 'send'; data: { outboundId: number } }
  | { name: 'send-batch'; data: { outboundIds: number[] } };

/** The weekly notifications: a village's run fans out into chunks of households, plus the cadres' summary. */
export type WeeklyJob =
  | { name: 'weekly-village'; data: { villageId: number; week?: string } }
  | { name: 'weekly-chunk'; data: { villageId: number; week: string; firstHouseholdId: number; lastHouseholdId: number } }
  | { name: 'weekly-cadres'; data: { villageId: number; week: string } };

/** Per village and week (and chunk): a second fire of the scheduler collapses into the jobs already queued. */
export function weeklyJobId(job: WeeklyJob): string {
  switch (job.name) {
    case 'weekly-village': return `weekly-village-${job.data.villageId}-${job.data.week}`;
    case 'weekly-chunk': return `weekly-chunk-${job.data.villageId}-${job.data.week}-${job.data.firstHouseholdId}`;
    case 'weekly-cadres': return `weekly-cadres-${job.data.villageId}-${job.data.week}`;
  }
}

export type PipelineJobName = PipelineJob['name'];

/**
 * Deterministic ids: the same message or claim at the same stage is one job, so a
 * duplicate delivery or a replayed stage collapses into the job already queued.
 */
export function pipelineJobId(job: PipelineJob): string {
  const data = job.data;
  const subject = 'claimId' in data ? `claim-${data.claimId}` : 'villageId' in data ? `village-${data.villageId}`
    : 'checkinId' in data ? `checkin-${data.checkinId}` : 'announcementId' in data ? `announcement-${data.announcementId}` : `message-${data.messageId}`;
  // A claim sent back to review by an objection goes through review again: a new round, new jobs.
  const round = 'round' in job.data && job.data.round ? `-round-${job.data.round}` : '';
  return `${job.name}-${subject}${round}`;
}

export const outboundJobId = (job: OutboundJob) =>
  job.name === 'send' ? `send-${job.data.outboundId}` : `send-batch-${job.data.outboundIds[0]}-${job.data.outboundIds.length}`;

/** The job scheduler that runs a village's expiry every day in its timezone. */
export const expirySchedulerId = (villageCode: string) => `expire-${villageCode}`;

/** The job scheduler that runs a village's message retention every day. */
export const retentionSchedulerId = (villageCode: string) => `retention-${villageCode}`;

/** The job scheduler that follows up a village's claims waiting for review. */
export const reviewFollowUpSchedulerId = (villageCode: string) => `review-follow-up-${villageCode}`;
