import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { stringify } from 'yaml';
import { claims, outboundMessages, villages } from '../../src/db/schema/index.ts';
import { importVillage } from '../../src/village/import.ts';
import { parseVillageFile, readVillageFile } from '../../src/village/village-file.ts';
import { isoWeekOf } from '../../src/weekly/calendar.ts';
import { runWeekly } from '../../src/weekly/run.ts';
import { testBackend } from '../support/backend.ts';
import { EXAMPLE_VILLAGE, people, startJifen, type Harness } from '../support/jifen.ts';
import { everyTextOverridden, overrideMark } from '../support/overridden-texts.ts';
import { say } from '../support/records.ts';

const chen = '+8613900020002'; // FNP-002

/** The values an override filled in, in the order of its placeholders. */
const filled = (text: string, key: string) => text.slice(overrideMark(key).length).split('|');

describe(`a village whose every text is its own (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    jifen = await startJifen();
    const file = await readVillageFile(EXAMPLE_VILLAGE);
    delete file.village.quiet_hours;
    // Through the import's own check, as `jifen import` reads a village file.
    await importVillage(jifen.context.db, parseVillageFile(stringify({ ...file, texts: everyTextOverridden() })));
  });
  afterAll(async () => { await jifen?.close(); });

  // One row per flow: who texts what, and the override their answer is.
  it.each([
    ['a claim is acknowledged', people.wangLanying, () => '今天把院坝扫干净了', 'claim_received'],
    ['the cadre approves it', people.liuFang, async () => `同意 ${await latestReference(jifen)}`, 'decision_approved'],
    ['a balance question', people.wangLanying, () => '查积分', 'balance'],
    ['help', people.wangLanying, () => '帮助', 'help'],
    ['a check-in is opened', people.liuFang, () => '签到 P03', 'checkin_opened'],
    ['a villager checks in', chen, () => checkinCode, 'checkin_attended'],
    ['the check-in is closed with its list', people.liuFang, () => `结束签到 ${checkinCode}`, 'checkin_report'],
    ['a cadre without the right opens one', people.ranDebing, () => '签到 P03', 'checkin_not_allowed'],
  ])('%s: the answer is the override', async (_, from, text, key) => {
    await say(jifen, from, await text());
    // The answer, among whatever else the message brought that person (a check-in's posting notice).
    const answer = (await jifen.outbox(from)).filter((sent) => sent.startsWith(overrideMark(key))).at(-1);
    expect(answer).toBeDefined();
    if (key === 'checkin_opened') checkinCode = filled(answer!, key)[2]!;
  });
  let checkinCode = '';

  it('the review request, the posting notice and the weekly notices are the overrides too', async () => {
    const [village] = await jifen.context.db.select().from(villages).where(eq(villages.code, 'fangniuping'));
    await runWeekly(jifen.context, village!, isoWeekOf(new Date(), village!.timezone), { now: new Date() });
    const sent = await jifen.context.db.select().from(outboundMessages);
    const marks = new Set(sent.map((row) => /^«(\w+)»/.exec(row.text)?.[1]));
    for (const key of ['review_request', 'posted', 'weekly_sms', 'weekly_cadre_summary']) expect(marks).toContain(key);
    const reviewRequest = sent.find((row) => row.kind === 'review_request')!;
    expect(filled(reviewRequest.text, 'review_request').slice(0, 3)).toEqual(['放牛坪村', expect.stringMatching(/^\d{4}$/), 'FNP-003']);
  });

  it('every text jifen recorded for the village is an override: no default text is left anywhere', async () => {
    const sent = await jifen.context.db.select({ kind: outboundMessages.kind, text: outboundMessages.text }).from(outboundMessages);
    expect(sent.length).toBeGreaterThan(40);
    expect(sent.filter((row) => !row.text.startsWith('«'))).toEqual([]);
  });
});

async function latestReference(jifen: Harness): Promise<number> {
  const [claim] = await jifen.waitFor(async () => {
    const rows = await jifen.context.db.select().from(claims).orderBy(desc(claims.id)).limit(1);
    return rows[0]?.reference != null && rows;
  }, 'the claim referenced');
  return claim!.reference!;
}
