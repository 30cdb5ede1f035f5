import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import {
  cadres, checkinAttempts, claimEvents, claims, consoleSignInCodes, deductionEvents, households, inboundMessages, members, optOuts,
  outboundMessages, privacyEvents, wechatBindings, type Member,
} from '../db/schema/index.ts';
import { mobileNumber } from '../messages/one-time-codes.ts';
import { runInTransaction } from '../plans/runner.ts';
import { templates } from '../templates.ts';
import { addressesOf, ERASED_ADDRESS } from './addresses.ts';

export interface ForgetReport {
  /** The member whose data was removed (ids only), or null when no member has this number (any more). */
  member: { id: number; household: string } | null;
  /** Rows changed, per kind: a second run finds nothing and changes nothing. */
  erased: { inbound: number; outbound: number; claims: number; statements: number; checkins: number; bindings: number; optOuts: number };
}

export class ForgetRefused extends Error {}

const erasedCount = (report: ForgetReport['erased']) => Object.values(report).reduce((sum, n) => sum + n, 0);

/** Inbound messages from these addresses: words, photos, recordings, the provider's payload and the sender go; the row stays. */
async function eraseInbound(tx: Executor, addresses: string[], now: Date): Promise<number> {
  const erased = await tx.update(inboundMessages).set({
    text: '', attachments: [], raw: {}, sender: ERASED_ADDRESS, erasedAt: now,
    // Never picked up again by the sweeper under an address that is not there any more.
    queuedAt: sql`coalesce(${inboundMessages.queuedAt}, ${now})`, processedAt: sql`coalesce(${inboundMessages.processedAt}, ${now})`,
  }).where(inArray(inboundMessages.sender, addresses)).returning({ id: inboundMessages.id });
  return erased.length;
}

/** Messages to these addresses: texts and addresses go; one still waiting is never sent. */
async function eraseOutbound(tx: Executor, addresses: string[]): Promise<number> {
  const erased = await tx.update(outboundMessages).set({
    text: '', params: null, address: ERASED_ADDRESS, fallbackAddress: null, fallbackText: null,
    status: sql`case when ${outboundMessages.status} = 'pending' then 'failed' else ${outboundMessages.status} end`,
    error: sql`case when ${outboundMessages.status} = 'pending' then 'recipient forgotten' else ${outboundMessages.error} end`,
  }).where(or(inArray(outboundMessages.address, addresses), inArray(outboundMessages.fallbackAddress, addresses))).returning({ id: outboundMessages.id });
  return erased.length;
}

/** The member's own words kept with their claims, objections and appeals; the claims, their points and their history stay. */
async function eraseStatements(tx: Executor, member: Member | undefined, addresses: string[]) {
  const fromMessages = tx.select({ id: inboundMessages.id }).from(inboundMessages).where(inArray(inboundMessages.sender, addresses));
  const claimed = await tx.update(claims).set({ text: '' })
    .where(and(or(inArray(claims.sourceMessageId, fromMessages), member ? eq(claims.memberId, member.id) : undefined), sql`${claims.text} <> ''`))
    .returning({ id: claims.id });
  if (!member) return { claims: claimed.length, statements: 0 };
  const actor = `member:${member.id}`;
  const said = [
    ...await tx.update(claimEvents).set({ reason: null }).where(and(eq(claimEvents.actor, actor), sql`${claimEvents.reason} is not null`)).returning({ id: claimEvents.id }),
    ...await tx.update(deductionEvents).set({ reason: null }).where(and(eq(deductionEvents.actor, actor), sql`${deductionEvents.reason} is not null`)).returning({ id: deductionEvents.id }),
  ];
  return { claims: claimed.length, statements: said.length };
}

/** The member's name, number and WeChat/QQ ids; the household keeps its code (and loses the head's name if it was theirs). */
async function eraseMember(tx: Executor, member: Member): Promise<string> {
  await tx.update(members).set({ name: templates.privacy.forgottenName(member.id), phone: null, wechat: null, qq: null }).where(eq(members.id, member.id));
  const [household] = await tx.select().from(households).where(eq(households.id, member.householdId));
  if (household!.head === member.name) await tx.update(households).set({ head: templates.privacy.forgottenHead() }).where(eq(households.id, household!.id));
  return household!.code;
}

/**
 * Removes a member's personal data (PIPL article 47): name, phone, WeChat and QQ ids and their
 * bindings, the texts, photos and recordings they sent, and the texts sent to them. Their household's
 * claims, deductions, redemptions and ledger entries stay under the household code, so the ledger
 * still verifies. One transaction; a second run finds nothing and records nothing. A cadre's number
 * is refused: it signs the village's decisions.
 */
export async function forgetMember(context: Context, typedPhone: string, actor: string, now = new Date()): Promise<ForgetReport> {
  const phone = mobileNumber(typedPhone) ?? typedPhone.trim();
  return runInTransaction(context, async ({ db: tx }) => {
    const [cadre] = await tx.select({ id: cadres.id }).from(cadres).where(eq(cadres.phone, phone));
    if (cadre) throw new ForgetRefused(`this number is cadre ${cadre.id}'s: a cadre's number signs the village's decisions; give the cadre's role to someone else in the village file first`);
    const [member] = await tx.select().from(members).where(eq(members.phone, phone));
    const addresses = await addressesOf(tx, [member ?? { phone }]);
    const statements = await eraseStatements(tx, member, addresses);
    const erased: ForgetReport['erased'] = {
      ...statements,
      checkins: (await tx.update(checkinAttempts).set({ sender: ERASED_ADDRESS }).where(inArray(checkinAttempts.sender, addresses)).returning({ id: checkinAttempts.id })).length,
      inbound: await eraseInbound(tx, addresses, now),
      outbound: await eraseOutbound(tx, addresses),
      bindings: (await tx.delete(wechatBindings).where(or(eq(wechatBindings.phone, phone), inArray(wechatBindings.address, addresses))).returning({ id: wechatBindings.id })).length,
      optOuts: (await tx.delete(optOuts).where(inArray(optOuts.address, addresses)).returning({ address: optOuts.address })).length,
    };
    await tx.delete(consoleSignInCodes).where(eq(consoleSignInCodes.phone, phone));
    const household = member ? await eraseMember(tx, member) : undefined;
    if (member || erasedCount(erased) > 0) {
      await tx.insert(privacyEvents).values({ action: 'forget', actor, householdId: member?.householdId ?? null, memberId: member?.id ?? null, detail: erased, at: now });
    }
    return { member: member ? { id: member.id, household: household! } : null, erased };
  }, 'member-forget');
}
