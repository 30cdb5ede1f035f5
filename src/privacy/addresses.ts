import { inArray, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { wechatBindings } from '../db/schema/index.ts';

/** What stands where an address (a phone, a WeChat or QQ id) was erased. */
export const ERASED_ADDRESS = 'erased';

/**
 * Every address a person's messages may come from or go to: their phone, their bound WeChat and QQ
 * ids, and any id that asked for a binding code to one of their phones (bound or not).
 */
export async function addressesOf(tx: Executor, people: { phone: string | null; wechat?: string | null; qq?: string | null }[]): Promise<string[]> {
  const phones = people.map((person) => person.phone).filter((phone): phone is string => !!phone);
  const own = people.flatMap((person) => [person.phone, person.wechat, person.qq]).filter((address): address is string => !!address);
  if (own.length === 0) return [];
  const bindings = await tx.select({ address: wechatBindings.address }).from(wechatBindings)
    .where(phones.length > 0 ? or(inArray(wechatBindings.phone, phones), inArray(wechatBindings.address, own)) : inArray(wechatBindings.address, own));
  return [...new Set([...own, ...bindings.map(({ address }) => address)])];
}
