import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { cadres, members, wechatBindings, type InboundMessage } from '../db/schema/index.ts';
import { findSender } from '../directory.ts';
import { consentSource, householdPurpose, recordConsents } from '../privacy/consent.ts';
import { templates } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { normalizeText } from '../text.ts';
import { checkTypedCode, codeExpiry, CODE_MINUTES, maskPhone, mobileNumber, newCode } from './one-time-codes.ts';
import { queueMessages } from './outbound.ts';
import { replyTo } from './reply.ts';

/** The channels whose users bind themselves to a registered member, and the column that keeps their address. */
const BOUND_ON = { wechat: 'wechat', qq: 'qq' } as const;
type BindingChannel = keyof typeof BOUND_ON;

/** True for a channel whose unknown users are taken through binding (WeChat, QQ). */
export const bindsByCode = (channel: string): channel is BindingChannel => Object.hasOwn(BOUND_ON, channel);

/** What a villager calls the channel, in the binding texts. */
const CHANNEL_NAMES: Record<BindingChannel, string> = { wechat: '微信', qq: 'QQ' };

/** Step 1: a registered number gets a 6-digit code by SMS (once per message). */
async function sendCode(context: Context, message: InboundMessage, channel: BindingChannel, phone: string): Promise<string> {
  const { member, cadre } = await findSender(context.db, 'sms', phone);
  const village = (member ?? cadre)?.village;
  if (!village) return templates.binding.unknownNumber();
  const texts = textsOf(village);
  await context.db.insert(wechatBindings).values({
    channel, address: message.sender, phone, code: newCode(), messageId: message.id,
    expiresAt: codeExpiry(message.receivedAt),
  }).onConflictDoNothing({ target: wechatBindings.messageId });
  const [binding] = await context.db.select().from(wechatBindings).where(eq(wechatBindings.messageId, message.id));
  await queueMessages(context, [{
    dedupeKey: `wechat-binding-${binding!.id}-code`, channel: 'sms', address: phone,
    text: texts.binding.code(binding!.code, CODE_MINUTES, CHANNEL_NAMES[channel]), sender: village.settings.smsSenderNumber,
    kind: 'binding_code', params: { code: binding!.code, minutes: String(CODE_MINUTES) },
  }]);
  return texts.binding.codeSent(maskPhone(phone));
}

/** Step 2: the code sent back on the channel binds its address to the member and cadre with that number. */
async function checkCode(context: Context, message: InboundMessage, channel: BindingChannel, code: string): Promise<string> {
  const [done] = await context.db.select().from(wechatBindings).where(eq(wechatBindings.boundBy, message.id));
  if (done) return (await textsForPhone(context, done.phone)).binding.bound();
  const [binding] = await context.db.select().from(wechatBindings).where(and(
    eq(wechatBindings.channel, channel), eq(wechatBindings.address, message.sender), isNull(wechatBindings.boundBy), gt(wechatBindings.expiresAt, message.receivedAt),
  )).orderBy(desc(wechatBindings.id)).limit(1);
  const check = binding ? checkTypedCode(binding, code) : 'used_up';
  if (!binding || check === 'used_up') return templates.binding.start(CHANNEL_NAMES[channel]);
  if (check === 'wrong') {
    await context.db.update(wechatBindings).set({ attempts: sql`${wechatBindings.attempts} + 1` }).where(eq(wechatBindings.id, binding.id));
    return (await textsForPhone(context, binding.phone)).binding.wrongCode();
  }
  await context.db.transaction(async (tx) => {
    const column = BOUND_ON[channel];
    const bound = await tx.update(members).set({ [column]: message.sender }).where(eq(members.phone, binding.phone))
      .returning({ id: members.id, householdId: members.householdId });
    // The member's WeChat or QQ id is personal data jifen now holds, from this binding.
    if (bound[0]) await recordConsents(tx, [bound[0].id], { source: consentSource.smsBinding(channel), purpose: await householdPurpose(tx, bound[0].householdId) });
    await tx.update(cadres).set({ [column]: message.sender }).where(eq(cadres.phone, binding.phone));
    await tx.update(wechatBindings).set({ boundBy: message.id }).where(eq(wechatBindings.id, binding.id));
  });
  return (await textsForPhone(context, binding.phone)).binding.bound();
}

/** Once a registered number is given, the person hears their village's words. */
async function textsForPhone(context: Context, phone: string) {
  const { member, cadre } = await findSender(context.db, 'sms', phone);
  return textsOf((member ?? cadre)?.village);
}

/**
 * A WeChat or QQ user jifen does not know binds themselves: they send their registered phone
 * number, get a 6-digit code by SMS, and send it back. After that their messages on that channel
 * count for their household.
 */
export async function bindAccount(context: Context, message: InboundMessage): Promise<string> {
  if (!bindsByCode(message.channel)) throw new Error(`channel ${message.channel} has no binding`);
  const channel = message.channel;
  const text = normalizeText(message.text);
  const phone = mobileNumber(text);
  const answer = phone ? await sendCode(context, message, channel, phone)
    : /^\d{6}$/.test(text) ? await checkCode(context, message, channel, text)
    : templates.binding.start(CHANNEL_NAMES[channel]);
  await replyTo(context, message, answer);
  return answer;
}
