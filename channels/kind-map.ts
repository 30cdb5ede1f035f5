/**
 * A JSON object from jifen message kind to a provider's template, read from the environment
 * variable `name` (ALIYUN_SMS_TEMPLATES, WECHAT_OFFICIAL_TEMPLATES): each entry checked by `entry`;
 * unset, no kind has one. `example` shows the shape when the value is not JSON.
 */
export function parseKindMap<T>(name: string, raw: string | undefined, example: string, entry: (kind: string, value: unknown) => T): Record<string, T> {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${name} must be JSON: ${example}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${name} must be a JSON object from message kind to template`);
  }
  return Object.fromEntries(Object.entries(parsed).map(([kind, value]) => [kind, entry(kind, value)]));
}
