import type { Analysis } from './text-analysis.ts';

/**
 * What a message tells only as background, not as something the villager did: the content of a
 * talk (院坝会上讲了教育资助政策: the policy is what was said, not an item of its own), acts done
 * for someone else (帮她把院坝扫了: helping, not one's own yard), and one's own family (我婆婆:
 * filial piety, not helping others). Computed once per message, read by every phrase's match.
 */

/** Words after which the clause says what a talk, a discussion or a pledge signed was about. */
const TALK = new Set(['讲', '讲了', '讲的', '讲的是', '说的是', '内容', '内容是', '讲那个', '宣传', '宣传了', '承诺书', '倡议书', '讨论', '讨论了', '商量', '商量了']);
/** Volunteering (志愿服务, 志愿者, 义工): what one did as a volunteer is the service, not an item of its own. */
const SERVICE = /志愿|义工/;
/** Words that still name the service itself: 志愿者活动, 志愿服务队. */
const SERVICE_FILLER = /^(?:活动|服务|服务队|队|队伍|了|的)$/;
/** Saying at a meeting (会上说了, 开会提到): what was said is the talk's content. */
const SAID = new Set(['说', '说了', '说的', '提了', '提到', '提到了', '强调', '强调了']);
const MEETING = /会上?$/;
/** A pledge named after its content (红白喜事不大办的承诺书): the content runs back to these words. */
const PLEDGE = new Set(['承诺书', '倡议书', '保证书']);
const PLEDGE_STARTS = new Set(['把', '签', '签了', '那个', '这个', '在', '了']);
/** Words that end a talk's content: the villager speaks of themself or of what came next. */
const TOPIC_ENDS = new Set(['我', '我们', '我就', '然后', '回来', '又', '还', '也', '下午', '上午', '晚上', '接到', '接着', '后来']);
/** Words joining a talk's content to what it was about: 是, 了, 的, 那个. */
const TALK_FILLER = new Set(['是', '了', '的', '那个', '就是']);
/** Doing something for someone else: 帮他, 帮忙, 替她 (not 帮我, 帮我妈, 帮妈妈). */
const FOR_OTHERS = /^(?:帮|替)(?!我)/;
/** A person word right after these is one's own family (我妈, 我的婆婆, 自家老人) or a companion (我和几个邻居). */
const OWN_OR_COMPANION = /(?:我|我的|我家|我们家|自己|自家|自己的|我屋里|[和跟同](?:几个|两个|三个)?)$/;
/** A person right after 我和, 我跟, 我们同: someone who did it with me. */
const COMPANION = /我们?[和跟同]$/;
const PLAN = /^(?:明天|后天|下周|下回|下次|改天|过几天|等会|等一下|回头)$/;
/** A denial, not a state (腰不好, 走不动, 不方便 tell why help was needed). */
const NEGATION = /^(?:没|不|未|莫|别)(?!好|行|便|方便|舒服|得了|在家|动)/;
/** He, she, they: whom they stand for is the person last named before them. */
const PRONOUN = /^(?:他|她)(?:们|家)?$/;
/** People who are one's own family whoever names them (my mother, a son). */
const FAMILY = /(?:父亲|母亲|妈|爸|公公|岳父|岳母|丈母娘|儿子|女儿|孙子|孙女|老伴|老公|媳妇|婆娘|丈夫|妻子|兄弟|姐姐|妹妹)$/;
/** People who are nobody's family: neighbours, a five-guarantee household, others. */
const OTHERS = /(?:邻居|隔壁|对门|对面|五保户|五保|孤寡|孤老|独居|村民|别人|人家|两口子|两家|老乡|乡亲|同学|失主)$/;
/** People who are someone else's only when a surname or another household names them (张婆婆, 王家老人), else one's own. */
const ELDERS = /(?:大爷|大妈|大娘|婆婆|爷爷|奶奶|外婆|外公|阿姨|叔叔|老太太|老太婆|老头|老人|孩子|小孩|大哥|大姐|嫂子|师傅)$/;
const SURNAME = /[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤冉阳]$/;
/** Another household's (王家的, 刘家老汉): their family is not one's own. */
const OTHER_HOUSEHOLD = /(?<![我自])家(?:的)?$/;

export interface Background {
  /** Character ranges of the analysed text that tell a talk's content. */
  topics: Array<[number, number]>;
  /** Ranges right before a talk marker ("院坝会上讲了", "开会讲了"): the talk's setting. */
  settings: number[];
  /** Clauses in which something is done for someone else. */
  forOthers: Set<number>;
  /** Clauses that tell a plan (院坝明天再扫): nothing in them is done yet. */
  planned: Set<number>;
  /** Clauses that deny something (屋里就没弄了): their words are no evidence of a neighbouring clause's act. */
  denying: Set<number>;
}

export function backgroundOf(analysis: Analysis): Background {
  const { tokens } = analysis;
  const topics: Array<[number, number]> = [];
  const settings: number[] = [];
  const forOthers = new Set<number>();
  const denying = new Set<number>();
  const planned = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (NEGATION.test(token.word)) denying.add(token.clause);
    if (PLAN.test(token.word)) planned.add(token.clause);
    if (FOR_OTHERS.test(token.word) && !ownNext(analysis.text, tokens[i + 1])) forOthers.add(token.clause);
    if (SERVICE.test(token.word)) {
      const service = serviceContent(tokens, i);
      if (service) topics.push(service);
      continue;
    }
    if (PLEDGE.has(token.word) && tokens[i - 1]?.word === '的') {
      let from = i - 1;
      while (from > 0 && tokens[from - 1]!.clause === token.clause && !PLEDGE_STARTS.has(tokens[from - 1]!.word)) from--;
      if (from < i - 1) topics.push([tokens[from]!.start, tokens[i - 1]!.start]);
    }
    if (!TALK.has(token.word) && !(SAID.has(token.word) && MEETING.test(tokens[i - 1]?.word ?? ''))) continue;
    const before = tokens[i - 1]?.word === '上' ? tokens[i - 2] : tokens[i - 1];
    if (before && before.clause === token.clause) settings.push(before.start + before.word.length);
    let end = i + 1;
    while (end < tokens.length && TALK_FILLER.has(tokens[end]!.word)) end++;
    const start = tokens[end]?.start;
    // The content runs to the end of its clause, and on through clauses until the villager speaks of themself.
    let stop = end;
    while (stop < tokens.length && !TOPIC_ENDS.has(tokens[stop]!.word)) stop++;
    if (start !== undefined && stop > end) topics.push([start, tokens[stop - 1]!.start + tokens[stop - 1]!.word.length]);
  }
  return { topics, settings, forOthers, denying, planned };
}

/**
 * What was done as a volunteer: the rest of the service's clause (当志愿者指挥交通), or the next clause
 * when the service ends its own (参加了志愿服务，去帮孤寡老人打扫卫生); a clause after that is another act.
 */
function serviceContent(tokens: Analysis['tokens'], at: number): [number, number] | undefined {
  const clause = tokens[at]!.clause;
  let from = at + 1;
  while (tokens[from]?.clause === clause && SERVICE_FILLER.test(tokens[from]!.word)) from++;
  const own = tokens[from]?.clause === clause;
  let to = from;
  while (tokens[to]?.clause === (own ? clause : clause + 1) && !TOPIC_ENDS.has(tokens[to]!.word)) to++;
  const content = tokens.slice(from, to);
  if (content.length === 0) return undefined;
  const last = content[content.length - 1]!;
  return [content[0]!.start, last.start + last.word.length];
}

/** All the ranges lie in a talk's content, or end right where a talk begins (its setting). */
export function inBackground(background: Background, ranges: ReadonlyArray<[number, number]>): boolean {
  if (background.topics.length === 0 && background.settings.length === 0) return false;
  return ranges.every(([s, e]) => background.topics.some(([ts, te]) => ts <= s && e <= te) || background.settings.includes(e));
}

/** A word right after 我, 我的, 自家… (one's own family) or 我和 (a companion): not someone helped. */
export const ownOrCompanion = (text: string, at: number) => OWN_OR_COMPANION.test(text.slice(Math.max(0, at - 4), at));

/**
 * Whether a pronoun at `at` stands for someone outside one's family: the person named last before it
 * is others (隔壁, 邻居), or an elder or child of a surname or another household (张婆婆, 刘家老汉), not
 * one's own (我婆婆, or 婆婆 alone). No one named before it: not known.
 */
export function pronounOfOthers(text: string, at: number): boolean {
  for (let end = at; end > 0; end--) {
    const before = text.slice(Math.max(0, end - 6), end);
    const named = OTHERS.exec(before) ?? ELDERS.exec(before) ?? FAMILY.exec(before);
    if (!named) continue;
    const start = end - named[0].length;
    // 我和老公去帮他: one's companion is who helps, not whom "him" stands for.
    if (COMPANION.test(text.slice(Math.max(0, start - 3), start))) {
      end = start + 1;
      continue;
    }
    if (ownOrCompanion(text, start)) return false;
    return OTHERS.test(named[0]) || othersQualify(text, start);
  }
  return false;
}

export const isPronoun = (word: string) => PRONOUN.test(word);

/** Someone else's: 张婆婆, 刘家老汉, 隔壁的老人, 王大爷的儿子. */
function othersQualify(text: string, start: number): boolean {
  const qualifier = text.slice(Math.max(0, start - 4), start);
  const owner = qualifier.replace(/的$/, '');
  return SURNAME.test(qualifier) || OTHER_HOUSEHOLD.test(qualifier) || OTHERS.test(owner) || (owner !== qualifier && ELDERS.test(owner));
}

/** The word after 帮 or 替 is oneself or one's own family: 帮我, 帮我妈, 帮妈妈, 帮她 (my mother-in-law). */
function ownNext(text: string, next: { word: string; start: number } | undefined): boolean {
  if (!next) return false;
  if (isPronoun(next.word)) return !pronounOfOthers(text, next.start);
  return next.word.startsWith('我') || FAMILY.exec(next.word)?.index === 0;
}

/** A word naming a person (not a verb such as 帮, whose 我帮 says who helps, not who is helped). */
export const isPerson = (word: string) => [OTHERS, ELDERS, FAMILY].some((kind) => kind.exec(word)?.index === 0) || isPronoun(word);
