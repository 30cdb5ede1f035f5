/** GSM 03.38: the basic set takes one 7-bit unit, the extension set (escaped) two. */
const GSM_BASIC = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà');
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
}

/**
 * How many SMS segments a text takes, which is what it costs: GSM-7 holds 160 characters (153
 * per part when concatenated); any Chinese character makes it UCS-2, 70 (67 per part), where a
 * character outside the BMP (an emoji) takes two units.
 */
export function smsSize(text: string): SmsSize {
  let gsmUnits = 0;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) gsmUnits += 1;
    else if (GSM_EXTENSION.has(ch)) gsmUnits += 2;
    else return { encoding: 'UCS-2', segments: text.length <= 70 ? 1 : Math.ceil(text.length / 67) };
  }
  return { encoding: 'GSM-7', segments: gsmUnits <= 160 ? 1 : Math.ceil(gsmUnits / 153) };
}
