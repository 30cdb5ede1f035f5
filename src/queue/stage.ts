import type { Context } from '../context.ts';
import type { OutboundJob, PipelineJob } from './jobs.ts';

/** One stage of the pipeline: idempotent, so BullMQ's at-least-once delivery never doubles anything. */
export type Stage<J extends PipelineJob | OutboundJob> = (context: Context, data: J['data']) => Promise<void>;

export type PipelineStage<N extends PipelineJob['name']> = Stage<Extract<PipelineJob, { name: N }>>;
