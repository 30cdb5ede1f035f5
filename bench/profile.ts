import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Job, Queue } from 'bullmq';
import type { Context } from '../src/context.ts';
import { fmt, log, stats } from './util.ts';

interface QueryStat {
  count: number;
  totalMs: number;
}

/**
 * Counts and times every SQL statement any pg client in this process runs (jifen's pool, BullMQ's
 * PostgreSQL backend), grouped by a coarse label. Enabled with BENCH_PROFILE=1: it patches
 * pg.Client.prototype.query, which costs a little, so the headline numbers are taken without it.
 */
export class QueryProfiler {
  private readonly stats = new Map<string, QueryStat>();
  private readonly texts = new Map<string, number>();
  private recording = false;
  private original: ((...args: unknown[]) => unknown) | undefined;

  install(): void {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const original = proto.query;
    this.original = original;
    const record = (text: string, started: number) => {
      if (!this.recording) return;
      const label = classify(text);
      if (process.env.BENCH_PROFILE_SQL) this.texts.set(text, (this.texts.get(text) ?? 0) + 1);
      const stat = this.stats.get(label) ?? { count: 0, totalMs: 0 };
      stat.count++;
      stat.totalMs += performance.now() - started;
      this.stats.set(label, stat);
    };
    proto.query = function patchedQuery(this: unknown, ...args: unknown[]) {
      const first = args[0] as { text?: string; submit?: unknown } | string | undefined;
      if (first && typeof first === 'object' && typeof first.submit === 'function') return original.apply(this, args);
      const text = typeof first === 'string' ? first : first?.text ?? '';
      const started = performance.now();
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const callback = args[last] as (...cbArgs: unknown[]) => unknown;
        args[last] = function (this: unknown, ...cbArgs: unknown[]) {
          record(text, started);
          return callback.apply(this, cbArgs);
        };
        return original.apply(this, args);
      }
      const result = original.apply(this, args) as Promise<unknown> | undefined;
      if (result && typeof result.then === 'function') result.then(() => record(text, started), () => record(text, started));
      return result;
    };
  }

  uninstall(): void {
    if (this.original) (pg.Client.prototype as unknown as { query: unknown }).query = this.original;
  }

  start(): void {
    this.stats.clear();
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
  }

  report(claims: number): void {
    const rows = [...this.stats.entries()].map(([label, s]) => ({ label, ...s }));
    const total = rows.reduce((sum, r) => sum + r.count, 0);
    const group = (prefix: string) => rows.filter((r) => r.label.startsWith(prefix)).reduce((sum, r) => sum + r.count, 0);
    // BENCH_PROFILE_SQL=<file>: every distinct statement with its count, to see what a claim runs.
    if (process.env.BENCH_PROFILE_SQL) {
      writeFileSync(process.env.BENCH_PROFILE_SQL, [...this.texts.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${(n / claims).toFixed(2)}\t${t.replace(/\s+/g, ' ')}`).join('\n'));
    }
    log(`profile: ${total} SQL statements during the end-to-end run = ${fmt(total / claims)} per claim `
      + `(jifen ${fmt(group('app') / claims)}, transaction control ${fmt(group('tx') / claims)}, queue ${fmt(group('queue') / claims)})`);
    log('profile: top statements by total client-side time (count, total ms, mean ms, per claim):');
    for (const r of rows.sort((a, b) => b.totalMs - a.totalMs).slice(0, 40)) {
      log(`  ${String(r.count).padStart(7)} ${r.totalMs.toFixed(0).padStart(8)} ms ${(r.totalMs / r.count).toFixed(2).padStart(7)} ms ${fmt(r.count / claims).padStart(6)}/claim  ${r.label}`);
    }
  }
}

function classify(raw: string): string {
  const text = raw.replace(/\s+/g, ' ').trim();
  const control = /^(begin|commit|rollback|savepoint|release)\b/i.exec(text);
  if (control) return `tx: ${control[1]!.toLowerCase()}`;
  const table = /"?jifen"?\."?(\w+)"?/i.exec(text);
  if (table) return `app: ${text.split(' ')[0]!.toLowerCase()} ${table[1]}`;
  if (/pg_advisory/i.test(text)) return 'app: pg_advisory_xact_lock';
  return `queue: ${text.slice(0, 90)}`;
}

/** Where a job spent its time: waiting in the queue, then running in a worker. */
export async function reportJobTimes(queues: Record<string, Queue>): Promise<void> {
  for (const [queueName, queue] of Object.entries(queues)) {
    const jobs = (await queue.getJobs(['completed'], 0, -1)) as Job[];
    const failed = await queue.getJobCounts('failed', 'delayed', 'waiting', 'active');
    const byName = new Map<string, Job[]>();
    for (const job of jobs) byName.set(job.name, [...(byName.get(job.name) ?? []), job]);
    log(`profile: queue ${queueName}: ${jobs.length} completed jobs; left: ${JSON.stringify(failed)}`);
    log('  job            count  wait mean/p95 ms   run mean/p95 ms   run total s  retried');
    for (const [name, list] of [...byName.entries()].sort()) {
      const wait = stats(list.map((j) => (j.processedOn ?? 0) - j.timestamp));
      const run = stats(list.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)));
      const retried = list.filter((j) => j.attemptsMade > 1).length;
      log(`  ${name.padEnd(15)}${String(list.length).padStart(5)}  ${wait.mean.toFixed(0).padStart(7)} /${wait.p95.toFixed(0).padStart(6)}   `
        + `${run.mean.toFixed(0).padStart(7)} /${run.p95.toFixed(0).padStart(6)}   ${(run.mean * run.n / 1000).toFixed(1).padStart(9)}  ${String(retried).padStart(7)}`);
    }
  }
}

/**
 * The life of each claim from the database's own timestamps: webhook stored → understood →
 * validated → scored → awaiting review → review SMS to 刘芳 sent → her reply stored → approved →
 * posted → confirmation SMS sent.
 */
export async function reportClaimTimeline(context: Context, cadrePhone: string): Promise<void> {
  const result = await context.db.execute(sql`
    with events as (
      select claim_id,
             min(created_at) filter (where to_state = 'understood') as understood,
             min(created_at) filter (where to_state = 'validated') as validated,
             min(created_at) filter (where to_state = 'scored') as scored,
             min(created_at) filter (where to_state = 'awaiting_review') as awaiting,
             min(created_at) filter (where to_state = 'approved') as approved,
             min(created_at) filter (where to_state = 'posted') as posted,
             min(message_id) filter (where to_state = 'approved') as approval_message
        from jifen.claim_events group by claim_id)
    select extract(epoch from source.received_at) * 1000 as received,
           extract(epoch from e.understood) * 1000 as understood,
           extract(epoch from e.validated) * 1000 as validated,
           extract(epoch from e.scored) * 1000 as scored,
           extract(epoch from e.awaiting) * 1000 as awaiting,
           extract(epoch from review.sent_at) * 1000 as review_sent,
           extract(epoch from approval.received_at) * 1000 as approval_received,
           extract(epoch from e.approved) * 1000 as approved,
           extract(epoch from e.posted) * 1000 as posted,
           extract(epoch from confirmation.sent_at) * 1000 as confirmed
      from jifen.claims c
      join events e on e.claim_id = c.id
      join jifen.inbound_messages source on source.id = c.source_message_id
      left join jifen.inbound_messages approval on approval.id = e.approval_message
      left join jifen.cadres cadre on cadre.phone = ${cadrePhone}
      left join jifen.outbound_messages review on review.dedupe_key = 'claim-' || c.id || '-review-' || cadre.id
      left join jifen.outbound_messages confirmation on confirmation.dedupe_key = 'claim-' || c.id || '-posted'
     where c.state = 'posted'`);
  const rows = result.rows as Record<string, string | number | null>[];
  const steps: Array<[string, string, string]> = [
    ['webhook stored → understood (intake + understand)', 'received', 'understood'],
    ['understood → validated', 'understood', 'validated'],
    ['validated → scored', 'validated', 'scored'],
    ['scored → awaiting review', 'scored', 'awaiting'],
    ['awaiting review → review SMS sent to 刘芳', 'awaiting', 'review_sent'],
    ['review SMS sent → 刘芳 reply stored (bench client)', 'review_sent', 'approval_received'],
    ['reply stored → approved (intake + review-reply)', 'approval_received', 'approved'],
    ['approved → posted (post)', 'approved', 'posted'],
    ['posted → confirmation SMS sent', 'posted', 'confirmed'],
    ['TOTAL webhook stored → posted', 'received', 'posted'],
  ];
  log(`profile: claim timeline over ${rows.length} posted claims (ms; transaction-start timestamps):`);
  log('  step                                                 mean     p50     p95     max');
  for (const [label, from, to] of steps) {
    const values = rows.map((r) => Number(r[to]) - Number(r[from])).filter((v) => Number.isFinite(v));
    const s = stats(values);
    log(`  ${label.padEnd(50)}${s.mean.toFixed(0).padStart(7)} ${s.p50.toFixed(0).padStart(7)} ${s.p95.toFixed(0).padStart(7)} ${s.max.toFixed(0).padStart(7)}`);
  }
}
