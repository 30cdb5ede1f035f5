import { UnrecoverableError } from 'bullmq';
import { dayKey } from '../src/claims/period.ts';
import type { Context } from '../src/context.ts';
import { findSender, type KnownCadre } from '../src/directory.ts';
import { loadInbound, markProcessed } from '../src/messages/inbound.ts';
import { replyTo } from '../src/messages/reply.ts';
import { hearVoiceNote } from '../src/messages/voice-notes.ts';
import { bindAccount, bindsByCode } from '../src/messages/account-binding.ts';
import { templates } from '../src/templates.ts';
import { understandCadre } from '../src/understanding/cadre.ts';
import { knownVillage } from '../src/understanding/village-models.ts';
import type { PipelineStage } from './stage.ts';

/** Unknown senders are answered in the timezone of the villages this deployment serves. */
const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** A cadre who is also a villager speaks as a cadre when the message is a cadre's command. */
async function isCadreCommand(context: Context, cadre: KnownCadre, text: string): Promise<boolean> {
  const known = await knownVillage(context.db, cadre.village);
  return understandCadre(known.model, text).intent !== 'other';
}

/**
 * Who sent it? A cadre's command goes to the cadre stage; a villager's message to understanding; an
 * unknown WeChat user is taken through binding; any other stranger gets one polite answer a day.
 */
export const intake: PipelineStage<'intake'> = async (context, { messageId }) => {
  const stored = await loadInbound(context.db, messageId);
  if (!stored) throw new UnrecoverableError(`no inbound message ${messageId}`);
  if (stored.processedAt) return;
  const message = await hearVoiceNote(context, stored);
  const sender = await findSender(context.db, message.channel, message.sender);

  if (sender.cadre && (!sender.member || (await isCadreCommand(context, sender.cadre, message.text)))) {
    await context.jobs.enqueue({ name: 'cadre-command', data: { messageId } });
  } else if (sender.member) {
    await context.jobs.enqueue({ name: 'understand', data: { messageId } });
  } else if (bindsByCode(message.channel)) {
    // An unknown WeChat or QQ user binds their address to their registered number first.
    await bindAccount(context, message);
    await markProcessed(context.db, messageId, `${message.channel}_binding`);
  } else {
    const day = dayKey(message.receivedAt, DEFAULT_TIMEZONE);
    await replyTo(context, message, templates.unregistered(), { dedupeKey: `unregistered-${message.channel}-${message.sender}-${day}` });
    await markProcessed(context.db, messageId, 'unknown_sender');
    context.log.info({ messageId, sender: message.sender }, 'message from an unregistered sender');
  }
};
