import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Context } from '../../src/context.ts';
import { testBackend } from '../support/backend.ts';
import { startCliHarness, type CliHarness } from '../support/cli.ts';
import { EXAMPLE_VILLAGE } from '../support/jifen.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { award } from '../support/records.ts';

// Each test spawns CLI processes one after another: on a loaded 2-core machine that takes minutes, not a hang.
describe(`the jifen CLI beside a running jifen (${testBackend})`, { timeout: 300_000 }, () => {
  let cli: CliHarness;
  let context: Context;
  let dataDir: string;
  const jifen = (...args: string[]) => cli.jifen(...args);
  const jifenWith = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) => cli.jifenWith(extraEnv, ...args);

  beforeAll(async () => {
    cli = await startCliHarness('jifen-cli-');
    ({ context, dataDir } = cli);
  });
  afterAll(() => cli.close());

  it('imports a village idempotently', async () => {
    const first = await jifen('import', EXAMPLE_VILLAGE, '--json');
    expect(first.code).toBe(0);
    const summary = { village: 'fangniuping', households: 40, members: 60, cadres: 4, rules: 25, deductions: 10, catalogue: 12 };
    expect(JSON.parse(first.stdout)).toEqual(summary);
    expect(JSON.parse((await jifen('import', EXAMPLE_VILLAGE, '--json')).stdout)).toEqual(summary);
    const [row] = (await context.db.execute<{ households: number }>(sql`select count(*)::int as households from jifen.households`)).rows;
    expect(row!.households).toBe(40);
  });

  it('logs to stderr only: --json stdout is JSON alone at any LOG_LEVEL', async () => {
    for (const command of [['balance', 'FNP-003', '--json'], ['catalogue', '--village', 'fangniuping', '--json']]) {
      const { stdout, stderr } = await jifenWith({ LOG_LEVEL: 'debug' }, ...command);
      expect(() => JSON.parse(stdout)).not.toThrow();
      expect(stdout.trim().split('\n')).toHaveLength(1);
      expect(stderr ?? '').not.toContain('"household"');
    }
    // A command with every channel loaded logs at info (Wechaty is off): on stderr, not stdout.
    const logged = await jifenWith({ LOG_LEVEL: 'info' }, 'import', EXAMPLE_VILLAGE, '--json');
    expect(JSON.parse(logged.stdout)).toMatchObject({ village: 'fangniuping' });
    expect(logged.stderr).toContain('"level":30');
  });

  it('prints a balance, refuses an unknown household', async () => {
    expect(JSON.parse((await jifen('balance', 'FNP-003', '--json')).stdout)).toEqual({ household: 'FNP-003', balance: 0, lifetime: 0 });
    expect((await jifen('balance', 'FNP-003')).stdout.trim()).toBe('FNP-003: balance 0, lifetime 0');
    const unknown = await jifen('balance', 'FNP-999');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('no household FNP-999');
  });

  it('lists recent messages newest first, filtered by address', async () => {
    await context.db.execute(sql`
      insert into jifen.inbound_messages (channel, external_id, sender, text, raw, received_at, processed_at, outcome)
      values ('sms', 'SMcli1', '+8613900020003', '院坝扫干净了', '{}', now() - interval '2 minutes', now(), 'claim')`);
    await context.db.execute(sql`
      insert into jifen.outbound_messages (dedupe_key, channel, address, text, status, created_at)
      values ('cli-1', 'sms', '+8613900020003', '已收到', 'dry_run', now() - interval '1 minute'),
             ('cli-2', 'sms', '+8613900010001', '待审', 'sent', now())`);
    const lines = JSON.parse((await jifen('messages', '--to', '+8613900020003', '--json')).stdout) as Record<string, string>[];
    expect(lines.map(({ at: _at, ...line }) => line)).toEqual([
      { direction: 'out', channel: 'sms', address: '+8613900020003', text: '已收到', status: 'dry_run' },
      { direction: 'in', channel: 'sms', address: '+8613900020003', text: '院坝扫干净了', status: 'claim' },
    ]);
    expect(JSON.parse((await jifen('messages', '--limit', '1', '--json')).stdout)).toHaveLength(1);
  });

  it('records an oral declaration as the cadre\'s 代报 message, refusing unknown cadres and households', async () => {
    const declared = await jifen('declare', 'FNP-007', '参加了', '院坝会', '--cadre', '+8613900010001', '--json');
    expect(declared.code).toBe(0);
    const { messageId } = JSON.parse(declared.stdout) as { messageId: number };
    const [row] = (await context.db.execute<{ channel: string; sender: string; text: string }>(
      sql`select channel, sender, text from jifen.inbound_messages where id = ${messageId}`)).rows;
    expect(row).toEqual({ channel: 'cli', sender: '+8613900010001', text: '代报 FNP-007 参加了 院坝会' });
    expect((await jifen('declare', 'FNP-007', '院坝会', '--cadre', '+8613900020003')).stdout).toContain('no cadre with phone +8613900020003');
    expect((await jifen('declare', 'FNP-999', '院坝会', '--cadre', '+8613900010001')).stdout).toContain('no household FNP-999');
  });

  it('prints the publicity list as HTML, writes it as a PDF, refuses an unknown village or date', async () => {
    const html = await jifen('publicity', '--village', 'fangniuping', '--from', '2026-11-01', '--to', '2026-11-30');
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('<h1>放牛坪村积分公示</h1>');
    expect(html.stdout).toContain('公示期间：2026-11-01 至 2026-11-30');
    const file = path.join(dataDir, 'publicity.pdf');
    const pdf = await jifen('publicity', '--village', 'fangniuping', '--pdf', file, '--to', '2026-11-30');
    expect(pdf.stdout.trim()).toBe(`publicity list of fangniuping 2026-10-31..2026-11-30: 0 claims, written to ${file}`);
    expect((await fs.readFile(file)).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await jifen('publicity', '--village', 'nowhere')).toMatchObject({ code: 1, stdout: expect.stringContaining('no village nowhere') });
    expect((await jifen('publicity', '--village', 'fangniuping', '--from', '11/01')).code).toBe(1);
  });

  it('lists the catalogue, reports appeals and runs expiry by hand', async () => {
    const goods = JSON.parse((await jifen('catalogue', '--village', 'fangniuping', '--json')).stdout) as unknown[];
    expect(goods).toHaveLength(12);
    expect(goods[0]).toEqual({ village: 'fangniuping', code: 'S01', name: '洗衣粉（1袋）', points: 10, stock: 60 });
    expect(JSON.parse((await jifen('appeals', '--village', 'fangniuping', '--json')).stdout)).toEqual([]);
    expect(JSON.parse((await jifen('expire', '--village', 'fangniuping', '--as-of', '2026-01-01', '--dry-run', '--json')).stdout))
      .toEqual({ village: 'fangniuping', asOf: '2026-01-01', dryRun: true, expired: [], warned: [] });
    expect((await jifen('expire', '--village', 'nowhere')).stdout).toContain('no village nowhere');
  });

  it('records a redemption and reverses it, refusing an overdraft and a cadre without can_redeem', async () => {
    await award(context, 'FNP-006', 20);
    const keeper = '+8613900010004';
    const redeemed = await jifen('redeem', 'FNP-006', 'S04', '2', '--cadre', keeper, '--json');
    expect(redeemed.code).toBe(0);
    const done = JSON.parse(redeemed.stdout) as { redemption: number };
    expect(done).toEqual({ ok: true, redemption: expect.any(Number), household: 'FNP-006', points: 6, balance: 14, lines: ['肥皂×2'], replayed: false });
    const refused = await jifen('redeem', 'FNP-006', 'S02', '--cadre', keeper);
    expect(refused.code).toBe(1);
    expect(refused.stdout.trim()).toBe('refused (not_enough_points): FNP-006 余额 14分，不够兑换（需 50分），未兑换');
    expect((await jifen('redeem', 'FNP-006', 'S04', '--cadre', '+8613900010003')).stdout).toContain('may not record redemptions');
    const reversed = await jifen('redeem', '--reverse', String(done.redemption), '--cadre', keeper);
    expect(reversed.stdout.trim()).toBe(`redemption ${done.redemption} reversed: FNP-006 +6, balance 20`);
    expect((await jifen('redeem', '--reverse', String(done.redemption), '--cadre', keeper)).stdout.trim()).toBe(`redemption ${done.redemption} reversed already: FNP-006 +6, balance 20`);
  });

  it('redeem --key: run again it answers the first result; the key for another request is refused', async () => {
    await award(context, 'FNP-007', 20);
    const keeper = '+8613900010004';
    const first = await jifen('redeem', 'FNP-007', 'S04', '1', '--cadre', keeper, '--key', 'till-7', '--json');
    const again = await jifen('redeem', 'FNP-007', 'S04', '1', '--cadre', keeper, '--key', 'till-7', '--json');
    expect(JSON.parse(again.stdout)).toEqual({ ...JSON.parse(first.stdout), replayed: true });
    const reused = await jifen('redeem', 'FNP-007', 'S04', '2', '--cadre', keeper, '--key', 'till-7');
    expect(reused.code).toBe(1);
    expect(reused.stdout).toContain('already used for a different request');
    expect(await householdBalance(context.db, 'FNP-007')).toMatchObject({ balance: 17 });
  });

  it('weekly: --dry-run renders and counts, recording nothing; a real run records one message per household, once', async () => {
    // The CLI judges quiet hours by the machine's clock: without them the counts do not depend on the hour.
    await context.db.execute(sql`update jifen.villages set settings = settings - 'quietHours'`);
    await context.db.execute(sql`
      with message as (insert into jifen.inbound_messages (channel, external_id, sender, text, raw) values ('sms', 'SMcli-td', '+8613900020002', 'TD', '{}') returning id)
      insert into jifen.opt_outs (channel, address, message_id) select 'sms', '+8613900020002', id from message`);
    const weeklyRows = async () => (await context.db.execute<{ n: number }>(
      sql`select count(*)::int as n from jifen.outbound_messages where kind in ('weekly_balance', 'weekly_cadre_summary')`)).rows[0]!.n;

    const dry = await jifen('weekly', '--village', 'fangniuping', '--week', '2026-W49', '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({
      village: 'fangniuping', week: '2026-W49', households: 40, notified: 39, alreadyNotified: 0, byChannel: { sms: 39 }, optedOut: 1, deferred: 0, unreachable: 0, cadres: 4, dryRun: true,
    });
    expect(await weeklyRows()).toBe(0);

    const real = await jifen('weekly', '--village', 'fangniuping', '--week', '2026-W49');
    expect(real.code).toBe(0);
    expect(real.stdout.trim()).toBe('weekly fangniuping 2026-W49: 40 households, 39 notified (sms 39), 0 already notified this week, 1 skipped opted-out, 0 deferred to the end of quiet hours, 0 unreachable, 4 cadres summarised');
    expect(await weeklyRows()).toBe(44);
    // a second run in the same week sends nothing, and says so
    const again = await jifen('weekly', '--village', 'fangniuping', '--week', '2026-W49', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ households: 40, notified: 0, alreadyNotified: 40, byChannel: {}, optedOut: 0 });
    expect(await weeklyRows()).toBe(44);
    const [optedOut] = (await context.db.execute<{ status: string }>(
      sql`select status from jifen.outbound_messages where kind = 'weekly_balance' and address = '+8613900020002'`)).rows;
    expect(optedOut!.status).toBe('opted_out');

    expect((await jifen('weekly', '--village', 'nowhere')).stdout).toContain('没有村代码为 nowhere 的村');
    const badWeek = await jifen('weekly', '--village', 'fangniuping', '--week', '49');
    expect(badWeek.code).toBe(1);
    expect(badWeek.stdout).toContain('2026-W49');
  });

  it('verifies the ledger and exits non-zero when a balance drifted', async () => {
    const ok = await jifen('ledger', 'verify', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, problems: [] });
    await context.db.execute(sql`update jifen.accounts set balance = 7 where household_id = (select id from jifen.households where code = 'FNP-005')`);
    const drifted = await jifen('ledger', 'verify');
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toContain('household FNP-005: balance 7 (entries say 0)');
  });
});
