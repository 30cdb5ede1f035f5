import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../context.ts';
import { markProcessed } from '../messages/inbound.ts';
import type { PipelineJob } from './jobs.ts';

/** BullMQ will not run the job again: it was told not to, or this was its last attempt. */
export function isFinalFailure(job: Job, error: Error): boolean {
  return error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * A message whose stage failed for good is closed with the reason as its outcome, so it shows in
 * `jifen messages` instead of sitting unprocessed. A claim's stage failing for good is logged as an error.
 */
export async function onStageFailed(context: Context, job: Job | undefined, error: Error): Promise<void> {
  if (!job || !isFinalFailure(job, error)) return;
  const data = job.data as PipelineJob['data'];
  if ('messageId' in data) await markProcessed(context, data.messageId, `failed: ${job.name}: ${error.message}`);
  else context.log.error({ job: job.id, err: error }, 'a claim stage failed for good; the claim stays where it is');
}
