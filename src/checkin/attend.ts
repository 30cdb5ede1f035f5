import { and, desc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/database.ts';
import { isConstraintViolation } from '../db/errors.ts';
import {
  checkinAttempts, checkinEvents, claimEvents, claims, households, rules, type CheckinEvent, type CheckinOutcome, type InboundMessage, type Rule,
} from '../db/schema/index.ts';
import { countTowardCap } from '../claims/claims.ts';
import { periodKey } from '../claims/period.ts';
import type { KnownMember } from '../directory.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { endOf, isOpen, LATE_ANSWER_MS, localTime } from './window.ts';

/** A villager's check-in: the code alone, or 签到 1234 (and maybe someone else's household, which is refused). */
const CHECKIN_TEXT = /^(?:签到(?:码)?)?\s*(\d{4})(?!\d)\s*(.*)$/s;
/** Several other households from one address in one event: the opening cadre is told. */
const SUSPECT_AFTER = 2;

export interface CheckinText {
  code: string;
  /** What followed the code: empty, or a household the sender checks in for. */
  rest: string;
}

/** The code a villager's message carries, if it is a check-in. */
export function checkinText(text: string): CheckinText | undefined {
  const match = CHECKIN_TEXT.exec(text.trim());
  return match ? { code: match[1]!, rest: match[2]!.replace(/^[\s,，。:：]+/, '').trim() } : undefined;
}

export interface Attendance {
  outcome: CheckinOutcome | 'unknown';
  reply: string;
  /** A claim approved by the check-in: publicity or posting follows. */
  approvedClaimId?: number;
  /** A word for the cadre who opened it (one address checking in for many households). */
  alert?: { cadreId: number; dedupeKey: string; text: string };
}

/** The village's event with this code that a text now could mean: open, or ended within the last day. */
async function eventFor(tx: Executor, villageId: number, code: string, at: Date): Promise<CheckinEvent | undefined> {
  const [event] = await tx.select().from(checkinEvents)
    .where(and(eq(checkinEvents.villageId, villageId), eq(checkinEvents.code, code), gt(checkinEvents.closesAt, new Date(at.getTime() - LATE_ANSWER_MS))))
    .orderBy(desc(checkinEvents.id)).limit(1);
  return event;
}

/** Another household of the village the text names (its code or its head), if any. */
async function otherHouseholdNamed(tx: Executor, member: KnownMember, rest: string): Promise<number | undefined> {
  if (!rest) return undefined;
  const [named] = await tx.select({ id: households.id }).from(households).where(and(
    eq(households.villageId, member.village.id), ne(households.id, member.household.id),
    sql`(position(lower(${households.code}) in lower(${rest})) > 0 or position(${households.head} in ${rest}) > 0)`,
  )).limit(1);
  return named?.id;
}

/** Four digits for the claim, free among the village's open claims; each try in a savepoint. */
async function claimWithReference(tx: Transaction, values: typeof claims.$inferInsert): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const reference = 1000 + Math.floor(Math.random() * 9000);
    try {
      const [claim] = await tx.transaction((savepoint) => savepoint.insert(claims).values({ ...values, reference }).returning({ id: claims.id }));
      return claim!.id;
    } catch (error) {
      if (!isConstraintViolation(error, 'claims_open_reference')) throw error;
    }
  }
  throw new Error('no free claim reference after 20 tries');
}

/** The claim of an attended check-in, approved at once: the opening cadre's approval, recorded as such. */
async function approvedClaim(tx: Transaction, event: CheckinEvent, rule: Rule, member: KnownMember, message: InboundMessage): Promise<number> {
  const claimId = await claimWithReference(tx, {
    villageId: event.villageId, householdId: member.household.id, memberId: member.id, sourceMessageId: message.id, ruleId: rule.id,
    text: message.text, state: 'approved', points: rule.points, reviewedBy: event.openedBy, claimedAt: message.receivedAt,
    periodKey: periodKey(rule.per, message.receivedAt, member.village.timezone),
  });
  await tx.insert(claimEvents).values([
    { claimId, toState: 'received', actor: `member:${member.id}`, channel: message.channel, messageId: message.id, detail: { checkin: event.id } },
    { claimId, fromState: 'received', toState: 'approved', actor: `cadre:${event.openedBy}`, reason: '签到：开启签到即审核',
      detail: { checkin: event.id, code: event.code, opened: event.opensAt.toISOString() } },
  ]);
  return claimId;
}

/** Records the attempt; false when the household had already attended (the unique index decides, also between two phones at once). */
async function recordAttempt(tx: Transaction, event: CheckinEvent, member: KnownMember, message: InboundMessage, outcome: CheckinOutcome, householdId = member.household.id): Promise<boolean> {
  const inserted = await tx.insert(checkinAttempts).values({
    eventId: event.id, messageId: message.id, sender: message.sender, memberId: member.id, householdId, outcome,
  }).onConflictDoNothing().returning({ id: checkinAttempts.id });
  return inserted.length > 0;
}

/** How many other households this address tried to check in for at this event. */
async function othersTried(tx: Executor, event: CheckinEvent, sender: string): Promise<number> {
  const [row] = await tx.select({ count: sql<number>`count(distinct ${checkinAttempts.householdId})::int` }).from(checkinAttempts)
    .where(and(eq(checkinAttempts.eventId, event.id), eq(checkinAttempts.sender, sender), eq(checkinAttempts.outcome, 'other_household')));
  return row?.count ?? 0;
}

async function refuseOtherHousehold(tx: Transaction, event: CheckinEvent, member: KnownMember, message: InboundMessage, householdId: number): Promise<Attendance> {
  await recordAttempt(tx, event, member, message, 'other_household', householdId);
  const count = await othersTried(tx, event, message.sender);
  const masked = message.sender.replace(/^(\+?\d{3,5})\d{4}(\d{4})$/, '$1****$2');
  const texts = textsOf(member.village);
  const alert = count >= SUSPECT_AFTER
    ? { cadreId: event.openedBy, dedupeKey: `checkin-${event.id}-suspect-${message.sender}`, text: texts.checkin.suspect(event.code, masked, count) }
    : undefined;
  return { outcome: 'other_household', reply: texts.checkin.otherHousehold(), alert };
}

/**
 * A villager texts a check-in code: within the window, once per household and within the item's
 * cap, the household gets the item's points with no further review (the opening was the approval).
 * Late, twice, over the cap, for another household, or a code of no event of their village: a
 * clear answer and no points. Runs in the transaction it is given; a message is answered the same
 * way however often it runs.
 */
export async function attendCheckin(tx: Transaction, member: KnownMember, message: InboundMessage, text: CheckinText): Promise<Attendance> {
  const event = await eventFor(tx, member.village.id, text.code, message.receivedAt);
  if (!event) return { outcome: 'unknown', reply: textsOf(member.village).checkin.unknownEvent(text.code) };
  const [rule] = await tx.select().from(rules).where(eq(rules.id, event.ruleId));
  const [earlier] = await tx.select().from(checkinAttempts).where(eq(checkinAttempts.messageId, message.id));
  if (earlier) return answerFor(event, rule!, member, earlier.outcome, earlier.claimId ?? undefined, tx);

  const other = await otherHouseholdNamed(tx, member, text.rest);
  if (other !== undefined) return refuseOtherHousehold(tx, event, member, message, other);
  if (!isOpen(event, message.receivedAt)) {
    await recordAttempt(tx, event, member, message, 'closed');
    return answerFor(event, rule!, member, 'closed', undefined, tx);
  }
  const refusal = await refusalBeforeClaim(tx, event, rule!, member, message);
  if (refusal) {
    await recordAttempt(tx, event, member, message, refusal);
    return answerFor(event, rule!, member, refusal, undefined, tx);
  }
  const claimId = await approvedClaim(tx, event, rule!, member, message);
  await tx.update(checkinAttempts).set({ claimId }).where(eq(checkinAttempts.messageId, message.id));
  return answerFor(event, rule!, member, 'attended', claimId, tx);
}

/**
 * Why the household gets nothing this time, checked before the claim: it attended already (the
 * unique index has the last word when two phones of one household text at once), or the item's
 * cap for the period is full.
 */
async function refusalBeforeClaim(tx: Transaction, event: CheckinEvent, rule: Rule, member: KnownMember, message: InboundMessage): Promise<CheckinOutcome | undefined> {
  const [attended] = await tx.select({ id: checkinAttempts.id }).from(checkinAttempts).where(and(
    eq(checkinAttempts.eventId, event.id), eq(checkinAttempts.householdId, member.household.id), eq(checkinAttempts.outcome, 'attended')));
  if (attended) return 'already';
  const period = periodKey(rule.per, message.receivedAt, member.village.timezone);
  if (rule.cap !== null && (await countTowardCap(tx, { id: 0, householdId: member.household.id, ruleId: rule.id, periodKey: period })) >= rule.cap) return 'cap_reached';
  return (await recordAttempt(tx, event, member, message, 'attended')) ? undefined : 'already';
}

async function answerFor(event: CheckinEvent, rule: Rule, member: KnownMember, outcome: CheckinOutcome, claimId: number | undefined, tx: Executor): Promise<Attendance> {
  const texts = textsOf(member.village);
  switch (outcome) {
    case 'attended': {
      const [claim] = await tx.select().from(claims).where(eq(claims.id, claimId!));
      return { outcome, reply: texts.checkin.attended(itemName(rule.name), rule.points, claim!.reference!), approvedClaimId: claimId };
    }
    case 'already': return { outcome, reply: texts.checkin.already(event.code) };
    case 'closed': return { outcome, reply: texts.checkin.closed(event.code, localTime(endOf(event), member.village.timezone)) };
    case 'cap_reached': return { outcome, reply: texts.checkin.capReached(itemName(rule.name), rule.cap ?? 0, texts.periods[rule.per ?? ''] ?? '') };
    case 'other_household': return { outcome, reply: texts.checkin.otherHousehold() };
  }
}
