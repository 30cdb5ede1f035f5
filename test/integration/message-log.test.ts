import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageLog, type LogLine, type OlderThan } from '../../src/console/message-log.ts';
import { periodOf } from '../../src/console/scope.ts';
import { villages, type Village } from '../../src/db/schema/index.ts';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';
import { say } from '../support/records.ts';

describe(`the console's message log pages to older messages (${testBackend})`, () => {
  let jifen: Harness;
  let village: Village;
  const filter = () => ({ period: periodOf({}, village.timezone)!, household: 'FNP-003' });

  beforeAll(async () => {
    jifen = await startJifen();
    [village] = await jifen.context.db.select().from(villages).where(eq(villages.code, 'fangniuping')) as [Village];
    for (const text of ['余额', '查询', '余额', '帮助']) await say(jifen, people.wangLanying, text);
  });
  afterAll(async () => jifen?.close());

  it('walks every line once, newest first, three to a page', async () => {
    const { lines: everything, older: none } = await messageLog(jifen.context.db, village, filter());
    expect(none).toBeUndefined();
    expect(everything.length).toBeGreaterThanOrEqual(8); // four in, four answers out

    const paged: LogLine[] = [];
    let older: OlderThan | undefined = {};
    let pages = 0;
    while (older) {
      const page = await messageLog(jifen.context.db, village, filter(), older, 3);
      paged.push(...page.lines);
      older = page.older;
      pages += 1;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(paged).toEqual(everything);
  });

  it('pages each direction on its own when one is filtered out', async () => {
    const first = await messageLog(jifen.context.db, village, { ...filter(), direction: 'in' }, {}, 2);
    expect(first.lines.map((line) => line.direction)).toEqual(['in', 'in']);
    const second = await messageLog(jifen.context.db, village, { ...filter(), direction: 'in' }, first.older, 2);
    expect(second.lines.map((line) => line.text)).toEqual(['查询', '余额']);
  });
});
