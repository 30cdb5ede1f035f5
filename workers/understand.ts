import { UnrecoverableError } from 'bullmq';
import { transition } from '../src/claims/claims.ts';
import { closeConversation, conversationFor, openConversation } from '../src/claims/conversations.ts';
import { linkEarlierPhotos } from '../src/claims/evidence.ts';
import { claimsOfMessage, claimToWithdraw, createClaims } from '../src/claims/new-claims.ts';
import { planAnswer, type OpenQuestion, type Plan } from '../src/claims/plan.ts';
import type { Context } from '../src/context.ts';
import type { InboundMessage } from '../src/db/schema/index.ts';
import { findMember, type KnownMember } from '../src/directory.ts';
import { householdBalance } from '../src/ledger/balance.ts';
import { loadInbound, markProcessed } from '../src/messages/inbound.ts';
import { holdFlood } from '../src/messages/flood.ts';
import { optIn, optOut } from '../src/messages/opt-outs.ts';
import { replyTo } from '../src/messages/reply.ts';
import { itemName, templates } from '../src/templates.ts';
import { knownVillage, type KnownVillage } from '../src/understanding/village-models.ts';
import { understandVillager } from '../src/understanding/villager.ts';
import { objectionIn } from '../src/understanding/objection.ts';
import { cleanText } from '../src/understanding/text-analysis.ts';
import { object } from './objection.ts';
import { appealDeduction } from './deduction-appeals.ts';
import type { PipelineStage } from './stage.ts';

async function openQuestion(context: Context, member: KnownMember, message: InboundMessage): Promise<OpenQuestion | undefined> {
  const conversation = await conversationFor(context.db, member.id, message);
  if (!conversation) return undefined;
  const original = await loadInbound(context.db, conversation.messageId);
  return { conversation, originalText: original!.text };
}

/** Records the plan's claims and question in one transaction: a re-run finds them and changes nothing. */
async function record(context: Context, known: KnownVillage, member: KnownMember, message: InboundMessage, plan: Plan): Promise<void> {
  await context.db.transaction(async (tx) => {
    if (plan.closes !== undefined) await closeConversation(tx, plan.closes, message.id);
    if (plan.ask) await openConversation(tx, member.id, message, plan.ask.kind, plan.ask.options);
    await createClaims(tx, message, { village: known.village, householdId: member.household.id, memberId: member.id },
      plan.claims.flatMap(({ code, text }) => {
        const rule = known.rules.get(code);
        return rule ? [{ rule, text }] : [];
      }));
    // A photo sent on its own just before the words is their evidence (WeChat: picture first, then text).
    await linkEarlierPhotos(tx, message, await claimsOfMessage(tx, message.id));
  });
}

/** The answers that need the database: the balance, withdrawing the latest claim, opting out or in. */
async function act(context: Context, known: KnownVillage, member: KnownMember, message: InboundMessage, plan: Plan): Promise<string | undefined> {
  switch (plan.action) {
    case 'balance': {
      const b = await householdBalance(context.db, member.household.code);
      return templates.balance(b.household, b.balance, b.lifetime);
    }
    case 'cancel': {
      const claim = await claimToWithdraw(context.db, member.id, message.id);
      if (!claim) return templates.nothingToCancel();
      if (claim.state !== 'cancelled') {
        await context.db.transaction((tx) => transition(tx, claim.id, claim.state, 'cancelled', {
          actor: `member:${member.id}`, channel: message.channel, messageId: message.id, reason: '村民取消',
        }));
      }
      const rule = [...known.rules.values()].find((r) => r.id === claim.ruleId);
      return templates.cancelled(itemName(rule?.name ?? ''));
    }
    case 'optout':
      // Confirmed once: a second TD gets no answer.
      return (await optOut(context.db, message)) ? templates.optedOut() : undefined;
    case 'optin':
      await optIn(context.db, message);
      return templates.optedIn();
    case 'object':
      return object(context, { actor: `member:${member.id}`, villageId: member.village.id }, message, objectionIn(cleanText(message.text))!);
    case 'appeal':
      return appealDeduction(context, member, message, plan.appeal);
  }
}

/** What does the villager want? Claims move on to validation; questions and answers are sent from here. */
export const understand: PipelineStage<'understand'> = async (context, { messageId }) => {
  const message = await loadInbound(context.db, messageId);
  if (!message) throw new UnrecoverableError(`no inbound message ${messageId}`);
  if (message.processedAt && (await claimsOfMessage(context.db, messageId)).length === 0) return;
  const member = await findMember(context.db, message.channel, message.sender);
  if (!member) throw new UnrecoverableError(`sender of message ${messageId} is no longer a member`);
  if (!message.processedAt && (await holdFlood(context, message, member))) return;

  const known = await knownVillage(context.db, member.village);
  const understanding = understandVillager(known.model, message.text);
  const plan = planAnswer(known, understanding, message.text, await openQuestion(context, member, message), message.attachments);
  await record(context, known, member, message, plan);
  const reply = plan.action ? await act(context, known, member, message, plan) : plan.reply;
  if (reply) await replyTo(context, message, reply, { village: member.village, fallbackPhone: member.phone });
  await markProcessed(context.db, messageId, plan.outcome);
  for (const claimId of await claimsOfMessage(context.db, messageId)) await context.jobs.enqueue({ name: 'validate', data: { claimId } });
};
