import { eq } from 'drizzle-orm';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Context } from '../context.ts';
import { villages } from '../db/schema/index.ts';
import { isoWeekOf, mondayOf } from '../weekly/calendar.ts';
import { runWeekly, type WeeklyRun } from '../weekly/run.ts';

type WithContext = <T>(run: (context: Context) => Promise<T>) => Promise<T>;

interface WeeklyOptions { village: string; dryRun?: boolean; week?: string; json?: boolean }

export function describeRun(run: WeeklyRun, dryRun: boolean): string {
  const channels = Object.entries(run.byChannel).map(([channel, count]) => `${channel} ${count}`).join(', ') || 'none';
  return `${dryRun ? '[dry run] ' : ''}weekly ${run.village} ${run.week}: ${run.households} households, ${run.notified} notified (${channels}), `
    + `${run.alreadyNotified} already notified this week, `
    + `${run.optedOut} skipped opted-out, ${run.deferred} deferred to the end of quiet hours, ${run.unreachable} unreachable, ${run.cadres} cadres summarised`;
}

async function weekly(context: Context, options: WeeklyOptions): Promise<WeeklyRun> {
  const [village] = await context.db.select().from(villages).where(eq(villages.code, options.village));
  if (!village) throw new Error(`没有村代码为 ${options.village} 的村`);
  const now = new Date();
  const week = options.week ?? isoWeekOf(now, village.timezone);
  mondayOf(week); // a malformed --week is an error before anything runs
  const bar = new cliProgress.SingleBar({ format: 'weekly {bar} {value}/{total} chunks', stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  try {
    return await runWeekly(context, village, week, {
      now, dryRun: options.dryRun,
      onChunk: (done, total) => {
        if (!started) { bar.start(total, 0); started = true; }
        bar.update(done);
      },
    });
  } finally {
    if (started) bar.stop();
  }
}

/** `jifen weekly --village <code> [--dry-run] [--week YYYY-Www]`: the weekly notifications by hand. */
export function weeklyCommand(program: Command, withContext: WithContext): void {
  program.command('weekly')
    .description('send a village\'s weekly balance notifications and cadre summary now (once per household and week)')
    .requiredOption('--village <code>', 'the village\'s code')
    .option('--dry-run', 'render and count, send and record nothing')
    .option('--week <YYYY-Www>', 'the ISO week to report (default: this week in the village\'s timezone)')
    .option('--json', 'print JSON')
    .action(async (options: WeeklyOptions) => {
      const run = await withContext((context) => weekly(context, options));
      console.log(options.json ? JSON.stringify({ ...run, dryRun: !!options.dryRun }) : describeRun(run, !!options.dryRun));
    });
}
