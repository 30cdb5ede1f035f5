import type { Attachment, Conversation } from '../db/schema/index.ts';
import { itemName } from '../templates.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import type { Village } from '../db/schema/index.ts';
import type { Item } from '../understanding/items.ts';
import type { CatalogueInfo, VillageModel } from '../understanding/model.ts';
import { anyNumber } from '../understanding/numbers.ts';
import { cleanText } from '../understanding/text-analysis.ts';
import type { Understanding } from '../understanding/villager.ts';

/** A question waiting for this message's answer, with the text of the message that raised it. */
export interface OpenQuestion {
  conversation: Conversation;
  originalText: string;
}

/** What to do with a villager's message: claims to record, a question to ask, an answer to send. */
export interface Plan {
  claims: Array<{ code: string; text: string }>;
  ask?: { kind: Conversation['kind']; options: string[] };
  /** The question this message answers or drops. */
  closes?: number;
  reply?: string;
  /** An answer that needs the database: the balance, withdrawing a claim, opting out or in. */
  action?: 'balance' | 'cancel' | 'optout' | 'optin' | 'object' | 'appeal';
  /** The deduction appealed (申诉) and why. */
  appeal?: { reference?: number; reason?: string };
  outcome: string;
}

const codes = (items: Item[]) => items.map((item) => item.rule.code);

function helpText(texts: Texts, model: VillageModel): string {
  return texts.help(model.items.map((item) => `${item.number} ${itemName(item.rule.name)}`).join('，'));
}

function catalogueText(texts: Texts, goods: readonly CatalogueInfo[]): string {
  return texts.catalogue(goods.map((good) => `${itemName(good.name)}${good.points}分`).join('、'));
}

/** The village as a villager's answer needs it: what its words mean, and what its supermarket has. */
export interface Listing {
  model: VillageModel;
  goods: readonly CatalogueInfo[];
  village: Pick<Village, 'settings'>;
}

/** A message with no words: a voice note jifen cannot hear, a photo without a word, or nothing. */
function emptyAnswer(texts: Texts, attachments: readonly Attachment[]): string {
  if (attachments.some((a) => a.contentType?.startsWith('voice') || a.contentType?.startsWith('audio'))) return texts.voiceNote();
  if (attachments.some((a) => a.contentType?.startsWith('image'))) return texts.pictureOnly();
  return texts.empty();
}

/** A fresh message: what it says decides everything. */
function planFresh({ model, goods, village }: Listing, understanding: Understanding, text: string, attachments: readonly Attachment[]): Plan {
  const texts = textsOf(village);
  const { intent, items, options, needsDetail, note } = understanding;
  switch (intent) {
    case 'claim': {
      const ready = items.filter((item) => !needsDetail.includes(item));
      const claims = ready.map((item) => ({ code: item.rule.code, text }));
      if (options.length > 0) {
        return { claims, ask: { kind: 'choose_item', options: codes(options) }, reply: texts.menu(options.map((o, i) => `${i + 1} ${itemName(o.rule.name)}`)), outcome: 'question' };
      }
      if (needsDetail.length > 0) {
        const first = needsDetail[0]!;
        return { claims, ask: { kind: 'evidence', options: [first.rule.code] }, reply: texts.askDetail(itemName(first.rule.name), first.rule.evidence!), outcome: 'question' };
      }
      if (claims.length > 0) return { claims, outcome: 'claim' };
      return { claims, reply: note === 'unknown_number' ? texts.unknownNumber() : texts.notUnderstood(), outcome: 'not_understood' };
    }
    case 'balance': case 'cancel': case 'optout': case 'optin': case 'object':
      return { claims: [], action: intent, outcome: intent };
    case 'appeal':
      return { claims: [], action: 'appeal', appeal: understanding.appeal, outcome: 'appeal' };
    case 'help':
      return { claims: [], reply: helpText(texts, model), outcome: 'help' };
    case 'redeem':
      return { claims: [], reply: catalogueText(texts, goods), outcome: 'catalogue' };
    case 'other':
      if (note === 'empty') return { claims: [], reply: emptyAnswer(texts, attachments), outcome: 'empty' };
      if (note === 'too_long') return { claims: [], reply: texts.tooLong(), outcome: 'too_long' };
      return understanding.clarify
        ? { claims: [], reply: texts.notUnderstood(), outcome: 'not_understood' }
        : { claims: [], reply: texts.smallTalk(), outcome: 'small_talk' };
  }
}

/**
 * Decides the answer to a villager's message. An open question comes first: a digit picks an item
 * of the menu, the next message gives an item's evidence, 取消 drops the question; anything else
 * starts afresh (the question is dropped), except a command asked while evidence is awaited.
 */
export function planAnswer(listing: Listing, understanding: Understanding, input: string, question?: OpenQuestion, attachments: readonly Attachment[] = []): Plan {
  if (!question) return planFresh(listing, understanding, input, attachments);
  const { conversation, originalText } = question;
  const texts = textsOf(listing.village);
  const closes = conversation.id;
  if (understanding.intent === 'cancel') return { claims: [], closes, reply: texts.questionDropped(), outcome: 'question_dropped' };
  if (conversation.kind === 'choose_item') {
    const choice = anyNumber(cleanText(input).replace(/[。.!！号项]+$/, ''));
    if (choice !== undefined) {
      const code = conversation.options[choice - 1];
      if (!code) return { claims: [], reply: texts.menuRange(conversation.options.length), outcome: 'question' };
      return { claims: [{ code, text: originalText }], closes, outcome: 'claim' };
    }
    return { ...planFresh(listing, understanding, input, attachments), closes };
  }
  if (understanding.intent === 'claim' || understanding.intent === 'other') {
    return { claims: [{ code: conversation.options[0]!, text: `${originalText}；${input.trim()}` }], closes, outcome: 'claim' };
  }
  return planFresh(listing, understanding, input, attachments);
}
