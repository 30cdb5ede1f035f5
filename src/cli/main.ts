import fs from 'node:fs/promises';
import { Command } from 'commander';
import { isCalendarDay } from '../claims/period.ts';
import { print, withContext, withDatabase } from './session.ts';
import { registerSupermarketCommands } from './supermarket.ts';
import { registerCheckinAnnounceCommands } from './checkin-announce.ts';
import { weeklyCommand } from './weekly.ts';
import { registerBackupCommands } from './backup.ts';
import { registerPrivacyCommands } from './privacy.ts';

/**
 * `jifen`: the operators' CLI. It reads the same environment as the server; on the embedded
 * default it joins the running server's database instead of opening the data folder twice.
 * Each command imports what it needs when it runs (see session.ts).
 */
const program = new Command('jifen').description('村民积分 jifen — operators\' commands').showHelpAfterError();

program.command('import <village-file>')
  .description('create or update a village (or a township: its villages and officers) from its YAML file (idempotent)')
  .option('--json', 'print JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    const { importTownship, isTownshipFile, readTownshipFile } = await import('../village/township-file.ts');
    if (isTownshipFile(await fs.readFile(file, 'utf8'))) {
      const township = await readTownshipFile(file);
      const summary = await withContext((context) => importTownship(context.db, township));
      return print(!!options.json, summary, () => `imported township ${summary.township}: ${summary.villages} villages, ${summary.officers} officers`);
    }
    const { readVillageFile } = await import('../village/village-file.ts');
    const { importVillage } = await import('../village/import.ts');
    const { registerWeeklySchedules } = await import('../weekly/run.ts');
    const { consentSource } = await import('../privacy/consent.ts');
    const villageFile = await readVillageFile(file);
    const summary = await withContext(async (context) => {
      const imported = await importVillage(context.db, villageFile, consentSource.villageFile(file));
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
    const { householdBalance } = await import('../ledger/balance.ts');
    const balance = await withDatabase((db) => householdBalance(db, code));
    print(!!options.json, balance, () => `${balance.household}: balance ${balance.balance}, lifetime ${balance.lifetime}`);
  });

program.command('corrections')
  .description('villager messages whose claim a cadre corrected (改 1234 P07), as lines of the understanding corpus (JSONL)')
  .requiredOption('--village <code>', 'the village')
  .action(async (options: { village: string }) => {
    const { correctionLines } = await import('./corrections.ts');
    const lines = await withDatabase((db) => correctionLines(db, options.village));
    for (const line of lines) console.log(JSON.stringify(line));
  });

program.command('messages')
  .description('recent inbound and outbound messages, newest first')
  .option('--to <address>', 'only messages from or to this address')
  .option('--limit <n>', 'how many', (value) => Number.parseInt(value, 10), 20)
  .option('--json', 'print JSON')
  .action(async (options: { to?: string; limit: number; json?: boolean }) => {
    const { recentMessages } = await import('./messages.ts');
    const { announcementsWithProgress, progressLine } = await import('../announcements/progress.ts');
    const [lines, sending] = await withDatabase((db) => Promise.all([recentMessages(db, options), announcementsWithProgress(db, { sendingOnly: true })]));
    // Announcements still going out head the list with their progress (text output; JSON keeps its shape).
    print(!!options.json, lines, () => [...sending.map(progressLine), ...lines.map((m) => `${m.at} ${m.direction === 'in' ? '←' : '→'} ${m.channel} ${m.address} [${m.status}] ${m.text}`)].join('\n'));
  });

program.command('ledger').description('the points ledger')
  .command('verify')
  .description('recompute every balance from the entries; non-zero exit when anything is off')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const { verifyLedger } = await import('../ledger/verify.ts');
    const report = await withDatabase((db) => verifyLedger(db));
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
    const { declareOrally } = await import('../claims/declare.ts');
    const result = await withContext((context) => declareOrally(context, { cadrePhone: options.cadre, household, text: words.join(' ') }));
    print(!!options.json, result, () => (result.spooled
      ? `declaration for ${household} kept in the spool (PostgreSQL unreachable); imported and checked when it is back, the cadre is answered by SMS`
      : `declaration for ${household} recorded as message ${result.messageId}; the cadre is answered by SMS`));
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
    const { printPublicity } = await import('./publicity.ts');
    const { output } = await withDatabase((db) => printPublicity(db, options));
    console.log(output);
  });

program.command('classify')
  .description('how jifen understands messages: one per line on stdin, one JSON object per line out (no database)')
  .requiredOption('--village-file <file>', 'the village whose rules the messages are about')
  .option('--cadre', 'read the messages as a cadre\'s commands')
  .action(async (options: { villageFile: string; cadre?: boolean }) => {
    const { classifyLines } = await import('./classify.ts');
    await classifyLines(options.villageFile, process.stdin, process.stdout, options.cadre);
  });

registerSupermarketCommands(program, withContext, print);
registerCheckinAnnounceCommands(program, withContext, print);
weeklyCommand(program, withContext);
registerBackupCommands(program, print);
registerPrivacyCommands(program, print);

try {
  await program.parseAsync();
} catch (error) {
  console.error(`jifen: ${(error as Error).message}`);
  process.exitCode = 1;
}
