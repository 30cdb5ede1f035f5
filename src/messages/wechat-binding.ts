import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { cadres, members, wechatBindings, type InboundMessage } from '../db/schema/index.ts';
import { findSender } from '../directory.ts';
import { templates } from '../templates.ts';
import { normalizeText } from '../text.ts';
import { checkTypedCode, codeExpiry, CODE_MINUTES, maskPhone, mobileNumber, newCode } from './one-time-codes.ts';
import { queueMessages } from './outbound.ts';
import { replyTo } from './reply.ts';

/** Step 1: a registered number gets a 6-digit code by SMS (once per message). */
async function sendCode(context: Context, message: InboundMessage, phone: string): Promise<string> {
  const { member, cadre } = await findSender(context.db, 'sms', phone);
  const village = (member ?? cadre)?.village;
  if (!village) return templates.binding.unknownNumber();
  await context.db.insert(wechatBindings).values({
    wechatId: message.sender, phone, code: newCode(), messageId: message.id,
    expiresAt: codeExpiry(message.receivedAt),
  }).onConflictDoNothing({ target: wechatBindings.messageId });
  const [binding] = await context.db.select().from(wechatBindings).where(eq(wechatBindings.messageId, message.id));
  await queueMessages(context, [{
    dedupeKey: `wechat-binding-${binding!.id}-code`, channel: 'sms', address: phone,
    text: templates.binding.code(binding!.code, CODE_MINUTES), sender: village.settings.smsSenderNumber,
    kind: 'binding_code', params: { code: binding!.code, minutes: String(CODE_MINUTES) },
  }]);
  return templates.binding.codeSent(maskPhone(phone));
}

/** Step 2: the code sent back on WeChat binds the WeChat id to the member and cadre with that number. */
async function checkCode(context: Context, message: InboundMessage, code: string): Promise<string> {
  const [done] = await context.db.select().from(wechatBindings).where(eq(wechatBindings.boundBy, message.id));
  if (done) return templates.binding.bound();
  const [binding] = await context.db.select().from(wechatBindings).where(and(
    eq(wechatBindings.wechatId, message.sender), isNull(wechatBindings.boundBy), gt(wechatBindings.expiresAt, message.receivedAt),
  )).orderBy(desc(wechatBindings.id)).limit(1);
  const check = binding ? checkTypedCode(binding, code) : 'used_up';
  if (!binding || check === 'used_up') return templates.binding.start();
  if (check === 'wrong') {
    await context.db.update(wechatBindings).set({ attempts: sql`${wechatBindings.attempts} + 1` }).where(eq(wechatBindings.id, binding.id));
    return templates.binding.wrongCode();
  }
  await context.db.transaction(async (tx) => {
    await tx.update(members).set({ wechat: message.sender }).where(eq(members.phone, binding.phone));
    await tx.update(cadres).set({ wechat: message.sender }).where(eq(cadres.phone, binding.phone));
    await tx.update(wechatBindings).set({ boundBy: message.id }).where(eq(wechatBindings.id, binding.id));
  });
  return templates.binding.bound();
}

/**
 * A WeChat user jifen does not know binds themselves: they send their registered phone number,
 * get a 6-digit code by SMS, and send it back. After that their WeChat messages count for their household.
 */
export async function bindWechat(context: Context, message: InboundMessage): Promise<string> {
  const text = normalizeText(message.text);
  const phone = mobileNumber(text);
  const answer = phone ? await sendCode(context, message, phone)
    : /^\d{6}$/.test(text) ? await checkCode(context, message, text)
    : templates.binding.start();
  await replyTo(context, message, answer);
  return answer;
}
