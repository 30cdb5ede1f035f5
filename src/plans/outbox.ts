import { inArray, lt } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { outbox, type OutboxRow } from '../db/schema/index.ts';
import type { JobsClient, SendOrder } from '../queue/jobs-client.ts';
import type { Logger } from '../log.ts';
import type { PipelineJob, WeeklyJob } from '../queue/jobs.ts';

/** What a piece of work wants queued once it is committed: its follow-up jobs and its send orders. */
export interface Outbox {
  enqueue(job: PipelineJob, options?: { delayMs?: number }): Promise<void>;
  send(order: SendOrder): Promise<void>;
  enqueueWeekly(jobs: WeeklyJob[]): Promise<void>;
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

  /** Writes the entries in the open transaction, in one statement; returns the rows to relay after commit. */
  async flush(tx: Executor): Promise<OutboxRow[]> {
    if (this.entries.length === 0) return [];
    const rows = await tx.insert(outbox).values(this.entries).returning();
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
  if (done.length > 0) await context.db.delete(outbox).where(inArray(outbox.id, done));
  return done.length;
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
}
