import { eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { households, members, optOuts, type Village } from '../db/schema/index.ts';
import type { Reachable, Route } from '../messages/addressing.ts';
import type { MessageToSend } from '../messages/outbound.ts';
import { textsOf } from '../village-texts.ts';

/** Where a household is told something: its head with a phone, else any member with one (as householdContact, for a whole village at once). */
async function villageContacts(tx: Executor, villageId: number): Promise<Array<{ householdId: number; contact?: Reachable }>> {
  const rows = await tx.select({ householdId: households.id, head: households.head, name: members.name, phone: members.phone, wechat: members.wechat, prefers: members.prefers })
    .from(households).leftJoin(members, eq(members.householdId, households.id))
    .where(eq(households.villageId, villageId)).orderBy(households.id, members.id);
  const byHousehold = new Map<number, typeof rows>();
  for (const row of rows) byHousehold.set(row.householdId, [...(byHousehold.get(row.householdId) ?? []), row]);
  return [...byHousehold].map(([householdId, list]) => {
    const reachable = list.filter((row) => row.phone);
    const contact = reachable.find((row) => row.name === row.head) ?? reachable[0];
    return { householdId, contact: contact && { phone: contact.phone, wechat: contact.wechat, prefers: contact.prefers ?? 'sms' } };
  });
}

/** The dedupe key of an announcement's message to one household: once, whatever runs again. */
export const announcementKey = (announcementId: number, householdId: number) => `announcement-${announcementId}-household-${householdId}`;
export const announcementKeyPrefix = (announcementId: number) => `announcement-${announcementId}-household-`;

export interface Recipients {
  households: number;
  messages: MessageToSend[];
  /** The messages whose address opted out: recorded, never sent. */
  optedOut: number;
}

/**
 * One message per household of the village, on its contact's preferred channel with SMS as the
 * fallback (`route` decides, as for every message jifen starts), for announcement `id` (0 in a preview).
 */
export async function announcementRecipients(tx: Executor, village: Village, id: number, text: string, route: (person: Reachable) => Route | undefined): Promise<Recipients> {
  const contacts = await villageContacts(tx, village.id);
  const body = textsOf(village).announcement.toHousehold(village.name, text);
  const messages = contacts.flatMap(({ householdId, contact }) => {
    const to = contact && route(contact);
    return to ? [{ dedupeKey: announcementKey(id, householdId), ...to, text: body, sender: village.settings.smsSenderNumber, kind: 'announcement', params: { text } }] : [];
  });
  const addresses = [...new Set(messages.map((m) => m.address))];
  const opted = addresses.length === 0 ? [] : await tx.select({ channel: optOuts.channel, address: optOuts.address }).from(optOuts)
    .where(inArray(optOuts.address, addresses));
  const optedOut = new Set(opted.map((row) => `${row.channel} ${row.address}`));
  return { households: contacts.length, messages, optedOut: messages.filter((m) => optedOut.has(`${m.channel} ${m.address}`)).length };
}
