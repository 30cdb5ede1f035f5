import path from 'node:path';
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { compileVillage } from '../src/understanding/model.ts';
import { understandVillager } from '../src/understanding/villager.ts';
import { vocabularyOfFile } from '../src/understanding/vocabulary-file.ts';
import type { Context } from '../src/context.ts';
import { buildApp } from '../src/http/app.ts';
import { importVillage } from '../src/village/import.ts';
import { readVillageFile, type VillageFile } from '../src/village/village-file.ts';
import { startWorkers, type RunningWorkers } from '../workers/index.ts';
import type { FakeTwilio } from '../test/support/fake-twilio.ts';
import { BENCH_ACCOUNT_SID, BENCH_AUTH_TOKEN } from './env.ts';
import { offerAtRate } from './open-loop.ts';
import { reportClaimTimeline, reportJobTimes, type QueryProfiler } from './profile.ts';
import { describeError, fmt, Limiter, log, sleep, type Deadline } from './util.ts';
import { ClaimCosts, uncountedClient } from './claim-figures.ts';

export const EXAMPLE_VILLAGE = path.resolve(import.meta.dirname, '../example/fangniuping.yaml');
/** 刘芳, 综合专干: approves every claim in the benchmark. */
export const APPROVER = '+8613900010001';

/**
 * Items a household may claim several times a month, with how a villager might say them, and the
 * cap per household per month from the village file. After the capped ones run out a household
 * goes on with items that have no cap, so any BENCH_CLAIMS stays within the rules.
 */
const CAPPED_ITEMS: Array<{ code: string; text: string }> = [
  { code: 'P15', text: '今天参加了志愿服务活动' },
  { code: 'P12', text: '帮隔壁王婆婆收了谷子' },
  { code: 'P09', text: '参加了环境整治义务劳动' },
  { code: 'P03', text: '参加了院坝会' },
  { code: 'P04', text: '参加了政策宣讲' },
  { code: 'P18', text: '晚上参加了治安巡逻' },
];
/** Items worth 5 points or more need a second approver in the example village: only 刘芳 approves here. */
const UNCAPPED_ITEMS: Array<{ code: string; text: string }> = [
  { code: 'P19', text: '帮两家调解邻里纠纷' },
  { code: 'P20', text: '报告安全隐患' },
];

interface PlannedClaim {
  household: string;
  from: string;
  code: string;
  text: string;
}

/** Claims in sending order: households in turn, each member of a household in turn, items in turn within their caps. */
function planClaims(file: VillageFile, count: number, texts: Map<string, string>): PlannedClaim[] {
  const capOf = new Map(file.rules.map((rule) => [rule.code, rule.per === 'month' ? rule.cap ?? Infinity : rule.cap === undefined ? Infinity : 0]));
  const households = file.households.map((household) => {
    const used = new Map<string, number>();
    const sequence: Array<{ code: string }> = [];
    // Round-robin over the capped items while any has room; enough for 29 claims per household a month.
    for (let progressed = true; progressed;) {
      progressed = false;
      for (const item of CAPPED_ITEMS) {
        const cap = capOf.get(item.code) ?? 0;
        if ((used.get(item.code) ?? 0) < cap) {
          used.set(item.code, (used.get(item.code) ?? 0) + 1);
          sequence.push(item);
          progressed = true;
        }
      }
    }
    return { code: household.code, phones: household.members.map((m) => m.phone).filter((p): p is string => !!p), sequence, sent: 0 };
  }).filter((h) => h.phones.length > 0);
  const plan: PlannedClaim[] = [];
  for (let i = 0; plan.length < count; i++) {
    const household = households[i % households.length]!;
    const k = household.sent++;
    const item = household.sequence[k] ?? UNCAPPED_ITEMS[(k - household.sequence.length) % UNCAPPED_ITEMS.length]!;
    plan.push({ household: household.code, from: household.phones[k % household.phones.length]!, code: item.code, text: texts.get(item.code)! });
  }
  return plan;
}

export interface E2eResult {
  claims: number;
  elapsedMs: number;
  claimsPerS: number;
  /** SQL statements and jobs per claim, webhook to confirmation sent. */
  sqlPerClaim: number;
  jobsPerClaim: number;
}

export interface E2eOptions {
  claims: number;
  clientConcurrency: number;
  deadline: Deadline;
  profiler?: QueryProfiler;
  /** Open loop: offer the claims at this many per second instead of keeping clientConcurrency in flight. */
  ratePerS?: number;
}

let sidCounter = 0;
const nextSid = () => `SM${Date.now().toString(16)}${(++sidCounter).toString(16).padStart(8, '0')}${process.pid.toString(16)}`.padEnd(34, '0').slice(0, 34);

/**
 * The whole jifen over real HTTP: villagers' claims come in as signed Twilio webhooks, 刘芳 answers
 * each review request the fake Twilio receives with a signed "同意 <ref>", until every claim is posted.
 */
export async function runEndToEnd(context: Context, twilioApi: FakeTwilio, options: E2eOptions): Promise<E2eResult> {
  const { deadline } = options;
  const file = await readVillageFile(EXAMPLE_VILLAGE);
  const summary = await importVillage(context.db, file);
  log(`e2e: imported village ${summary.village}: ${summary.households} households, ${summary.members} members, ${summary.cadres} cadres`);

  // Check each claim text means the intended item to jifen's own matcher; fall back to the item number if not.
  const model = compileVillage(vocabularyOfFile(file));
  const texts = new Map<string, string>();
  for (const item of [...CAPPED_ITEMS, ...UNCAPPED_ITEMS]) {
    const meaning = understandVillager(model, item.text);
    const understood = meaning.intent === 'claim' && !meaning.clarify && meaning.needsDetail.length === 0
      && meaning.items.length === 1 && meaning.items[0]!.rule.code === item.code;
    if (!understood) log(`e2e: "${item.text}" is not understood as ${item.code}; sending its number instead`);
    texts.set(item.code, understood ? item.text : `第${Number(item.code.slice(1))}项`);
  }
  const plan = planClaims(file, options.claims, texts);

  let workers: RunningWorkers | undefined;
  let app: FastifyInstance | undefined;
  const limiter = new Limiter(options.clientConcurrency);
  const smsUrl = `${context.config.publicUrl}/channels/twilio/sms`;
  const villageNumber = file.village.sms_sender_number ?? '+8613900009999';
  let webhookErrors = 0;

  /** A signed Twilio Messaging webhook over real HTTP; retried with the same MessageSid as Twilio would. */
  const sms = async (from: string, body: string) => {
    const form = { MessageSid: nextSid(), AccountSid: BENCH_ACCOUNT_SID, From: from, To: villageNumber, Body: body, NumMedia: '0' };
    const signature = twilio.getExpectedTwilioSignature(BENCH_AUTH_TOKEN, smsUrl, form);
    const payload = new URLSearchParams(form).toString();
    for (let attempt = 0; ; attempt++) {
      let problem: string;
      try {
        const response = await fetch(smsUrl, {
          method: 'POST', body: payload,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          signal: AbortSignal.timeout(15_000),
        });
        const text = await response.text();
        if (response.ok) return;
        problem = `HTTP ${response.status} ${text.slice(0, 200)}`;
      } catch (error) {
        problem = (error as Error).message;
      }
      webhookErrors++;
      if (attempt >= 4 || deadline.remaining === 0) throw new Error(`webhook from ${from} failed: ${problem}`);
      await sleep(250 * 2 ** attempt);
    }
  };

  const counts = { sent: 0, acks: 0, reviews: 0, otherReviews: 0, approvalsSent: 0, approvalsAcked: 0, confirmations: 0, posted: 0, problems: 0 };
  const problems: string[] = [];
  const background: Promise<unknown>[] = [];
  let failure: Error | undefined;
  let succeeded = false;
  const fail = (error: unknown) => { failure ??= error as Error; };

  const expectedReviews = new Map<string, number>();
  for (const claim of plan) expectedReviews.set(claim.household, (expectedReviews.get(claim.household) ?? 0) + 1);

  /** Reads what jifen asked the fake Twilio to send, and has 刘芳 approve each review request at once. */
  let cursor = 0;
  const watchOutbox = () => {
    const requests = twilioApi.requests;
    for (; cursor < requests.length; cursor++) {
      const request = requests[cursor]!;
      if (request.method !== 'POST' || !request.path.endsWith('/Messages.json')) continue;
      const { To: to = '', Body: body = '' } = request.form;
      const review = /待审 (\d{4,6})：(\S+) /.exec(body);
      if (review) {
        if (to !== APPROVER) { counts.otherReviews++; continue; }
        counts.reviews++;
        const [, reference, household] = review as unknown as [string, string, string];
        // Each review request names the claimant household: it must be one that claimed, and no more often than it claimed.
        const left = expectedReviews.get(household) ?? 0;
        if (left <= 0 && problems.length < 5) problems.push(`unexpected review request for ${household}: ${body}`);
        expectedReviews.set(household, left - 1);
        background.push(limiter.run(() => sms(APPROVER, `同意 ${reference}`), true).then(() => { counts.approvalsSent++; }, fail));
      } else if (body.startsWith('已收到')) counts.acks++;
      else if (body.startsWith('已同意')) counts.approvalsAcked++;
      else if (body.startsWith('已入账')) counts.confirmations++;
      else {
        counts.problems++;
        if (problems.length < 5) problems.push(`to ${to}: ${body}`);
      }
    }
  };

  const poll = await uncountedClient(context.database.url);
  const postedCount = async () => {
    const { rows } = await poll.query<{ count: number }>(`select count(*)::int as count from jifen.claims where state = 'posted'`);
    return rows[0]!.count;
  };

  const progress = setInterval(() => {
    log(`e2e: sent ${counts.sent}/${plan.length}, acks ${counts.acks}, review requests ${counts.reviews}, approvals sent ${counts.approvalsSent}, `
      + `posted ${counts.posted}, confirmations ${counts.confirmations}${counts.problems ? `, unexpected SMS ${counts.problems}` : ''}`);
  }, 2_000);

  try {
    workers = startWorkers(context);
    await deadline.race(workers.ready(), 'starting workers');
    app = await buildApp(context);
    await app.listen({ port: context.config.port, host: '127.0.0.1' });
    log(`e2e: jifen listening on ${context.config.publicUrl}, Twilio API at ${twilioApi.url}; ${plan.length} claims from `
      + `${new Set(plan.map((p) => p.household)).size} households, ${options.clientConcurrency} requests in flight at most`);

    const elu0 = performance.eventLoopUtilization();
    const cpu0 = process.cpuUsage();
    const costs = new ClaimCosts();
    const since = Date.now();
    costs.start([context.jobs.pipeline, context.jobs.weekly, ...Object.values(context.jobs.outbound)]);
    options.profiler?.start();
    const started = performance.now();
    const offer = (claim: PlannedClaim) => sms(claim.from, claim.text).then(() => { counts.sent++; });
    const sender = options.ratePerS ? offerAtRate(plan, options.ratePerS, offer) : Promise.all(plan.map((claim) => limiter.run(() => offer(claim))));
    sender.catch(fail);

    let nextPoll = 0;
    for (;;) {
      if (failure) throw failure;
      deadline.check(`waiting for claims to post (${counts.posted}/${plan.length} posted)`);
      watchOutbox();
      if (performance.now() >= nextPoll) {
        counts.posted = await postedCount();
        nextPoll = performance.now() + 100;
        if (counts.posted >= plan.length) break;
        if (counts.problems > 0 && counts.posted + counts.problems >= plan.length) {
          throw new Error(`claims went astray; first unexpected messages: ${problems.join(' | ')}`);
        }
      }
      await sleep(5);
    }
    const elapsedMs = performance.now() - started;
    options.profiler?.stop();
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    log(`e2e: all ${plan.length} claims posted in ${(elapsedMs / 1000).toFixed(2)} s; this process's event loop was busy ${(elu.utilization * 100).toFixed(0)}% of the time `
      + `and got ${((cpu.user + cpu.system) / 1000 / elapsedMs * 100).toFixed(0)}% of a core (busy without CPU = waiting to be scheduled); webhook retries ${webhookErrors}`);

    // Not part of the measurement: let the confirmation SMS go out, for the record and a clean shutdown.
    const confirmDeadline = Math.min(Date.now() + 30_000, deadline.at);
    while (counts.confirmations < plan.length && Date.now() < confirmDeadline) {
      watchOutbox();
      await sleep(20);
    }
    await Promise.allSettled(background);
    costs.stop();
    const sqlPerClaim = costs.statements / plan.length;
    const jobsPerClaim = (await costs.jobs(context.jobs.pipeline as unknown as Queue, since)) / plan.length;
    log(`e2e: ${fmt(sqlPerClaim)} SQL statements and ${fmt(jobsPerClaim)} jobs per claim`);
    log(`e2e: confirmations ${counts.confirmations}/${plan.length} after ${((performance.now() - started) / 1000).toFixed(2)} s; `
      + `acks ${counts.acks}, review requests to 刘芳 ${counts.reviews} (+${counts.otherReviews} to other cadres), approvals acknowledged ${counts.approvalsAcked}, `
      + `unexpected SMS ${counts.problems}${problems.length ? `: ${problems.join(' | ')}` : ''}`);
    succeeded = true;
    return { claims: plan.length, elapsedMs, claimsPerS: plan.length / (elapsedMs / 1000), sqlPerClaim, jobsPerClaim };
  } finally {
    clearInterval(progress);
    await poll.end().catch(() => {});
    options.profiler?.stop();
    await app?.close().catch(() => {});
    await workers?.close().catch((error: unknown) => log(`closing workers failed: ${(error as Error).message}`));
    if (options.profiler && succeeded) {
      await reportJobTimes({ pipeline: context.jobs.pipeline as unknown as Queue, outbound: context.jobs.outbound.sms as unknown as Queue })
        .catch((error: unknown) => log(`job report failed: ${describeError(error)}`));
      await reportClaimTimeline(context, APPROVER).catch((error: unknown) => log(`timeline report failed: ${describeError(error)}`));
      options.profiler?.report(plan.length);
    }
  }
}
