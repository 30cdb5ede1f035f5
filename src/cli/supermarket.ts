import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Command } from 'commander';
import { localDay } from '../claims/period.ts';
import type { Context } from '../context.ts';
import { villages, type Village } from '../db/schema/index.ts';
import { appealReport, type AppealLine } from '../deductions/report.ts';
import { catalogueOf } from '../supermarket/catalogue.ts';
import { redeemAtDesk, reverseAtDesk } from '../supermarket/desk.ts';
import { runExpiry } from '../supermarket/expiry.ts';

type WithContext = <T>(run: (context: Context) => Promise<T>) => Promise<T>;
type Print = (json: boolean, value: unknown, text: () => string) => void;

async function village(context: Context, code: string): Promise<Village> {
  const [row] = await context.db.select().from(villages).where(eq(villages.code, code));
  if (!row) throw new Error(`no village ${code}`);
  return row;
}

function appealText(line: AppealLine): string {
  const decided = line.decision ? ` → ${line.decision.outcome} by ${line.decision.by} ${line.decision.at}${line.decision.reason ? ` (${line.decision.reason})` : ''}` : ' → waiting';
  const replaced = line.replacement ? `; now ${line.replacement.reference} ${line.replacement.item} -${line.replacement.pointsTaken}` : '';
  return `${line.reference} ${line.household} ${line.item} -${line.pointsTaken} (listed ${line.pointsListed}); appealed ${line.appeal.at}: ${line.appeal.reason ?? ''}${decided}${replaced}`;
}

/** `jifen catalogue`, `jifen redeem`, `jifen appeals`, `jifen expire`: the points supermarket and deductions from the command line. */
export function registerSupermarketCommands(program: Command, withContext: WithContext, print: Print): void {
  program.command('catalogue')
    .description('the points supermarket\'s goods: price in points and stock')
    .option('--village <code>', 'only this village')
    .option('--json', 'print JSON')
    .action(async (options: { village?: string; json?: boolean }) => {
      const lines = await withContext((context) => catalogueOf(context.db, options.village));
      print(!!options.json, lines, () => lines.map((g) => `${g.village} ${g.code} ${g.name} ${g.points}分 stock ${g.stock ?? '-'}`).join('\n'));
    });

  program.command('redeem [household-code] [goods-code] [quantity]')
    .description('兑换: record a redemption (points and stock checked together; the household gets a receipt), or --reverse one')
    .requiredOption('--cadre <phone>', 'the phone number of the cadre recording it (can_redeem)')
    .option('--key <key>', 'names this redemption: run again with the same key, it answers the first result; with another request, it is refused')
    .option('--reverse <redemption-id>', 'reverse this redemption instead: points back, stock restored (idempotent)')
    .option('--json', 'print JSON')
    .action(async (household: string | undefined, goods: string | undefined, quantity: string | undefined, options: { cadre: string; key?: string; reverse?: string; json?: boolean }) => {
      if (options.reverse !== undefined) {
        const reversal = await withContext((context) => reverseAtDesk(context, options.cadre, Number(options.reverse)));
        print(!!options.json, reversal, () => reversal.ok
          ? `redemption ${reversal.redemption} reversed${reversal.replayed ? ' already' : ''}: ${reversal.household} +${reversal.points}, balance ${reversal.balance}`
          : reversal.reason);
        if (!reversal.ok) process.exitCode = 1;
        return;
      }
      if (!household || !goods) throw new Error('redeem needs <household-code> <goods-code> [quantity], or --reverse <redemption-id>');
      const count = quantity === undefined ? 1 : Number(quantity);
      if (!Number.isSafeInteger(count) || count < 1) throw new Error(`quantity ${quantity} is not a whole number ≥ 1`);
      const result = await withContext((context) => redeemAtDesk(context, { cadrePhone: options.cadre, household, goods, quantity: count, key: `redemption-cli-${options.key ?? randomUUID()}` }));
      print(!!options.json, result, () => result.ok
        ? `redemption ${result.redemption}${result.replayed ? ' (recorded before)' : ''}: ${result.household} ${result.lines.join(', ')}, ${result.points} points, balance ${result.balance}`
        : `refused (${result.refused}): ${result.reason}`);
      if (!result.ok) process.exitCode = 1;
    });

  program.command('appeals')
    .description('申诉: the deductions a village\'s households appealed and their outcomes')
    .requiredOption('--village <code>', 'the village')
    .option('--json', 'print JSON')
    .action(async (options: { village: string; json?: boolean }) => {
      const lines = await withContext(async (context) => appealReport(context.db, (await village(context, options.village)).code));
      print(!!options.json, lines, () => lines.length === 0 ? 'no appeals' : lines.map(appealText).join('\n'));
    });

  program.command('expire')
    .description('expire points by the village\'s policy as of a day (default today): oldest points first; warns in December')
    .requiredOption('--village <code>', 'the village')
    .option('--as-of <YYYY-MM-DD>', 'the day to run as (village time)')
    .option('--dry-run', 'show what would expire and who would be warned; change nothing')
    .option('--json', 'print JSON')
    .action(async (options: { village: string; asOf?: string; dryRun?: boolean; json?: boolean }) => {
      const run = await withContext(async (context) => {
        const row = await village(context, options.village);
        return runExpiry(context, row, options.asOf ?? localDay(new Date(), row.timezone), { dryRun: options.dryRun });
      });
      const total = (lines: { points: number }[]) => lines.reduce((sum, line) => sum + line.points, 0);
      print(!!options.json, run, () => `${run.village} as of ${run.asOf}${run.dryRun ? ' (dry run)' : ''}: ${run.expired.length} households, ${total(run.expired)} points expired; ${run.warned.length} households, ${total(run.warned)} points warned`);
    });
}
