import type { Context } from '../context.ts';
import type { Db, Transaction } from '../db/database.ts';
import type { OutboxRow } from '../db/schema/index.ts';
import { faultPoint } from './faults.ts';
import { PendingOutbox, relay } from './outbox.ts';

/**
 * Runs a piece of work (a job, a command) in ONE PostgreSQL transaction. Inside, `db` is the
 * transaction and `outbox` collects the follow-up jobs and send orders, written to the outbox table
 * in the same transaction: state changes, events, ledger postings, outbound rows and the jobs that
 * follow commit together or not at all. After commit the relay moves the rows into the queue.
 * Work already inside a transaction joins it. `label` names the work for fault tests.
 */
export async function runInTransaction<T>(context: Context, work: (context: Context) => Promise<T>, label = 'work'): Promise<T> {
  if (context.inTransaction) return work(context);
  const outbox = new PendingOutbox();
  let rows: OutboxRow[] = [];
  const result = await context.db.transaction(async (tx) => {
    const value = await work({ ...context, db: tx as unknown as Db, outbox, inTransaction: true });
    rows = await outbox.flush(tx);
    await faultPoint('before-commit', label);
    return value;
  });
  await faultPoint('after-commit', label);
  await relay(context, rows);
  return result;
}

/** The open transaction of work run by runInTransaction; anything else is a programming error. */
export function transactionOf(context: Context): Transaction {
  if (!context.inTransaction) throw new Error('this must run inside runInTransaction');
  return context.db as unknown as Transaction;
}
