import { eq, inArray } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { runInTransaction } from '../plans/runner.ts';
import { outboundMessages, villages, type Village } from '../db/schema/index.ts';
import { routeTo } from '../messages/addressing.ts';
import { optedOutAmong, queueMessages, type MessageToSend } from '../messages/outbound.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { mondayOf, quietHoursDelayMs } from './calendar.ts';
import { householdWeeks, type HouseholdRange, type HouseholdWeek } from './household-week.ts';

export interface WeeklyTotals {
  households: number;
  /** Households this run recorded a notice for: a second run in the same week notifies nobody again. */
  notified: number;
  /** Households already notified this week by an earlier run (nothing recorded or sent for them now). */
  alreadyNotified: number;
  byChannel: Record<string, number>;
  optedOut: number;
  /** Held back to the end of the village's quiet hours. */
  deferred: number;
  /** Households with nobody to reach (no phone, no usable WeChat). */
  unreachable: number;
}

export const emptyTotals = (): WeeklyTotals => ({ households: 0, notified: 0, alreadyNotified: 0, byChannel: {}, optedOut: 0, deferred: 0, unreachable: 0 });

export function addTotals(into: WeeklyTotals, more: WeeklyTotals): WeeklyTotals {
  for (const key of ['households', 'notified', 'alreadyNotified', 'optedOut', 'deferred', 'unreachable'] as const) into[key] += more[key];
  for (const [channel, count] of Object.entries(more.byChannel)) into.byChannel[channel] = (into.byChannel[channel] ?? 0) + count;
  return into;
}

export interface WeeklyRunOptions {
  /** The clock the quiet hours are judged by (tests pass their own). */
  now: Date;
  /** Render and count, send and record nothing. */
  dryRun?: boolean;
}

export async function loadVillage(context: Context, villageId: number): Promise<Village> {
  const [village] = await context.db.select().from(villages).where(eq(villages.id, villageId));
  if (!village) throw new Error(`no village ${villageId}`);
  return village;
}

/** A household's weekly message on its preferred channel: the short form on SMS, the richer one on WeChat. */
function weeklyMessage(context: Context, village: Village, week: string, household: HouseholdWeek): MessageToSend | undefined {
  const route = household.contact && routeTo(context, household.contact);
  if (!route) return undefined;
  const texts = textsOf(village);
  const sms = texts.weekly.sms(village.name, household.code, household.earned, household.redeemed, household.balance, household.lifetime, household.rank, household.expired);
  const text = route.channel === 'sms' ? sms : texts.weekly.wechat(village.name, week, household.code, household.head,
    household.items.map((item) => texts.weekly.item(itemName(item.name), item.points)),
    household.deducted, household.redeemed, household.balance, household.lifetime, household.rank, household.expired);
  return {
    // One per household and ISO week: a second run, a second scheduler fire or a retried chunk records nothing new.
    dedupeKey: `weekly-${household.householdId}-${week}`, ...route, text, sender: village.settings.smsSenderNumber,
    // WeChat refusing it for good: the SMS form goes to the phone, one segment like every weekly SMS.
    fallback: route.fallback && { ...route.fallback, text: sms },
    kind: 'weekly_balance',
    params: {
      household: household.code, week, earned: String(household.earned), balance: String(household.balance),
      lifetime: String(household.lifetime), rank: String(household.rank),
    },
  };
}

/** The dedupe keys among `messages` that are recorded already. */
async function recordedEarlier(context: Context, messages: MessageToSend[]): Promise<Set<string>> {
  if (messages.length === 0) return new Set();
  const rows = await context.db.select({ key: outboundMessages.dedupeKey }).from(outboundMessages)
    .where(inArray(outboundMessages.dedupeKey, messages.map((m) => m.dedupeKey)));
  return new Set(rows.map((row) => row.key));
}

/**
 * Notifies one chunk of a village's households of their week (one job of the fan-out) in ONE
 * transaction: the outbound rows and their send orders (the outbox) commit together, and the relay
 * queues the sending after commit. A crash before commit leaves nothing; after it, the sweeper relays.
 */
export function notifyHouseholds(context: Context, village: Village, week: string, range: HouseholdRange, options: WeeklyRunOptions): Promise<WeeklyTotals> {
  return runInTransaction(context, (tx) => notifyChunk(tx, village, week, range, options), `weekly-chunk:${village.code}:${week}:${range.firstHouseholdId}`);
}

async function notifyChunk(context: Context, village: Village, week: string, range: HouseholdRange, options: WeeklyRunOptions): Promise<WeeklyTotals> {
  const weeks = await householdWeeks(context.db, range, mondayOf(week), village.timezone);
  const messages = weeks.map((household) => weeklyMessage(context, village, week, household)).filter((m) => m !== undefined);
  const delayMs = quietHoursDelayMs(options.now, village.timezone, village.settings.quietHours);
  // What an earlier run of the week recorded is neither recorded nor counted again (queueing it again only
  // re-queues a notice a crash left unsent).
  const earlier = await recordedEarlier(context, messages);
  // A dry run asks who opted out; a real run learns it from recording them.
  const optedOut = new Set(options.dryRun ? await optedOutAmong(context, messages)
    : await queueMessages(context, messages, { delayMs, batchSize: context.config.weeklySendBatch }));
  const fresh = messages.filter((m) => !earlier.has(m.dedupeKey));
  const sending = fresh.filter((m) => !optedOut.has(m));
  const byChannel: Record<string, number> = {};
  for (const message of sending) byChannel[message.channel] = (byChannel[message.channel] ?? 0) + 1;
  return {
    households: weeks.length, notified: sending.length, alreadyNotified: messages.length - fresh.length, byChannel,
    optedOut: fresh.length - sending.length,
    deferred: delayMs > 0 ? sending.length : 0, unreachable: weeks.length - messages.length,
  };
}
