import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import { announcements, cadres, checkinEvents, claimEvents, claims, inboundMessages, outboundMessages, villages } from '../../src/db/schema/index.ts';
import { injectFaults } from '../../src/plans/faults.ts';
import { reportAnnouncement, sendAnnouncement } from '../../src/announcements/messages.ts';
import { checkinWindowEnded } from '../../src/checkin/messages.ts';
import { testBackend } from '../support/backend.ts';
import { lastInbound, people, startJifen, type Harness } from '../support/jifen.ts';

const chen = '+8613900020002'; // FNP-002
const liuShuzhen = '+8613900020006'; // FNP-006
const zhouDeming = '+8613900020009'; // FNP-009

describe(`check-in codes and announcements (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    jifen = await startJifen();
    // The tests run at any hour: no quiet hours holding the announcement back.
    await jifen.context.db.update(villages).set({ settings: { smsSenderNumber: '+8613900009999' } }).where(eq(villages.code, 'fangniuping'));
  });
  afterAll(async () => { await jifen?.close(); });
  afterEach(() => injectFaults(undefined));

  /** Texts `text` from `from` and returns jifen's answer (the reply to that message). */
  async function ask(from: string, text: string, index = 0): Promise<string> {
    await jifen.sms(from, text);
    const message = await jifen.waitFor(async () => {
      const latest = await lastInbound(jifen.context, from);
      return latest?.processedAt ? latest : false;
    }, `"${text}" processed`);
    const key = index === 0 ? `message-${message!.id}-reply` : `message-${message!.id}-reply-${index + 1}`;
    const [reply] = await jifen.waitFor(async () => {
      const rows = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, key));
      return rows.length > 0 && rows;
    }, `the answer to "${text}"`);
    return reply!.text;
  }

  const openedCode = (answer: string) => /签到码 (\d{4})/.exec(answer)![1]!;

  describe('check-in', () => {
    let code = '';
    it('a cadre opens a check-in and gets its code', async () => {
      const answer = await ask(people.liuFang, '签到 P03');
      expect(answer).toMatch(/^已开启签到：参加村民大会或院坝会 \+2分，签到码 \d{4}，(?:\d+月\d+日 )?\d\d:\d\d截止。村民发「\d{4}」即可签到；提前结束请发「结束签到 \d{4}」$/);
      code = openedCode(answer);
    });

    it('a villager texting the code gets the points with no further review, the opening recorded as the approval', async () => {
      expect(await ask(people.wangLanying, code)).toMatch(/^签到成功：参加村民大会或院坝会 \+2分（编号\d{4}），村干部开启签到即已审核$/);
      await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).includes('已入账 +2分，当前余额 2分'), 'posted');
      const message = await lastInbound(jifen.context, people.wangLanying);
      const [claim] = await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, message!.id));
      const [liuFang] = await jifen.context.db.select().from(cadres).where(eq(cadres.phone, people.liuFang));
      const events = await jifen.context.db.select().from(claimEvents).where(eq(claimEvents.claimId, claim!.id)).orderBy(claimEvents.id);
      expect(events.map((e) => [e.fromState, e.toState, e.actor])).toEqual([
        [null, 'received', `member:${claim!.memberId}`], ['received', 'approved', `cadre:${liuFang!.id}`], ['approved', 'posted', 'system'],
      ]);
      expect(events[1]!.reason).toBe('签到：开启签到即审核');
      expect(await jifen.outbox(people.liuFang)).not.toContainEqual(expect.stringContaining(`待审 ${claim!.reference}`));
    });

    it('twice, for another household, or a code of no event: a clear answer and nothing else', async () => {
      expect(await ask(people.wangLanying, code)).toBe(`您家已签到过 ${code}，每户只计一次`);
      const other = code === '1111' ? '2222' : '1111';
      expect(await ask(chen, other)).toBe(`没有正在进行的签到 ${other}，请核对签到码`);
      expect(await ask(liuShuzhen, `${code} FNP-007`)).toBe('签到只能为自家签到，请其他户用自己登记的手机发送签到码');
      expect(await jifen.outbox(people.liuFang)).not.toContainEqual(expect.stringContaining('试图'));
      await ask(liuShuzhen, `${code} FNP-008`);
      await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).includes(`签到 ${code}：号码 +86139****0006 试图为 2 户其他人家签到，已拒绝，请留意`), 'the cadre warned');
      const posted = await jifen.context.db.select().from(claims).where(eq(claims.state, 'posted'));
      expect(posted).toHaveLength(1);
    });

    it('closing early answers with the attendance list; a code texted after that is too late', async () => {
      expect(await ask(chen, code)).toMatch(/^签到成功/);
      expect(await ask(people.liuFang, `结束签到 ${code}`)).toBe(`签到 ${code} 已结束：参加村民大会或院坝会，共 2 户：FNP-003 王兰英家、FNP-002 陈长江家`);
      expect(await ask(zhouDeming, code)).toMatch(new RegExp(`^签到 ${code} 已于(?:\\d+月\\d+日 )?\\d\\d:\\d\\d结束，不能再签到$`));
      const [event] = await jifen.context.db.select().from(checkinEvents).where(eq(checkinEvents.code, code));
      // The window's end job does not send the list again.
      await checkinWindowEnded(jifen.context, event!.id);
      expect(await jifen.context.db.select().from(outboundMessages).where(like(outboundMessages.dedupeKey, `checkin-${event!.id}-report%`))).toHaveLength(0);
    });

    it('the item\'s cap for the period holds: the fifth 院坝会 of the month is refused', async () => {
      const household = '+8613900020004'; // FNP-004, P03: at most 4 a month
      for (let round = 1; round <= 5; round++) {
        const eventCode = openedCode(await ask(people.zhangMing, '签到 P03'));
        const answer = await ask(household, eventCode);
        if (round <= 4) expect(answer).toMatch(/^签到成功/);
        else expect(answer).toBe('「参加村民大会或院坝会」每月最多计4次，您家已满，本次签到不计分');
      }
    });

    it('at the end of its window the cadre who opened it gets the list', async () => {
      const eventCode = openedCode(await ask(people.zhangMing, '签到 P04 1小时'));
      await ask(zhouDeming, eventCode);
      const [event] = await jifen.context.db.select().from(checkinEvents).where(eq(checkinEvents.code, eventCode));
      await checkinWindowEnded(jifen.context, event!.id);
      await checkinWindowEnded(jifen.context, event!.id);
      expect(await jifen.outbox(people.zhangMing)).toContain(`签到 ${eventCode} 已结束：参加政策宣讲或理论学习，共 1 户：FNP-009 周德明家`);
      expect((await jifen.outbox(people.zhangMing)).filter((t) => t.startsWith(`签到 ${eventCode} 已结束`))).toHaveLength(1);
    });

    it('only an approver opens a check-in', async () => {
      expect(await ask(people.ranDebing, '签到 P03')).toBe('开启签到即审核积分，须有审核权限的村干部开启');
    });

    it('opening is one transaction with its window\'s end job: failed before commit, the retry opens one check-in and queues its end once', async () => {
      const failed = new Promise<void>((resolve) => {
        let done = false;
        injectFaults((at, label) => {
          if (done || at !== 'before-commit' || !label.startsWith('intake:')) return;
          done = true;
          resolve();
          throw new Error('injected failure before commit');
        });
      });
      const { sid } = await jifen.sms(people.zhangMing, '签到 P09 2小时');
      await failed;
      const [message] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sid));
      const [event] = await jifen.waitFor(async () => {
        const opened = await jifen.context.db.select().from(checkinEvents).where(eq(checkinEvents.openedByMessage, message!.id));
        return opened.length > 0 && opened;
      }, 'the retried opening');
      expect(await jifen.context.db.select().from(checkinEvents).where(eq(checkinEvents.openedByMessage, message!.id))).toHaveLength(1);
      // Relayed from the outbox after commit: the window's end is a delayed job, due when the window closes.
      const pipeline = jifen.context.jobs.pipeline as unknown as Queue;
      const job = await jifen.waitFor(() => pipeline.getJob(`checkin-close-checkin-${event!.id}`), 'the window\'s end job');
      expect(await job.isDelayed()).toBe(true);
      expect(job.opts.delay).toBeGreaterThan(110 * 60_000);
      expect(await jifen.outbox(people.zhangMing)).toContainEqual(expect.stringContaining(`签到码 ${event!.code}`));
    });
  });

  describe('announcements', () => {
    const text = '明天上午9点在村委会开院坝会';
    const announcementRows = (id: number) => jifen.context.db.select().from(outboundMessages).where(like(outboundMessages.dedupeKey, `announcement-${id}-household-%`));

    it('a cadre without can_announce is refused; refused phrases are refused', async () => {
      expect(await ask(people.zhangMing, `通知 ${text}`)).toBe('您没有发村务通知的权限，请联系综合专干');
      expect(await ask(people.liuFang, '通知 年底积分清零，请尽快使用')).toBe('通知里有短信平台不允许的词「积分清零」，请换个说法再发');
    });

    it('preview first, nothing sent; 确认 sends once per household; the cadre gets the figures', async () => {
      await ask(people.wangLanying, 'TD');
      const preview = await ask(people.liuFang, `通知 ${text}`);
      expect(preview).toMatch(/^将通知 40 户（短信40户），短信每条1段，共约39段。确认发送请回复「确认 (\d{4})」，30分钟内有效$/);
      const confirmCode = /确认 (\d{4})/.exec(preview)![1]!;
      const [announcement] = await jifen.context.db.select().from(announcements).where(eq(announcements.confirmCode, confirmCode));
      expect(await announcementRows(announcement!.id)).toHaveLength(0);

      expect(await ask(people.liuFang, `确认 ${confirmCode}`)).toBe('已确认，正在通知 40 户，发完后告诉您结果');
      const rows = await jifen.waitFor(async () => {
        const recorded = await announcementRows(announcement!.id);
        return recorded.length === 40 && recorded.every((r) => r.status !== 'pending') && recorded;
      }, 'every household\'s message sent');
      expect(rows.find((r) => r.address === people.wangLanying)!.status).toBe('opted_out');
      expect(rows.find((r) => r.address === chen)!.text).toBe(`【放牛坪村】${text}`);

      // The send job running again (a worker died midway) records and sends nothing new.
      await sendAnnouncement(jifen.context, announcement!.id);
      expect(await announcementRows(announcement!.id)).toHaveLength(40);
      expect(await ask(people.liuFang, `确认 ${confirmCode}`)).toBe(`通知 ${confirmCode} 已确认过，正在发送或已发完`);

      await reportAnnouncement(jifen.context, announcement!.id, 1);
      expect(await jifen.outbox(people.liuFang)).toContain('村务通知已发完：送出 39 户，失败 0 户，退订 1 户，无联系方式 0 户');
      const [done] = await jifen.context.db.select().from(announcements).where(and(eq(announcements.id, announcement!.id), eq(announcements.state, 'done')));
      expect(done).toBeDefined();
    });
  });
});
