import { createHash, randomBytes } from 'node:crypto';
import { and, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { cadres, consoleSessions, consoleSignInCodes, officers } from '../db/schema/index.ts';
import { routeTo } from '../messages/addressing.ts';
import { checkTypedCode, codeExpiry, CODE_MINUTES, MAX_ATTEMPTS, maskPhone, newCode } from '../messages/one-time-codes.ts';
import { queueMessages } from '../messages/outbound.ts';
import { audit } from './audit.ts';
import { cadreUser, consoleTexts, consoleUserByPhone, officerUser, type ConsoleUser } from './people.ts';

const HOUR_MS = 3_600_000;
/** Codes one phone, and one address, may ask for in an hour. */
export const CODES_PER_PHONE_HOUR = 5;
export const CODES_PER_IP_HOUR = 20;
export const SESSION_HOURS = 12;
export const SESSION_COOKIE = 'jifen_console';

export type CodeRequest = { kind: 'sent'; masked: string } | { kind: 'too_many' };

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

async function issuedSince(context: Context, column: typeof consoleSignInCodes.phone | typeof consoleSignInCodes.ip, value: string, since: Date) {
  const [row] = await context.db.select({ n: count() }).from(consoleSignInCodes).where(and(eq(column, value), gt(consoleSignInCodes.createdAt, since)));
  return row!.n;
}

/**
 * Step 1: a code for the phone, on its owner's own channel (WeChat when they prefer it, else SMS).
 * The answer is the same whether or not the phone is registered, so the form tells nobody who is.
 */
export async function requestSignInCode(context: Context, phone: string, ip: string, now = new Date()): Promise<CodeRequest> {
  const since = new Date(now.getTime() - HOUR_MS);
  if (await issuedSince(context, consoleSignInCodes.phone, phone, since) >= CODES_PER_PHONE_HOUR
    || await issuedSince(context, consoleSignInCodes.ip, ip, since) >= CODES_PER_IP_HOUR) return { kind: 'too_many' };
  const [issued] = await context.db.insert(consoleSignInCodes).values({ phone, ip, code: newCode(), expiresAt: codeExpiry(now) }).returning();
  const user = await consoleUserByPhone(context.db, phone);
  await audit(context.db, { actor: maskPhone(phone), ip, action: 'sign_in_code_requested', detail: { known: !!user } });
  if (user) {
    const person = user.kind === 'cadre' ? user.cadre : { phone, wechat: null, prefers: 'sms' };
    const route = routeTo(context, person)!;
    await queueMessages(context, [{
      dedupeKey: `console-code-${issued!.id}`, ...route, text: consoleTexts(user).console.code(issued!.code, CODE_MINUTES),
      sender: user.kind === 'cadre' ? user.cadre.village.settings.smsSenderNumber : undefined,
      kind: 'console_code', params: { code: issued!.code, minutes: String(CODE_MINUTES) },
    }]);
  }
  return { kind: 'sent', masked: maskPhone(phone) };
}

export type SignIn = { kind: 'signed_in'; token: string; user: ConsoleUser } | { kind: 'wrong'; left: number } | { kind: 'expired' };

/** Step 2: the phone's latest open code; a match opens a session, a miss spends one of its five tries. */
export async function signIn(context: Context, phone: string, typed: string, ip: string, now = new Date()): Promise<SignIn> {
  const [issued] = await context.db.select().from(consoleSignInCodes)
    .where(and(eq(consoleSignInCodes.phone, phone), isNull(consoleSignInCodes.usedAt), gt(consoleSignInCodes.expiresAt, now)))
    .orderBy(desc(consoleSignInCodes.id)).limit(1);
  const check = issued ? checkTypedCode(issued, typed) : 'used_up';
  const user = check === 'match' ? await consoleUserByPhone(context.db, phone) : undefined;
  if (!issued || check === 'used_up' || (check === 'match' && !user)) return { kind: 'expired' };
  if (check === 'wrong') {
    await context.db.update(consoleSignInCodes).set({ attempts: sql`${consoleSignInCodes.attempts} + 1` }).where(eq(consoleSignInCodes.id, issued.id));
    await audit(context.db, { actor: maskPhone(phone), ip, action: 'sign_in_wrong_code' });
    return { kind: 'wrong', left: MAX_ATTEMPTS - issued.attempts - 1 };
  }
  const token = randomBytes(32).toString('base64url');
  const who = user!.kind === 'cadre' ? { cadreId: user!.cadre.id } : { officerId: user!.officer.id };
  await context.db.transaction(async (tx) => {
    await tx.update(consoleSignInCodes).set({ usedAt: now }).where(eq(consoleSignInCodes.id, issued.id));
    await tx.insert(consoleSessions).values({ tokenHash: tokenHash(token), ...who, ip, expiresAt: new Date(now.getTime() + SESSION_HOURS * HOUR_MS) });
    await audit(tx, { actor: user!.kind === 'cadre' ? `cadre:${user!.cadre.id}` : `officer:${user!.officer.id}`, ip, action: 'signed_in' });
  });
  return { kind: 'signed_in', token, user: user! };
}

/** The person a session cookie belongs to, while the session is open; their rights are read afresh on every request. */
export async function sessionUser(context: Context, token: string, now = new Date()): Promise<ConsoleUser | undefined> {
  const [session] = await context.db.select().from(consoleSessions)
    .where(and(eq(consoleSessions.tokenHash, tokenHash(token)), isNull(consoleSessions.endedAt), gt(consoleSessions.expiresAt, now)));
  if (!session) return undefined;
  if (session.cadreId !== null) {
    const [cadre] = await context.db.select({ phone: cadres.phone }).from(cadres).where(eq(cadres.id, session.cadreId));
    const user = cadre && await consoleUserByPhone(context.db, cadre.phone);
    return user?.kind === 'cadre' ? cadreUser(user.cadre) : undefined;
  }
  const [officer] = await context.db.select().from(officers).where(eq(officers.id, session.officerId!));
  return officer && officerUser(context.db, officer);
}

export async function signOut(context: Context, token: string, now = new Date()): Promise<void> {
  await context.db.update(consoleSessions).set({ endedAt: now }).where(eq(consoleSessions.tokenHash, tokenHash(token)));
}
