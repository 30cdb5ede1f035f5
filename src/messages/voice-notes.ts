import { and, eq, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { inboundMessages, type InboundMessage } from '../db/schema/index.ts';
import { speechToText } from '../speech/speech-to-text.ts';

const isVoice = (contentType: string | undefined) => contentType?.startsWith('voice') || contentType?.startsWith('audio');

/**
 * A voice note without words (WeChat did not recognise it, or a Wechaty bot, which never does) is
 * heard by the speech service when one is configured: what it heard becomes the message's text,
 * and the message goes on like a typed one. Without a service, or when it cannot hear this one,
 * the message stays wordless and the villager is asked to type or call; the recording is kept.
 */
export async function hearVoiceNote(context: Context, message: InboundMessage): Promise<InboundMessage> {
  const voice = message.attachments.find((attachment) => isVoice(attachment.contentType));
  const hear = speechToText(context.config.speechToText);
  if (!voice || message.text.trim() !== '' || !hear) return message;
  const log = context.log.child({ messageId: message.id });
  try {
    const audio = await context.channels.fetchMedia(message.channel, voice.url);
    if (!audio) {
      log.warn({ url: voice.url }, 'voice note not heard: no provider in this process can fetch its recording');
      return message;
    }
    const text = await hear(audio);
    if (!text) return message;
    // Only a message still without words: a re-run keeps the first transcript.
    const [heard] = await context.db.update(inboundMessages)
      .set({ text, raw: sql`${inboundMessages.raw} || ${JSON.stringify({ heardBy: 'speech-to-text' })}::jsonb` })
      .where(and(eq(inboundMessages.id, message.id), eq(inboundMessages.text, ''))).returning();
    log.info('voice note heard by the speech service');
    return heard ?? message;
  } catch (error) {
    log.warn({ err: error }, 'voice note not heard: the villager is asked to type or call');
    return message;
  }
}
