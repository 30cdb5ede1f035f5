import pg from 'pg';
import type { Job, Queue } from 'bullmq';
import type { QueueHandle } from '../src/queue/backend.ts';

/**
 * The costs of one claim that do not depend on the machine: SQL statements (any pg client in this
 * process: jifen's pool, and BullMQ's PostgreSQL backend when it is the queue) and jobs added to
 * any queue (delayed and scheduled ones included), over the end-to-end run.
 */
/**
 * A client of the bench's own whose statements nobody counts (the bench's poll is no claim's cost):
 * its query is bound as its own property before start() wraps the prototype's.
 */
export async function uncountedClient(connectionString: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString });
  client.query = pg.Client.prototype.query.bind(client) as pg.Client['query'];
  await client.connect();
  return client;
}

export class ClaimCosts {
  statements = 0;
  private readonly jobIds = new Set<string>();
  private readonly undo: Array<() => void> = [];
  private counting = false;

  /** Counts statements, and the jobs added through the given queues, from now until stop(). */
  start(queues: QueueHandle[]): void {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    const costs = this;
    proto.query = function countedQuery(this: unknown, ...args: unknown[]) {
      const first = args[0] as { submit?: unknown } | undefined;
      if (costs.counting && !(first && typeof first === 'object' && typeof first.submit === 'function')) costs.statements++;
      return query.apply(this, args);
    };
    this.undo.push(() => { proto.query = query; });
    for (const queue of queues) {
      const { add, addBulk } = queue;
      queue.add = (name, data, opts) => { this.record(opts.jobId ?? `${name}-${Math.random()}`); return add.call(queue, name, data, opts); };
      queue.addBulk = (jobs) => { for (const job of jobs) this.record(job.opts.jobId ?? `${job.name}-${Math.random()}`); return addBulk.call(queue, jobs); };
      this.undo.push(() => { queue.add = add; queue.addBulk = addBulk; });
    }
    this.counting = true;
  }

  private record(jobId: string): void {
    if (this.counting) this.jobIds.add(jobId);
  }

  stop(): void {
    this.counting = false;
    for (const undo of this.undo.splice(0)) undo();
  }

  /** Jobs added through the queues, and those a job scheduler added on its own (the periodic review follow-up, expiry). */
  async jobs(pipeline: Queue, since: number): Promise<number> {
    const scheduled = ((await pipeline.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed', 'prioritized'], 0, -1)) as Job[])
      .filter((job) => job.repeatJobKey && job.timestamp >= since);
    return this.jobIds.size + scheduled.length;
  }
}
