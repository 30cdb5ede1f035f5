import { PermanentSendError, type OutboundRequest } from '../types.ts';
import type { AliyunTemplate } from './settings.ts';

/** An outbound SMS as jifen asks for it, plus what picks and fills an Aliyun template. */
export type AliyunOutboundRequest = OutboundRequest & {
  /** The jifen message kind ('receipt', 'review_request' …): its template, else the default one. */
  kind?: string;
  /** The template's variables by name; without them the text fills the template's single variable. */
  params?: Record<string, string>;
};

/** The template to send and the values of its variables (TemplateParam). */
export interface FilledTemplate {
  code: string;
  param: Record<string, string>;
}

export interface TemplateRegistry {
  templates: Record<string, AliyunTemplate>;
  defaultTemplate?: AliyunTemplate;
}

/**
 * Picks the approved template for a message and fills it. Whatever cannot be filled is refused
 * here, as Aliyun would refuse it (isv.TEMPLATE_MISSING_PARAMETERS), without spending a call.
 */
export function fillTemplate(registry: TemplateRegistry, message: AliyunOutboundRequest): FilledTemplate {
  const kind = message.kind;
  const own = kind !== undefined && Object.hasOwn(registry.templates, kind) ? registry.templates[kind] : undefined;
  const chosen = own ?? registry.defaultTemplate;
  const label = own ? `template ${own.code} of kind "${kind}"` : `the default template ${chosen?.code}`;
  if (!chosen) {
    throw new PermanentSendError(`no approved Aliyun template for ${kind === undefined ? 'this message' : `kind "${kind}"`}: add it to ALIYUN_SMS_TEMPLATES or set ALIYUN_SMS_TEMPLATE_CODE`);
  }
  // A kind's own template is filled from the message's values; the default one carries the whole text.
  if (own && message.params) {
    const missing = chosen.params.filter((name) => typeof message.params![name] !== 'string');
    if (missing.length > 0) throw new PermanentSendError(`${label} needs ${missing.map((name) => `\${${name}}`).join(', ')}`);
    return { code: chosen.code, param: Object.fromEntries(chosen.params.map((name) => [name, message.params![name]!])) };
  }
  if (chosen.params.length > 1) {
    throw new PermanentSendError(`${label} has ${chosen.params.length} variables (${chosen.params.join(', ')}): the message must give params`);
  }
  // A template without variables is fixed text: it is sent as approved, whatever the message says.
  return { code: chosen.code, param: chosen.params.length === 1 ? { [chosen.params[0]!]: message.text } : {} };
}
