import { asc, eq, inArray, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import {
  accounts, cadres, checkinAttempts, claimEvidence, claimEvents, claims, conversations, deductionEvents, deductions, householdCards, households,
  inboundMessages, ledgerEntries, ledgerTransactions, memberConsents, members, optOuts, outboundMessages, privacyEvents, redemptions,
  reviewApprovals, villages, wechatBindings,
} from '../db/schema/index.ts';
import { UnknownHouseholdError } from '../ledger/balance.ts';
import { addressesOf } from './addresses.ts';

/**
 * Every table that holds something about a household or one of its people, and the part of the
 * export it appears in. test/integration/privacy-export.test.ts finds every table with a household,
 * member, phone or address column in the database and fails on one that is neither here nor in
 * NOT_ABOUT_HOUSEHOLDS: a new table cannot be left out of the export unnoticed.
 */
export const EXPORTED_TABLES = {
  households: 'household', members: 'members', member_consents: 'members', cadres: 'cadres', wechat_bindings: 'bindings', opt_outs: 'optOuts',
  conversations: 'conversations', claims: 'claims', claim_events: 'claims', review_approvals: 'claims', claim_evidence: 'claims',
  accounts: 'account', ledger_entries: 'ledger', ledger_transactions: 'ledger', deductions: 'deductions', deduction_events: 'deductions',
  redemptions: 'redemptions', checkin_attempts: 'checkins', household_cards: 'cards', inbound_messages: 'inboundMessages',
  outbound_messages: 'outboundMessages', privacy_events: 'privacyEvents',
} as const;

/** Tables with such a column that hold nothing about a villager's household, and why. */
export const NOT_ABOUT_HOUSEHOLDS: Record<string, string> = {
  officers: 'township officers: staff, not villagers',
  console_sign_in_codes: 'short-lived console sign-in codes of cadres and officers (secrets, kept out of any export)',
};

/** Everything jifen holds about a household, as plain JSON. */
export type HouseholdExport = Awaited<ReturnType<typeof readHouseholdExport>>;

const byIds = <T>(ids: number[], read: (ids: number[]) => Promise<T[]>) => (ids.length === 0 ? Promise.resolve([] as T[]) : read(ids));

async function readClaims(tx: Executor, householdId: number) {
  const rows = await tx.select().from(claims).where(eq(claims.householdId, householdId)).orderBy(asc(claims.id));
  const ids = rows.map((claim) => claim.id);
  const [events, approvals, evidence] = await Promise.all([
    byIds(ids, (list) => tx.select().from(claimEvents).where(inArray(claimEvents.claimId, list)).orderBy(asc(claimEvents.id))),
    byIds(ids, (list) => tx.select().from(reviewApprovals).where(inArray(reviewApprovals.claimId, list)).orderBy(asc(reviewApprovals.id))),
    byIds(ids, (list) => tx.select().from(claimEvidence).where(inArray(claimEvidence.claimId, list))),
  ]);
  return rows.map((claim) => ({
    ...claim,
    events: events.filter((event) => event.claimId === claim.id),
    approvals: approvals.filter((approval) => approval.claimId === claim.id),
    evidenceMessageIds: evidence.filter((row) => row.claimId === claim.id).map((row) => row.messageId),
  }));
}

async function readDeductions(tx: Executor, householdId: number) {
  const rows = await tx.select().from(deductions).where(eq(deductions.householdId, householdId)).orderBy(asc(deductions.id));
  const events = await byIds(rows.map((d) => d.id), (list) => tx.select().from(deductionEvents).where(inArray(deductionEvents.deductionId, list)).orderBy(asc(deductionEvents.id)));
  return rows.map((deduction) => ({ ...deduction, events: events.filter((event) => event.deductionId === deduction.id) }));
}

async function readLedger(tx: Executor, accountId: number) {
  return tx.select({
    transaction: ledgerTransactions.id, kind: ledgerTransactions.kind, memo: ledgerTransactions.memo, key: ledgerTransactions.idempotencyKey,
    reverses: ledgerTransactions.reversesId, at: ledgerTransactions.createdAt, amount: ledgerEntries.amount,
  }).from(ledgerEntries).innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .where(eq(ledgerEntries.accountId, accountId)).orderBy(asc(ledgerEntries.id));
}

async function readPeople(tx: Executor, householdId: number) {
  const people = await tx.select().from(members).where(eq(members.householdId, householdId)).orderBy(asc(members.id));
  const consents = await byIds(people.map((m) => m.id), (list) => tx.select().from(memberConsents).where(inArray(memberConsents.memberId, list)).orderBy(asc(memberConsents.id)));
  const householdCadres = await tx.select().from(cadres).where(eq(cadres.householdId, householdId)).orderBy(asc(cadres.id));
  return { people, consents, householdCadres };
}

/** Messages from and to the household's people, and the photos and recordings they sent (the provider's links). */
async function readMessages(tx: Executor, addresses: string[]) {
  if (addresses.length === 0) return { inbound: [], outbound: [], media: [] };
  const inbound = await tx.select().from(inboundMessages).where(inArray(inboundMessages.sender, addresses)).orderBy(asc(inboundMessages.id));
  const outbound = await tx.select().from(outboundMessages)
    .where(or(inArray(outboundMessages.address, addresses), inArray(outboundMessages.fallbackAddress, addresses))).orderBy(asc(outboundMessages.id));
  const media = inbound.flatMap((message) => message.attachments.map((attachment) => ({ messageId: message.id, receivedAt: message.receivedAt, ...attachment })));
  return { inbound, outbound, media };
}

/** The WeChat and QQ bindings asked for the people's phones, without their codes. */
async function readBindings(tx: Executor, phones: string[]) {
  if (phones.length === 0) return [];
  return tx.select({
    id: wechatBindings.id, channel: wechatBindings.channel, address: wechatBindings.address, phone: wechatBindings.phone,
    expiresAt: wechatBindings.expiresAt, boundBy: wechatBindings.boundBy, createdAt: wechatBindings.createdAt,
  }).from(wechatBindings).where(inArray(wechatBindings.phone, phones)).orderBy(asc(wechatBindings.id));
}

/** Reads everything about a household (PIPL article 45: a person's right to a copy of their data). */
export async function readHouseholdExport(tx: Executor, code: string) {
  const [row] = await tx.select({ household: households, village: { code: villages.code, name: villages.name }, account: accounts }).from(households)
    .innerJoin(villages, eq(villages.id, households.villageId)).innerJoin(accounts, eq(accounts.householdId, households.id))
    .where(eq(households.code, code));
  if (!row) throw new UnknownHouseholdError(`no household ${code}`);
  const householdId = row.household.id;
  const { people, consents, householdCadres } = await readPeople(tx, householdId);
  const addresses = await addressesOf(tx, [...people, ...householdCadres]);
  const phones = [...people, ...householdCadres].map((person) => person.phone).filter((phone): phone is string => !!phone);
  const messages = await readMessages(tx, addresses);
  return {
    village: row.village,
    household: row.household,
    members: people.map((member) => ({ ...member, consents: consents.filter((consent) => consent.memberId === member.id) })),
    cadres: householdCadres,
    bindings: await readBindings(tx, phones),
    optOuts: addresses.length ? await tx.select().from(optOuts).where(inArray(optOuts.address, addresses)) : [],
    conversations: await byIds(people.map((m) => m.id), (list) => tx.select().from(conversations).where(inArray(conversations.memberId, list)).orderBy(asc(conversations.id))),
    claims: await readClaims(tx, householdId),
    account: { balance: row.account.balance, lifetimeEarned: row.account.lifetimeEarned, createdAt: row.account.createdAt },
    ledger: await readLedger(tx, row.account.id),
    deductions: await readDeductions(tx, householdId),
    redemptions: await tx.select().from(redemptions).where(eq(redemptions.householdId, householdId)).orderBy(asc(redemptions.id)),
    checkins: await tx.select().from(checkinAttempts).where(eq(checkinAttempts.householdId, householdId)).orderBy(asc(checkinAttempts.id)),
    // The cards' 查分 tokens are secrets: only when each was printed and revoked.
    cards: await tx.select({ id: householdCards.id, createdAt: householdCards.createdAt, revokedAt: householdCards.revokedAt })
      .from(householdCards).where(eq(householdCards.householdId, householdId)).orderBy(asc(householdCards.id)),
    inboundMessages: messages.inbound,
    outboundMessages: messages.outbound,
    media: messages.media,
    privacyEvents: await tx.select().from(privacyEvents).where(eq(privacyEvents.householdId, householdId)).orderBy(asc(privacyEvents.id)),
  };
}

/** The export, recorded as a privacy event (who, when; no personal data) in the same transaction. */
export async function exportHousehold(db: Executor, code: string, actor: string, now = new Date()) {
  return db.transaction(async (tx) => {
    const data = await readHouseholdExport(tx, code);
    await tx.insert(privacyEvents).values({ action: 'export', actor, householdId: data.household.id, at: now });
    return { exportedAt: now.toISOString(), ...data };
  });
}
