import fs from 'node:fs/promises';
import os from 'node:os';
import type { Command } from 'commander';
import { withContext, withDatabase, type Print } from './session.ts';

/** Who runs the command, as the privacy events record it: --by, else the operating system's user. */
const operator = (by: string | undefined) => by?.trim() || `cli:${os.userInfo().username}`;

/** `jifen household export`, `jifen member forget`, `jifen retention`: a villager's data under PIPL (docs/privacy.md). */
export function registerPrivacyCommands(program: Command, print: Print): void {
  program.command('household').description('a household\'s data')
    .command('export <household-code>')
    .description('everything jifen holds about a household, as JSON (PIPL: a copy for the household); recorded as a privacy event')
    .option('--out <file>', 'write the JSON to this file (mode 600) instead of stdout')
    .option('--by <name>', 'who asked for it (recorded; default the system user)')
    .action(async (code: string, options: { out?: string; by?: string }) => {
      const { exportHousehold } = await import('../privacy/household-export.ts');
      const data = await withDatabase((db) => exportHousehold(db, code, operator(options.by)));
      const json = JSON.stringify(data, null, 2);
      if (!options.out) return console.log(json);
      await fs.writeFile(options.out, `${json}\n`, { mode: 0o600 });
      console.error(`household ${code} written to ${options.out}`);
    });

  program.command('member').description('a member\'s data')
    .command('forget <phone>')
    .description('remove a member\'s personal data (name, phone, WeChat/QQ ids, message texts, photos, recordings); the household\'s ledger and claims stay. Cannot be undone')
    .option('--yes', 'confirm: this cannot be undone')
    .option('--by <name>', 'who asked for it (recorded; default the system user)')
    .option('--json', 'print JSON')
    .action(async (phone: string, options: { yes?: boolean; by?: string; json?: boolean }) => {
      if (!options.yes) throw new Error('this removes the member\'s personal data for good: run it again with --yes');
      const { forgetMember } = await import('../privacy/forget.ts');
      const report = await withContext((context) => forgetMember(context, phone, operator(options.by)));
      const counts = Object.entries(report.erased).map(([what, n]) => `${what} ${n}`).join(', ');
      print(!!options.json, report, () => (report.member
        ? `member ${report.member.id} of ${report.member.household} forgotten: ${counts}`
        : `no member has this number; erased: ${counts}`));
    });

  program.command('retention')
    .description('erase inbound message texts, photos and recordings older than each village\'s retention period now (the daily job does it too)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { purgeAllVillages } = await import('../privacy/retention.ts');
      const runs = await withContext((context) => purgeAllVillages(context, new Date()));
      print(!!options.json, runs, () => runs.map((run) => `${run.village} (${run.retentionDays} days): ${run.erased} messages erased, ${run.erasedUnknown} of unknown senders`).join('\n'));
    });
}
