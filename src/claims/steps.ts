import type { Rule } from '../db/schema/index.ts';
import { shortItemName } from '../templates.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import type { LoadedClaim } from './claims.ts';
import type { ReviewRound } from '../reviews/rounds.ts';

/**
 * The automatic steps of a claim as pure functions: what the database must tell them is passed
 * in (how many claims count toward the cap, the claim's photos), what they decide comes back.
 */

/** Does the claim stand? The reason it does not (an item off the list, the cap reached), or undefined. */
export function validationRefusal(texts: Texts, rule: Pick<Rule, 'active' | 'name' | 'cap' | 'per'>, countedTowardCap: number): string | undefined {
  if (!rule.active) return texts.inactiveRule(rule.name);
  if (rule.cap !== null && countedTowardCap >= rule.cap) return texts.capReached(rule.name, rule.cap, texts.periods[rule.per ?? ''] ?? '');
  return undefined;
}

/** How many points the claim is worth: the item's points from the village's list, and the event's detail. */
export function scoreOf(rule: Pick<Rule, 'code' | 'points'>) {
  return { points: rule.points, detail: { rule: rule.code, points: rule.points } };
}

/** Enough of the villager's words for the cadre to check the evidence on a phone screen. */
export const EVIDENCE_QUOTE_LENGTH = 60;

/** What the reviewers are asked: the claim, and after an objection the objection; with the villager's words and photo when evidence matters. */
export function reviewRequestText({ claim, rule, household, village }: LoadedClaim, review: ReviewRound, photo: string | undefined): string {
  const texts = textsOf(village);
  if (review.round > 0) {
    return texts.review.objected(village.name, claim.reference!, household.code, household.head, shortItemName(rule), claim.points!, review.objection ?? texts.noReason);
  }
  // For an item whose evidence matters (写明帮助了谁, 需村委核实) the cadre reads what the villager wrote.
  const said = rule.evidence ? claim.text.slice(0, EVIDENCE_QUOTE_LENGTH) : undefined;
  return texts.reviewRequest(village.name, claim.reference!, household.code, household.head, shortItemName(rule), claim.points!, said, photo);
}
