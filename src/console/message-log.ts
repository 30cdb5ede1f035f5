import { and, desc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { cadres, households, inboundMessages, members, outboundMessages, type OutboundStatus, type Village } from '../db/schema/index.ts';
import { maskPhone, maskPhones } from '../log.ts';
import { within, type Period } from './scope.ts';

/** The most lines the page shows. */
const LOG_LIMIT = 200;

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

/** The village's messages (inbound and outbound), newest first, filtered; phones masked, codes hidden. */
export async function messageLog(db: Executor, village: Village, filter: MessageFilter): Promise<LogLine[]> {
  const book = await addressBook(db, village, filter.household);
  const addresses = [...book.keys()];
  if (addresses.length === 0) return [];
  const wanted = (direction: 'in' | 'out', ...conditions: Array<SQL | undefined>) =>
    (filter.direction && filter.direction !== direction) || (direction === 'in' && filter.status) ? undefined : and(...conditions);
  const inWhere = wanted('in', inArray(inboundMessages.sender, addresses), within(inboundMessages.receivedAt, filter.period, village.timezone),
    filter.channel ? eq(inboundMessages.channel, filter.channel) : undefined);
  const outWhere = wanted('out', or(inArray(outboundMessages.address, addresses), inArray(outboundMessages.fallbackAddress, addresses)),
    within(outboundMessages.createdAt, filter.period, village.timezone),
    filter.channel ? eq(outboundMessages.channel, filter.channel) : undefined, filter.status ? eq(outboundMessages.status, filter.status) : undefined);
  const inbound = inWhere ? await db.select().from(inboundMessages).where(inWhere).orderBy(desc(inboundMessages.id)).limit(LOG_LIMIT) : [];
  const outbound = outWhere ? await db.select().from(outboundMessages).where(outWhere).orderBy(desc(outboundMessages.id)).limit(LOG_LIMIT) : [];
  const lines: LogLine[] = [
    ...inbound.map((m) => ({
      direction: 'in' as const, at: m.receivedAt, channel: m.channel, address: maskPhone(m.sender), who: book.get(m.sender),
      text: maskPhones(m.text), status: m.outcome ?? (m.processedAt ? 'processed' : 'waiting'),
    })),
    ...outbound.map((m) => ({
      direction: 'out' as const, at: m.createdAt, channel: m.channel, address: maskPhone(m.address), who: book.get(m.address) ?? book.get(m.fallbackAddress ?? ''),
      text: maskPhones(withoutCode(m.text, m.params)), status: m.status, error: m.error && maskPhones(m.error),
    })),
  ];
  return lines.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, LOG_LIMIT);
}

