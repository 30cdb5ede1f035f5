import type { Choice } from './choose.ts';
import { covered, type ItemMatch } from './items.ts';
import { CLAUSE_MARK } from './text-analysis.ts';

/**
 * How sure a claim is, from what made past answers wrong (see docs/understanding.md): every item
 * beyond the first, readings dropped because another item explained their words, a long story,
 * and evidence of one lone short word (开会, 培训). The threshold that makes a claim confident is not
 * set here: it is chosen from the calibration table (thresholds.ts).
 */
const PER_EXTRA_ITEM = 0.92;
const OTHER_READINGS = 0.95;
const STORY_LENGTH = 40;
const LONG_STORY_LENGTH = 100;
const STORY = 0.95;
const LONG_STORY = 0.9;
const SHORT_EVIDENCE = 2;
const THIN_EVIDENCE = 0.8;
const RUN_TOGETHER = 0.85;
/** Words that join two things told: 院坝扫了，又帮隔壁挑了水; 屋里和门口. */
const JOINED = /又|还|也|和|跟|、|顺便|另外|再|然后|以及/;

/** Two items told apart (a clause each, or joined by 又, 和, 也…): what is between their heads (院坝, 门口) says so. */
function toldApart(matches: readonly ItemMatch[], text: string): boolean {
  const heads = matches.map((m) => m.head).sort((a, b) => a[0] - b[0]);
  return heads.every(([start], i) => {
    if (i === 0) return true;
    const between = text.slice(heads[i - 1]![1], Math.max(heads[i - 1]![1], start));
    return between.includes(CLAUSE_MARK) || JOINED.test(between);
  });
}

/** `text` is the message as written, `analysed` the analysis's text the matches point into. */
export function claimConfidence(choice: Choice, text: string, analysed: string): number {
  let confidence = choice.confidence * PER_EXTRA_ITEM ** Math.max(0, choice.items.length - 1);
  if (!toldApart(choice.matches, analysed)) confidence *= RUN_TOGETHER;
  if (choice.explained > 0) confidence *= OTHER_READINGS;
  if (text.length > LONG_STORY_LENGTH) confidence *= LONG_STORY;
  else if (text.length > STORY_LENGTH) confidence *= STORY;
  if (choice.matches.some((m) => m.ranges.length === 1 && covered(m) <= SHORT_EVIDENCE)) confidence *= THIN_EVIDENCE;
  return Math.round(confidence * 1000) / 1000;
}
