import { optional, type Env } from '../../src/env.ts';
import { parseKindMap } from '../kind-map.ts';

/**
 * An approved SMS template (短信模板): mainland carriers deliver nothing else. `params` are the
 * names of its variables (`${content}` → 'content'), in the order they appear.
 */
export interface AliyunTemplate {
  /** TemplateCode from the console, e.g. SMS_123456789. */
  code: string;
  params: string[];
}

/** What the Aliyun SMS adapter needs; every field is optional so a deployment can run without Aliyun. */
export interface AliyunSmsSettings {
  /** AccessKey of a RAM user with AliyunDysmsFullAccess (or SendSms only). Without both, sending is a dry run. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** The approved signature (短信签名), e.g. 放牛坪村委会; required once the AccessKey is set. */
  signName?: string;
  /** A template per jifen message kind ('receipt', 'review_request' …). */
  templates: Record<string, AliyunTemplate>;
  /** For every other kind: a template with one variable, which carries the whole text. */
  defaultTemplate?: AliyunTemplate;
  /** Shared token Aliyun's HTTP push must carry (`?token=` in the configured URL): Aliyun signs nothing. Unset: every push is refused. */
  pushToken?: string;
  /** dysmsapi.aliyuncs.com unless set; tests point it at a local endpoint (`http://127.0.0.1:9999`). */
  endpoint?: string;
  /** Connect and read timeout of one API call, in milliseconds (Aliyun advises at least 1 s). */
  timeoutMs?: number;
}

const isName = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** One entry of ALIYUN_SMS_TEMPLATES: `{ "code": "SMS_123", "params": ["content"] }`. */
function template(kind: string, value: unknown): AliyunTemplate {
  const entry = value as { code?: unknown; params?: unknown } | null;
  if (!entry || typeof entry !== 'object' || Array.isArray(entry) || !isName(entry.code)) {
    throw new Error(`ALIYUN_SMS_TEMPLATES: "${kind}" must be { "code": "SMS_…", "params": [ … ] }`);
  }
  const params = entry.params ?? [];
  if (!Array.isArray(params) || !params.every(isName) || new Set(params).size !== params.length) {
    throw new Error(`ALIYUN_SMS_TEMPLATES: "${kind}".params must be a list of distinct variable names`);
  }
  return { code: entry.code.trim(), params: params.map((param) => param.trim()) };
}

/** ALIYUN_SMS_TEMPLATES: a JSON object from message kind to template. */
export function parseTemplates(raw: string | undefined): Record<string, AliyunTemplate> {
  return parseKindMap('ALIYUN_SMS_TEMPLATES', raw, '{ "receipt": { "code": "SMS_123", "params": ["name", "points"] } }', template);
}

/**
 * ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET, ALIYUN_SMS_SIGN_NAME, ALIYUN_SMS_TEMPLATES,
 * ALIYUN_SMS_TEMPLATE_CODE (the default template) with ALIYUN_SMS_TEMPLATE_PARAM (its variable,
 * `content` unless set), ALIYUN_SMS_PUSH_TOKEN, ALIYUN_SMS_ENDPOINT; blank counts as unset.
 */
export function aliyunSmsSettings(env: Env = process.env): AliyunSmsSettings {
  const defaultCode = optional(env, 'ALIYUN_SMS_TEMPLATE_CODE');
  return {
    accessKeyId: optional(env, 'ALIYUN_SMS_ACCESS_KEY_ID'),
    accessKeySecret: optional(env, 'ALIYUN_SMS_ACCESS_KEY_SECRET'),
    signName: optional(env, 'ALIYUN_SMS_SIGN_NAME'),
    templates: parseTemplates(optional(env, 'ALIYUN_SMS_TEMPLATES')),
    defaultTemplate: defaultCode ? { code: defaultCode, params: [optional(env, 'ALIYUN_SMS_TEMPLATE_PARAM') ?? 'content'] } : undefined,
    pushToken: optional(env, 'ALIYUN_SMS_PUSH_TOKEN'),
    endpoint: optional(env, 'ALIYUN_SMS_ENDPOINT'),
  };
}
