import fs from 'node:fs/promises';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberConsents, members, privacyEvents } from '../../src/db/schema/index.ts';
import { EXPORTED_TABLES, exportHousehold, NOT_ABOUT_HOUSEHOLDS, type HouseholdExport } from '../../src/privacy/household-export.ts';
import { testBackend } from '../support/backend.ts';
import { startCliHarness, type CliHarness } from '../support/cli.ts';
import { EXAMPLE_VILLAGE, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { award, say } from '../support/records.ts';

/** Columns that tie a row to a household or a person: any table holding one must be in the export or say why not. */
const PERSONAL_COLUMNS = ['household_id', 'member_id', 'phone', 'sender', 'address', 'fallback_address', 'wechat', 'wechat_id', 'qq'];

describe(`household export (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  it('covers every table with a household, member, phone or address column (a new table cannot be forgotten)', async () => {
    const { rows } = await jifen.context.db.execute<{ table_name: string }>(sql`
      select distinct table_name from information_schema.columns
      where table_schema = 'jifen' and column_name in (${sql.join(PERSONAL_COLUMNS.map((c) => sql`${c}`), sql`, `)}) order by table_name`);
    const personal = rows.map((row) => row.table_name);
    expect(personal.length).toBeGreaterThan(15);
    const accounted = new Set([...Object.keys(EXPORTED_TABLES), ...Object.keys(NOT_ABOUT_HOUSEHOLDS)]);
    expect(personal.filter((table) => !accounted.has(table))).toEqual([]);
    const { rows: all } = await jifen.context.db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'jifen'`);
    const tables = new Set(all.map((row) => row.table_name));
    expect([...accounted].filter((table) => !tables.has(table))).toEqual([]);
  });

  it('holds the household, its members with consent, claims with events, ledger, deductions with appeals, redemptions and messages', async () => {
    const chen = people.chenChangjiang; // FNP-002
    await say(jifen, chen, '今天把院坝扫干净了');
    const reference = await referenceSentTo(jifen, people.liuFang);
    await say(jifen, people.liuFang, `同意 ${reference}`);
    await jifen.waitFor(async () => (await jifen.outbox(chen)).some((text) => text.startsWith('已入账')), 'posted');
    await award(jifen.context, 'FNP-002', 20);
    await say(jifen, people.ranDebing, '兑换 FNP-002 S01 1');
    await say(jifen, people.liuFang, '扣分 FNP-002 N01');
    const deduction = Number(/编号\s*(\d{4})/.exec((await jifen.outbox(chen)).at(-1)!)![1]);
    await say(jifen, chen, `申诉 ${deduction} 不是我家倒的`);

    const data: HouseholdExport = await exportHousehold(jifen.context.db, 'FNP-002', 'test-operator');

    expect(data.household).toMatchObject({ code: 'FNP-002' });
    expect(data.members.find((m) => m.phone === chen)!.consents).toEqual([expect.objectContaining({ source: 'village-file' })]);
    expect(data.claims).toEqual([expect.objectContaining({ state: 'posted', events: expect.arrayContaining([expect.objectContaining({ toState: 'posted' })]) })]);
    expect(data.ledger.map((entry) => entry.kind).sort()).toEqual(['award', 'award', 'deduction', 'redemption'].sort());
    expect(data.account.balance).toBe(data.ledger.reduce((sum, entry) => sum + entry.amount, 0));
    expect(data.deductions).toEqual([expect.objectContaining({ state: 'appealed', events: [expect.objectContaining({ toState: 'recorded' }), expect.objectContaining({ toState: 'appealed', reason: '不是我家倒的' })] })]);
    expect(data.redemptions).toHaveLength(1);
    expect(data.inboundMessages.map((m) => m.text)).toEqual(['今天把院坝扫干净了', `申诉 ${deduction} 不是我家倒的`]);
    expect(data.outboundMessages.length).toBeGreaterThanOrEqual(4);
    expect(data.outboundMessages.every((m) => m.address === chen)).toBe(true);
    const [recorded] = await jifen.context.db.select().from(privacyEvents).where(eq(privacyEvents.action, 'export'));
    expect(recorded).toMatchObject({ actor: 'test-operator', householdId: data.household.id, detail: null });
  });
});

describe(`household export and member forget from the CLI (${testBackend})`, { timeout: 300_000 }, () => {
  let cli: CliHarness;
  beforeAll(async () => { cli = await startCliHarness('jifen-privacy-cli-'); });
  afterAll(() => cli?.close());

  it('jifen import records consent from the file\'s name; export writes the file; forget asks for --yes, then forgets', async () => {
    expect((await cli.jifen('import', EXAMPLE_VILLAGE)).code).toBe(0);
    const consents = await cli.context.db.select().from(memberConsents).innerJoin(members, eq(members.id, memberConsents.memberId)).where(eq(members.phone, people.wangLanying));
    expect(consents.map((row) => row.member_consents.source)).toEqual(['village-file:fangniuping.yaml']);

    const out = path.join(cli.dataDir, 'FNP-003.json');
    expect(await cli.jifen('household', 'export', 'FNP-003', '--out', out, '--by', '村委 刘芳')).toMatchObject({ code: 0 });
    expect(JSON.parse(await fs.readFile(out, 'utf8'))).toMatchObject({ household: { code: 'FNP-003', head: '王兰英' }, members: [{ phone: people.wangLanying }] });

    const unconfirmed = await cli.jifen('member', 'forget', people.wangLanying);
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stdout).toContain('--yes');
    const forgotten = await cli.jifen('member', 'forget', people.wangLanying, '--yes', '--json');
    expect(forgotten.code).toBe(0);
    expect(JSON.parse(forgotten.stdout)).toMatchObject({ member: { household: 'FNP-003' } });
    expect(await cli.context.db.select().from(members).where(eq(members.phone, people.wangLanying))).toEqual([]);
    expect((await cli.jifen('ledger', 'verify')).code).toBe(0);
  });
});
