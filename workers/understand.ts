import { and, eq } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import { periodKey } from '../src/claims/period.ts';
import { interpret } from '../src/claims/understand.ts';
import type { Context } from '../src/context.ts';
import { claimEvents, claims, rules, type InboundMessage } from '../src/db/schema/index.ts';
import { findMember, type KnownMember } from '../src/directory.ts';
import { householdBalance } from '../src/ledger/balance.ts';
import { loadInbound, markProcessed } from '../src/messages/inbound.ts';
import { replyTo } from '../src/messages/reply.ts';
import { templates } from '../src/templates.ts';
import type { PipelineStage } from './stage.ts';

async function createClaim(context: Context, message: InboundMessage, member: KnownMember, rule: typeof rules.$inferSelect, confidence: number) {
  await context.db.transaction(async (tx) => {
    const [claim] = await tx.insert(claims).values({
      villageId: member.village.id, householdId: member.household.id, memberId: member.id, sourceMessageId: message.id,
      ruleId: rule.id, text: message.text, state: 'understood', claimedAt: message.receivedAt,
      periodKey: periodKey(rule.per, message.receivedAt, member.village.timezone),
    }).onConflictDoNothing({ target: claims.sourceMessageId }).returning({ id: claims.id });
    if (!claim) return;
    const actor = `member:${member.id}`;
    await tx.insert(claimEvents).values([
      { claimId: claim.id, toState: 'received', actor, channel: message.channel, messageId: message.id },
      { claimId: claim.id, fromState: 'received', toState: 'understood', actor: 'system', detail: { rule: rule.code, confidence } },
    ]);
    await markProcessed(tx, message.id, 'claim');
  });
}

/** What does the villager want? A claim moves on to validation; anything else is answered here. */
export const understand: PipelineStage<'understand'> = async (context, { messageId }) => {
  const message = await loadInbound(context.db, messageId);
  if (!message) throw new UnrecoverableError(`no inbound message ${messageId}`);
  const [existing] = await context.db.select({ id: claims.id }).from(claims).where(eq(claims.sourceMessageId, messageId));
  if (!existing && message.processedAt) return;
  if (!existing) {
    const member = await findMember(context.db, message.channel, message.sender);
    if (!member) throw new UnrecoverableError(`sender of message ${messageId} is no longer a member`);
    const villageRules = await context.db.select().from(rules).where(and(eq(rules.villageId, member.village.id), eq(rules.active, true)));
    const meaning = interpret(message.text, villageRules);
    if (meaning.intent !== 'claim') {
      const text = meaning.intent === 'balance'
        ? await householdBalance(context.db, member.household.code).then((b) => templates.balance(b.household, b.balance, b.lifetime))
        : meaning.intent === 'empty' ? templates.empty()
        : meaning.intent === 'too_long' ? templates.tooLong()
        : templates.notUnderstood();
      await replyTo(context, message, text, member.village);
      await markProcessed(context.db, messageId, meaning.intent);
      return;
    }
    await createClaim(context, message, member, meaning.rule, meaning.confidence);
  }
  const [claim] = await context.db.select({ id: claims.id }).from(claims).where(eq(claims.sourceMessageId, messageId));
  await context.jobs.enqueue({ name: 'validate', data: { claimId: claim!.id } });
};
