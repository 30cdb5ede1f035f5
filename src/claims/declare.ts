import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { households } from '../db/schema/index.ts';
import { findCadre } from '../directory.ts';
import { acceptInbound } from '../messages/inbound.ts';

export interface Declaration {
  cadrePhone: string;
  household: string;
  text: string;
}

/** Thrown when the declaration names a cadre or household jifen does not know. */
export class UnknownPartyError extends Error {}

/**
 * 口头申报 from the operators' CLI or API: recorded as the cadre's own "代报 <household> <text>"
 * message (channel cli), so it takes the same path as one sent by SMS and the cadre is answered by SMS.
 */
export async function declareOrally(context: Context, declaration: Declaration): Promise<{ messageId: number }> {
  const cadre = await findCadre(context.db, 'cli', declaration.cadrePhone);
  if (!cadre) throw new UnknownPartyError(`no cadre with phone ${declaration.cadrePhone}`);
  const [household] = await context.db.select({ code: households.code }).from(households).where(eq(households.code, declaration.household));
  if (!household) throw new UnknownPartyError(`no household ${declaration.household}`);
  const { id } = await acceptInbound(context, {
    channel: 'cli', externalId: `cli-${randomUUID()}`, sender: cadre.phone, text: `代报 ${household.code} ${declaration.text}`,
    attachments: [], receivedAt: new Date(), raw: { ...declaration },
  });
  return { messageId: id };
}
