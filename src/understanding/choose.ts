import { covered, overlaps, type Item, type ItemMatch } from './items.ts';

/** A match this close to the best one for the same words is a real alternative: ask which. */
const CLOSE = 0.15;
/** Below this, a match is only a guess, good for a menu but not for a claim. */
export const CONFIDENT = 0.8;
const MENU_SIZE = 3;

export interface Choice {
  /** Items found, each for its own words of the message. */
  items: Item[];
  /** Lowest score among them. */
  confidence: number;
  /** When some words fit several items about equally, or only weakly: the items to offer. */
  options: Item[];
  /** The chosen items' matches, strongest first. */
  matches: ItemMatch[];
  /** Items found on words a stronger chosen item already explains: not claimed. */
  explained: number;
}

const within = ([s, e]: [number, number], [os, oe]: [number, number]) => os <= s && e <= oe;
const identical = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];
const crossing = (a: [number, number], b: [number, number]) => a[0] < b[1] && b[0] < a[1] && !identical(a, b);

/**
 * A match rests on a stronger one's words when all its words are that one's (照顾婆婆: filial piety,
 * not also helping others), or when one of its words is a piece of another word of that one (和 in
 * 劝和). Sharing a whole word is fine: in 屋里和门口都扫了 one 扫 serves two items.
 */
function restsOn(match: ItemMatch, stronger: readonly ItemMatch[]): boolean {
  const theirs = stronger.flatMap((m) => m.ranges);
  return match.ranges.every((r) => theirs.some((t) => within(r, t))) || match.ranges.some((r) => theirs.some((t) => crossing(r, t)));
}

/** One of its words is a piece of another match's word (捡 inside 捡到): it yields to that one at equal strength. */
const holdsPiece = (match: ItemMatch, all: readonly ItemMatch[]) =>
  match.ranges.some((r) => all.some((other) => other !== match && other.ranges.some((t) => within(r, t) && !identical(r, t))));

/** Each claimed item needs its own evidence: a match resting on the words of stronger chosen ones is dropped. */
function ownEvidence(decided: ItemMatch[]): { kept: ItemMatch[]; explained: number } {
  const kept: ItemMatch[] = [];
  const piece = new Set(decided.filter((m) => holdsPiece(m, decided)));
  for (const match of [...decided].sort((a, b) => b.score - a.score || Number(piece.has(a)) - Number(piece.has(b)) || covered(b) - covered(a))) {
    if (!restsOn(match, kept)) kept.push(match);
  }
  return { kept, explained: decided.length - kept.length };
}

const contains = (outer: ItemMatch, inner: ItemMatch) =>
  inner.ranges.every(([s, e]) => outer.ranges.some(([os, oe]) => os <= s && e <= oe)) && covered(outer) > covered(inner);

/**
 * Picks items from matches (strongest first). Matches on different words are different items
 * (a multi-item claim); matches on the same words compete, and a close competitor means asking.
 */
export function choose(matches: ItemMatch[]): Choice {
  const groups: ItemMatch[][] = [];
  for (const match of matches) {
    const group = groups.find((g) => overlaps(g[0]!, match));
    if (!group) groups.push([match]);
    else if (group[0]!.score - match.score <= CLOSE && !contains(group[0]!, match)) group.push(match);
  }
  const { kept: decided, explained } = ownEvidence(groups.filter((g) => g.length === 1 && g[0]!.score >= CONFIDENT).map((g) => g[0]!));
  // Beside items said clearly, a vague mention ("也搞了卫生") is not asked about; a close call between strong items is.
  const open = groups.filter((g) => (g.length > 1 || g[0]!.score < CONFIDENT) && (decided.length === 0 || g[0]!.score >= CONFIDENT));
  if (open.length === 0) {
    return { items: decided.map((m) => m.item), confidence: Math.min(...decided.map((m) => m.score)), options: [], matches: decided, explained };
  }
  // A vague part beside clear ones: the clear ones are said; ask about the vague one.
  const options = open[0]!.slice(0, MENU_SIZE).map((m) => m.item);
  return { items: decided.map((m) => m.item), confidence: Math.min(...open[0]!.map((m) => m.score)) / (open[0]!.length > 1 ? 2 : 1), options, matches: decided, explained };
}
