import type { Context } from '../context.ts';
import type { Household, Village } from '../db/schema/index.ts';
import { householdContact } from '../directory.ts';
import { routeTo } from './addressing.ts';
import { queueMessages } from './outbound.ts';

/** Tells a household something (a deduction, a receipt, an appeal's outcome) once per `key`, on its contact's preferred channel. */
export async function tellHousehold(context: Context, household: Household, village: Village, key: string, text: string, kind?: string): Promise<void> {
  const contact = await householdContact(context.db, household.id);
  const route = contact && routeTo(context, contact);
  if (!route) return;
  await queueMessages(context, [{ dedupeKey: key, ...route, text, sender: village.settings.smsSenderNumber, kind }]);
}
