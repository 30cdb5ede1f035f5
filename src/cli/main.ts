import { Command } from 'commander';
import { configuredSecrets, loadConfig } from '../config.ts';
import { closeContext, createContext, type Context } from '../context.ts';
import { createLogger } from '../log.ts';
import { householdBalance } from '../ledger/balance.ts';
import { verifyLedger } from '../ledger/verify.ts';
import { importVillage } from '../village/import.ts';
import { readVillageFile } from '../village/village-file.ts';
import { classifyLines } from './classify.ts';
import { correctionLines } from './corrections.ts';
import { declareOrally } from '../claims/declare.ts';
import { recentMessages } from './messages.ts';
import { printPublicity } from './publicity.ts';
import { isCalendarDay } from '../claims/period.ts';
import { registerSupermarketCommands } from './supermarket.ts';
import { registerWeeklySchedules } from '../weekly/run.ts';
import { weeklyCommand } from './weekly.ts';

/**
 * `jifen`: the operators' CLI. It reads the same environment as the server; on the embedded
 * default it joins the running server's database instead of opening the data folder twice.
 */
async function withContext<T>(run: (context: Context) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const context = await createContext(config, { log: createLogger(process.env.LOG_LEVEL ?? 'warn', undefined, configuredSecrets(config)) });
  try {
    return await run(context);
  } finally {
    await closeContext(context);
  }
}

const print = (json: boolean, value: unknown, text: () => string) => console.log(json ? JSON.stringify(value) : text());

const program = new Command('jifen').description('村民积分 jifen — operators\' commands').showHelpAfterError();

program.command('import <village-file>')
  .description('create or update a village from its YAML file (idempotent)')
  .option('--json', 'print JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    const villageFile = await readVillageFile(file);
    const summary = await withContext(async (context) => {
      const imported = await importVillage(context.db, villageFile);
      // The weekly time may have changed: the village's schedule follows its file.
      await registerWeeklySchedules(context);
      return imported;
    });
    print(!!options.json, summary, () =>
      `imported ${summary.village}: ${summary.households} households, ${summary.members} members, ${summary.cadres} cadres, ${summary.rules} rules, ${summary.deductions} deductions, ${summary.catalogue} catalogue items`);
  });

program.command('balance <household-code>')
  .description('a household\'s balance and lifetime earned total')
  .option('--json', 'print JSON')
  .action(async (code: string, options: { json?: boolean }) => {
    const balance = await withContext((context) => householdBalance(context.db, code));
    print(!!options.json, balance, () => `${balance.household}: balance ${balance.balance}, lifetime ${balance.lifetime}`);
  });

program.command('corrections')
  .description('villager messages whose claim a cadre corrected (改 1234 P07), as lines of the understanding corpus (JSONL)')
  .requiredOption('--village <code>', 'the village')
  .action(async (options: { village: string }) => {
    const lines = await withContext((context) => correctionLines(context.db, options.village));
    for (const line of lines) console.log(JSON.stringify(line));
  });

program.command('messages')
  .description('recent inbound and outbound messages, newest first')
  .option('--to <address>', 'only messages from or to this address')
  .option('--limit <n>', 'how many', (value) => Number.parseInt(value, 10), 20)
  .option('--json', 'print JSON')
  .action(async (options: { to?: string; limit: number; json?: boolean }) => {
    const lines = await withContext((context) => recentMessages(context.db, options));
    print(!!options.json, lines, () => lines.map((m) => `${m.at} ${m.direction === 'in' ? '←' : '→'} ${m.channel} ${m.address} [${m.status}] ${m.text}`).join('\n'));
  });

program.command('ledger').description('the points ledger')
  .command('verify')
  .description('recompute every balance from the entries; non-zero exit when anything is off')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const report = await withContext((context) => verifyLedger(context.db));
    print(!!options.json, report, () => report.ok
      ? `ledger ok: ${report.transactions} transactions, ${report.accounts} accounts`
      : `ledger has ${report.problems.length} problem(s):\n${report.problems.join('\n')}`);
    if (!report.ok) process.exitCode = 1;
  });

program.command('declare <household-code> <text...>')
  .description('口头申报: a claim a villager declared in person, entered by a cadre and reviewed as usual')
  .requiredOption('--cadre <phone>', 'the phone number of the cadre entering it (answered by SMS)')
  .option('--json', 'print JSON')
  .action(async (household: string, words: string[], options: { cadre: string; json?: boolean }) => {
    const result = await withContext((context) => declareOrally(context, { cadrePhone: options.cadre, household, text: words.join(' ') }));
    print(!!options.json, result, () => `declaration for ${household} recorded as message ${result.messageId}; the cadre is answered by SMS`);
  });

const day = (value: string) => {
  if (!isCalendarDay(value)) throw new Error(`not a date (YYYY-MM-DD): ${value}`);
  return value;
};

program.command('publicity')
  .description('公示: a village\'s publicity list for a period, as HTML on stdout or an A4 PDF')
  .requiredOption('--village <code>', 'the village')
  .option('--from <YYYY-MM-DD>', 'first day (village time; default 30 days before --to)', day)
  .option('--to <YYYY-MM-DD>', 'last day (default today)', day)
  .option('--pdf <file>', 'write the PDF to this file')
  .action(async (options: { village: string; from?: string; to?: string; pdf?: string }) => {
    const { output } = await withContext((context) => printPublicity(context, options));
    console.log(output);
  });

program.command('classify')
  .description('how jifen understands messages: one per line on stdin, one JSON object per line out (no database)')
  .requiredOption('--village-file <file>', 'the village whose rules the messages are about')
  .option('--cadre', 'read the messages as a cadre\'s commands')
  .action(async (options: { villageFile: string; cadre?: boolean }) => {
    await classifyLines(options.villageFile, process.stdin, process.stdout, options.cadre);
  });

registerSupermarketCommands(program, withContext, print);
weeklyCommand(program, withContext);

try {
  await program.parseAsync();
} catch (error) {
  console.error(`jifen: ${(error as Error).message}`);
  process.exitCode = 1;
}
