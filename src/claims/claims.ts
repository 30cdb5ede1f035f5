import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Executor, Transaction } from '../db/database.ts';
import {
  claimEvents, claims, COUNTED_CLAIM_STATES, OPEN_CLAIM_STATES, households, members, rules, villages, type Claim, type ClaimState,
  type Household, type Member, type Rule, type Village,
} from '../db/schema/index.ts';

export interface Transition {
  actor: string;
  channel?: string;
  messageId?: number;
  /** Why (a rejection, a refused cap): recorded on the event and kept on the claim. */
  reason?: string;
  detail?: Record<string, unknown>;
  /** Columns to set together with the state. */
  set?: Partial<Pick<Claim, 'points' | 'reference' | 'reviewedBy' | 'ruleId'>>;
}

/**
 * Moves a claim from one state to the next and appends the event, only if it is still in the
 * expected state; returns undefined when it was not (another delivery of the same job got there
 * first). Takes a transaction: a state without its event would hide who decided.
 */
export async function transition(tx: Transaction, claimId: number, from: ClaimState, to: ClaimState, how: Transition): Promise<Claim | undefined> {
  return move(tx, claimId, from, { ...how.set, ...(how.reason === undefined ? {} : { reason: how.reason }), state: to }, [{
    fromState: from, toState: to, actor: how.actor, channel: how.channel, messageId: how.messageId, reason: how.reason, detail: how.detail,
  }]);
}

type EventRow = Pick<typeof claimEvents.$inferInsert, 'fromState' | 'toState' | 'actor' | 'channel' | 'messageId' | 'reason' | 'detail'>;

/**
 * The claim's UPDATE, only from the expected state, and the INSERT of its events (in order), as
 * ONE statement: the events are written only if the claim moved. Returns the claim as it is now.
 */
async function move(tx: Transaction, claimId: number, from: ClaimState, set: PgUpdateSetSource<typeof claims>, events: EventRow[]): Promise<Claim | undefined> {
  const moved = tx.$with('moved').as(tx.update(claims).set(set).where(and(eq(claims.id, claimId), eq(claims.state, from))).returning());
  const rows = events.map((e) => ({
    from_state: e.fromState, to_state: e.toState, actor: e.actor, channel: e.channel, message_id: e.messageId, reason: e.reason, detail: e.detail,
  }));
  const recorded = tx.$with('recorded', {}).as(sql`
    insert into ${claimEvents} (claim_id, from_state, to_state, actor, channel, message_id, reason, detail)
    select moved.id, e.from_state, e.to_state, e.actor, e.channel, e.message_id, e.reason, e.detail
      from moved, rows from (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as (from_state text, to_state text, actor text, channel text, message_id bigint, reason text, detail jsonb))
        with ordinality as e(from_state, to_state, actor, channel, message_id, reason, detail, n)
     order by e.n`);
  const [claim] = await tx.with(moved, recorded).select().from(moved);
  if (claim) remembered(tx, claim);
  return claim;
}

/** One step of several taken at once (see advance). */
export interface Step {
  to: ClaimState;
  reason?: string;
  detail?: Record<string, unknown>;
}

/**
 * Takes a claim through several states at once, only from the expected state: the UPDATE to the
 * last state (with `set`) and every step's event, in order, in one statement. Undefined when the
 * claim was not in `from`.
 */
export async function advance(tx: Transaction, claimId: number, from: ClaimState, steps: Step[], how: { actor: string; set?: Partial<Record<'points' | 'reference', number | SQL>> }): Promise<Claim | undefined> {
  const last = steps.at(-1);
  if (!last) return undefined;
  const reason = [...steps].reverse().find((step) => step.reason !== undefined)?.reason;
  return move(tx, claimId, from, { ...how.set, ...(reason === undefined ? {} : { reason }), state: last.to }, steps.map((step, i) => ({
    fromState: i === 0 ? from : steps[i - 1]!.to, toState: step.to, actor: how.actor, reason: step.reason, detail: step.detail,
  })));
}

/**
 * A free four-digit reference for the village's open claims, picked in the statement that sets it:
 * twenty random candidates, the first not in use. Two transactions that pick the same one at once
 * meet the unique index and the later one's job is retried.
 */
export const freeReference = (villageId: number) => sql<number>`(
  select candidate from (select (1000 + floor(random() * 9000))::int as candidate from generate_series(1, 20)) as c
  where not exists (select 1 from jifen.claims o where o.village_id = ${villageId} and o.reference = c.candidate
    and o.state in (${sql.join(OPEN_CLAIM_STATES.map((state) => sql`${state}`), sql`, `)}))
  limit 1)`;

/**
 * Claims loaded in an open transaction, by transaction: the steps of one job (advance, request
 * review; approve, publicity, post) read a claim once. transition/advance, the only writers of
 * claims, keep the entry current with the row their UPDATE returns.
 */
const loadedIn = new WeakMap<object, Map<number, LoadedClaim>>();

/** Only a transaction's reads are kept: the pool is long-lived and shared. */
const isTransaction = (db: Executor) => 'rollback' in db;

function remembered(db: Executor, claim: Claim): void {
  const cached = loadedIn.get(db)?.get(claim.id);
  if (!cached) return;
  // A correction that changes the item changes the joined rule: read it again next time.
  if (cached.rule.id !== claim.ruleId) loadedIn.get(db)!.delete(claim.id);
  else cached.claim = claim;
}

/** Keeps a claim its transaction just created (or read) for the job's later steps. */
export function rememberClaim(db: Executor, loaded: LoadedClaim): void {
  if (!isTransaction(db)) return;
  const cache = loadedIn.get(db) ?? new Map<number, LoadedClaim>();
  loadedIn.set(db, cache);
  cache.set(loaded.claim.id, loaded);
}

/** The claims a transaction has locked (FOR UPDATE): a later locked read of one of them is the cached one. */
const lockedIn = new WeakMap<object, Set<number>>();

async function readClaim(db: Executor, where: SQL | undefined, lock: boolean): Promise<LoadedClaim | undefined> {
  const query = db.select({ claim: claims, rule: rules, household: households, village: villages, member: members })
    .from(claims)
    .innerJoin(rules, eq(rules.id, claims.ruleId))
    .innerJoin(households, eq(households.id, claims.householdId))
    .innerJoin(villages, eq(villages.id, claims.villageId))
    .leftJoin(members, eq(members.id, claims.memberId))
    .where(where);
  // FOR UPDATE OF the claim alone (its members join is outer); drizzle would qualify the name, which PostgreSQL refuses.
  const [row] = lock ? await query.for('update', { of: sql.raw('claims') as unknown as typeof claims }) : await query;
  if (row) rememberClaim(db, row);
  if (row && lock && isTransaction(db)) lockedIn.set(db, (lockedIn.get(db) ?? new Set()).add(row.claim.id));
  return row;
}

/**
 * A claim with everything a stage needs to decide and to write to people; read once per
 * transaction. `lock`: locks its row (FOR UPDATE) until commit, read afresh unless this
 * transaction locked it already.
 */
export async function loadClaim(db: Executor, claimId: number, { lock = false } = {}) {
  const cached = loadedIn.get(db)?.get(claimId);
  if (cached && (!lock || lockedIn.get(db)?.has(claimId))) return cached;
  return readClaim(db, eq(claims.id, claimId), lock);
}

/** The village's open claim with this reference, locked until commit: a cadre's decision on it follows. */
export async function lockOpenClaimByReference(db: Executor, villageId: number, reference: number): Promise<LoadedClaim | undefined> {
  return readClaim(db, and(eq(claims.villageId, villageId), eq(claims.reference, reference), inArray(claims.state, [...OPEN_CLAIM_STATES])), true);
}

export interface LoadedClaim {
  claim: Claim;
  rule: Rule;
  household: Household;
  village: Village;
  member: Member | null;
  /** The claim's photos (see photosOfClaim), when the transaction that created it had them at hand. */
  photos?: string[];
}

/** Claims of the same household and item that count against the cap of this claim's period. */
export async function countTowardCap(tx: Executor, claim: Pick<Claim, 'id' | 'householdId' | 'ruleId' | 'periodKey'>): Promise<number> {
  const [row] = await tx.select({ count: sql<number>`count(*)::int` }).from(claims).where(and(
    eq(claims.householdId, claim.householdId), eq(claims.ruleId, claim.ruleId), eq(claims.periodKey, claim.periodKey),
    sql`${claims.id} <> ${claim.id}`, inArray(claims.state, [...COUNTED_CLAIM_STATES]),
  ));
  return row!.count;
}
