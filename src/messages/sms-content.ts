/**
 * Phrases mainland SMS providers refuse in a template or a message: points redemption reads as a
 * marketing or lottery text to them. Every default SMS text and every announcement stays clear of them.
 */
export const REFUSED_SMS_PHRASES = ['积分兑换', '积分领取', '积分清零'] as const;

/** The first refused phrase in a text, if any (spaces between its characters do not hide it). */
export function refusedPhraseIn(text: string): string | undefined {
  const squeezed = text.replace(/\s+/g, '');
  return REFUSED_SMS_PHRASES.find((phrase) => squeezed.includes(phrase));
}
