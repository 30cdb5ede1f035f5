import { checkinFromVillager } from '../checkin/messages.ts';
import { rememberClaim, transition } from '../claims/claims.ts';
import { closeConversation, conversationFor, openConversation } from '../claims/conversations.ts';
import { linkEarlierPhotos, photosWith } from '../claims/evidence.ts';
import { claimsOfMessage, claimToWithdraw, createClaims } from '../claims/new-claims.ts';
import { planAnswer, type OpenQuestion, type Plan } from '../claims/plan.ts';
import type { Context } from '../context.ts';
import type { InboundMessage } from '../db/schema/index.ts';
import type { KnownMember } from '../directory.ts';
import { householdBalance } from '../ledger/balance.ts';
import { holdFlood } from '../messages/flood.ts';
import { loadInbound, markProcessed } from '../messages/inbound.ts';
import { optIn, optOut } from '../messages/opt-outs.ts';
import { replyTo } from '../messages/reply.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { knownVillage, type KnownVillage } from '../understanding/village-models.ts';
import { understandVillager } from '../understanding/villager.ts';
import { objectionIn } from '../understanding/objection.ts';
import { cleanText } from '../understanding/text-analysis.ts';
import { object } from '../reviews/objection.ts';
import { appealDeduction } from '../deductions/appeal-messages.ts';
import { transactionOf } from '../plans/runner.ts';
import { advanceClaim } from './advance.ts';

async function openQuestion(context: Context, member: KnownMember, message: InboundMessage): Promise<OpenQuestion | undefined> {
  const conversation = await conversationFor(context.db, member.id, message);
  if (!conversation) return undefined;
  const original = await loadInbound(context.db, conversation.messageId);
  return { conversation, originalText: original!.text };
}

/** Records the plan's claims and question; a re-run finds them and changes nothing. Returns the message's claims. */
async function record(context: Context, known: KnownVillage, member: KnownMember, message: InboundMessage, plan: Plan): Promise<number[]> {
  const tx = transactionOf(context);
  if (plan.closes !== undefined) await closeConversation(tx, plan.closes, message.id);
  if (plan.ask) await openConversation(tx, member.id, message, plan.ask.kind, plan.ask.options);
  const items = plan.claims.flatMap(({ code, text }) => {
    const rule = known.rules.get(code);
    return rule ? [{ rule, text }] : [];
  });
  const created = await createClaims(tx, message, { village: known.village, householdId: member.household.id, memberId: member.id }, items);
  const claimIds = created.length > 0 ? created.map((claim) => claim.id) : await claimsOfMessage(tx, message.id);
  // A photo sent on its own just before the words is their evidence (WeChat: picture first, then text).
  const photos = photosWith(message, await linkEarlierPhotos(tx, message, claimIds));
  // The claims just created are what advanceClaim would read: it finds them in the transaction's cache.
  const { household, village, ...memberRow } = member;
  for (const claim of created) {
    rememberClaim(tx, { claim, rule: items.find(({ rule }) => rule.id === claim.ruleId)!.rule, household, village, member: memberRow, photos });
  }
  return claimIds;
}

/** The answers that need the database: the balance, withdrawing the latest claim, opting out or in. */
async function act(context: Context, known: KnownVillage, member: KnownMember, message: InboundMessage, plan: Plan): Promise<string | undefined> {
  const texts = textsOf(member.village);
  switch (plan.action) {
    case 'balance': {
      const b = await householdBalance(context.db, member.household.code);
      return texts.balance(b.household, b.balance, b.lifetime);
    }
    case 'cancel': {
      const claim = await claimToWithdraw(context.db, member.id, message.id);
      if (!claim) return texts.nothingToCancel();
      if (claim.state !== 'cancelled') {
        await transition(transactionOf(context), claim.id, claim.state, 'cancelled', {
          actor: `member:${member.id}`, channel: message.channel, messageId: message.id, reason: '村民取消',
        });
      }
      const rule = [...known.rules.values()].find((r) => r.id === claim.ruleId);
      return texts.cancelled(itemName(rule?.name ?? ''));
    }
    case 'optout':
      // Confirmed once: a second TD gets no answer.
      return (await optOut(context.db, message)) ? texts.optedOut() : undefined;
    case 'optin':
      await optIn(context.db, message);
      return texts.optedIn();
    case 'object':
      return object(context, { actor: `member:${member.id}`, village: member.village }, message, objectionIn(cleanText(message.text))!);
    case 'appeal':
      return appealDeduction(context, member, message, plan.appeal);
  }
}

/**
 * A villager's message, in the caller's transaction: what do they want? A check-in code is
 * answered (and its points approved) at once; a clear claim goes on through validation, scoring
 * and its review request at once; questions and answers are sent from here.
 */
export async function villagerMessage(context: Context, message: InboundMessage, member: KnownMember, sentInLastMinute: number): Promise<void> {
  if (await holdFlood(context, message, member, sentInLastMinute)) return;
  if (await checkinFromVillager(context, member, message)) return;
  const known = await knownVillage(context.db, member.village);
  const understanding = understandVillager(known.model, message.text);
  const plan = planAnswer(known, understanding, message.text, await openQuestion(context, member, message), message.attachments);
  const claimIds = await record(context, known, member, message, plan);
  const reply = plan.action ? await act(context, known, member, message, plan) : plan.reply;
  if (reply) await replyTo(context, message, reply, { village: member.village, fallbackPhone: member.phone });
  await markProcessed(context, message.id, plan.outcome);
  for (const claimId of claimIds) await advanceClaim(context, claimId);
}
