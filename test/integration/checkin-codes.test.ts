import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { openCheckin, type OpenedCheckin } from '../../src/checkin/open.ts';
import type { Context } from '../../src/context.ts';
import { cadres, rules, villages } from '../../src/db/schema/index.ts';
import { runInTransaction } from '../../src/plans/runner.ts';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';

/** Sessions of this test's database waiting for a lock another one holds. */
async function waitingForLocks(context: Context): Promise<number> {
  // By the waiting session's database: a wait on another transaction (a unique index's) has no database of its own.
  const [row] = await context.db.execute<{ n: number }>(sql`select count(*)::int as n from pg_locks l
    join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`).then((r) => r.rows);
  return row!.n;
}

describe(`check-in codes under concurrency (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ workers: false }); });
  afterAll(async () => { await jifen?.close(); });

  async function opening(drawCode: () => string, hold?: Promise<void>, opened?: () => void): Promise<OpenedCheckin> {
    const db = jifen.context.db;
    const [village] = await db.select().from(villages).where(eq(villages.code, 'fangniuping'));
    const [cadre] = await db.select().from(cadres).where(eq(cadres.phone, people.liuFang));
    const [rule] = await db.select().from(rules).where(and(eq(rules.villageId, village!.id), eq(rules.code, 'P03')));
    return runInTransaction(jifen.context, async (context) => {
      const done = await openCheckin(context, { village: village!, cadre: cadre!, rule: rule!, now: new Date(), drawCode });
      opened?.();
      await hold;
      return done;
    });
  }

  it('two cadres opening at once with the same code drawn: one keeps it, the other draws again', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let firstOpened!: () => void;
    const firstInserted = new Promise<void>((resolve) => { firstOpened = resolve; });
    // The first opening has the code and has not committed yet.
    const first = opening(() => '4321', held, firstOpened);
    await firstInserted;

    const drawn: string[] = [];
    let secondSettled = false;
    const second = opening(() => {
      drawn.push(drawn.length === 0 ? '4321' : '8765');
      return drawn.at(-1)!;
    }).finally(() => { secondSettled = true; });
    // The second cannot see the first's code yet: it draws the same and waits on the unique index.
    await jifen.waitFor(async () => secondSettled || (await waitingForLocks(jifen.context)) > 0 || undefined, 'the second opening to wait or finish');
    release();

    const [a, b] = await Promise.all([first, second]);
    expect(a.event.code).toBe('4321');
    expect(b.event.code).toBe('8765');
    expect(drawn).toEqual(['4321', '8765']);
  });

  it('many openings at once in one village: every open event has its own code', async () => {
    const codes = ['1111', '2222', '3333', '4444', '5555', '6666', '7777', '8888', '9999', '1234', '2345', '3456'];
    // Each draws from the same short list in the same order: they all want 1111 first.
    const opened = await Promise.all(Array.from({ length: 8 }, () => {
      let next = 0;
      return opening(() => codes[next++ % codes.length]!);
    }));
    const open = opened.map((o) => o.event.code);
    expect(new Set(open).size).toBe(open.length);
  });
});
