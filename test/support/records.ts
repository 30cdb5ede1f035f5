import { and, eq, isNull, notInArray, or } from 'drizzle-orm';
import type { Context } from '../../src/context.ts';
import { households, outboundMessages } from '../../src/db/schema/index.ts';
import { householdAccountId, systemAccountId } from '../../src/ledger/accounts.ts';
import { post } from '../../src/ledger/ledger.ts';
import { lastInbound, type Harness } from './jifen.ts';

/** Messages that reach a cadre because of someone else's message: never the answer to the cadre's own. */
const REQUESTS_TO_CADRES = ['review_request', 'review_remind', 'review_escalate', 'review_second', 'appeal_request'];

/**
 * Sends an SMS as `from` and returns jifen's last answer to that address once the message is
 * processed, passing over review and appeal requests that may reach a cadre in between.
 */
export async function say(jifen: Harness, from: string, text: string): Promise<string> {
  await jifen.sms(from, text);
  const message = await jifen.waitFor(async () => {
    const last = await lastInbound(jifen.context, from);
    return last?.text === text && last.processedAt !== null ? last : undefined;
  }, `"${text}" processed`);
  return jifen.waitFor(async () => {
    const answers = await jifen.context.db.select({ text: outboundMessages.text }).from(outboundMessages)
      .where(and(eq(outboundMessages.address, from), or(isNull(outboundMessages.kind), notInArray(outboundMessages.kind, REQUESTS_TO_CADRES))))
      .orderBy(outboundMessages.id);
    return answers.at(-1)?.text;
  }, `the answer to ${message.id}`);
}

/** Gives a household points straight through the ledger, as an approved claim would; `at` backdates the posting. */
export async function award(context: Context, code: string, points: number, options: { key?: string; at?: Date } = {}) {
  const [household] = await context.db.select().from(households).where(eq(households.code, code));
  await context.db.transaction(async (tx) => post(tx, {
    idempotencyKey: options.key ?? `test-award-${code}-${points}`, kind: 'award', memo: 'test', affectsLifetime: true, at: options.at,
    entries: [
      { accountId: await householdAccountId(tx, household!.id), amount: points },
      { accountId: await systemAccountId(tx, household!.villageId, 'issuance'), amount: -points },
    ],
  }));
}
