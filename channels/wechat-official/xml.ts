import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** The payload is not a WeChat message we can read: answered 400. */
export class PayloadError extends Error {}

/** The children of a message's <xml> root: strings, or objects for the few nested event fields. */
export type WechatFields = Record<string, unknown>;

// parseTagValue off: MsgId is a 64-bit integer and would lose digits as a JS number.
// trimValues off: a villager's text is kept exactly as sent (the whitespace between tags lands in '#text', dropped below).
const parser = new XMLParser({ parseTagValue: false, trimValues: false, ignoreDeclaration: true, ignorePiTags: true });

/** PostgreSQL text and jsonb cannot hold NUL. */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withoutNul(inner)]));
  return value;
}

/** One WeChat XML document (a message, or a safe-mode envelope) → the fields of its <xml> root. */
export function parseWechatXml(body: string | undefined): WechatFields {
  if (!body?.trim()) throw new PayloadError('empty body: expected a WeChat XML message');
  // WeChat never sends a DOCTYPE; refusing it rules out entity tricks.
  if (/<!DOCTYPE/i.test(body)) throw new PayloadError('malformed XML: a DOCTYPE is not accepted');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new PayloadError(`malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const root: unknown = parser.parse(body).xml;
  if (!root || typeof root !== 'object' || Array.isArray(root)) throw new PayloadError('not a WeChat message: expected an <xml> root with elements');
  const fields = Object.entries(root).filter(([key]) => !key.startsWith('#'));
  return withoutNul(Object.fromEntries(fields)) as WechatFields;
}

/** A field's text, or undefined when it is absent, repeated or nested. */
export function field(fields: WechatFields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}
