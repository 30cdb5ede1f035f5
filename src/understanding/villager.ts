import { hasNoWords } from '../text.ts';
import { choose, CONFIDENT } from './choose.ts';
import { claimConfidence } from './confidence.ts';
import { APPEAL, DONE, FORWARDED, NOT_A_CLAIM, NOT_YET, OTHER_BUSINESS, POINTS_ARRIVED, SMALL_TALK, villagerCommand } from './intents.ts';
import { covered, matchItems, type Item } from './items.ts';
import type { VillageModel } from './model.ts';
import { anyNumber } from './numbers.ts';
import { objectionIn } from './objection.ts';
import { analyse, cleanText, CLAUSE_MARK } from './text-analysis.ts';
import { confidentAt } from './thresholds.ts';

export type VillagerIntent = 'claim' | 'balance' | 'help' | 'redeem' | 'cancel' | 'optout' | 'optin' | 'object' | 'appeal' | 'other';

export interface Understanding {
  intent: VillagerIntent;
  /** Rule codes claimed: decided ones only, so never a guess. */
  items: Item[];
  confidence: number;
  /** True when jifen asks back instead of deciding (a menu of `options`, or how to say it). */
  clarify: boolean;
  options: Item[];
  /** Items whose evidence (e.g. 写明帮助了谁) the message does not give yet. */
  needsDetail: Item[];
  /** Why it is not a plain answer: empty, too long, an item number that does not exist. */
  note?: 'empty' | 'too_long' | 'unknown_number';
  /** For an appeal (申诉): the deduction's reference and the household's reason. */
  appeal?: { reference?: number; reason?: string };
}

/** Longer than any real declaration: asked to say it in a sentence or two. */
export const MAX_MESSAGE_LENGTH = 500;
const COMMAND_CONFIDENCE = 0.95;
/** Longer than a command: a story, in which command words are only words. */
const STORY_LENGTH = 40;
const NUMBER_CONFIDENCE = 0.97;

/** "5", "申报12", "第五项", "p05", "5和8", "十二号": the whole message names items by number. */
const NUMBERED = /^(?:我要|我)?(?:申报|报|申请|选|选择)? ?(?:第)? ?((?:[a-z]{0,3}-?\d{1,3}|[一二两三四五六七八九十]{1,3})(?:(?:项|号|条|个)?(?:[、,，和跟及\s]|还有)+(?:第)?(?:[a-z]{0,3}-?\d{1,3}|[一二两三四五六七八九十]{1,3}))*) ?(?:项|号|条|个)?[。.!！]?$/;
const EVIDENCE_TO_WRITE = /^(?:写明|注明|说明|写清|写上)/;
/** Beyond the item's own words, this many characters say who, what or where. */
const DETAIL_LENGTH = 4;

function result(intent: VillagerIntent, confidence: number, extra: Partial<Understanding> = {}): Understanding {
  return { intent, items: [], confidence, clarify: false, options: [], needsDetail: [], ...extra };
}

function byNumbers(model: VillageModel, list: string): Understanding {
  const items: Item[] = [];
  for (const part of list.split(/项|号|条|个|[、,，和跟及\s]|还有|第/).filter(Boolean)) {
    const code = /^([a-z]{1,3})-?(\d{1,3})$/.exec(part);
    const number = code ? Number(code[2]) : anyNumber(part);
    const item = model.items.find((i) => i.number === number && (!code || i.rule.code.toLowerCase().startsWith(code[1]!)));
    if (!item) return result('claim', 0, { clarify: true, note: 'unknown_number' });
    if (!items.includes(item)) items.push(item);
  }
  return result('claim', NUMBER_CONFIDENCE, { items, needsDetail: items.filter((i) => needsEvidence(i)) });
}

const needsEvidence = (item: Item) => EVIDENCE_TO_WRITE.test(item.rule.evidence ?? '');

/**
 * What a villager's message means, for this village's rules. A claim whose confidence is below the
 * calibrated threshold for the size of the village's list is asked back (a numbered menu), not decided.
 */
export function understandVillager(model: VillageModel, input: string): Understanding {
  const reading = readVillager(model, input);
  if (reading.intent !== 'claim' || reading.clarify || reading.confidence >= confidentAt(model.items.length)) return reading;
  return { ...reading, items: [], clarify: true, options: reading.items, needsDetail: [] };
}

/** The best reading of a message, however unsure: the evaluation grades it against its confidence. */
export function readVillager(model: VillageModel, input: string): Understanding {
  const text = cleanText(input);
  if (/^[?？]+$/.test(text)) return result('help', COMMAND_CONFIDENCE);
  if (hasNoWords(text)) return result('other', COMMAND_CONFIDENCE, { note: 'empty' });
  // 异议 1234 原因: an objection to a claim in publicity (公示), read again with its reference by the stage.
  if (objectionIn(text)) return result('object', COMMAND_CONFIDENCE);
  if (text.length > MAX_MESSAGE_LENGTH) return result('other', COMMAND_CONFIDENCE, { clarify: true, note: 'too_long' });
  if (FORWARDED.test(text)) return result('other', COMMAND_CONFIDENCE);
  const appeal = APPEAL.exec(text.trim());
  if (appeal) return result('appeal', COMMAND_CONFIDENCE, { appeal: { reference: appeal[1] ? Number(appeal[1]) : undefined, reason: appeal[2]!.trim() || undefined } });
  const numbered = NUMBERED.exec(text.replace(/\s+/g, ' '));
  if (numbered) return byNumbers(model, numbered[1]!);

  const analysis = analyse(text, model.sounds, model.synonyms);
  const heard = analysis.text;
  const matches = matchItems(model.items, analysis, model.known);
  const choice = choose(matches);
  const claimed = choice.items.length > 0 && choice.options.length === 0;
  // In a story that claims something, words like 换 or 取消 are part of the story, not commands;
  // so is 换 in a claim of something done (可回收垃圾拿去换了).
  if (!(claimed && text.length > STORY_LENGTH)) {
    const command = villagerCommand(heard, ['optout', 'optin', 'cancel', 'redeem']);
    if (command && !(command === 'redeem' && claimed && DONE.test(text))) return result(command, COMMAND_CONFIDENCE);
    if (POINTS_ARRIVED.test(heard)) return result('balance', COMMAND_CONFIDENCE);
    if (NOT_A_CLAIM.test(text) || (NOT_YET.test(text) && !DONE.test(text))) return result('other', COMMAND_CONFIDENCE);
  }
  // "扫院坝几分": how many points an item is worth is a question about the rules, not the balance.
  const asked = villagerCommand(heard, ['help', 'balance']);
  const asking = asked === 'balance' && matches.length > 0 && !DONE.test(text) ? 'help' : asked;
  if (claimed && (!asking || DONE.test(text))) {
    const matchedLength = matches.filter((m) => choice.items.includes(m.item)).reduce((n, m) => n + covered(m), 0);
    const detailed = heard.replaceAll(CLAUSE_MARK, '').length - matchedLength >= DETAIL_LENGTH + 2;
    return result('claim', claimConfidence(choice, text, heard), { items: choice.items, needsDetail: detailed ? [] : choice.items.filter(needsEvidence) });
  }
  // "理发券好多分", "超市有没得菜籽油": asking about goods of the supermarket.
  if (!claimed && matchItems(model.catalogue, analysis, model.known).some((m) => m.score >= CONFIDENT) && (asking || /换|兑|超市|多少分|好多分|几分|还有没有|还有没得|有没有/.test(heard))) {
    return result('redeem', COMMAND_CONFIDENCE);
  }
  if (asking) return result(asking, COMMAND_CONFIDENCE);
  if (choice.options.length > 0 || choice.items.length > 0) {
    return result('claim', Math.min(choice.confidence, CONFIDENT / 2), { items: choice.items, clarify: true, options: choice.options });
  }
  // Small talk and other business get a friendly answer; anything else unrecognised is asked about, never guessed.
  return SMALL_TALK.test(text) || OTHER_BUSINESS.test(text) ? result('other', COMMAND_CONFIDENCE) : result('other', 0, { clarify: true });
}
