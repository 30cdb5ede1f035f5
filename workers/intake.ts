import { intake as handleInbound } from '../src/messages/intake.ts';
import type { PipelineStage } from '../src/queue/stage.ts';

/** An inbound message: the whole of its handling is one job and one transaction. */
export const intake: PipelineStage<'intake'> = (context, { messageId }) => handleInbound(context, messageId);
