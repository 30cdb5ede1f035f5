import type DysmsapiModule from '@alicloud/dysmsapi20170525';
import { loadOnce } from '../../src/load-once.ts';
import { PermanentSendError, type DeliveryStatus } from '../types.ts';
import type { FilledTemplate } from './templates.ts';

/** The official SDK (~0.5 s to load), loaded when a message is first sent: a deployment without Aliyun never loads it. */
const aliyunSdk = loadOnce(async () => {
  const [sms, { $OpenApiUtil }] = await Promise.all([import('@alicloud/dysmsapi20170525'), import('@alicloud/openapi-core')]);
  // CommonJS with `exports.default`: under an ESM loader the default import may be the whole module.
  const Dysmsapi: typeof DysmsapiModule = (sms.default as unknown as { default?: typeof DysmsapiModule }).default ?? sms.default;
  return { Dysmsapi, Config: $OpenApiUtil.Config, SendSmsRequest: sms.SendSmsRequest, QuerySendDetailsRequest: sms.QuerySendDetailsRequest };
});

export const ALIYUN_SMS_ENDPOINT = 'dysmsapi.aliyuncs.com';
const TIMEOUT_MS = 10_000;

/**
 * Codes about the message itself (number, content, template, signature): sending it again cannot
 * help. Everything else (isv.BUSINESS_LIMIT_CONTROL, Throttling.*, isp.SYSTEM_ERROR, an empty
 * balance, a day limit reached) is retried.
 */
export const PERMANENT_CODES: ReadonlySet<string> = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL', 'isv.MOBILE_COUNT_OVER_LIMIT', 'isv.DOMESTIC_NUMBER_NOT_SUPPORTED',
  'isv.BLACK_KEY_CONTROL_LIMIT', 'isv.SMS_CONTENT_ILLEGAL', 'isv.PARAM_NOT_SUPPORT_URL', 'isv.PARAM_LENGTH_LIMIT',
  'isv.TEMPLATE_MISSING_PARAMETERS', 'isv.TEMPLATE_PARAMS_ILLEGAL', 'isv.INVALID_JSON_PARAM', 'isv.INVALID_PARAMETERS',
  'isv.SMS_TEMPLATE_ILLEGAL', 'isv.SMS_SIGNATURE_ILLEGAL', 'isv.SMS_SIGN_ILLEGAL', 'isv.SIGN_STATE_ILLEGAL',
  'isv.SMS_SIGNATURE_SCENE_ILLEGAL', 'isv.EXTEND_CODE_ERROR',
]);

export interface AliyunClientOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** A host (dysmsapi.aliyuncs.com) or a URL whose scheme picks the protocol (http://127.0.0.1:9999 in tests). */
  endpoint?: string;
  timeoutMs?: number;
}

/** `http://host:port` → host:port over http; a bare host → https. */
function endpointOf(endpoint: string): { host: string; protocol: 'http' | 'https' } {
  const url = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint.trim());
  if (url) return { protocol: url[1]!.toLowerCase() as 'http' | 'https', host: url[2]! };
  if (/[/:]/.test(endpoint.replace(/:\d+$/, ''))) throw new Error(`ALIYUN_SMS_ENDPOINT must be a host or http(s)://host[:port], got "${endpoint}"`);
  return { protocol: 'https', host: endpoint.trim() };
}

/** An answer or an SDK error with an Aliyun code → PermanentSendError for the message's own faults, else Error. */
function refusal(what: string, code: string | undefined, message: string | undefined): Error {
  const why = `Aliyun ${what} answered ${code ?? 'no code'}${message ? ` (${message})` : ''}`;
  return code !== undefined && PERMANENT_CODES.has(code) ? new PermanentSendError(why) : new Error(why);
}

function failure(what: string, error: unknown): Error {
  if (error instanceof PermanentSendError) return error;
  // The SDK's errors for an answer carry its HTTP status; Node's network errors have a code (ECONNRESET) too, but no status.
  const { code, data, statusCode } = error as { code?: unknown; statusCode?: unknown; data?: { Message?: unknown; message?: unknown } };
  const detail = data?.Message ?? data?.message;
  if (typeof statusCode === 'number' && typeof code === 'string' && code !== '' && code !== 'undefined') {
    return refusal(what, code, typeof detail === 'string' ? detail : (error as Error).message);
  }
  // Timeouts, refused or dropped connections, unreadable answers: passing trouble.
  return new Error(`Aliyun ${what} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
}

/** The SendSms date of a message in Beijing time (QuerySendDetails wants yyyyMMdd). */
const beijingDay = (at: Date) => new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');

/** Aliyun's SMS API (dysmsapi 2017-05-25) through the official SDK. */
export class AliyunSmsClient {
  private readonly sdk: () => Promise<InstanceType<typeof DysmsapiModule>>;

  constructor(options: AliyunClientOptions) {
    const { host, protocol } = endpointOf(options.endpoint ?? ALIYUN_SMS_ENDPOINT);
    const timeout = options.timeoutMs ?? TIMEOUT_MS;
    this.sdk = loadOnce(async () => {
      const { Dysmsapi, Config } = await aliyunSdk();
      return new Dysmsapi(new Config({
        accessKeyId: options.accessKeyId, accessKeySecret: options.accessKeySecret,
        endpoint: host, protocol, connectTimeout: timeout, readTimeout: timeout,
      }));
    });
  }

  /** SendSms to one number; answers the BizId that delivery reports and QuerySendDetails name. */
  async send(phoneNumber: string, signName: string, template: FilledTemplate): Promise<{ bizId: string }> {
    const { SendSmsRequest } = await aliyunSdk();
    const request = new SendSmsRequest({
      phoneNumbers: phoneNumber, signName, templateCode: template.code,
      templateParam: Object.keys(template.param).length > 0 ? JSON.stringify(template.param) : undefined,
    });
    let body;
    try {
      ({ body } = await (await this.sdk()).sendSms(request));
    } catch (error) {
      throw failure('SendSms', error);
    }
    if (body?.code !== 'OK') throw refusal('SendSms', body?.code, body?.message);
    if (!body.bizId) throw new Error('Aliyun SendSms answered OK without a BizId');
    return { bizId: body.bizId };
  }

  /**
   * QuerySendDetails for one message: for deployments that poll instead of taking the delivery
   * push. Undefined while the carrier has not reported (SendStatus 1).
   */
  async delivery(phoneNumber: string, bizId: string, sentAt: Date): Promise<{ status: DeliveryStatus; error?: string } | undefined> {
    const { QuerySendDetailsRequest } = await aliyunSdk();
    const request = new QuerySendDetailsRequest({ phoneNumber, bizId, sendDate: beijingDay(sentAt), pageSize: 10, currentPage: 1 });
    let body;
    try {
      ({ body } = await (await this.sdk()).querySendDetails(request));
    } catch (error) {
      throw failure('QuerySendDetails', error);
    }
    if (body?.code !== 'OK') throw refusal('QuerySendDetails', body?.code, body?.message);
    const detail = body.smsSendDetailDTOs?.smsSendDetailDTO?.[0];
    if (detail?.sendStatus === 3) return { status: 'delivered' };
    if (detail?.sendStatus === 2) return { status: 'failed', error: detail.errCode || undefined };
    return undefined;
  }
}
