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

const ids = (rows: unknown[]) => rows.length;

/** Inbound messages from these addresses: words, photos, recordings, the provider's payload and the sender go; the row stays. */
async function eraseInbound(tx: Executor, messageIds: number[], now: Date): Promise<number> {
  if (messageIds.length === 0) return 0;
  return ids(await tx.update(inboundMessages).set({
    text: '', attachments: [], raw: {}, sender: ERASED_ADDRESS, erasedAt: now,
    // Never picked up again by the sweeper under an address that is not there any more.
    queuedAt: sql`coalesce(${inboundMessages.queuedAt}, ${now})`, processedAt: sql`coalesce(${inboundMessages.processedAt}, ${now})`,
  }).where(inArray(inboundMessages.id, messageIds)).returning({ id: inboundMessages.id }));
}

/**
 * Messages to these addresses (texts and addresses go; one still waiting is never sent), and messages
 * to cadres about the member: review requests quoting their claims, answers to their messages, alerts
 * naming their address (texts go; the cadre's address stays). Their dedupe keys may hold an address too.
 */
async function eraseOutbound(tx: Executor, addresses: string[], claimIds: number[], messageIds: number[]): Promise<number> {
  const toThem = or(inArray(outboundMessages.address, addresses), inArray(outboundMessages.fallbackAddress, addresses));
  const keys = [...claimIds.map((id) => `claim-${id}-%`), ...messageIds.map((id) => `message-${id}-%`), ...addresses.map((address) => `%${address}%`)];
  const aboutThem = sql`${outboundMessages.dedupeKey} like any (array[${sql.join(keys.map((key) => sql`${key}`), sql`, `)}]::text[])`;
  const toAddress = sql`case when ${toThem} then ${ERASED_ADDRESS} else ${outboundMessages.address} end`;
  return ids(await tx.update(outboundMessages).set({
    text: '', params: null, fallbackText: null, fallbackAddress: null, address: toAddress, dedupeKey: sql`'erased-' || ${outboundMessages.id}`,
    status: sql`case when ${outboundMessages.status} = 'pending' then 'failed' else ${outboundMessages.status} end`,
    error: sql`case when ${outboundMessages.status} = 'pending' then 'recipient forgotten' else ${outboundMessages.error} end`,
  }).where(and(or(toThem, aboutThem), sql`${outboundMessages.dedupeKey} not like 'erased-%'`)).returning({ id: outboundMessages.id }));
}

/** The member's own words kept with their claims, objections and appeals; the claims, their points and their history stay. */
async function eraseStatements(tx: Executor, member: Member | undefined, claimIds: number[]) {
  const claimed = claimIds.length === 0 ? 0 : ids(await tx.update(claims).set({ text: '' })
    .where(and(inArray(claims.id, claimIds), sql`${claims.text} <> ''`)).returning({ id: claims.id }));
  if (!member) return { claims: claimed, statements: 0 };
  const actor = `member:${member.id}`;
  const said = ids(await tx.update(claimEvents).set({ reason: null }).where(and(eq(claimEvents.actor, actor), sql`${claimEvents.reason} is not null`)).returning({ id: claimEvents.id }))
    + ids(await tx.update(deductionEvents).set({ reason: null }).where(and(eq(deductionEvents.actor, actor), sql`${deductionEvents.reason} is not null`)).returning({ id: deductionEvents.id }));
  return { claims: claimed, statements: said };
}

/** The member's name, number and WeChat/QQ ids; the household keeps its code (and loses the head's name if it was theirs). */
async function eraseMember(tx: Executor, member: Member): Promise<string> {
  await tx.update(members).set({ name: templates.privacy.forgottenName(member.id), phone: null, wechat: null, qq: null }).where(eq(members.id, member.id));
  const [household] = await tx.select().from(households).where(eq(households.id, member.householdId));
  if (household!.head === member.name) await tx.update(households).set({ head: templates.privacy.forgottenHead() }).where(eq(households.id, household!.id));
  return household!.code;
}

/** What the person sent, and the claims made by them or from their messages. */
async function theirRecords(tx: Executor, member: Member | undefined, addresses: string[]) {
  const sent = await tx.select({ id: inboundMessages.id }).from(inboundMessages).where(inArray(inboundMessages.sender, addresses));
  const messageIds = sent.map(({ id }) => id);
  const claimed = await tx.select({ id: claims.id }).from(claims)
    .where(or(messageIds.length ? inArray(claims.sourceMessageId, messageIds) : undefined, member ? eq(claims.memberId, member.id) : undefined, sql`false`));
  return { messageIds, claimIds: claimed.map(({ id }) => id) };
}

/**
 * Removes a member's personal data (PIPL article 47): name, phone, WeChat and QQ ids and their
 * bindings, the texts, photos and recordings they sent, and the texts sent to them or about them.
 * Their household's claims, deductions, redemptions and ledger entries stay under the household
 * code, so the ledger still verifies. One transaction; a second run finds nothing and records
 * nothing. A cadre's number is refused: it signs the village's decisions.
 */
export async function forgetMember(context: Context, typedPhone: string, actor: string, now = new Date()): Promise<ForgetReport> {
  const phone = mobileNumber(typedPhone) ?? typedPhone.trim();
  return runInTransaction(context, async ({ db: tx }) => {
    const [cadre] = await tx.select({ id: cadres.id }).from(cadres).where(eq(cadres.phone, phone));
    if (cadre) throw new ForgetRefused(`this number is cadre ${cadre.id}'s: a cadre's number signs the village's decisions; give the cadre's role to someone else in the village file first`);
    const [member] = await tx.select().from(members).where(eq(members.phone, phone));
    const addresses = await addressesOf(tx, [member ?? { phone }]);
    const { messageIds, claimIds } = await theirRecords(tx, member, addresses);
    const erased: ForgetReport['erased'] = {
      ...await eraseStatements(tx, member, claimIds),
      outbound: await eraseOutbound(tx, addresses, claimIds, messageIds),
      checkins: ids(await tx.update(checkinAttempts).set({ sender: ERASED_ADDRESS }).where(inArray(checkinAttempts.sender, addresses)).returning({ id: checkinAttempts.id })),
      inbound: await eraseInbound(tx, messageIds, now),
      bindings: ids(await tx.delete(wechatBindings).where(or(eq(wechatBindings.phone, phone), inArray(wechatBindings.address, addresses))).returning({ id: wechatBindings.id })),
      optOuts: ids(await tx.delete(optOuts).where(inArray(optOuts.address, addresses)).returning({ address: optOuts.address })),
    };
    await tx.delete(consoleSignInCodes).where(eq(consoleSignInCodes.phone, phone));
    const household = member ? await eraseMember(tx, member) : undefined;
    if (member || Object.values(erased).some((n) => n > 0)) {
      await tx.insert(privacyEvents).values({ action: 'forget', actor, householdId: member?.householdId ?? null, memberId: member?.id ?? null, detail: erased, at: now });
    }
    return { member: member ? { id: member.id, household: household! } : null, erased };
  }, 'member-forget');
}
