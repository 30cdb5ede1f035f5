import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { cadres, households, inboundMessages, members, outboundMessages, type OutboundStatus, type Village } from '../db/schema/index.ts';
import { maskPhone, maskPhones } from '../log.ts';
import { within, type Period } from './scope.ts';

/** About the most lines a page shows. */
const PAGE_LINES = 200;

export const OUTBOUND_STATUSES: readonly OutboundStatus[] = ['pending', 'sent', 'delivered', 'failed', 'dry_run', 'opted_out'];

export interface MessageFilter {
  period: Period;
  direction?: 'in' | 'out';
  channel?: string;
  /** An outbound delivery status: only outbound messages have one. */
  status?: OutboundStatus;
  /** A household code: only messages from or to its members. */
  household?: string;
}

/** Where the next (older) page starts: below these ids, inbound and outbound each paged by its own id. */
export interface OlderThan { inbound?: number; outbound?: number }

export interface LogPage {
  lines: LogLine[];
  /** The cursor of the next page; undefined on the last. */
  older?: OlderThan;
}

export interface LogLine {
  direction: 'in' | 'out';
  at: Date;
  channel: string;
  /** Masked: +86139****0001. */
  address: string;
  who?: string;
  text: string;
  status: string;
  error?: string | null;
}

/** Who of the village (members of its households, or one household's, and its cadres) writes from or is written to at which address. */
async function addressBook(db: Executor, village: Village, household?: string): Promise<Map<string, string>> {
  const people = await db.select({ name: members.name, code: households.code, phone: members.phone, wechat: members.wechat, qq: members.qq })
    .from(members).innerJoin(households, eq(households.id, members.householdId))
    .where(and(eq(households.villageId, village.id), household ? eq(households.code, household) : undefined));
  const officials = household ? [] : await db.select({ name: cadres.name, code: cadres.role, phone: cadres.phone, wechat: cadres.wechat, qq: cadres.qq })
    .from(cadres).where(eq(cadres.villageId, village.id));
  const book = new Map<string, string>();
  for (const person of [...people, ...officials]) {
    for (const address of [person.phone, person.wechat, person.qq]) if (address) book.set(address, `${person.name}（${person.code}）`);
  }
  return book;
}

/** A one-time code never shows: whoever reads the log could sign in with it. */
const withoutCode = (text: string, params: Record<string, string> | null) => (params?.code ? text.replaceAll(params.code, '******') : text);

/**
 * One page of the village's messages (inbound and outbound), newest first, filtered; phones masked,
 * codes hidden. Each direction is paged by its own id: a page keeps, of each, every row newer than the
 * oldest it shows, so the next page misses none even where a row's time and id disagree in order.
 */
export async function messageLog(db: Executor, village: Village, filter: MessageFilter, olderThan: OlderThan = {}, pageLines = PAGE_LINES): Promise<LogPage> {
  const book = await addressBook(db, village, filter.household);
  const addresses = [...book.keys()];
  if (addresses.length === 0) return { lines: [] };
  const wanted = (direction: 'in' | 'out', ...conditions: Array<SQL | undefined>) =>
    (filter.direction && filter.direction !== direction) || (direction === 'in' && filter.status) ? undefined : and(...conditions);
  const inWhere = wanted('in', inArray(inboundMessages.sender, addresses), within(inboundMessages.receivedAt, filter.period, village.timezone),
    filter.channel ? eq(inboundMessages.channel, filter.channel) : undefined,
    olderThan.inbound ? lt(inboundMessages.id, olderThan.inbound) : undefined);
  const outWhere = wanted('out', or(inArray(outboundMessages.address, addresses), inArray(outboundMessages.fallbackAddress, addresses)),
    within(outboundMessages.createdAt, filter.period, village.timezone),
    filter.channel ? eq(outboundMessages.channel, filter.channel) : undefined, filter.status ? eq(outboundMessages.status, filter.status) : undefined,
    olderThan.outbound ? lt(outboundMessages.id, olderThan.outbound) : undefined);
  // One more than a page of each tells whether an older page exists.
  const inbound = inWhere ? await db.select().from(inboundMessages).where(inWhere).orderBy(desc(inboundMessages.id)).limit(pageLines + 1) : [];
  const outbound = outWhere ? await db.select().from(outboundMessages).where(outWhere).orderBy(desc(outboundMessages.id)).limit(pageLines + 1) : [];
  const byTime = [
    ...inbound.map((m) => ({ direction: 'in' as const, at: m.receivedAt, id: m.id })),
    ...outbound.map((m) => ({ direction: 'out' as const, at: m.createdAt, id: m.id })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, pageLines);
  const oldestShown = (direction: 'in' | 'out') => Math.min(...byTime.filter((line) => line.direction === direction).map((line) => line.id));
  const shownIn = inbound.filter((m) => m.id >= oldestShown('in'));
  const shownOut = outbound.filter((m) => m.id >= oldestShown('out'));
  const lines: LogLine[] = [
    ...shownIn.map((m) => ({
      direction: 'in' as const, at: m.receivedAt, channel: m.channel, address: maskPhone(m.sender), who: book.get(m.sender),
      text: maskPhones(m.text), status: m.outcome ?? (m.processedAt ? 'processed' : 'waiting'),
    })),
    ...shownOut.map((m) => ({
      direction: 'out' as const, at: m.createdAt, channel: m.channel, address: maskPhone(m.address), who: book.get(m.address) ?? book.get(m.fallbackAddress ?? ''),
      text: maskPhones(withoutCode(m.text, m.params)), status: m.status, error: m.error && maskPhones(m.error),
    })),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
  const more = shownIn.length < inbound.length || shownOut.length < outbound.length;
  if (!more) return { lines };
  return {
    lines,
    older: { inbound: shownIn.at(-1)?.id ?? olderThan.inbound, outbound: shownOut.at(-1)?.id ?? olderThan.outbound },
  };
}
