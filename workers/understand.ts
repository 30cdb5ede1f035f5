import { and, eq } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import { periodKey } from '../src/claims/period.ts';
import { interpret } from '../src/claims/understand.ts';
import type { Context } from '../src/context.ts';
import { claimEvents, claims, rules, type InboundMessage, type Rule } from '../src/db/schema/index.ts';
import { findMember, type KnownMember } from '../src/directory.ts';
import { householdBalance } from '../src/ledger/balance.ts';
import { loadInbound, markProcessed } from '../src/messages/inbound.ts';
import { replyTo } from '../src/messages/reply.ts';
import { templates } from '../src/templates.ts';
import type { PipelineStage } from './stage.ts';

/** Records the claim with its first two events and closes the message; returns the claim's id. */
async function createClaim(context: Context, message: InboundMessage, member: KnownMember, rule: Rule, confidence: number): Promise<number> {
  const created = await context.db.transaction(async (tx) => {
    const [claim] = await tx.insert(claims).values({
      villageId: member.village.id, householdId: member.household.id, memberId: member.id, sourceMessageId: message.id,
      ruleId: rule.id, text: message.text, state: 'understood', claimedAt: message.receivedAt,
      periodKey: periodKey(rule.per, message.receivedAt, member.village.timezone),
    }).onConflictDoNothing({ target: claims.sourceMessageId }).returning({ id: claims.id });
    if (!claim) return undefined;
    const actor = `member:${member.id}`;
    await tx.insert(claimEvents).values([
      { claimId: claim.id, toState: 'received', actor, channel: message.channel, messageId: message.id },
      { claimId: claim.id, fromState: 'received', toState: 'understood', actor: 'system', detail: { rule: rule.code, confidence } },
    ]);
    await markProcessed(tx, message.id, 'claim');
    return claim.id;
  });
  return created ?? (await claimOfMessage(context, message.id))!;
}

async function claimOfMessage(context: Context, messageId: number): Promise<number | undefined> {
  const [claim] = await context.db.select({ id: claims.id }).from(claims).where(eq(claims.sourceMessageId, messageId));
  return claim?.id;
}

/** What does the villager want? A claim moves on to validation; anything else is answered here. */
export const understand: PipelineStage<'understand'> = async (context, { messageId }) => {
  const message = await loadInbound(context.db, messageId);
  if (!message) throw new UnrecoverableError(`no inbound message ${messageId}`);
  let claimId = await claimOfMessage(context, messageId);
  if (claimId === undefined && message.processedAt) return;
  if (claimId === undefined) {
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
    claimId = await createClaim(context, message, member, meaning.rule, meaning.confidence);
  }
  await context.jobs.enqueue({ name: 'validate', data: { claimId } });
};
