import { writeFile } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import type { Command } from 'commander';
import { announcementsWithProgress, progressLine } from '../announcements/progress.ts';
import { confirmAnnouncement, requestAnnouncement } from '../announcements/request.ts';
import { closeCheckin } from '../checkin/close.ts';
import { openCheckin } from '../checkin/open.ts';
import type { Context } from '../context.ts';
import { cadres, rules, type Village } from '../db/schema/index.ts';
import { routeTo } from '../messages/addressing.ts';
import { runInTransaction, transactionOf } from '../plans/runner.ts';
import { village as villageOf, type Print, type WithContext } from './supermarket.ts';


async function approverOf(context: Context, village: Village, phone: string) {
  const [cadre] = await context.db.select().from(cadres).where(and(eq(cadres.villageId, village.id), eq(cadres.phone, phone)));
  if (!cadre?.canApprove) throw new Error(`${phone} is no cadre of ${village.code} who can approve: opening a check-in is its approval`);
  return cadre;
}

/** `jifen checkin open|close` and `jifen announce`: the same actions as the cadres' 签到, 结束签到, 通知 and 确认. */
export function registerCheckinAnnounceCommands(program: Command, withContext: WithContext, print: Print): void {
  const checkin = program.command('checkin').description('签到: check-in codes for meetings and work days');
  checkin.command('open')
    .description('opens a check-in for an item and prints its code; --pdf writes the QR poster')
    .requiredOption('--village <code>', 'the village').requiredOption('--item <code>', 'the item (P03)').requiredOption('--cadre <phone>', 'the approving cadre')
    .option('--minutes <n>', 'how long it is open (default 180)', (value) => Number.parseInt(value, 10))
    .option('--pdf <file>', 'write the poster (A4, QR code) to this file').option('--json', 'print JSON')
    .action(async (options: { village: string; item: string; cadre: string; minutes?: number; pdf?: string; json?: boolean }) => {
      const result = await withContext(async (context) => {
        const village = await villageOf(context, options.village);
        const cadre = await approverOf(context, village, options.cadre);
        const [rule] = await context.db.select().from(rules).where(and(eq(rules.villageId, village.id), eq(rules.code, options.item.toUpperCase()), eq(rules.kind, 'earn')));
        if (!rule) throw new Error(`no item ${options.item} in ${village.code}`);
        const opened = await runInTransaction(context, (context) => openCheckin(context, { village, cadre, rule, minutes: options.minutes, now: new Date() }), 'cli:checkin-open');
        // The poster's PDF and QR libraries are loaded only when a poster is asked for.
        if (options.pdf) await writeFile(options.pdf, await (await import('../checkin/poster.ts')).checkinPoster(village, rule, opened.event));
        return { code: opened.event.code, item: rule.code, closesAt: opened.event.closesAt.toISOString(), text: opened.reply, pdf: options.pdf };
      });
      print(!!options.json, result, () => `${result.text}${result.pdf ? `\nposter written to ${result.pdf}` : ''}`);
    });
  checkin.command('close <code>')
    .description('closes a check-in early and prints who attended')
    .requiredOption('--village <code>', 'the village').requiredOption('--cadre <phone>', 'the approving cadre').option('--json', 'print JSON')
    .action(async (code: string, options: { village: string; cadre: string; json?: boolean }) => {
      const closing = await withContext(async (context) => {
        const village = await villageOf(context, options.village);
        const cadre = await approverOf(context, village, options.cadre);
        return runInTransaction(context, (context) => closeCheckin(transactionOf(context), village, cadre, code, new Date()), 'cli:checkin-close');
      });
      if (closing.kind === 'unknown') throw new Error(`no check-in ${code} in ${options.village}`);
      print(!!options.json, closing.report, () => `check-in ${code}: ${closing.report.households.length} households\n${closing.report.households.join('\n')}`);
    });

  program.command('announce [text]')
    .description('村务通知: previews an announcement to every household (nothing sent); --confirm sends it; --status shows progress')
    .requiredOption('--village <code>', 'the village')
    .option('--confirm <code>', 'send the announcement previewed with this code').option('--status', 'the village\'s announcements and their progress')
    .option('--json', 'print JSON')
    .action(async (text: string | undefined, options: { village: string; confirm?: string; status?: boolean; json?: boolean }) => {
      if (options.status) {
        const list = await withContext(async (context) => announcementsWithProgress(context.db, { villageId: (await villageOf(context, options.village)).id }));
        return print(!!options.json, list, () => list.map(progressLine).join('\n'));
      }
      const result = await withContext(async (context) => {
        const village = await villageOf(context, options.village);
        if (options.confirm) {
          const confirmed = await runInTransaction(context, (context) => confirmAnnouncement(context, village, options.confirm!, new Date()), 'cli:announce-confirm');
          return { ok: confirmed.kind === 'confirmed', text: confirmed.reply };
        }
        const requested = await runInTransaction(context, (context) => requestAnnouncement(transactionOf(context), { village, text: text ?? '', now: new Date(), route: (person) => routeTo(context, person) }), 'cli:announce');
        return requested.kind === 'preview'
          ? { ok: true, text: requested.reply, code: requested.announcement.confirmCode, preview: requested.announcement.preview }
          : { ok: false, text: requested.reply };
      });
      print(!!options.json, result, () => result.text);
      if (!result.ok) process.exitCode = 1;
    });
}
