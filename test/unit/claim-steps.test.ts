import { describe, expect, it } from 'vitest';
import type { LoadedClaim } from '../../src/claims/claims.ts';
import { EVIDENCE_QUOTE_LENGTH, reviewRequestText, scoreOf, validationRefusal } from '../../src/claims/steps.ts';
import { PendingOutbox } from '../../src/plans/outbox.ts';
import { templates } from '../../src/templates.ts';

const rule = { active: true, name: '参加村民大会或院坝会', code: 'P03', points: 2, cap: 2, per: 'month' as const };

describe('validate: does a claim stand?', () => {
  it.each([
    [rule, 0, undefined],
    [rule, 1, undefined],
    [rule, 2, '「参加村民大会或院坝会」每月最多申报2次，您家已申报过，本次不计分'],
    [{ ...rule, cap: null }, 99, undefined],
    [{ ...rule, active: false }, 0, '「参加村民大会或院坝会」已不在本村积分清单上，本次不计分'],
  ])('%o with %i counted toward the cap', (r, counted, refusal) => {
    expect(validationRefusal(templates, r, counted)).toBe(refusal);
  });
});

describe('score', () => {
  it("is the item's points, recorded with the item on the event", () => {
    expect(scoreOf({ code: 'P19', points: 5 })).toEqual({ points: 5, detail: { rule: 'P19', points: 5 } });
  });
});

describe('the review request text', () => {
  const loaded = {
    claim: { reference: 1234, points: 2, text: '帮隔壁王婆婆收了谷子'.repeat(10) },
    rule: { name: '参加村民大会或院坝会', evidence: null },
    household: { code: 'FNP-003', head: '王兰英' },
    village: { name: '放牛坪村', settings: {} },
  } as unknown as LoadedClaim;

  it('names the reference, household and item, and how to answer', () => {
    const text = reviewRequestText(loaded, { round: 0, since: new Date() }, undefined);
    expect(text).toContain('待审 1234');
    expect(text).toContain('FNP-003');
    expect(text).toContain('同意 1234');
  });

  it("quotes the villager's words when the item's evidence matters, and links the photo", () => {
    const withEvidence = { ...loaded, rule: { ...loaded.rule, evidence: '写明帮助了谁' } } as LoadedClaim;
    const text = reviewRequestText(withEvidence, { round: 0, since: new Date() }, 'https://example.test/p.jpg');
    expect(text).toContain(loaded.claim.text.slice(0, EVIDENCE_QUOTE_LENGTH));
    expect(text).not.toContain(loaded.claim.text.slice(0, EVIDENCE_QUOTE_LENGTH + 1));
    expect(text).toContain('https://example.test/p.jpg');
  });

  it('after an objection says so, with the objection', () => {
    const text = reviewRequestText(loaded, { round: 1, since: new Date(), objection: '他那天不在村里' }, undefined);
    expect(text).toContain('他那天不在村里');
  });
});

describe('the outbox of one transaction', () => {
  it("merges a job's send orders into one batch per channel and due time", async () => {
    const outbox = new PendingOutbox();
    await outbox.send({ channel: 'sms', outboundIds: [1] });
    await outbox.send({ channel: 'sms', outboundIds: [2, 3] });
    await outbox.send({ channel: 'wechat', outboundIds: [4] });
    await outbox.send({ channel: 'sms', outboundIds: [5], delayMs: 60_000 });
    await outbox.send({ channel: 'sms', outboundIds: [] });
    await outbox.enqueue({ name: 'post', data: { claimId: 7 } });
    const entries = (outbox as unknown as { entries: Array<{ kind: string; payload: { channel?: string; outboundIds?: number[] }; delayMs: number }> }).entries;
    expect(entries.map((e) => [e.kind, e.payload.channel, e.payload.outboundIds, e.delayMs])).toEqual([
      ['send', 'sms', [1, 2, 3], 0],
      ['send', 'wechat', [4], 0],
      ['send', 'sms', [5], 60_000],
      ['pipeline', undefined, undefined, 0],
    ]);
  });
});
