import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { answerLocally } from '../db/reachability.ts';
import { households } from '../db/schema/index.ts';
import { findCadre } from '../directory.ts';
import { acceptOrSpool } from '../messages/accept-or-spool.ts';

export interface Declaration {
  cadrePhone: string;
  household: string;
  text: string;
}

/** Thrown when the declaration names a cadre or household jifen does not know. */
export class UnknownPartyError extends Error {}

async function checkParties(context: Context, declaration: Declaration): Promise<void> {
  if (!await findCadre(context.db, 'cli', declaration.cadrePhone)) throw new UnknownPartyError(`no cadre with phone ${declaration.cadrePhone}`);
  const [household] = await context.db.select({ code: households.code }).from(households).where(eq(households.code, declaration.household));
  if (!household) throw new UnknownPartyError(`no household ${declaration.household}`);
}

/**
 * 口头申报 from the operators' CLI or API: recorded as the cadre's own "代报 <household> <text>"
 * message (channel cli), so it takes the same path as one sent by SMS and the cadre is answered by SMS.
 * While PostgreSQL is unreachable it is spooled unchecked (`spooled`, no message id yet): the intake
 * checks the cadre and the household when it is imported, as for a 代报 sent by SMS.
 */
export async function declareOrally(context: Context, declaration: Declaration): Promise<{ messageId?: number; spooled?: true }> {
  try {
    await context.reachability.attempt(() => checkParties(context, declaration));
  } catch (error) {
    if (!answerLocally(error)) throw error;
  }
  // The lookups match the cadre's phone and the household's code as given: the message names them so.
  const accepted = await acceptOrSpool(context, {
    channel: 'cli', externalId: `cli-${randomUUID()}`, sender: declaration.cadrePhone, text: `代报 ${declaration.household} ${declaration.text}`,
    attachments: [], receivedAt: new Date(), raw: { ...declaration },
  });
  return accepted.spooled ? { spooled: true } : { messageId: accepted.id };
}
