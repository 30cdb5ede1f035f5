import { parseKindMap } from '../kind-map.ts';
import { PermanentSendError, type OutboundRequest } from '../types.ts';
import type { TemplateMessage } from './client.ts';

/**
 * A template message (模板消息) for one jifen message kind: the account's template and what each
 * of its keys shows. A value is text in which `{name}` stands for the message's value `name`,
 * e.g. `{ "thing1": "{household}", "number2": "{balance}", "first": "本周积分" }`.
 */
export interface WechatTemplate {
  templateId: string;
  fields: Record<string, string>;
  /** Opened when the villager taps the message; `{name}` placeholders as in fields. */
  url?: string;
}

const PLACEHOLDER = /\{(\w+)\}/g;

const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** One entry of WECHAT_OFFICIAL_TEMPLATES. */
function template(kind: string, value: unknown): WechatTemplate {
  const entry = value as { templateId?: unknown; fields?: unknown; url?: unknown } | null;
  const shape = `WECHAT_OFFICIAL_TEMPLATES: "${kind}" must be { "templateId": "…", "fields": { "thing1": "{household}", … } }`;
  if (!entry || typeof entry !== 'object' || Array.isArray(entry) || !isText(entry.templateId)) throw new Error(shape);
  const fields = entry.fields;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields) || Object.keys(fields).length === 0
    || !Object.values(fields).every((text) => typeof text === 'string')) throw new Error(shape);
  if (entry.url !== undefined && !isText(entry.url)) throw new Error(`WECHAT_OFFICIAL_TEMPLATES: "${kind}".url must be a URL`);
  return { templateId: entry.templateId.trim(), fields: fields as Record<string, string>, url: entry.url?.trim() };
}

/** WECHAT_OFFICIAL_TEMPLATES: a JSON object from message kind to template; unset, every message goes as customer-service text. */
export function parseWechatTemplates(raw: string | undefined): Record<string, WechatTemplate> {
  return parseKindMap('WECHAT_OFFICIAL_TEMPLATES', raw, '{ "weekly_balance": { "templateId": "…", "fields": { "thing1": "{household}" } } }', template);
}

/** The configured template of the message's kind, if it has one. */
export function templateOf(templates: Record<string, WechatTemplate>, message: OutboundRequest): WechatTemplate | undefined {
  const kind = message.kind;
  return kind !== undefined && Object.hasOwn(templates, kind) ? templates[kind] : undefined;
}

/**
 * The template filled with the message's values. A value the message lacks is refused here, as
 * WeChat would send an empty key: the message goes to its fallback (SMS) with its whole text.
 */
export function fillWechatTemplate(chosen: WechatTemplate, message: OutboundRequest): TemplateMessage {
  const params = message.params ?? {};
  const fill = (text: string, encode: (value: string) => string = (value) => value) => text.replace(PLACEHOLDER, (placeholder, name: string) => {
    const value = params[name];
    if (typeof value !== 'string') throw new PermanentSendError(`WeChat template ${chosen.templateId} of kind "${message.kind}" needs ${placeholder}`);
    return encode(value);
  });
  const data = Object.fromEntries(Object.entries(chosen.fields).map(([key, text]) => [key, { value: fill(text) }]));
  // In the link a value is a path or query part: 王兰英家 → %E7%8E%8B….
  return { touser: message.to, templateId: chosen.templateId, data, url: chosen.url === undefined ? undefined : fill(chosen.url, encodeURIComponent) };
}
