/** "异议 1234 原因", "有异议 1234：他没去": an objection to a claim in publicity (公示), by anyone of the village. */
const OBJECTION = /^(?:我)?(?:有|提|提出|要提)?异议[\s:：,，]*(?:编号|申报)?[\s:：]*(\d{4})?(?!\d)[\s:：,，。]*(.*)$/;

export interface Objection {
  reference?: number;
  reason?: string;
}

export function objectionIn(text: string): Objection | undefined {
  const match = OBJECTION.exec(text.trim());
  if (!match) return undefined;
  return { reference: match[1] ? Number(match[1]) : undefined, reason: match[2]?.replace(/^(?:原因|理由)[:：]?/, '').trim() || undefined };
}
