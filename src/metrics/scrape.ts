import { sql } from 'drizzle-orm';
import { Gauge, Registry } from 'prom-client';
import type { Context } from '../context.ts';
import { QUEUES, OUTBOUND_CHANNELS, outboundQueue } from '../queue/jobs.ts';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/**
 * Counts read at scrape time from PostgreSQL and the queues: right whichever process (server or
 * worker) did the work, and the same from every process scraped (take max(), not sum(), across them).
 */
export class ScrapeMetrics {
  /** One registry per source, so a source that cannot be read is left out of the scrape whole. */
  private readonly database = new Registry();
  private readonly queueStore = new Registry();
  private readonly disk = new Registry();
  private readonly gauge = (registry: Registry, name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [registry] });
  private readonly inbound = this.gauge(this.database, 'jifen_inbound_messages', 'Inbound messages stored, by channel and outcome (pending: not processed yet)', ['channel', 'outcome']);
  private readonly outbound = this.gauge(this.database, 'jifen_outbound_messages', 'Outbound messages recorded, by channel, the provider that sends on it, and status', ['channel', 'provider', 'status']);
  private readonly segments = this.gauge(this.database, 'jifen_sms_segments_sent', 'SMS segments handed to a provider (sent or delivered): what is paid for');
  private readonly postings = this.gauge(this.database, 'jifen_ledger_postings', 'Ledger transactions, by kind', ['kind']);
  private readonly waiting = this.gauge(this.database, 'jifen_claims_awaiting_review', 'Claims waiting for a cadre\'s review');
  private readonly oldest = this.gauge(this.database, 'jifen_claims_awaiting_review_oldest_seconds', 'How long the longest-waiting claim has waited for review (0 when none waits)');
  private readonly depth = this.gauge(this.queueStore, 'jifen_queue_jobs', 'Jobs in each queue, by state', ['queue', 'state']);
  private readonly spooled = this.gauge(this.disk, 'jifen_inbound_spool_waiting', 'Messages in this machine\'s spool (DATA_DIR/spool) not imported into PostgreSQL yet');

  constructor(private readonly context: Context) {}

  /**
   * Reads every count afresh and returns the registries read; a source that cannot be read (PostgreSQL
   * or the queue store down) is left out, not reported as zero: while PostgreSQL is down the spool still is.
   */
  async collect(): Promise<Registry[]> {
    const read = (registry: Registry, ...parts: Promise<void>[]) => Promise.all(parts).then(() => registry, () => undefined);
    const registries = await Promise.all([
      read(this.database, this.messages(), this.ledgerAndClaims()),
      read(this.queueStore, this.queues()),
      read(this.disk, this.context.spool.waiting().then((n) => this.spooled.set(n))),
    ]);
    return registries.filter((registry) => registry !== undefined);
  }

  private async messages(): Promise<void> {
    const { db, channels } = this.context;
    const inbound = await db.execute<{ channel: string; outcome: string; n: number }>(sql`
      select channel, coalesce(outcome, 'pending') as outcome, count(*)::int as n from jifen.inbound_messages group by 1, 2`);
    const outbound = await db.execute<{ channel: string; status: string; n: number; segments: number }>(sql`
      select channel, status, count(*)::int as n, coalesce(sum(segments), 0)::int as segments from jifen.outbound_messages group by 1, 2`);
    this.inbound.reset();
    for (const row of inbound.rows) this.inbound.set({ channel: row.channel, outcome: row.outcome }, row.n);
    this.outbound.reset();
    for (const row of outbound.rows) this.outbound.set({ channel: row.channel, provider: channels.sender(row.channel)?.provider ?? 'none', status: row.status }, row.n);
    this.segments.set(outbound.rows.filter((r) => r.channel === 'sms' && (r.status === 'sent' || r.status === 'delivered')).reduce((sum, r) => sum + r.segments, 0));
  }

  private async ledgerAndClaims(): Promise<void> {
    const { db } = this.context;
    const postings = await db.execute<{ kind: string; n: number }>(sql`select kind, count(*)::int as n from jifen.ledger_transactions group by 1`);
    const [review] = (await db.execute<{ waiting: number; oldest: number }>(sql`
      select count(*)::int as waiting, coalesce(extract(epoch from now() - min(since)), 0)::float8 as oldest
        from (select c.id, max(e.created_at) as since
                from jifen.claims c join jifen.claim_events e on e.claim_id = c.id and e.to_state = 'awaiting_review'
               where c.state = 'awaiting_review' group by c.id) w`)).rows;
    this.postings.reset();
    for (const row of postings.rows) this.postings.set({ kind: row.kind }, row.n);
    this.waiting.set(review!.waiting);
    this.oldest.set(review!.oldest);
  }

  private async queues(): Promise<void> {
    const { jobs } = this.context;
    const queues = [[QUEUES.pipeline, jobs.pipeline], [QUEUES.weekly, jobs.weekly], ...OUTBOUND_CHANNELS.map((c) => [outboundQueue(c), jobs.outbound[c]] as const)] as const;
    const counts = await Promise.all(queues.map(([, queue]) => queue.getJobCounts(...QUEUE_STATES)));
    this.depth.reset();
    queues.forEach(([name], i) => { for (const state of QUEUE_STATES) this.depth.set({ queue: name, state }, counts[i]![state] ?? 0); });
  }
}
