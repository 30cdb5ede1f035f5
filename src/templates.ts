/** Every text a villager or cadre reads, in one place (zh-CN). Routine texts fit one 70-character SMS segment. */

/** An item's name as a villager reads it in a list: without the bracketed explanation (门前清洁（门前三包） → 门前清洁). */
export const itemName = (name: string) => name.replace(/[（(].*$/, '');

/** An item as a routine SMS names it (review requests): the village file's short name, else the name. */
export const shortItemName = (rule: { name: string; shortName: string | null }) => rule.shortName ?? itemName(rule.name);

/** The week's supermarket movement: spent, or given back by a reversal of an earlier week's redemption. */
const spentText = (redeemed: number) => (redeemed > 0 ? ` 兑换${redeemed}分` : redeemed < 0 ? ` 兑换退回${-redeemed}分` : '');

export const templates = {
  claimReceived: (item: string, points: number, reference: number) =>
    `已收到：${item} +${points}分，编号${reference}，待村干部审核`,
  reviewRequest: (village: string, reference: number, household: string, head: string, item: string, points: number, said?: string, photo?: string) =>
    `【${village}积分】待审 ${reference}：${household} ${head}家 申报 ${item} +${points}分${said ? `（村民说：${said}）` : ''}${photo ? `（照片：${photo}）` : ''}。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
  posted: (points: number, balance: number) => `已入账 +${points}分，当前余额 ${balance}分`,
  rejected: (item: string, reason: string) => `您申报的「${item}」未通过审核：${reason}`,
  capReached: (item: string, cap: number, period: string) =>
    `「${item}」${period}最多申报${cap}次，您家已申报过，本次不计分`,
  inactiveRule: (item: string) => `「${item}」已不在本村积分清单上，本次不计分`,
  balance: (household: string, balance: number, lifetime: number) =>
    `${household} 当前积分余额 ${balance}分，累计获得 ${lifetime}分`,
  notUnderstood: () => '没看懂您申报的项目。请发项目名称或编号，如「庭院卫生」或「5」；发「帮助」看全部项目',
  unknownNumber: () => '没有这个项目编号。发「帮助」看全部项目和编号',
  smallTalk: () => '您好！申报积分请直接说做了什么，如「打扫了院坝」；发「帮助」看全部项目，发「查积分」看余额',
  /** The choices numbered (`1 庭院卫生`). */
  menu: (options: string[]) => `您申报的是哪一项？${options.join(' ')}，请回复数字`,
  menuRange: (count: number) => `请回复 1 到 ${count} 之间的数字；不申报了回复「取消」`,
  askDetail: (item: string, evidence: string) => `「${item}」需要${evidence}，请直接回复说明`,
  help: (items: string) => `本村积分项目（回复编号即可申报）：${items}。发「查积分」看余额，发「积分超市」看能换什么`,
  catalogue: (goods: string) => `积分超市可换：${goods}。到村积分超市由管理员登记兑换`,
  cancelled: (item: string) => `已取消您申报的「${item}」`,
  questionDropped: () => '好的，这次不申报了',
  nothingToCancel: () => '没有可以取消的申报（已审核的不能取消，请联系村干部）',
  optedOut: () => '已退订，今后不再给您发通知；发「订阅」可恢复。申报和查积分照常可用',
  optedIn: () => '已恢复订阅，您会照常收到积分通知',
  floodNotice: () => '您一分钟内发的消息太多，之后的消息只记录、不再回复；请稍后再发',
  floodToCadres: (household: string, phone: string, count: number) => `【积分提醒】${household}（${phone}）一分钟内发来${count}条消息，之后的只记录不回复，请留意`,
  empty: () => '请用文字说明您做了哪项，如「庭院卫生」或项目编号「5」',
  voiceNote: () => '收到您的语音，暂时听不了。请打字说明做了哪项，如「庭院卫生」，或直接打电话申报',
  pictureOnly: () => '收到照片。请再发一句文字说明做了哪项，如「庭院卫生」，照片会一起给村干部看',
  tooLong: () => '消息太长了，请用一两句话说明做了哪项，如「今天打扫了院坝」',
  unregistered: () => '您的号码未登记，请联系村综合专干',
  /** 改 1234 P07: a cadre corrects the item of a claim under review. */
  correction: {
    done: (reference: number, from: string, to: string, points: number) => `已将 ${reference} 由「${from}」改为「${to}」+${points}分，请再审核`,
    toClaimant: (reference: number, to: string, points: number) => `您的申报 ${reference} 经村干部核对，改为「${to}」+${points}分，审核通过后入账`,
    sameItem: (reference: number, item: string) => `申报 ${reference} 已是「${item}」，未修改`,
    notWaiting: (reference: number) => `申报 ${reference} 已审核，不能再改项目`,
    alreadyVoted: (reference: number) => `申报 ${reference} 已有村干部同意，不能再改项目；如有误请驳回`,
    alreadyClaimed: (reference: number, item: string) => `这条消息已申报过「${item}」，${reference} 未修改；如有误请驳回`,
    which: () => '请写明编号和项目，如「改 1234 P07」或「改 1234 门前清洁」',
  },
  decision: {
    approved: (reference: number) => `已同意 ${reference}，积分将入账`,
    rejected: (reference: number) => `已驳回 ${reference}，已告知村民`,
    unknownReference: (reference: number) => `没有待审的申报 ${reference}，请核对编号`,
    ownHousehold: (reference: number) => `申报 ${reference} 是您自家的，须由其他村干部审核`,
    notApprover: () => '您没有审核权限，请联系综合专干',
    nothingWaiting: () => '目前没有待您审核的申报',
    whichOne: (count: number) => `您有${count}条待审申报，请回复「同意 编号」或「驳回 编号 原因」`,
    alreadyDecided: (reference: number) => `申报 ${reference} 已处理过了`,
    help: () => '审核：「同意 编号」「驳回 编号 原因」「全部同意」「待审」；公示异议：「异议 编号 原因」；扣分：「扣分 户号 项目」，申诉处理：「维持/撤销 编号」「改 编号 项目」；兑换：「兑换 户号 商品 数量」「撤销兑换 兑换号」；代报：「代报 户号 项目」',
    approvedAll: (count: number, skipped: number) =>
      `已同意 ${count} 条申报${skipped > 0 ? `；另有 ${skipped} 条是您自家的，须由其他村干部审核` : ''}`,
    waiting: (lines: string[]) => `待审 ${lines.length} 条：${lines.join('；')}`,
  },
  declare: {
    done: (household: string, items: string[]) => `已为 ${household} 代报：${items.join('、')}，将按流程审核`,
    whichHousehold: () => '请写明是哪一户，如「代报 FNP-003 庭院卫生」',
    whichItem: (household: string) => `没看懂为 ${household} 代报的项目，请写项目名称或编号，如「代报 ${household} 5」`,
  },
  deduction: {
    notAllowed: () => '您没有记录扣分的权限，请联系综合专干',
    whichHousehold: () => '请写明是哪一户，如「扣分 FNP-003 N01」',
    whichItem: (household: string) => `没看懂 ${household} 扣分的项目，请写负面清单的编号或名称，如「扣分 ${household} N01」`,
    otherPoints: (household: string, item: string, code: string, listed: number, said: number) =>
      `「${item}」按清单扣${listed}分，不是${said}分，未记录。确认请发「扣分 ${household} ${code}」`,
    done: (household: string, lines: string[], balance: number) => `已记录 ${household} 扣分：${lines.join('；')}。当前余额 ${balance}分`,
    toHousehold: (lines: string[], balance: number) => `您家因${lines.join('、')}被扣分，当前余额 ${balance}分。有异议请回复「申诉 编号 原因」`,
    line: (item: string, points: number, deducted: number, reference: number) => `${item} -${deducted}分${deducted < points ? `（应扣${points}分，余额不足）` : ''}（编号${reference}）`,
  },
  redemption: {
    notAllowed: () => '您没有登记兑换的权限，请联系积分超市管理员',
    whichHousehold: () => '请写明是哪一户，如「兑换 FNP-003 S01 2」',
    whichGoods: (household: string) => `没看懂 ${household} 兑换的商品，请写商品编号或名称，如「兑换 ${household} S01 2」`,
    done: (household: string, lines: string[], points: number, balance: number, id: number) => `已为 ${household} 兑换 ${lines.join('、')}，共 ${points}分，余额 ${balance}分，兑换号${id}`,
    receipt: (lines: string[], points: number, balance: number, id: number) => `您家在积分超市兑换了 ${lines.join('、')}，扣 ${points}分，余额 ${balance}分（兑换号${id}）`,
    outOfStock: (goods: string, left: number) => `${goods} 库存只剩 ${left}，未兑换`,
    notEnoughPoints: (household: string, needed: number, balance: number) => `${household} 余额 ${balance}分，不够兑换（需 ${needed}分），未兑换`,
    badQuantity: (household: string, max: number) => `兑换数量须是1到${max}的整数，如「兑换 ${household} S01 2」，未兑换`,
  },
  noReason: '未说明原因',
  binding: {
    start: (channel: string) => `您好！请发您在村里登记的手机号码，我们发验证码短信给您，绑定后就能用${channel}申报积分`,
    unknownNumber: () => '这个号码没有在村里登记，请发登记过的手机号码，或联系村综合专干',
    codeSent: (masked: string) => `验证码已发到 ${masked}，请把短信里的6位验证码发到这里`,
    code: (code: string, minutes: number, channel: string) => `您的${channel}绑定验证码：${code}，${minutes}分钟内有效。不是您本人操作请忽略`,
    wrongCode: () => '验证码不对，请再看一下短信；也可以重新发手机号码',
    bound: () => '绑定成功！以后直接在这里发您做了什么就能申报积分，发「查积分」看余额',
  },
  spoken: {
    claim: (items: string) => `您申报的是：${items}`,
    unclear: () => '没有听清楚您申报的项目，请再说一遍您做了什么，比如“今天打扫了院坝”',
    /** Read back while jifen cannot check the words (PostgreSQL down): the caller confirms what was heard. */
    heard: (words: string) => `您说的是：${words}`,
    /** The words are kept on disk and handled when jifen can check them: the answer comes by SMS. */
    kept: () => '已记录，稍后会发短信答复您。',
  },
  periods: { week: '每周', month: '每月', year: '每年', term: '每学期' } as Record<string, string>,
  /** Reminders, escalation, the two-person rule (两人审核) and the 待审 list. */
  review: {
    reminder: (village: string, reference: number, household: string, head: string, item: string, points: number, hours: number) =>
      `【${village}积分】催审 ${reference}：${household} ${head}家 ${item} +${points}分已等${hours}小时。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
    escalated: (village: string, reference: number, household: string, head: string, item: string, points: number, hours: number) =>
      `【${village}积分】待审 ${reference} 已等${hours}小时：${household} ${head}家 ${item} +${points}分。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
    secondApprover: (village: string, reference: number, household: string, head: string, item: string, points: number) =>
      `【${village}积分】待审 ${reference}（须两位村干部同意，已有1位同意）：${household} ${head}家 ${item} +${points}分。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
    objected: (village: string, reference: number, household: string, head: string, item: string, points: number, reason: string) =>
      `【${village}积分】异议待审 ${reference}：${household} ${head}家 ${item} +${points}分，公示期有人提出异议：${reason}。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
    firstApproval: (reference: number) => `已记下您同意 ${reference}；此项须两位村干部同意，已请其他村干部审核`,
    alreadyApproved: (reference: number) => `您已同意过 ${reference}，还须另一位村干部同意`,
    enteredByYou: (reference: number) => `申报 ${reference} 是您代报的，须由另两位村干部审核`,
    approvedAll: (count: number, waitingSecond: number, own: number, more = false) =>
      `已同意 ${count} 条申报${waitingSecond > 0 ? `，其中 ${waitingSecond} 条还须另一位村干部同意` : ''}${own > 0 ? `；另有 ${own} 条是您自家的，须由其他村干部审核` : ''}${more ? '；还有待审的申报，请再发「全部同意」' : ''}`,
    listLine: (position: number, reference: number, head: string, item: string, points: number) => `${position}）${reference} ${head}家 ${item}+${points}`,
    listPage: (total: number, page: number, pages: number, lines: string[]) =>
      `待审 ${total} 条${pages > 1 ? `（${page}/${pages}）` : ''}：${lines.join('；')}`,
  },
  /** Publicity (公示) of approved claims before they post, and objections (异议). */
  publicity: {
    approved: (reference: number, days: number) => `已同意 ${reference}，公示${days}天无异议后入账`,
    started: (item: string, days: number) => `您申报的「${item}」已通过审核，公示${days}天无异议后入账`,
    howToObject: () => '提出异议请写明编号和原因，如「异议 1234 原因」',
    notInPublicity: (reference: number) => `没有正在公示的申报 ${reference}，请核对编号`,
    objectionTaken: (reference: number) => `已收到您对 ${reference} 的异议，将由村干部重新审核`,
    toClaimant: (item: string) => `您申报的「${item}」在公示期有人提出异议，将由村干部重新审核`,
    /** The printable list for the notice board (HTML and PDF). */
    sheet: {
      title: (village: string) => `${village}积分公示`,
      period: (from: string, to: string) => `公示期间：${from} 至 ${to}`,
      columns: ['编号', '户号', '户主', '项目', '积分', '审核通过日期', '异议截止日期'],
      howToObject: (days: number, number?: string) =>
        `以上积分审核通过后公示${days}天。如有异议，请在异议截止日期前发短信「异议 编号 原因」${number ? `到 ${number}` : ''}，或向村委会当面反映。`,
      empty: '本期没有公示的积分',
    },
  },
  /** Appeals against deductions (申诉), reversed redemptions and expiring points. */
  appeal: {
    whichOne: () => '请写明扣分编号，如「申诉 1234 原因」；编号在扣分短信里',
    unknownReference: (reference: number) => `没有您家的扣分 ${reference}，请核对扣分短信里的编号`,
    filed: (reference: number) => `已收到您对扣分 ${reference} 的申诉，村干部核实后答复您`,
    alreadyFiled: (reference: number) => `扣分 ${reference} 已在申诉中，请等村干部答复`,
    alreadyDecided: (reference: number) => `扣分 ${reference} 已处理过，不能再申诉，请联系村干部`,
    toApprover: (village: string, reference: number, household: string, head: string, item: string, taken: number, reason: string) =>
      `【${village}积分】申诉 ${reference}：${household} ${head}家 对扣分「${item} -${taken}分」申诉：${reason}。回复「维持 ${reference}」「撤销 ${reference}」或「改 ${reference} 项目或分数」`,
    whichDeduction: () => '请写明扣分编号，如「维持 1234」「撤销 1234」「改 1234 N02」「改 1234 1分」',
    unknownDeduction: (reference: number) => `没有扣分 ${reference}，请核对编号`,
    notDecidable: (reference: number, state: string) => `扣分 ${reference} ${state === 'recorded' ? '没有申诉，无需维持' : '已处理过了'}`,
    ownHousehold: (reference: number) => `扣分 ${reference} 是您自家的，须由其他村干部处理`,
    decided: (reference: number, outcome: string, balance: number) => `扣分 ${reference} 已${outcome}，该户余额 ${balance}分`,
    toHousehold: (reference: number, outcome: string, balance: number) => `您家扣分 ${reference} 经村干部核实：${outcome}。当前余额 ${balance}分`,
    outcomes: { upheld: '维持原扣分', revoked: '撤销，分数已退回' } as Record<string, string>,
    changedTo: (item: string, taken: number) => `改为「${item}」-${taken}分`,
  },
  reversal: {
    notAllowed: () => '您没有撤销兑换的权限，请联系积分超市管理员',
    whichOne: () => '请写明兑换号，如「撤销兑换 12」；兑换号在兑换回执里',
    unknown: (id: number) => `没有兑换号 ${id}，请核对`,
    done: (id: number, household: string, points: number, balance: number) => `已撤销兑换 ${id}，退回 ${household} ${points}分，余额 ${balance}分，库存已恢复`,
    toHousehold: (id: number, points: number, balance: number) => `您家的兑换 ${id} 已撤销，退回 ${points}分，当前余额 ${balance}分`,
  },
  /** Check-in codes (签到码) for meetings and work days: opening them is the approval. */
  checkin: {
    notAllowed: () => '开启签到即审核积分，须有审核权限的村干部开启',
    whichItem: () => '请写明签到的项目编号或名称，如「签到 P03」；可加时长，如「签到 P03 2小时」',
    opened: (item: string, points: number, code: string, until: string) =>
      `已开启签到：${item} +${points}分，签到码 ${code}，${until}截止。村民发「${code}」即可签到；提前结束请发「结束签到 ${code}」`,
    whichCode: () => '请写明签到码，如「结束签到 1234」',
    unknownEvent: (code: string) => `没有正在进行的签到 ${code}，请核对签到码`,
    attended: (item: string, points: number, reference: number) => `签到成功：${item} +${points}分（编号${reference}），村干部开启签到即已审核`,
    already: (code: string) => `您家已签到过 ${code}，每户只计一次`,
    closed: (code: string, at: string) => `签到 ${code} 已于${at}结束，不能再签到`,
    capReached: (item: string, cap: number, period: string) => `「${item}」${period}最多计${cap}次，您家已满，本次签到不计分`,
    otherHousehold: () => '签到只能为自家签到，请其他户用自己登记的手机发送签到码',
    suspect: (code: string, sender: string, count: number) => `签到 ${code}：号码 ${sender} 试图为 ${count} 户其他人家签到，已拒绝，请留意`,
    report: (code: string, item: string, count: number, households: string[]) =>
      `签到 ${code} 已结束：${item}，共 ${count} 户${households.length > 0 ? `：${households.join('、')}` : ''}`,
    reportPage: (code: string, item: string, count: number, page: number, pages: number, households: string[]) =>
      `签到 ${code} 已结束（${page}/${pages}）：${item}，共 ${count} 户：${households.join('、')}`,
    /** The QR poster for the notice board or the meeting room. */
    poster: {
      title: (village: string) => `${village}签到`,
      item: (item: string, points: number) => `${item}（+${points}分）`,
      code: (code: string) => `签到码 ${code}`,
      howTo: (code: string, number?: string) => `用登记的手机${number ? `发短信到 ${number}` : '发短信'}，内容「${code}」，或扫码发送`,
      until: (until: string) => `${until}截止，每户一次`,
    },
  },
  /** Announcements to every household (村务通知): previewed, then confirmed. */
  announcement: {
    notAllowed: () => '您没有发村务通知的权限，请联系综合专干',
    empty: () => '请写明通知内容，如「通知 明天上午9点在村委会开院坝会」',
    refused: (phrase: string) => `通知里有短信平台不允许的词「${phrase}」，请换个说法再发`,
    /** The text each household gets. */
    toHousehold: (village: string, text: string) => `【${village}】${text}`,
    preview: (households: number, channels: string, segments: number, total: number, code: string) =>
      `将通知 ${households} 户（${channels}），短信每条${segments}段，共约${total}段。确认发送请回复「确认 ${code}」，30分钟内有效`,
    channel: (channel: string, count: number) => `${({ sms: '短信', wechat: '微信', qq: 'QQ' } as Record<string, string>)[channel] ?? channel}${count}户`,
    noChannel: '无可发送的户',
    unknownCode: (code: string) => `没有待确认的通知 ${code}，请核对或重新发「通知 内容」`,
    confirmed: (households: number) => `已确认，正在通知 ${households} 户，发完后告诉您结果`,
    alreadyConfirmed: (code: string) => `通知 ${code} 已确认过，正在发送或已发完`,
    report: (sent: number, failed: number, optedOut: number, unreachable: number) =>
      `村务通知已发完：送出 ${sent} 户，失败 ${failed} 户，退订 ${optedOut} 户，无联系方式 ${unreachable} 户`,
  },
  expiry: {
    warning: (points: number, date: string) => `您家有 ${points}分积分将于${date}到期作废，请在此前到村积分超市兑换`,
  },
  weekly: {
    /** The SMS form: one 70-character segment. */
    sms: (village: string, household: string, earned: number, redeemed: number, balance: number, lifetime: number, rank: number, expired = 0) =>
      `【${village}积分】${household}本周${earned >= 0 ? '+' : ''}${earned}分${spentText(redeemed)}${expired > 0 ? ` 到期${expired}分` : ''}，余额${balance}分，累计${lifetime}分，全村第${rank}名`,
    /** The richer WeChat form, one line each. */
    wechat: (village: string, week: string, household: string, head: string, items: string[], deducted: number, redeemed: number, balance: number, lifetime: number, rank: number, expired = 0) => [
      `【${village}积分周报】${week}`,
      `${household}（${head}家）`,
      `本周获得：${items.length > 0 ? items.join('、') : '无'}`,
      ...(deducted > 0 ? [`本周扣分：${deducted}分`] : []),
      redeemed >= 0 ? `本周兑换：${redeemed}分` : `本周退回兑换：${-redeemed}分`,
      ...(expired > 0 ? [`本周到期：${expired}分`] : []),
      `当前余额：${balance}分`,
      `累计获得：${lifetime}分，全村第${rank}名`,
    ].join('\n'),
    item: (name: string, points: number) => `${name}+${points}分`,
    cadreSummary: (village: string, approved: number, rejected: number, waiting: number, issued: number, redeemed: number, lowStock: string) =>
      `【${village}周报】通过${approved} 驳回${rejected} 待审${waiting}；发放${issued}分 兑换${redeemed}分${lowStock ? `；库存不足：${lowStock}` : ''}`,
    lowStockItem: (name: string, stock: number) => `${name}${stock}`,
    more: (count: number) => `等${count}种`,
  },
  /** The village office's web console (/console): its sign-in code and what it tells the person at the screen. */
  console: {
    code: (code: string, minutes: number) => `积分管理后台登录验证码：${code}，${minutes}分钟内有效。不是您本人操作请忽略`,
    codeSent: (masked: string) => `如果 ${masked} 已在村里或镇里登记，验证码已发出，请填写收到的6位验证码`,
    notPhone: () => '请填写11位手机号码',
    tooMany: () => '验证码请求太频繁，请过一小时再试',
    wrongCode: (left: number) => `验证码不对，还可以再试${left}次`,
    codeExpired: () => '验证码已失效或试错次数用完，请重新获取',
    signedOut: () => '已退出登录',
    notApprover: () => '您没有审核权限（can_approve）',
    notRedeemer: () => '您没有登记兑换的权限（can_redeem）',
    decided: (approved: number, firstApprovals: number, refused: number) =>
      `已处理：同意 ${approved} 条${firstApprovals > 0 ? `，${firstApprovals} 条已记下您的同意、还须另一位村干部同意` : ''}${refused > 0 ? `；${refused} 条未处理（已由他人审核或不在您的待审中）` : ''}`,
    rejectedCount: (count: number) => `已驳回 ${count} 条，已告知村民`,
    needReason: () => '驳回须写明原因',
    nothingPicked: () => '请先选择要兑换的商品和数量',
    formReused: () => '这张兑换单已提交过别的商品，未登记。请刷新页面重新选择',
    redeemed: (id: number, points: number, balance: number) => `兑换成功，兑换号 ${id}，扣 ${points}分，余额 ${balance}分`,
    reversed: (id: number, points: number, balance: number) => `已撤销兑换 ${id}，退回 ${points}分，余额 ${balance}分`,
    restocked: (name: string, stock: number) => `${name} 库存已更新为 ${stock}`,
    /** What a ledger transaction was, in the ledger's export. */
    ledgerKinds: { award: '获得积分', deduction: '扣分', redemption: '超市兑换', reversal: '撤销', expiry: '到期' } as Record<string, string>,
    /** The message log's channels and delivery statuses. */
    messageNames: {
      channels: { sms: '短信', wechat: '微信', qq: 'QQ', voice: '电话', cli: '命令行', console: '后台' } as Record<string, string>,
      statuses: {
        pending: '待发送', sent: '已发送', delivered: '已送达', failed: '发送失败', dry_run: '未发送（演示）', opted_out: '已退订，未发',
        processed: '已处理', waiting: '待处理',
      } as Record<string, string>,
    },
    deductionStates: { recorded: '已扣分', appealed: '申诉中', upheld: '已维持', changed: '已改', revoked: '已撤销' } as Record<string, string>,
    changeNeeds: () => '改扣分须选择负面清单的项目，或填写分数',
    starPeriods: { year: '本年度', month: '本月', all: '累计' } as Record<string, string>,
    unknownCard: () => '这张积分卡已作废或不是本村的卡，请按户号查找',
    noHousehold: (code: string) => `本村没有农户 ${code}`,
    badPeriod: () => '日期不对：请填写 年-月-日，开始日期不晚于结束日期',
    noVillage: (code: string) => `没有村 ${code}，或您无权查看`,
  },
  /** The roster (花名册) imported from Excel in the console: what is wrong with a row. */
  roster: {
    notWorkbook: () => '读不出这个文件，请用下载的模板（.xlsx）填写',
    unknownColumn: (name: string) => `不认识的列「${name}」，请用模板里的列名`,
    missingColumn: (name: string) => `缺少「${name}」列`,
    missingCode: () => '缺少户号',
    missingHead: () => '缺少户主',
    missingName: () => '缺少成员姓名',
    badPhone: (phone: string) => `手机号「${phone}」不是11位手机号码`,
    duplicatePhone: (phone: string, row: number) => `手机号 ${phone} 与第 ${row} 行重复`,
    phoneTaken: (phone: string, code: string) => `手机号 ${phone} 已登记在农户 ${code}`,
    otherVillage: (code: string) => `户号 ${code} 已属于别的村`,
    checked: (households: number, members: number) => `检查通过：${households} 户、${members} 人，尚未写入。确认无误后点「导入」`,
    imported: (households: number, members: number) => `已导入 ${households} 户、${members} 人（再次导入同一文件不会重复）`,
    hasProblems: (count: number) => `有 ${count} 处问题，未写入任何数据。请改好后重新上传`,
  },
  /** Personal data (PIPL): the default purpose members consent to, and what stands where data was erased. */
  privacy: {
    purpose: () => '村民积分制：申报、审核、公示积分，通知积分余额，积分超市兑换',
    /** A forgotten member's name; the id keeps it unique within the household. */
    forgottenName: (memberId: number) => `已删除${memberId}`,
    forgottenHead: () => '已删除',
  },
};
