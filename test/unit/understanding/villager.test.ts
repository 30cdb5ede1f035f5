import { describe, expect, it } from 'vitest';
import { CONFIDENT } from '../../../src/understanding/choose.ts';
import { compileVillage } from '../../../src/understanding/model.ts';
import { confidentAt } from '../../../src/understanding/thresholds.ts';
import { MAX_MESSAGE_LENGTH, understandVillager } from '../../../src/understanding/villager.ts';
import { codes, FANGNIUPING, SHUANGQIAO, villageModel } from './village.ts';

const [fangniuping, shuangqiao] = await Promise.all([villageModel(FANGNIUPING), villageModel(SHUANGQIAO)]);
const understand = (text: string) => understandVillager(fangniuping, text);

/** A decided claim: these items, nothing asked back. */
function expectClaim(text: string, expected: string[], model = fangniuping) {
  const u = understandVillager(model, text);
  expect({ intent: u.intent, items: codes(u.items), clarify: u.clarify, note: u.note }).toEqual({ intent: 'claim', items: [...expected].sort(), clarify: false, note: undefined });
  expect(u.confidence).toBeGreaterThanOrEqual(confidentAt(model.items.length));
  return u;
}

describe('understandVillager (fangniuping)', () => {
  describe('intents', () => {
    it.each([
      ['今天把院坝扫干净了', 'claim'],
      ['查积分', 'balance'],
      ['我的积分', 'balance'],
      ['积分', 'balance'],
      ['我家有几分了', 'balance'],
      ['积分到了没得', 'balance'],
      ['分加起了没得', 'balance'],
      ['我有多少分', 'balance'],
      ['多少分', 'balance'],
      ['现在有几分', 'balance'],
      ['扫院坝能得几分', 'help'], // what an item is worth, not the balance
      ['帮助', 'help'],
      ['?', 'help'],
      ['？', 'help'],
      ['怎么申报', 'help'],
      ['积分能换什么', 'redeem'],
      ['我要兑换洗衣粉', 'redeem'],
      ['我想用积分换袋米', 'redeem'],
      ['积分超市有啥子', 'redeem'],
      ['取消', 'cancel'],
      ['刚才那条发错了', 'cancel'],
      ['退订', 'optout'],
      ['TD', 'optout'],
      ['订阅', 'optin'],
      ['谢谢', 'other'],
      ['你好', 'other'],
      // Commands in more words: a question with words between, a duplicate, leaving, buying with points.
      ['帮我查一下我屋头的积分', 'balance'],
      ['积分出来没得', 'balance'],
      ['我屋头的分你帮我查哈', 'balance'],
      ['刚才那个申报帮我去掉', 'cancel'],
      ['发重了', 'cancel'],
      ['我不参加这个积分了', 'optout'],
      ['请莫打扰我', 'optout'],
      ['积分可以买东西不', 'redeem'],
      ['想兑一瓶酱油', 'redeem'],
      ['积分咋个挣', 'help'],
      ['我不会弄', 'help'],
    ])('%s → %s', (text, intent) => {
      const u = understand(text);
      expect(u.intent).toBe(intent);
      expect(u.clarify).toBe(false);
      if (intent !== 'claim') expect(u.items).toEqual([]);
    });
  });

  describe('claims in words', () => {
    it.each([
      ['今天把院坝扫干净了', ['P05']],
      ['院坝扫了', ['P05']],
      ['屋头收拾干净了', ['P06']],
      ['门口扫了', ['P07']],
      ['垃圾分类', ['P08']],
      ['今天开会了', ['P03']],
      ['参加了院坝会', ['P03']], // the meeting, not the yard
      ['参加志愿服务', ['P15']],
      ['调解了邻里纠纷', ['P19']],
      ['帮邻居王大爷收了玉米', ['P12']],
      ['捡到钱包还给失主了', ['P13']],
      ['清明节没放鞭炮', ['P17']], // the negation is the good deed itself
      ['下载了反诈APP', ['P21']],
      ['交了医保', ['P25']],
    ])('%s → %j', (text, expected) => {
      expectClaim(text, expected);
    });

    it.each([
      ['今天把院坝扫了，屋头也收拾了', ['P05', 'P06']],
      ['扫了院坝，参加了院坝会', ['P03', 'P05']],
      ['院坝扫了，还参加了志愿服务', ['P05', 'P15']],
    ])('several items in one message: %s → %j', (text, expected) => {
      expectClaim(text, expected);
    });

    it.each([
      ['院坝扫了，垃圾分类我还没搞', ['P05']], // denied after it is named
      ['今天没去开院坝会，屋头收拾干净了', ['P06']], // denied through 去开
      ['院坝会开了，会上说了垃圾分类', ['P03']], // what was said at the meeting
      ['参加了志愿服务，去帮孤寡老人挑水', ['P15']], // what was done as a volunteer
      ['当志愿者在路口指挥交通，又帮隔壁王婆婆挑了水', ['P12', 'P15']], // another act after it
      ['在路边捡到个包，里头有钱，找到失主还给她了', ['P13']], // 捡 of 捡到 is not the roadside cleaned
      ['对门王叔家的秧子没人栽，我和老公去帮他栽完了', ['P12']], // 他 is 王叔, not the companion
      ['屋里的柜子都擦干净了，院坝明天再扫', ['P06']], // a plan is not done yet
      ['我妈眼睛不好，我天天给她按摩', ['P10']],
    ])('only what was said: %s → %j', (text, expected) => {
      expectClaim(text, expected);
    });

    it('a pledge named after its content is the pledge alone (shuangqiao)', () => {
      expectClaim('在村委会把那个红白喜事不大办的承诺书签了字', ['JF09'], shuangqiao);
    });
  });

  describe('item numbers', () => {
    it.each([
      ['5', ['P05']],
      ['  5  ', ['P05']],
      ['５', ['P05']],
      ['申报12', ['P12']],
      ['申报5号', ['P05']],
      ['我要申报第5项', ['P05']],
      ['申报第3项', ['P03']],
      ['第12项', ['P12']],
      ['１２', ['P12']],
      ['第五项', ['P05']],
      ['五', ['P05']],
      ['十二', ['P12']],
      ['第二十五项', ['P25']],
      ['p5', ['P05']],
      ['P05', ['P05']],
      ['Ｐ０５', ['P05']],
      ['5和8', ['P05', 'P08']],
      ['5、8', ['P05', 'P08']],
      ['5，8', ['P05', 'P08']],
      ['5 8', ['P05', 'P08']],
      ['5号和7号', ['P05', 'P07']],
      ['我申报5和8', ['P05', 'P08']],
      ['申报 5', ['P05']],
      ['第 5 项', ['P05']],
      ['报 12', ['P12']],
    ])('%j → %j', (text, expected) => {
      expectClaim(text, expected);
    });

    it.each([['第99项'], ['申报30'], ['0'], ['p99'], ['第二十六项'], ['5和99']])('an unknown number %j is asked back', (text) => {
      const u = understand(text);
      expect(u).toMatchObject({ intent: 'claim', items: [], clarify: true, note: 'unknown_number' });
    });

    it.each([['N01'], ['n05']])('the code of a deduction %j claims nothing', (text) => {
      const u = understand(text);
      expect(u.items).toEqual([]);
      expect(u.clarify).toBe(true);
    });
  });

  describe('dialect', () => {
    it.each([
      ['屋头收拾干净了', ['P06']],
      ['屋头打整干净了', ['P06']],
      ['今天把屋头打扫干净了', ['P06']],
      ['灶房收拾干净了', ['P06']],
      ['坝子扫干净了', ['P05']],
      ['把坝子打扫了', ['P05']],
      ['坝坝扫干净了', ['P05']],
      ['地坝扫了', ['P05']],
      ['阶沿扫干净了', ['P07']],
      ['我在照顾屋头老汉儿', ['P10']],
      ['过年没放火炮', ['P17']],
    ])('%s → %j', (text, expected) => {
      expectClaim(text, expected);
    });
  });

  describe('homophones from speech recognition', () => {
    it.each([
      ['院爸扫干净了', ['P05']],
      ['我把院爸扫了的 扫得干干净净', ['P05']],
      ['拉机分类投放了', ['P08']],
      ['那个垃圾分内 我每天都在做', ['P08']],
      ['今天参加了自愿服务', ['P15']],
      ['我晚上参加寻逻了 跟治保主任一路', ['P18']],
      ['喂喂 听得到不 我说我今天去开会了 村里那个院把会 开了一下午', ['P03']],
    ])('%s → %j', (text, expected) => {
      expectClaim(text, expected);
    });

    it('trusts a repaired word a little less than a written one', () => {
      expect(understand('院爸扫干净了').confidence).toBeLessThan(understand('院坝扫干净了').confidence);
    });
  });

  describe('asking back', () => {
    it.each([
      ['打扫卫生', ['P05', 'P06', 'P07']],
      ['今天打扫卫生了', ['P05', 'P06', 'P07']],
      ['搞了卫生', ['P05', 'P06', 'P07']],
      ['孝老爱亲', ['P10', 'P11']],
    ])('a vague %s offers a menu %j', (text, options) => {
      const u = understand(text);
      expect({ intent: u.intent, items: codes(u.items), clarify: u.clarify, options: codes(u.options) }).toEqual({ intent: 'claim', items: [], clarify: true, options });
      expect(u.confidence).toBeLessThan(CONFIDENT);
    });

    it.each([['asdfgh'], ['我想问哈那个事']])('unknown text %j is asked about, never guessed', (text) => {
      expect(understand(text)).toMatchObject({ intent: 'other', items: [], options: [], clarify: true, confidence: 0 });
    });
  });

  describe('evidence to write', () => {
    it.each([['好人好事'], ['做了好人好事'], ['帮了邻居'], ['申报12']])('%s alone does not say whom it helped', (text) => {
      const u = expectClaim(text, ['P12']);
      expect(codes(u.needsDetail)).toEqual(['P12']);
    });

    it.each([['帮隔壁王婆婆挑了水'], ['帮邻居王大爷收了玉米']])('%s says whom', (text) => {
      const u = expectClaim(text, ['P12']);
      expect(u.needsDetail).toEqual([]);
    });

    it('an item without evidence to write needs no detail', () => {
      expect(expectClaim('5', ['P05']).needsDetail).toEqual([]);
    });
  });

  describe('not a claim', () => {
    it.each([['没扫院坝'], ['今天没扫院坝'], ['我没有参加院坝会'], ['没去开会']])('a negation %s', (text) => {
      const u = understand(text);
      expect(u.intent).not.toBe('claim');
      expect(u.items).toEqual([]);
    });

    it.each([['我准备明天去扫院坝'], ['明天开会']])('a plan %s', (text) => {
      expect(understand(text)).toMatchObject({ intent: 'other', items: [] });
    });

    it('words of the negative list', () => {
      expect(understand('乱倒垃圾')).toMatchObject({ intent: 'other', items: [] });
    });

    it.each([[''], ['   '], ['🙂🙂'], ['👍'], ['。。。！']])('no words at all %j', (text) => {
      expect(understand(text)).toMatchObject({ intent: 'other', items: [], clarify: false, note: 'empty' });
    });

    it.each([['谢谢'], ['你好'], ['好的'], ['收到']])('small talk %s gets a friendly answer, no question', (text) => {
      const u = understand(text);
      expect(u).toMatchObject({ intent: 'other', items: [], clarify: false });
      expect(u.note).toBeUndefined();
    });
  });

  describe('length', () => {
    const claim = '今天把院坝扫干净了';

    it('a 600-character message is too long', () => {
      const u = understand(claim.repeat(Math.ceil(600 / claim.length)).slice(0, 600));
      expect(u).toMatchObject({ intent: 'other', items: [], clarify: true, note: 'too_long' });
    });

    it('is read up to MAX_MESSAGE_LENGTH, and refused one character beyond', () => {
      expect(MAX_MESSAGE_LENGTH).toBe(500);
      expectClaim(claim.padEnd(MAX_MESSAGE_LENGTH, '。'), ['P05']);
      expect(understand(claim.padEnd(MAX_MESSAGE_LENGTH + 1, '。')).note).toBe('too_long');
      expect(understand('x'.repeat(2000)).note).toBe('too_long');
    });
  });

  it('a village without rules understands no claim', () => {
    const empty = compileVillage({ rules: [] });
    expect(understandVillager(empty, '今天把院坝扫干净了')).toMatchObject({ intent: 'other', items: [] });
    expect(understandVillager(empty, '5')).toMatchObject({ intent: 'claim', items: [], note: 'unknown_number' });
  });
});

describe('understandVillager (shuangqiao: other codes, wording and order, no keywords)', () => {
  it.each([
    ['今天把院坝扫干净了', ['JF02']],
    ['房前屋后打扫干净了', ['JF02']],
    ['屋头收拾干净了', ['JF03']],
    ['参加了院坝会', ['JF01']],
    ['垃圾分类投放了', ['JF04']],
    ['拉机分类投放了', ['JF04']],
    ['今天参加了自愿服务', ['JF17']],
    ['帮隔壁王婆婆挑了水', ['JF07']],
    ['捡到钱包还给失主了', ['JF08']],
    ['今天去镇上献血了', ['JF11']],
    ['调解了邻里纠纷', ['JF13']],
    ['今天去巡逻了', ['JF12']],
    ['下载了反诈APP', ['JF14']],
    ['5', ['JF05']],
    ['申报12', ['JF12']],
    ['第五项', ['JF05']],
    ['jf2', ['JF02']],
    ['JF01', ['JF01']],
    ['今天把院坝扫了，还参加了志愿服务', ['JF02', 'JF17']],
  ])('%s → %j', (text, expected) => {
    expectClaim(text, expected, shuangqiao);
  });

  it('asks which for a vague 打扫卫生, among its own items', () => {
    const u = understandVillager(shuangqiao, '打扫卫生');
    expect({ intent: u.intent, clarify: u.clarify, options: codes(u.options) }).toEqual({ intent: 'claim', clarify: true, options: ['JF02', 'JF03'] });
  });

  it.each([
    ['没扫院坝', 'other'],
    ['查积分', 'balance'],
    ['谢谢', 'other'],
    ['第99项', 'claim'],
  ])('%s → %s, claiming nothing', (text, intent) => {
    const u = understandVillager(shuangqiao, text);
    expect(u.intent).toBe(intent);
    expect(u.items).toEqual([]);
  });
});

describe('a village extends the lexicon in its own file', () => {
  const rules = [
    { code: 'A1', category: '人居环境', name: '院落干净整洁' },
    { code: 'A2', category: '乡风文明', name: '助人为乐', keywords: ['搭把手'] },
  ];

  it('with its own dialect words (lexicon.synonyms) and words per rule (keywords)', () => {
    expect(understandVillager(compileVillage({ rules }), '把晒场扫巴适了')).toMatchObject({ intent: 'other', items: [] });
    const own = compileVillage({ rules, synonyms: { 晒场: '院坝' } });
    expect(codes(understandVillager(own, '把晒场扫巴适了').items)).toEqual(['A1']);
    expect(codes(understandVillager(own, '今天给隔壁搭把手，帮他家收了菜').items)).toEqual(['A2']);
  });
});

describe('other business gets a friendly answer, not a question back', () => {
  it.each([['喂 喂 听得到不'], ['请问低保怎么申请'], ['隔壁天天烧秸秆，你们管不管'], ['13883456721'], ['转发：明天停电'], ['我的分怎么被扣了']])('%s', (text) => {
    expect(understand(text)).toMatchObject({ intent: 'other', items: [], clarify: false });
  });
});
