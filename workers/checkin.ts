import { checkinWindowEnded } from '../src/checkin/messages.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** The end of a check-in's window: the attendance list to the cadre who opened it. */
export const checkinClose: PipelineStage<'checkin-close'> = (context, { checkinId }) => checkinWindowEnded(context, checkinId);
