/** Every text a villager or cadre reads, in one place (zh-CN). Routine texts fit one 70-character SMS segment. */

export const templates = {
  claimReceived: (item: string, points: number, reference: number) =>
    `已收到：${item} +${points}分，编号${reference}，待村干部审核`,
  reviewRequest: (village: string, reference: number, household: string, head: string, item: string, points: number) =>
    `【${village}积分】待审 ${reference}：${household} ${head}家 申报 ${item} +${points}分。回复「同意 ${reference}」或「驳回 ${reference} 原因」`,
  posted: (points: number, balance: number) => `已入账 +${points}分，当前余额 ${balance}分`,
  rejected: (item: string, reason: string) => `您申报的「${item}」未通过审核：${reason}`,
  capReached: (item: string, cap: number, period: string) =>
    `「${item}」${period}最多申报${cap}次，您家已申报过，本次不计分`,
  inactiveRule: (item: string) => `「${item}」已不在本村积分清单上，本次不计分`,
  balance: (household: string, balance: number, lifetime: number) =>
    `${household} 当前积分余额 ${balance}分，累计获得 ${lifetime}分`,
  notUnderstood: () => '没看懂您申报的项目。请发项目名称或编号，如「庭院卫生」或「5」；发「查积分」看余额',
  empty: () => '请用文字说明您做了哪项，如「庭院卫生」或项目编号「5」',
  tooLong: () => '消息太长了，请用一两句话说明做了哪项，如「今天打扫了院坝」',
  unregistered: () => '您的号码未登记，请联系村综合专干',
  decision: {
    approved: (reference: number) => `已同意 ${reference}，积分将入账`,
    rejected: (reference: number) => `已驳回 ${reference}，已告知村民`,
    unknownReference: (reference: number) => `没有待审的申报 ${reference}，请核对编号`,
    ownHousehold: (reference: number) => `申报 ${reference} 是您自家的，须由其他村干部审核`,
    notApprover: () => '您没有审核权限，请联系综合专干',
    nothingWaiting: () => '目前没有待您审核的申报',
    whichOne: (count: number) => `您有${count}条待审申报，请回复「同意 编号」或「驳回 编号 原因」`,
    alreadyDecided: (reference: number) => `申报 ${reference} 已处理过了`,
    help: () => '审核请回复「同意 编号」或「驳回 编号 原因」；只有一条待审时可回复 1 同意、2 驳回',
  },
  noReason: '未说明原因',
  periods: { week: '每周', month: '每月', year: '每年', term: '每学期' } as Record<string, string>,
};
