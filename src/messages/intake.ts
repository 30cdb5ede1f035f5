import { UnrecoverableError } from 'bullmq';
import { dayKey } from '../claims/period.ts';
import { villagerMessage } from '../claims/villager-message.ts';
import { cadreCommand } from '../commands/cadre.ts';
import type { Context } from '../context.ts';
import { runInTransaction } from '../plans/runner.ts';
import { templates } from '../templates.ts';
import { understandCadre } from '../understanding/cadre.ts';
import { knownVillage } from '../understanding/village-models.ts';
import { lockInboundWithSender, markProcessed } from './inbound.ts';
import { replyTo } from './reply.ts';
import { hearVoiceNote } from './voice-notes.ts';
import { bindAccount, bindsByCode } from './account-binding.ts';

/** Unknown senders are answered in the timezone of the villages this deployment serves. */
const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/**
 * One inbound message, whole, in ONE transaction: who sent it? A cadre's command is carried out
 * (a decision posts at once); a villager's claim is understood, validated, scored and sent for
 * review; an unknown WeChat or QQ user is taken through binding; any other stranger gets one polite
 * answer a day. The message row is locked (read with its sender in one statement), so a second delivery of the
 * job waits and finds it done.
 */
export async function intake(context: Context, messageId: number): Promise<void> {
  await runInTransaction(context, async (context) => {
    const read = await lockInboundWithSender(context.db, messageId);
    if (!read) throw new UnrecoverableError(`no inbound message ${messageId}`);
    if (read.message.processedAt) return;
    const message = await hearVoiceNote(context, read.message);
    const { cadre, member } = read;
    const known = cadre && (await knownVillage(context.db, cadre.village));
    // A cadre who is also a villager speaks as a cadre when the message is a cadre's command.
    if (cadre && known && (!member || understandCadre(known.model, message.text).intent !== 'other')) {
      await cadreCommand(context, message, cadre, known);
    } else if (member) {
      await villagerMessage(context, message, member, read.sentInLastMinute);
    } else if (bindsByCode(message.channel)) {
      // An unknown WeChat or QQ user binds their address to their registered number first.
      await bindAccount(context, message);
      await markProcessed(context, messageId, `${message.channel}_binding`);
    } else {
      const day = dayKey(message.receivedAt, DEFAULT_TIMEZONE);
      await replyTo(context, message, templates.unregistered(), { dedupeKey: `unregistered-${message.channel}-${message.sender}-${day}` });
      await markProcessed(context, messageId, 'unknown_sender');
      context.log.info({ messageId, sender: message.sender }, 'message from an unregistered sender');
    }
  });
}
