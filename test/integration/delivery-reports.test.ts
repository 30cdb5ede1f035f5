import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DeliveryStatus } from '../../channels/types.ts';
import { outboundMessages, unmatchedDeliveryReports, type OutboundStatus } from '../../src/db/schema/index.ts';
import { channelHost } from '../../src/messages/host.ts';
import { queueMessages } from '../../src/messages/outbound.ts';
import { testBackend } from '../support/backend.ts';
import { FakeWechat } from '../support/fake-wechat.ts';
import { startJifen, type Harness } from '../support/jifen.ts';

const TEMPLATE_SEND = '/cgi-bin/message/template/send';
const WEEKLY = { templateId: 'weekly-template-id', fields: { thing1: '{household}' } };

type Report = [DeliveryStatus, string?];

/** Reports that arrive before the send worker stores the provider id, and after; what the message ends as. */
const rows: { label: string; early: Report[]; late: Report[]; expected: [OutboundStatus, string | null] }[] = [
  { label: 'no report', early: [], late: [], expected: ['sent', null] },
  { label: 'delivered after the id is stored (the usual order)', early: [], late: [['delivered']], expected: ['delivered', null] },
  { label: 'delivered before the id is stored', early: [['delivered']], late: [], expected: ['delivered', null] },
  { label: 'failed before the id is stored', early: [['failed', 'failed:user block']], late: [], expected: ['failed', 'failed:user block'] },
  { label: 'sent, then delivered, both early', early: [['sent'], ['delivered']], late: [], expected: ['delivered', null] },
  { label: 'delivered, then a late sent, both early', early: [['delivered'], ['sent']], late: [], expected: ['delivered', null] },
  { label: 'delivered early, a late sent after the id is stored', early: [['delivered']], late: [['sent']], expected: ['delivered', null] },
  { label: 'failed after the id is stored, then a late sent', early: [], late: [['failed', 'undelivered'], ['sent']], expected: ['failed', 'undelivered'] },
];

describe(`delivery reports in either order with the send (${testBackend})`, () => {
  let jifen: Harness;
  let wechat: FakeWechat;
  beforeAll(async () => {
    wechat = await new FakeWechat().start();
    jifen = await startJifen({ config: { wechatOfficial: { token: 't', appId: 'wx-test', appSecret: 'secret', apiBaseUrl: wechat.url, templates: { weekly_balance: WEEKLY } } } });
  });
  afterAll(async () => {
    await jifen?.close();
    await wechat?.stop();
  });

  const unmatched = (providerId: string) =>
    jifen.context.db.select().from(unmatchedDeliveryReports).where(eq(unmatchedDeliveryReports.providerId, providerId));

  rows.forEach((row, index) => it(row.label, async () => {
    const host = await channelHost(jifen.context);
    const providerId = `20022833284612${String(index).padStart(5, '0')}`;
    const dedupeKey = `weekly-reports-${index}`;
    for (const [status, error] of row.early) await host.recordDelivery(providerId, status, error);
    expect(await unmatched(providerId)).toHaveLength(row.early.length);

    // WeChat answers the template send with this msgid: the provider id the early reports named.
    wechat.replyNext(TEMPLATE_SEND, { json: `{"errcode":0,"errmsg":"ok","msgid":${providerId}}` });
    await queueMessages(jifen.context, [{ dedupeKey, channel: 'wechat', address: 'wxid_fnp_m004', text: '本周积分', kind: 'weekly_balance', params: { household: '李翠花家' } }]);
    const stored = await jifen.waitFor(async () => {
      const [message] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, dedupeKey));
      return message?.providerId === providerId && (await unmatched(providerId)).length === 0 && message;
    }, 'the provider id stored and the early reports applied');
    expect(stored.status).toBe(row.early.length > 0 ? row.expected[0] : 'sent');

    for (const [status, error] of row.late) await host.recordDelivery(providerId, status, error);
    const [final] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.id, stored.id));
    expect([final!.status, final!.error]).toEqual(row.expected);
    expect(await unmatched(providerId)).toEqual([]);
  }));
});
