import { eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { villages, type Village } from '../db/schema/index.ts';
import { routeTo } from '../messages/addressing.ts';
import { optedOutAmong, queueMessages, type MessageToSend } from '../messages/outbound.ts';
import { itemName, templates } from '../templates.ts';
import { mondayOf, quietHoursDelayMs } from './calendar.ts';
import { householdWeeks, type HouseholdRange, type HouseholdWeek } from './household-week.ts';

export interface WeeklyTotals {
  households: number;
  notified: number;
  byChannel: Record<string, number>;
  optedOut: number;
  /** Held back to the end of the village's quiet hours. */
  deferred: number;
  /** Households with nobody to reach (no phone, no usable WeChat). */
  unreachable: number;
}

export const emptyTotals = (): WeeklyTotals => ({ households: 0, notified: 0, byChannel: {}, optedOut: 0, deferred: 0, unreachable: 0 });

export function addTotals(into: WeeklyTotals, more: WeeklyTotals): WeeklyTotals {
  for (const key of ['households', 'notified', 'optedOut', 'deferred', 'unreachable'] as const) into[key] += more[key];
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
  const sms = templates.weekly.sms(village.name, household.code, household.earned, household.redeemed, household.balance, household.lifetime, household.rank);
  const text = route.channel === 'sms' ? sms : templates.weekly.wechat(village.name, week, household.code, household.head,
    household.items.map((item) => templates.weekly.item(itemName(item.name), item.points)),
    household.deducted, household.redeemed, household.balance, household.lifetime, household.rank);
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

/** Notifies one chunk of a village's households of their week (one job of the fan-out). */
export async function notifyHouseholds(context: Context, village: Village, week: string, range: HouseholdRange, options: WeeklyRunOptions): Promise<WeeklyTotals> {
  const weeks = await householdWeeks(context.db, range, mondayOf(week), village.timezone);
  const messages = weeks.map((household) => weeklyMessage(context, village, week, household)).filter((m) => m !== undefined);
  const delayMs = quietHoursDelayMs(options.now, village.timezone, village.settings.quietHours);
  // A dry run asks who opted out; a real run learns it from recording them.
  const optedOut = new Set(options.dryRun ? await optedOutAmong(context, messages)
    : await queueMessages(context, messages, { delayMs, batchSize: context.config.weeklySendBatch }));
  const sending = messages.filter((m) => !optedOut.has(m));
  const byChannel: Record<string, number> = {};
  for (const message of sending) byChannel[message.channel] = (byChannel[message.channel] ?? 0) + 1;
  return {
    households: weeks.length, notified: sending.length, byChannel, optedOut: optedOut.size,
    deferred: delayMs > 0 ? sending.length : 0, unreachable: weeks.length - messages.length,
  };
}
