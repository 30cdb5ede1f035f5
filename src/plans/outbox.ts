import { inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { inboundMessages, outbox, type OutboxRow } from '../db/schema/index.ts';
import type { JobsClient, SendOrder } from '../queue/jobs-client.ts';
import type { Logger } from '../log.ts';
import type { PipelineJob, WeeklyJob } from '../queue/jobs.ts';

/**
 * What a piece of work wants queued once it is committed (its follow-up jobs and its send orders),
 * and the inbound message it finished.
 */
export interface Outbox {
  enqueue(job: PipelineJob, options?: { delayMs?: number }): Promise<void>;
  send(order: SendOrder): Promise<void>;
  enqueueWeekly(jobs: WeeklyJob[]): Promise<void>;
  /** Records what became of an inbound message; only the first outcome counts. */
  markProcessed(messageId: number, outcome: string): Promise<void>;
}

/** Marks inbound messages processed, each with its outcome, unless one was recorded before. */
function processedUpdate(outcomes: Map<number, string>) {
  const marks = JSON.stringify([...outcomes].map(([id, outcome]) => ({ id, outcome })));
  return sql`update ${inboundMessages} as m set processed_at = now(), outcome = o.outcome
    from jsonb_to_recordset(${marks}::jsonb) as o(id bigint, outcome text)
    where m.id = o.id and m.processed_at is null`;
}

/** What the relay needs: the database, the queue client, a log (a Context has them). */
export interface RelayTarget {
  db: Executor;
  jobs: JobsClient;
  log: Logger;
}

type Entry = Pick<OutboxRow, 'kind' | 'payload' | 'delayMs'>;

const delayOf = (delayMs: number | undefined) => (delayMs && delayMs > 0 ? Math.ceil(delayMs) : 0);

/** Collects a transaction's entries; the runner writes them in that transaction, just before commit. */
export class PendingOutbox implements Outbox {
  private readonly entries: Entry[] = [];
  private readonly processed = new Map<number, string>();

  async enqueue(job: PipelineJob, { delayMs }: { delayMs?: number } = {}): Promise<void> {
    this.entries.push({ kind: 'pipeline', payload: job, delayMs: delayOf(delayMs) });
  }

  async send({ delayMs, ...order }: SendOrder): Promise<void> {
    if (order.outboundIds.length === 0) return;
    // One order per channel, batch size and due time: a job's messages go to their provider as one batch.
    const delay = delayOf(delayMs);
    const same = this.entries.find((e) => e.kind === 'send' && e.delayMs === delay
      && (e.payload as SendOrder).channel === order.channel && (e.payload as SendOrder).batchSize === order.batchSize);
    if (same) (same.payload as SendOrder).outboundIds.push(...order.outboundIds);
    else this.entries.push({ kind: 'send', payload: { ...order, outboundIds: [...order.outboundIds] }, delayMs: delay });
  }

  async enqueueWeekly(jobs: WeeklyJob[]): Promise<void> {
    if (jobs.length > 0) this.entries.push({ kind: 'weekly', payload: jobs, delayMs: 0 });
  }

  async markProcessed(messageId: number, outcome: string): Promise<void> {
    if (!this.processed.has(messageId)) this.processed.set(messageId, outcome);
  }

  /**
   * Writes the entries and marks the messages processed in the open transaction, in one statement;
   * returns the rows to relay after commit.
   */
  async flush(tx: Executor): Promise<OutboxRow[]> {
    const marks = this.processed.size > 0 ? processedUpdate(new Map(this.processed)) : undefined;
    this.processed.clear();
    if (this.entries.length === 0) {
      if (marks) await tx.execute(marks);
      return [];
    }
    const rows = await (marks ? tx.with(tx.$with('marked', {}).as(marks)) : tx).insert(outbox).values(this.entries).returning();
    this.entries.length = 0;
    return rows;
  }
}

/** Adds one committed row's jobs to the queue; job ids are deterministic, so adding twice adds nothing. */
async function relayOne(context: RelayTarget, row: OutboxRow, now?: Date): Promise<void> {
  // Relayed at once the delay is as asked; relayed late (the sweeper), what is left of it.
  const delayMs = now ? Math.max(0, row.delayMs - (now.getTime() - row.createdAt.getTime())) : row.delayMs;
  switch (row.kind) {
    case 'pipeline': return context.jobs.enqueue(row.payload as PipelineJob, { delayMs });
    case 'send': {
      // Without a batch size, the order is one job: a job's messages on a channel go to its provider together.
      const order = row.payload as SendOrder;
      return context.jobs.send({ ...order, batchSize: order.batchSize ?? order.outboundIds.length, delayMs: delayMs || undefined });
    }
    case 'weekly': return context.jobs.enqueueWeekly(row.payload as WeeklyJob[]);
  }
}

/**
 * Moves committed outbox rows into the queue and deletes those it moved. A row the queue did not
 * take stays for the sweeper; returns how many were relayed.
 */
export async function relay(context: RelayTarget, rows: OutboxRow[], late?: { now: Date }): Promise<number> {
  if (rows.length === 0) return 0;
  const results = await Promise.allSettled(rows.map((row) => relayOne(context, row, late?.now)));
  const done = rows.filter((_, i) => results[i]!.status === 'fulfilled').map((row) => row.id);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) context.log.warn({ err: failed.reason, left: rows.length - done.length }, 'queue unavailable: outbox rows left for the sweeper');
  if (done.length > 0) relayedRows(context).add(done);
  return done.length;
}

/** How long relayed rows wait to be deleted together with other jobs' (one statement for many). */
const DELETE_AFTER_MS = 50;

/**
 * Relayed rows, deleted a moment later in one statement with those of the jobs that commit
 * meanwhile. A row whose delete is lost (a crash) is relayed once more by the sweeper, which adds
 * nothing: job ids are deterministic and every job finds its work done.
 */
class RelayedRows {
  private ids: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private deleting: Promise<void> = Promise.resolve();

  constructor(private readonly context: RelayTarget) {}

  add(ids: number[]): void {
    this.ids.push(...ids);
    this.timer ??= setTimeout(() => void this.flush(), DELETE_AFTER_MS).unref();
  }

  /** Deletes what is waiting; resolves when every delete begun so far is done. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.ids;
    this.ids = [];
    if (ids.length > 0) {
      this.deleting = this.deleting.then(() => this.context.db.delete(outbox).where(inArray(outbox.id, ids)))
        .then(() => undefined, (error: unknown) => this.context.log.warn({ err: error, rows: ids.length }, 'relayed outbox rows not deleted: the sweeper relays them again'));
    }
    return this.deleting;
  }
}

const relayedOf = new WeakMap<Executor, RelayedRows>();

function relayedRows(context: RelayTarget): RelayedRows {
  let rows = relayedOf.get(context.db);
  if (!rows) relayedOf.set(context.db, (rows = new RelayedRows(context)));
  return rows;
}

/** Deletes the relayed rows still waiting (before the database closes). */
export async function deleteRelayed(context: RelayTarget): Promise<void> {
  await relayedOf.get(context.db)?.flush();
}

/** Relays what a crash or a queue outage left in the outbox (rows older than `olderThanMs`). */
export async function relayLeftovers(context: RelayTarget, olderThanMs = 5_000, limit = 500): Promise<number> {
  const now = new Date();
  const rows = await context.db.select().from(outbox).where(lt(outbox.createdAt, new Date(now.getTime() - olderThanMs))).orderBy(outbox.id).limit(limit);
  return relay(context, rows, { now });
}

/**
 * Outside any transaction (a CLI command, a test): each entry is written on its own (a
 * one-statement transaction) and relayed at once, so even here nothing reaches the queue unrecorded.
 */
export class DirectOutbox implements Outbox {
  constructor(private readonly context: () => RelayTarget) {}

  /** Collects one entry as a transaction would, writes it on its own and relays it at once. */
  private async write(collect: (pending: PendingOutbox) => Promise<void>): Promise<void> {
    const pending = new PendingOutbox();
    await collect(pending);
    const context = this.context();
    await relay(context, await pending.flush(context.db));
  }

  enqueue(job: PipelineJob, options?: { delayMs?: number }): Promise<void> {
    return this.write((pending) => pending.enqueue(job, options));
  }

  send(order: SendOrder): Promise<void> {
    return this.write((pending) => pending.send(order));
  }

  enqueueWeekly(jobs: WeeklyJob[]): Promise<void> {
    return this.write((pending) => pending.enqueueWeekly(jobs));
  }

  async markProcessed(messageId: number, outcome: string): Promise<void> {
    await this.context().db.execute(processedUpdate(new Map([[messageId, outcome]])));
  }
}
