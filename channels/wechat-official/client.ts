import { PermanentSendError, type Media } from '../types.ts';

export const WECHAT_API_BASE_URL = 'https://api.weixin.qq.com';

export interface WechatClientOptions {
  appId: string;
  appSecret: string;
  /** Defaults to https://api.weixin.qq.com. */
  apiBaseUrl?: string;
  /** Milliseconds since the epoch; tests move it to expire the cached token. */
  now?: () => number;
}

/** A template message (模板消息): weekly notifications. `data` maps the template's keys to their values. */
export interface TemplateMessage {
  touser: string;
  templateId: string;
  data: Record<string, { value: string; color?: string }>;
  /** Opened when the villager taps the message. */
  url?: string;
}

interface ApiReply {
  errcode?: number;
  errmsg?: string;
  /** As a string: a 64-bit id loses digits as a JS number. */
  msgid?: string;
  access_token?: string;
  expires_in?: number;
  /** A file, when WeChat answered with one instead of JSON. */
  media?: Media;
}

/** WeChat says the token is invalid or expired: get a fresh one and retry once. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/**
 * Retrying cannot help: outside the 48-hour window or over its quota (45015, 45047), the
 * villager does not follow the account (43004) or blocked it (43019), bad openid (40003),
 * text too long (45002); for a template message, an unknown template (40037), a villager who
 * declined the account's template messages (43101), a value the template refuses (47003).
 * The core falls back to SMS.
 */
const PERMANENT_ERRORS = new Set([45015, 45047, 43004, 43019, 40003, 45002, 40037, 43101, 47003]);
/** Ask again a minute before expires_in runs out (the stable token's is what remains of its life). */
const REFRESH_MARGIN_MS = 60_000;
const TIMEOUT_MS = 10_000;

/**
 * WeChat's server API (api.weixin.qq.com): access token, customer-service and template messages.
 * The token comes from the stable token API (getStableAccessToken): every process asking in its
 * normal mode gets the same token, so several workers never revoke each other's as
 * /cgi-bin/token does. A forced refresh (which revokes the token for everyone, at most 20 a day)
 * is asked only when WeChat refused the token and the normal mode still hands out that same one.
 * https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken.html
 */
export class WechatOfficialClient {
  private token?: { value: string; expiresAt: number };
  private fetching?: Promise<string>;
  private readonly now: () => number;
  private readonly apiBaseUrl: string;

  constructor(private readonly options: WechatClientOptions) {
    this.now = options.now ?? Date.now;
    this.apiBaseUrl = (options.apiBaseUrl ?? WECHAT_API_BASE_URL).replace(/\/+$/, '');
  }

  /** A customer-service text (客服消息): allowed within 48 h of the villager's last message. */
  async sendText(openid: string, content: string): Promise<{ msgid?: string }> {
    const { msgid } = await this.post('/cgi-bin/message/custom/send', { touser: openid, msgtype: 'text', text: { content } });
    return { msgid };
  }

  async sendTemplate(message: TemplateMessage): Promise<{ msgid?: string }> {
    const { msgid } = await this.post('/cgi-bin/message/template/send', {
      touser: message.touser, template_id: message.templateId, url: message.url, data: message.data,
    });
    return { msgid };
  }

  /** A temporary media file (临时素材) by its MediaId, e.g. a voice note's audio (AMR); WeChat keeps it 3 days. */
  async getMedia(mediaId: string): Promise<Media> {
    const path = '/cgi-bin/media/get';
    const reply = await this.withToken((token) => this.request('GET', path, { access_token: token, media_id: mediaId }));
    if (reply.media) return reply.media;
    throw this.refusal(path, reply) ?? new Error(`WeChat ${path} answered neither a file nor an error`);
  }

  private async post(path: string, body: unknown): Promise<ApiReply> {
    const reply = await this.withToken((token) => this.request('POST', path, { access_token: token }, body));
    const refusal = this.refusal(path, reply);
    if (refusal) throw refusal;
    return reply;
  }

  /** Calls with the token, and once more with another if WeChat says it is invalid. */
  private async withToken(call: (token: string) => Promise<ApiReply>): Promise<ApiReply> {
    const token = await this.accessToken();
    const reply = await call(token);
    return TOKEN_ERRORS.has(reply.errcode ?? 0) ? call(await this.replaceToken(token)) : reply;
  }

  /** The error for a reply with a non-zero errcode: permanent when retrying cannot help. */
  private refusal(path: string, reply: ApiReply): Error | undefined {
    const code = reply.errcode ?? 0;
    if (code === 0) return undefined;
    const why = `WeChat ${path} answered errcode ${code} (${reply.errmsg ?? 'no errmsg'})`;
    return PERMANENT_ERRORS.has(code) ? new PermanentSendError(why) : new Error(why);
  }

  /** The cached token; concurrent callers share one fetch. */
  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    return this.fetchOnce(false);
  }

  /**
   * A token other than `refused`: the one the normal mode now hands out (another process may
   * have refreshed it already), or, when that is still `refused`, a forced refresh.
   */
  private async replaceToken(refused: string): Promise<string> {
    if (this.token?.value === refused) this.token = undefined;
    const current = await this.accessToken();
    return current === refused ? this.fetchOnce(true) : current;
  }

  private fetchOnce(forceRefresh: boolean): Promise<string> {
    this.fetching ??= this.fetchToken(forceRefresh).finally(() => { this.fetching = undefined; });
    return this.fetching;
  }

  private async fetchToken(forceRefresh: boolean): Promise<string> {
    const { appId: appid, appSecret: secret } = this.options;
    const path = '/cgi-bin/stable_token';
    const reply = await this.request('POST', path, {}, { grant_type: 'client_credential', appid, secret, force_refresh: forceRefresh });
    if (!reply.access_token) {
      throw new Error(`WeChat ${path} answered errcode ${reply.errcode ?? 'none'} (${reply.errmsg ?? 'no access_token'})`);
    }
    const lifetimeMs = (reply.expires_in ?? 7200) * 1000;
    this.token = { value: reply.access_token, expiresAt: this.now() + Math.max(0, lifetimeMs - REFRESH_MARGIN_MS) };
    return reply.access_token;
  }

  /** Network failures and HTTP errors throw a plain Error: the send job retries with backoff. */
  private async request(method: string, path: string, query: Record<string, string>, body?: unknown): Promise<ApiReply> {
    const search = new URLSearchParams(query).toString();
    const url = `${this.apiBaseUrl}${path}${search ? `?${search}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? undefined : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`WeChat ${path} unreachable: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw new Error(`WeChat ${path} answered HTTP ${response.status}`);
    // A file comes as itself (audio/amr …); an answer or an error as JSON (sometimes labelled text/plain).
    const contentType = response.headers.get('content-type') ?? '';
    if (contentType && !/json|text\/plain/i.test(contentType)) {
      return { media: { data: Buffer.from(await response.arrayBuffer()), contentType } };
    }
    const text = await response.text();
    let reply: ApiReply;
    try {
      reply = JSON.parse(text) as ApiReply;
    } catch {
      throw new Error(`WeChat ${path} answered something other than JSON`);
    }
    const msgid = /"msgid"\s*:\s*"?(\d+)/.exec(text)?.[1];
    return { ...reply, msgid };
  }
}
