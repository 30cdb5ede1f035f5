import { choose } from './choose.ts';
import { matchItems, type Item } from './items.ts';
import type { HouseholdInfo, VillageModel } from './model.ts';
import { anyNumber } from './numbers.ts';
import { objectionIn } from './objection.ts';
import { analyse, cleanText } from './text-analysis.ts';

export type CadreCommand =
  | { intent: 'approve'; reference?: number }
  | { intent: 'reject'; reference?: number; reason?: string }
  | { intent: 'approve_all' }
  | { intent: 'list' }
  | { intent: 'object'; reference?: number; reason?: string }
  | { intent: 'deduct'; household?: HouseholdInfo; items: Item[]; options: Item[]; points?: number }
  | { intent: 'redeem'; household?: HouseholdInfo; items: Item[]; options: Item[]; quantity: number }
  | { intent: 'declare'; household?: HouseholdInfo; text: string }
  /** 维持 / 撤销 / 改 a deduction (after an appeal, or to correct one). */
  | { intent: 'decide_deduction'; verdict: 'uphold' | 'revoke' | 'change'; reference?: number; items: Item[]; points?: number; reason?: string }
  /** 改 1234 P07 (or the item's name): a claim under review is for another item of the positive list. */
  | { intent: 'correct_claim'; reference?: number; items: Item[] }
  /** 撤销兑换 12: undo a redemption, by the number on its receipt. */
  | { intent: 'reverse_redemption'; redemption?: number }
  /** 签到 P03 (2小时): open a check-in for an item; `minutes` when the cadre gave a duration. */
  | { intent: 'open_checkin'; items: Item[]; options: Item[]; minutes?: number }
  /** 结束签到 1234: close a check-in early. */
  | { intent: 'close_checkin'; code?: string }
  /** 通知 <text>: an announcement to every household, previewed first. */
  | { intent: 'announce'; text: string }
  /** 确认 1234: send the announcement previewed with that code. */
  | { intent: 'confirm_announcement'; code?: string }
  | { intent: 'other' };

export type CadreIntent = CadreCommand['intent'];

const APPROVE = /^(?:同意|批准|批了|批|通过|可以|属实|情况属实|核实|准了|准|行|没问题|ok|approve|yes|y)(?![\p{L}\p{N}]*[换报])/u;
const REJECT = /^(?:驳回|不同意|拒绝|不通过|不批准|不批|打回去|打回|不属实|情况不属实|不行|否决|退回|不予通过|不算|reject|no|n)(?![a-z])/;
const APPROVE_ALL = /^.{0,4}(?:全部|全都|都|统统|所有的?|一律|一起|一并)(?:都)?(?:同意|通过|批准|批|可以)[了吧啊]*$|^同意全部|^(?:全部|所有)(?:待审)?(?:申报)?(?:都)?(?:同意|通过)/;
const LIST = /待审|待审核|未审|没审|没批|还剩|要审|待办|^列表$|^审核$|^(?:还有)?哪些|几条|多少条|哪些申报|哪些要|有啥子要/;
const DECLARE = /代报|代申报|代.{0,8}申报|(?:帮|替|给).{0,12}报|口头申报/;
const DEDUCT = /(?<!抵)扣|罚分/;
const REDEEM = /兑换|兑了|^兑|换了|换走|换成|领了|领走|拿了|取了/;
const REVERSE_REDEMPTION = /^(?:撤销|取消|作废|退回?)(?:这笔|那笔)?兑换\s*(?:编?号)?\s*(\d{1,9})?|^退货\s*(\d{1,9})?/;
const DEDUCTION_DECISION = /^(维持|撤销扣分|撤销|改为|改成|改)\s*(?:扣分)?\s*(?:编?号)?\s*(\d{4})?(?!\d)\s*(.*)$/;
const VERDICTS = { 维持: 'uphold', 撤销: 'revoke', 撤销扣分: 'revoke', 改: 'change', 改为: 'change', 改成: 'change' } as const;
const POINTS_GIVEN = /(\d{1,3}|[一二两三四五六七八九十]+)\s*分/;
const REFERENCE = /(?<!\d)(\d{4})(?!\d)/;
const POINTS = /扣\s*(\d+|[一二两三四五六七八九十]+)\s*分/;
/** A count of goods in Chinese: "两袋", "一桶". */
const QUANTITY = /(?<![\da-z-])([一二两三四五六七八九十]{1,2})\s*(?:袋|桶|瓶|块|条|个|支|包|斤|次|份|壶|小时|件|把|盒|张|只)?/g;
/** Any number written with digits, as written: 2, 0, -1, 2.5, 1e3, 99999 (the supermarket decides which counts are goods). */
const WRITTEN_NUMBER = /(?<![\da-z.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\d.])/;

const CLOSE_CHECKIN = /^(?:结束|关闭|停止)签到\s*(\d{4})?(?!\d)|^签到\s*(?:结束|关闭)\s*(\d{4})?(?!\d)/;
// 签到 1234 is a villager's check-in (a cadre's own household too), not an opening.
const OPEN_CHECKIN = /^(?:开启|开始|发起)?签到(?!码)(?!\s*\d{4}(?!\d))\s*(.*)$/;
const DURATION = /(\d{1,2}(?:\.\d)?|[一二两三四五六七八九十]{1,2}|半)\s*(?:个)?\s*(小时|钟头|h|分钟|min)/i;
const ANNOUNCE = /^(?:村务)?通知[\s:：,，]*([\s\S]+)$/;
const CONFIRM_ANNOUNCEMENT = /^确认\s*(?:通知|发送)?\s*(\d{4})?$/;

/** A duration a cadre wrote ("2小时", "90分钟", "半小时"), in minutes, and the text without it. */
function durationIn(text: string): { minutes?: number; rest: string } {
  const match = DURATION.exec(text);
  if (!match) return { rest: text };
  const amount = match[1] === '半' ? 0.5 : /^\d/.test(match[1]!) ? Number(match[1]) : anyNumber(match[1]!);
  if (amount === undefined) return { rest: text };
  const minutes = /小时|钟头|h/i.test(match[2]!) ? Math.round(amount * 60) : Math.round(amount);
  return { minutes, rest: text.replace(match[0], ' ') };
}

/** 签到 P03 2小时, 结束签到 1234, 通知 …, 确认 1234. */
function checkinOrAnnouncement(model: VillageModel, text: string, input: string): CadreCommand | undefined {
  const closing = CLOSE_CHECKIN.exec(text);
  if (closing) return { intent: 'close_checkin', code: closing[1] ?? closing[2] };
  const opening = OPEN_CHECKIN.exec(text);
  if (opening) {
    const { minutes, rest } = durationIn(opening[1]!);
    const { items, options } = rest.trim() ? itemsIn(model, model.items, rest) : { items: [], options: [] };
    return { intent: 'open_checkin', items, options, minutes };
  }
  const confirming = CONFIRM_ANNOUNCEMENT.exec(text);
  if (confirming) return { intent: 'confirm_announcement', code: confirming[1] };
  if (!ANNOUNCE.test(text)) return undefined;
  // The announcement goes out as the cadre wrote it: case, full-width punctuation and line breaks kept.
  return { intent: 'announce', text: ANNOUNCE.exec(input.trim())?.[1]?.trim() ?? '' };
}

/** The household a cadre names: by code (FNP-003, fnp3) or by the name of its head or a member. */
function findHousehold(model: VillageModel, text: string): { household?: HouseholdInfo; rest: string } {
  for (const match of text.matchAll(/([a-z]{1,6})-?(\d{1,4})/g)) {
    const household = model.households.find((h) => {
      const [, letters, digits] = /^([a-z]+)-?(\d+)$/i.exec(h.code) ?? [];
      return letters?.toLowerCase() === match[1] && Number(digits) === Number(match[2]);
    });
    if (household) return { household, rest: text.replace(match[0], ' ') };
  }
  const named = model.households.flatMap((h) => [h.head, ...h.members].map((name) => ({ h, name })))
    .filter(({ name }) => name.length >= 2 && text.includes(name))
    .sort((a, b) => b.name.length - a.name.length)[0];
  return named ? { household: named.h, rest: text.replace(new RegExp(`${named.name}(?:家|屋里|户)?`), ' ') } : { rest: text };
}

/** A question ("通过了吗", "行不行") decides nothing. */
const QUESTION = /[吗呢?？]$|了没有?$|不行$|行不行|可不可以|同不同意/;

function decision(text: string): CadreCommand | undefined {
  if (QUESTION.test(text)) return undefined;
  if (text === '1') return { intent: 'approve' };
  if (text === '2') return { intent: 'reject' };
  const reference = REFERENCE.exec(text);
  const withoutReference = reference ? `${text.slice(0, reference.index)} ${text.slice(reference.index + 4)}` : text;
  const body = withoutReference.replace(/^(?:好的?|嗯|行)?[\s:：,，。.申报编号第号]+/, '');
  const number = reference ? Number(reference[1]) : undefined;
  const reject = REJECT.exec(body);
  if (reject) {
    const reason = body.slice(reject[0].length).replace(/^[\s:：,，。.]+|[\s。.]+$/g, '').replace(/^(?:原因|理由)[:：]?/, '') || undefined;
    return { intent: 'reject', reference: number, reason };
  }
  const approve = APPROVE.exec(body);
  if (!approve) return undefined;
  const rest = body.slice(approve[0].length).replace(/[\s:：,，。.!！了吧啊]+/g, '');
  // "同意 好的" is a decision; "可以换米不" is not. Anything long after an approval without a reference is not one.
  return rest.length <= 6 || number !== undefined ? { intent: 'approve', reference: number } : undefined;
}

/** The count a cadre wrote, as written (0, -1 or 2.5 included: refused later with a clear answer, never read as 1); 1 when none. */
function quantityIn(text: string): number {
  const written = WRITTEN_NUMBER.exec(text);
  if (written) return Number(written[0]);
  for (const match of text.matchAll(QUANTITY)) {
    const n = anyNumber(match[1]!);
    if (n !== undefined && n > 0) return n;
  }
  return 1;
}

function itemsIn(model: VillageModel, items: Item[], text: string) {
  const code = /(?<![a-z\d])([a-z]{1,3})-?(\d{1,3})(?!\d)/g;
  const byCode = [...text.matchAll(code)].map((m) => items.find((i) => i.rule.code.toLowerCase().replace('-', '') === `${m[1]}${m[2]}` || i.rule.code.toLowerCase() === `${m[1]}${m[2]!.padStart(2, '0')}`)).filter((i): i is Item => !!i);
  if (byCode.length > 0) return { items: [...new Set(byCode)], options: [], rest: text.replace(code, ' ') };
  const choice = choose(matchItems(items, analyse(text, model.sounds, model.synonyms), model.known));
  return { items: choice.options.length > 0 ? [] : choice.items, options: choice.options, rest: text };
}

/**
 * 改 1234 P07, 改 1234 门前三包: an item of the positive list (and none of the negative) corrects a
 * claim under review; anything else 改 says is about a deduction.
 */
function claimCorrection(model: VillageModel, reference: number | undefined, rest: string): CadreCommand | undefined {
  if (rest === '' || POINTS_GIVEN.test(rest)) return undefined;
  const earn = itemsIn(model, model.items, rest);
  if (earn.items.length === 0 && earn.options.length === 0) return undefined;
  if (itemsIn(model, model.deductions, rest).items.length > 0) return undefined;
  return { intent: 'correct_claim', reference, items: earn.items.length > 0 ? earn.items : earn.options };
}

/** 维持 1234, 撤销 1234 原因, 改 1234 N02, 改 1234 3分, 改 1234 P07; 撤销兑换 12. */
function correction(model: VillageModel, text: string): CadreCommand | undefined {
  const reversal = REVERSE_REDEMPTION.exec(text);
  if (reversal) {
    const number = reversal[1] ?? reversal[2];
    return { intent: 'reverse_redemption', redemption: number ? Number(number) : undefined };
  }
  const decided = DEDUCTION_DECISION.exec(text);
  if (!decided) return undefined;
  const verdict = VERDICTS[decided[1] as keyof typeof VERDICTS];
  const reference = decided[2] ? Number(decided[2]) : undefined;
  const rest = decided[3]!.replace(/^[\s:：,，。.]+|[\s。.]+$/g, '');
  if (verdict !== 'change') return { intent: 'decide_deduction', verdict, reference, items: [], reason: rest.replace(/^(?:原因|理由)[:：]?/, '') || undefined };
  const corrected = claimCorrection(model, reference, rest);
  if (corrected) return corrected;
  const points = POINTS_GIVEN.exec(rest);
  const withoutPoints = rest.replace(POINTS_GIVEN, ' ').trim();
  const items = withoutPoints ? itemsIn(model, model.deductions, withoutPoints).items : [];
  return { intent: 'decide_deduction', verdict, reference, items, points: points ? anyNumber(points[1]!) : undefined };
}

/** True when jifen must ask the cadre back: which household, or which item, a record is about. */
export function missesDetail(command: CadreCommand): boolean {
  if (command.intent === 'deduct' || command.intent === 'redeem') return !command.household || command.items.length === 0;
  if (command.intent === 'decide_deduction') return command.reference === undefined || (command.verdict === 'change' && command.items.length === 0 && command.points === undefined);
  if (command.intent === 'reverse_redemption') return command.redemption === undefined;
  if (command.intent === 'correct_claim') return command.reference === undefined || command.items.length !== 1;
  if (command.intent === 'open_checkin') return command.items.length !== 1;
  if (command.intent === 'close_checkin' || command.intent === 'confirm_announcement') return command.code === undefined;
  return command.intent === 'declare' && !command.household;
}

/** What a cadre's message asks jifen to do. Nothing that moves points is guessed: unclear parts come back as missing. */
export function understandCadre(model: VillageModel, input: string): CadreCommand {
  const text = cleanText(input).replace(/\s+/g, ' ');
  const scheduled = checkinOrAnnouncement(model, text, input);
  if (scheduled) return scheduled;
  const objection = objectionIn(text);
  if (objection) return { intent: 'object', ...objection };
  if (APPROVE_ALL.test(text)) return { intent: 'approve_all' };
  const corrected = correction(model, text);
  if (corrected) return corrected;
  const decided = decision(text);
  if (decided) return decided;
  if (LIST.test(text)) return { intent: 'list' };
  if (DECLARE.test(text)) {
    const { household, rest } = findHousehold(model, text);
    return { intent: 'declare', household, text: rest.replace(DECLARE, ' ').replace(/^[\s:：,，。]+|\s+$/g, '') };
  }
  if (DEDUCT.test(text)) {
    const { household, rest } = findHousehold(model, text);
    const points = POINTS.exec(rest);
    const { items, options } = itemsIn(model, model.deductions, rest.replace(POINTS, ' '));
    return { intent: 'deduct', household, items, options, points: points ? anyNumber(points[1]!) : undefined };
  }
  const { household, rest } = findHousehold(model, text);
  // "冉小军家酱油两瓶": a household and goods from the supermarket is a redemption even without 换.
  const goods = itemsIn(model, model.catalogue, rest);
  if (REDEEM.test(text) || (household && goods.items.length > 0)) {
    return { intent: 'redeem', household, items: goods.items, options: goods.options, quantity: quantityIn(goods.rest) };
  }
  // "熊德明屋头烧垃圾，记一次": a household and an item of the negative list is a deduction.
  const deducted = itemsIn(model, model.deductions, rest);
  if (household && deducted.items.length > 0) return { intent: 'deduct', household, items: deducted.items, options: deducted.options };
  return { intent: 'other' };
}
