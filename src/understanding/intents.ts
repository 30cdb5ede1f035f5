/** What a villager may ask for besides a claim; each pattern runs on cleaned (half-width, lower-case) text. */
export const VILLAGER_COMMANDS = {
  optout: /^(?:td|t|tdtd|退订|退定|stop|unsubscribe|n)[!！。.]*$|退订|退出|拉黑|不订了|不订阅|不参与|号码删|(?:不要|别|莫|不用|不准)(?:再|天天|老是|总是)?(?:给我)?(?:发|打电话)|(?:莫|别|不要)发了|不想收|不再接收|打扰|(?:短信|信息|消息)[^，。,.]{0,4}不(?:想要|要|看)|不(?:想|要)要?(?:这些|这种|这个|你们的)?(?:信息|短信|消息|通知)|不(?:参加|参与|搞|要)(?:这个|你们的|你们这个)?积分|拒收|取消.{0,4}(?:订阅|短信|通知|推送|提醒)/,
  optin: /^(?:订阅|start|恢复订阅|重新订阅|恢复发送|unstop|恢复短信)[!！。.]*$/,
  cancel: /取消|撤回|撤销|作废|发错|报错了|弄错|搞错|写错|说错|删掉|删了|删除|消掉|发重|重复发|重发了|重复了|删一[条个]|(?:申请|申报|那条|那个|刚才|刚刚|上一条).{0,8}(?:去掉|拿掉)|不报了|不申报了|不作数|不算数|莫审|别审|不要审|不要了.{0,6}(?:刚才|刚刚|那条|那个)|^撤[了掉]?[!！。.哈]*$|(?:那条|那个|刚才|刚刚|上一条|上条|前面那条).{0,8}(?:不要了|不算|莫算|撤|删)/,
  redeem: /兑换|兑奖|(?:想|要|能|我)兑|够换|换么子|换啥|(?:能|可以|可|拿|用|咋个|怎么|哪里|去哪|要|想|我)(?:积分)?.{0,3}换|^换|换(?:什么|啥|哪些|点|东西|得到|不换|些)|积分超市|超市.{0,8}(?:什么|啥|哪些|东西|开|关|在哪|几点|有没有|有没得|时间)|(?:用|拿)积分.{0,4}(?:抵|买)|积分.{0,4}(?:抵|买)/,
  balance: /余额|我的分数|我家分数|总分|(?:多少|几|好多)(?:个)?分[了吗呢啊嘛]*[?？]?$|(?:查|问|看|有|剩|还有|现在|一共|总共|目前|攒了|存了|积了|挣了|得了).{0,8}(?:多少|几|好多)(?:个|积)?分|(?:积分|分数).{0,6}(?:多少|几|情况|查|怎么样|够不够|好多|有没有)|(?:查|看|问).{0,6}分|(?:查|看|问)[^，。,.]{0,10}(?:积分|分数)|(?:积分|分数|的分)[^，。,.]{0,8}查|(?:积分|分数)[^，。,.]{0,3}(?:出来|下来)|(?:积分|分数|的分)[^，。,.]{0,3}(?:变化|变了|涨了|多了|少了)|(?:告诉|说下|发下|报下|发给)[^，。,.]{0,6}(?:积分|分数)|分.{0,4}(?:加|到|记|入).{0,3}(?:没|了吗|了没|没有|没得|不|上没)|^(?:积分|分数|查分|我的积分|我家积分|jf|cx)[?？吗呢]*$/,
  help: /^(?:帮助|help|菜单|说明|[?？]+|怎么用|咋用|h|bz)$|(?:怎么|咋个|咋样|怎样)(?:申报|报|弄|用|操作|加分|得分|挣|赚|算分|拿分)|不会(?:弄|用|搞|报|操作)|教(?:一下|一哈|我)|如何|(?:有|是)?哪些(?:项目|可以|能|事)|哪几项|几项|什么(?:项目|可以报|能报|能加分|可以加分|事)|是什么|是啥|(?:搞|干|做)(?:什么|啥)的|(?:写|填|带|交)些?(?:什么|啥)|能干啥|干什么用|清单|项目|规则|才算数?|发(?:什么|啥|个).{0,6}(?:算|可以|行)|(?:几|多少)(?:回|次)|(?:要|需要).{0,4}(?:照片|拍照|证明)|(?:能|可以|可不可以|能不能|算不算|会不会|给不给|加不加|得不得).{0,6}(?:分|报|申报)|有.{0,2}(?:积分|分)(?:吗|不|没|没有)/,
} satisfies Record<string, RegExp>;

export type VillagerCommand = keyof typeof VILLAGER_COMMANDS;

/** The first command whose pattern the text fits, in this order (退订 before 取消, 取消 before anything). */
export function villagerCommand(text: string, order: readonly VillagerCommand[]): VillagerCommand | undefined {
  return order.find((command) => VILLAGER_COMMANDS[command].test(text));
}

/** Asking whether points arrived ("分加起了没得"): a balance question even when it names the item. */
export const POINTS_ARRIVED = /分.{0,4}(?:加|到|记|入).{0,3}(?:没|了吗|了没|没有|没得|不|上没)|积分.{0,4}(?:几|多少|好多)/;

/** Words of a claim told as done (了, 过, 完): "扫了院坝" is a claim, "扫院坝能加分吗" a question. */
export const DONE = /(?<!不)了|过|完|好[了啦]|今天|昨天|前天|上周|这周|刚才|刚刚|已经|去年|上个月|这个月|早上|上午|下午|晚上/;

/** Not a claim even if it names an item: asking about deductions or whether or where something happens, a carrier's notice. */
export const NOT_A_CLAIM = /开不开|搞不搞|有没有开|扣分|扣不扣|罚款|罚不罚|(?:去|在|到)哪里|在哪儿|话费|流量|^【(?:中国)?(?:移动|联通|电信)/;

/** A plan or a question about when, unless the message also tells of something done. */
export const NOT_YET = /打算|准备去|明天|下周|下个礼拜|下个星期|下个月|过几天|(?:好久|什么时候|啥时候|几时|哪天|几号|几点)(?:开|搞|来|去|办|有|发)/;

/** A forwarded notice ("转：…请互相转告") is not the sender's claim, whatever it names. */
export const FORWARDED = /^转(?:发)?[:：]|转告/;

/**
 * Nothing to do with points, when no item was found: phone-call filler, complaints about others,
 * other village business (低保, 补贴, 停电), forwarded notices, phone numbers, questions about deductions.
 */
export const OTHER_BUSINESS = /^喂|听得到|测试|挂了|祝.{0,6}(?:健康|快乐|顺利)|谢谢|(?:你们|村上|村里)?管(?:不管|一下|哈)|哪个管|低保|补贴|救济|停电|停水|通知|转发|电话号码|号码换|\d{5,}|被扣|扣了|会扣|扣不扣|来得及|啥子时候|什么时候|几时/;

/** Small talk that needs no more than a friendly answer: greetings, thanks, acknowledgements. */
export const SMALL_TALK = /^(?:你好|您好|在吗|在不|在没|早|早上好|晚上好|下午好|中午好|谢谢|感谢|多谢|辛苦了?|好的?|好嘞|好滴|嗯+|哦+|噢|ok|收到|知道了|晓得了|明白|行|可以|要得|拜拜|再见|晚安|哈+|呵+|喂+|1|\d{1,2})[\s啊呀哈嘛哦了的呢!！。.~，,]*$|天气|下雨|吃饭|吃了没|新年快乐|过年好|节日快乐/;

/** 申诉 1234 原因: a household appeals a deduction by its reference. */
export const APPEAL = /^(?:我要|我家)?(?:申诉|申述|上诉|复议)\s*(?:编?号)?\s*(\d{4})?(?!\d)[\s:：,，。]*(.*)$/;
