import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeSms } from '../../channels/twilio/normalize.ts';
import {
  claims, households, inboundMessages, memberConsents, members, outboundMessages, privacyEvents, villages, wechatBindings,
} from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { acceptInbound } from '../../src/messages/inbound.ts';
import { consentSource } from '../../src/privacy/consent.ts';
import { forgetMember, ForgetRefused } from '../../src/privacy/forget.ts';
import { purgeOldMessages } from '../../src/privacy/retention.ts';
import { templates } from '../../src/templates.ts';
import { importVillage } from '../../src/village/import.ts';
import { importRoster } from '../../src/village/roster.ts';
import { parseVillageFile } from '../../src/village/village-file.ts';
import { testBackend } from '../support/backend.ts';
import { EXAMPLE_VILLAGE, lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { award, say } from '../support/records.ts';

const DAY = 86_400_000;

describe(`privacy: consent, forgetting, retention (${testBackend})`, () => {
  let jifen: Harness;
  let exampleText: string;
  const village = async () => (await jifen.context.db.select().from(villages).where(eq(villages.code, 'fangniuping')))[0]!;
  const consentsOf = (source: string) => jifen.context.db.select().from(memberConsents).where(eq(memberConsents.source, source)).orderBy(asc(memberConsents.id));

  beforeAll(async () => {
    jifen = await startJifen();
    exampleText = await fs.readFile(EXAMPLE_VILLAGE, 'utf8');
  });
  afterAll(async () => { await jifen?.close(); });

  describe('consent and purpose at import', () => {
    it('records each member\'s source, date and the default purpose once; importing the file again keeps the first date', async () => {
      const source = consentSource.villageFile(EXAMPLE_VILLAGE);
      expect(source).toBe('village-file:fangniuping.yaml');
      const summary = await importVillage(jifen.context.db, parseVillageFile(exampleText), source);
      const first = await consentsOf(source);
      expect(first).toHaveLength(summary.members);
      expect(new Set(first.map((c) => c.purpose))).toEqual(new Set([templates.privacy.purpose()]));
      await importVillage(jifen.context.db, parseVillageFile(exampleText), source);
      expect(await consentsOf(source)).toEqual(first);
      expect((await village()).settings.privacy).toEqual({ purpose: templates.privacy.purpose(), retentionDays: 400 });
    });

    it('takes the purpose and the retention period from the village file\'s privacy section', async () => {
      const purpose = '放牛坪村积分制管理（村民代表大会2026年3月1日通过）';
      const file = parseVillageFile(`${exampleText}\nprivacy:\n  purpose: ${purpose}\n  retention_days: 200\n`);
      await importVillage(jifen.context.db, file, consentSource.villageFile('fangniuping-2.yaml'));
      expect((await village()).settings.privacy).toEqual({ purpose, retentionDays: 200 });
      expect(new Set((await consentsOf('village-file:fangniuping-2.yaml')).map((c) => c.purpose))).toEqual(new Set([purpose]));
    });

    it('the console\'s Excel roster records its members\' consent as roster-xlsx, once', async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('花名册');
      sheet.addRow(['户号', '户主', '村民小组', '成员姓名', '手机号', '微信号']);
      sheet.addRow(['FNP-201', '赵新民', '一组', '赵新民', '13900020201', '']);
      sheet.addRow(['FNP-201', '赵新民', '一组', '李秀英', '', '']);
      const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
      const row = await village();
      expect(await importRoster(jifen.context.db, row, xlsx, false)).toMatchObject({ kind: 'imported', members: 2 });
      const first = await consentsOf('roster-xlsx');
      expect(first).toHaveLength(2);
      await importRoster(jifen.context.db, row, xlsx, false);
      expect(await consentsOf('roster-xlsx')).toEqual(first);
    });
  });

  describe('forgetting a member', () => {
    const phone = people.wangLanying; // 王兰英, head of FNP-003
    const openid = 'oForgetMe_Wang3';
    let memberId: number;

    beforeAll(async () => {
      // A claim under review, a photo, points in the ledger, a WeChat id bound to the number and a message from it.
      await say(jifen, phone, '今天把院坝扫干净了');
      await referenceSentTo(jifen, people.liuFang);
      await jifen.sms(phone, '', { NumMedia: '1', MediaUrl0: 'https://api.twilio.com/2010-04-01/Accounts/ACtest/Messages/MM1/Media/ME1', MediaContentType0: 'image/jpeg' });
      await award(jifen.context, 'FNP-003', 20);
      const [member] = await jifen.context.db.update(members).set({ wechat: openid }).where(eq(members.phone, phone)).returning();
      memberId = member!.id;
      const wechat = await acceptInbound(jifen.context, {
        channel: 'wechat', externalId: 'wx-forget-1', sender: openid, text: '我是王兰英', attachments: [], receivedAt: new Date(), raw: { FromUserName: openid, Content: '我是王兰英' },
      });
      await jifen.context.db.insert(wechatBindings).values({ channel: 'wechat', address: openid, phone, code: '123456', messageId: wechat.id, expiresAt: new Date(), boundBy: wechat.id });
      await jifen.waitFor(async () => (await lastInbound(jifen.context, openid))?.processedAt, 'the WeChat message processed');
    });

    /** Every row of every jifen table as text: nothing of the person may be left anywhere. */
    async function everything(): Promise<string> {
      const { rows } = await jifen.context.db.execute<{ table_name: string }>(sql`select table_name from information_schema.tables where table_schema = 'jifen' and table_type = 'BASE TABLE'`);
      const dumps = await Promise.all(rows.map(async ({ table_name }) => (await jifen.context.db.execute(sql.raw(`select t::text as row from jifen."${table_name}" t`))).rows.map((r) => r.row).join('\n')));
      return dumps.join('\n');
    }

    it('removes name, phone, WeChat id, binding, texts and photos everywhere; the ledger and the claims stay under the household code', async () => {
      const before = await everything();
      for (const trace of ['13900020003', '王兰英', openid, 'ME1', '院坝扫干净']) expect(before).toContain(trace);
      const balance = await householdBalance(jifen.context.db, 'FNP-003');
      const claimsBefore = await jifen.context.db.select().from(claims).innerJoin(households, eq(households.id, claims.householdId)).where(eq(households.code, 'FNP-003'));

      const report = await forgetMember(jifen.context, '139 0002 0003', 'test-operator');

      expect(report.member).toEqual({ id: memberId, household: 'FNP-003' });
      expect(report.erased).toMatchObject({ claims: 1, bindings: 1 });
      expect(report.erased.inbound).toBeGreaterThanOrEqual(3);
      const after = await everything();
      for (const trace of ['13900020003', '王兰英', openid, 'ME1', '院坝扫干净']) expect(after).not.toContain(trace);
      const [member] = await jifen.context.db.select().from(members).where(eq(members.id, memberId));
      expect(member).toMatchObject({ name: templates.privacy.forgottenName(memberId), phone: null, wechat: null, qq: null });
      expect(await householdBalance(jifen.context.db, 'FNP-003')).toEqual(balance);
      expect(await verifyLedger(jifen.context.db)).toMatchObject({ ok: true, problems: [] });
      const claimsAfter = await jifen.context.db.select().from(claims).where(inArray(claims.id, claimsBefore.map((c) => c.claims.id)));
      expect(claimsAfter.map((c) => [c.id, c.ruleId, c.points, c.state])).toEqual(claimsBefore.map(({ claims: c }) => [c.id, c.ruleId, c.points, c.state]));
      const events = await jifen.context.db.select().from(privacyEvents).where(eq(privacyEvents.action, 'forget'));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor: 'test-operator', memberId, householdId: claimsBefore[0]!.households.id });
    });

    it('a second run finds nothing, changes nothing and records nothing', async () => {
      const report = await forgetMember(jifen.context, phone, 'test-operator');
      expect(report.member).toBeNull();
      expect(Object.values(report.erased).every((n) => n === 0)).toBe(true);
      expect(await jifen.context.db.select().from(privacyEvents).where(eq(privacyEvents.action, 'forget'))).toHaveLength(1);
    });

    it('refuses a cadre\'s number: it signs the village\'s decisions', async () => {
      await expect(forgetMember(jifen.context, people.liuFang, 'test-operator')).rejects.toThrow(ForgetRefused);
      expect(await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, people.liuFang))).not.toHaveLength(0);
    });
  });

  describe('retention', () => {
    // The messages are dated relative to this clock, given to the job; the other tests' messages are a few seconds old.
    const now = new Date(Date.now() + 60_000);
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
    const stored = async (daysAgo: number, from: string, body: string) => {
      const sid = `SMretention${daysAgo}${from.slice(-4)}`.padEnd(34, '0');
      return (await acceptInbound(jifen.context, normalizeSms({ MessageSid: sid, AccountSid: 'ACtest', From: from, To: '+8613900009999', Body: body, NumMedia: '1', MediaUrl0: `https://example.org/${sid}`, MediaContentType0: 'audio/amr' }, at(daysAgo)))).id;
    };

    it('erases texts, photos and recordings older than the village\'s period (200 days here), and of unknown senders after 400; claims stay', async () => {
      const chen = people.chenChangjiang;
      const old = await stored(201, chen, '打扫了院坝');
      const recent = await stored(199, chen, '修了路');
      const strangerOld = await stored(401, people.stranger, '你好');
      const strangerRecent = await stored(201, people.stranger, '在吗');
      // The workers make a claim of 打扫了院坝 (dated 201 days ago) before anything is purged.
      await jifen.waitFor(async () => {
        const unprocessed = await jifen.context.db.select().from(inboundMessages).where(and(inArray(inboundMessages.id, [old, recent, strangerOld, strangerRecent]), isNull(inboundMessages.processedAt)));
        return unprocessed.length === 0;
      }, 'the stored messages processed');
      const claimsBefore = await jifen.context.db.select().from(claims).orderBy(asc(claims.id));

      const run = await purgeOldMessages(jifen.context, await village(), now);

      expect(run).toEqual({ village: 'fangniuping', retentionDays: 200, erased: 1, erasedUnknown: 1 });
      const rows = new Map((await jifen.context.db.select().from(inboundMessages).where(inArray(inboundMessages.id, [old, recent, strangerOld, strangerRecent]))).map((m) => [m.id, m]));
      for (const id of [old, strangerOld]) expect(rows.get(id)).toMatchObject({ text: '', attachments: [], raw: {}, erasedAt: now });
      expect(rows.get(old)!.sender).toBe(chen);
      for (const id of [recent, strangerRecent]) expect(rows.get(id)).toMatchObject({ erasedAt: null, attachments: [expect.objectContaining({ contentType: 'audio/amr' })] });
      expect(rows.get(recent)!.text).toBe('修了路');
      expect(claimsBefore.find((claim) => claim.sourceMessageId === old)).toMatchObject({ text: '打扫了院坝' });
      expect(await jifen.context.db.select().from(claims).orderBy(asc(claims.id))).toEqual(claimsBefore);
      expect(await verifyLedger(jifen.context.db)).toMatchObject({ ok: true });

      const again = await purgeOldMessages(jifen.context, await village(), now);
      expect(again).toMatchObject({ erased: 0, erasedUnknown: 0 });
      const recorded = await jifen.context.db.select().from(privacyEvents).where(and(eq(privacyEvents.action, 'retention')));
      expect(recorded).toHaveLength(1);
      expect(JSON.stringify(recorded)).not.toContain('139');
    });
  });
});
