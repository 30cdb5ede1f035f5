import type { Rule, Village } from '../db/schema/index.ts';

const HOUR_MS = 3_600_000;

/** A day without a decision is a reminder; three days, every approver is asked. */
export const DEFAULT_REMIND_AFTER_HOURS = 24;
export const DEFAULT_ESCALATE_AFTER_HOURS = 72;

/** Hours after a claim enters review at which its reviewers are reminded, and every approver asked. */
export function reviewDelays(village: Village) {
  const settings = village.settings.review ?? {};
  const remindAfterHours = settings.remindAfterHours ?? DEFAULT_REMIND_AFTER_HOURS;
  const escalateAfterHours = settings.escalateAfterHours ?? DEFAULT_ESCALATE_AFTER_HOURS;
  return { remindAfterHours, escalateAfterHours, remindMs: remindAfterHours * HOUR_MS, escalateMs: escalateAfterHours * HOUR_MS };
}

/**
 * Items the village wants two different approvers for (两人审核): those marked two_person, those
 * the village committee must verify (需村委核实), and those worth its threshold or more.
 */
export function needsTwoApprovers(rule: Rule, points: number | null, village: Village): boolean {
  const minPoints = village.settings.review?.twoPersonMinPoints;
  return rule.twoPerson || (rule.evidence ?? '').includes('需村委核实') || (minPoints !== undefined && (points ?? rule.points) >= minPoints);
}

/** When a claim's publicity (公示) ends, from when it began. */
export const publicityEnd = (since: Date, days: number) => new Date(since.getTime() + days * 24 * HOUR_MS);
