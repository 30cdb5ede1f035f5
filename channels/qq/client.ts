import { PermanentSendError } from '../types.ts';
import type { QqAddress } from './normalize.ts';

export const QQ_API_BASE_URL = 'https://api.sgroup.qq.com';
export const QQ_TOKEN_URL = 'https://bots.qq.com/app/getAppAccessToken';

export interface QqClientOptions {
  appId: string;
  clientSecret: string;
  /** Defaults to https://api.sgroup.qq.com. */
  apiBaseUrl?: string;
  /** Defaults to https://bots.qq.com/app/getAppAccessToken. */
  tokenUrl?: string;
  now?: () => number;
}

/** A passive reply (被动消息): the message id it answers and its sequence number among the answers to it. */
export interface PassiveReply {
  msgId: string;
  seq: number;
}

/** Ask again a minute before the token runs out: the platform hands out a new one in its last 60 s. */
const REFRESH_MARGIN_MS = 60_000;
/** The platform advises a timeout of at least 5 s, or a message may be sent without the answer arriving. */
const TIMEOUT_MS = 10_000;

/**
 * The QQ bot platform's OpenAPI: an access token from getAppAccessToken (`Authorization: QQBot
 * <token>`), and text messages to a user or a group, as passive replies.
 * https://bot.q.qq.com/wiki/develop/api-v2/dev-prepare/interface-framework/api-use.html
 */
export class QqClient {
  private token?: { value: string; expiresAt: number };
  private fetching?: Promise<string>;
  private readonly now: () => number;
  private readonly apiBaseUrl: string;

  constructor(private readonly options: QqClientOptions) {
    this.now = options.now ?? Date.now;
    this.apiBaseUrl = (options.apiBaseUrl ?? QQ_API_BASE_URL).replace(/\/+$/, '');
  }

  /** Sends `content` as a text reply; returns the platform's message id. */
  async sendText(to: QqAddress, content: string, reply: PassiveReply): Promise<string> {
    const path = to.kind === 'user' ? `/v2/users/${encodeURIComponent(to.openid)}/messages` : `/v2/groups/${encodeURIComponent(to.groupOpenid)}/messages`;
    const body = { content, msg_type: 0, msg_id: reply.msgId, msg_seq: reply.seq };
    let response = await this.request(path, body, await this.accessToken());
    if (response.status === 401) {
      // The token was refused (revoked, or expired early): a fresh one, once.
      this.token = undefined;
      response = await this.request(path, body, await this.accessToken());
    }
    const answer = await this.json(path, response);
    if (response.ok && typeof answer.id === 'string') return answer.id;
    const why = `QQ ${path} answered HTTP ${response.status}, code ${String(answer.code ?? answer.err_code ?? 'none')} (${String(answer.message ?? 'no message')})`;
    // 4xx: the request itself is refused (window over, replied 5 times, not a friend …); retrying cannot help.
    if (response.status >= 400 && response.status < 500 && response.status !== 429) throw new PermanentSendError(why);
    throw new Error(why);
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.expiresAt) return this.token.value;
    this.fetching ??= this.fetchToken().finally(() => { this.fetching = undefined; });
    return this.fetching;
  }

  private async fetchToken(): Promise<string> {
    const url = this.options.tokenUrl ?? QQ_TOKEN_URL;
    const response = await this.call(url, { 'content-type': 'application/json' }, { appId: this.options.appId, clientSecret: this.options.clientSecret });
    const answer = await this.json('getAppAccessToken', response);
    if (!response.ok || typeof answer.access_token !== 'string') {
      throw new Error(`QQ getAppAccessToken answered HTTP ${response.status} without access_token (${String(answer.message ?? 'no message')})`);
    }
    // expires_in comes as a string ("7200").
    const lifetimeMs = (Number(answer.expires_in) || 7200) * 1000;
    this.token = { value: answer.access_token, expiresAt: this.now() + Math.max(0, lifetimeMs - REFRESH_MARGIN_MS) };
    return answer.access_token;
  }

  private request(path: string, body: unknown, token: string): Promise<Response> {
    return this.call(`${this.apiBaseUrl}${path}`, { 'content-type': 'application/json', authorization: `QQBot ${token}` }, body);
  }

  /** Network failures throw a plain Error: the send job retries with backoff. The token never appears in a message. */
  private async call(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
    try {
      return await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (error) {
      throw new Error(`QQ ${new URL(url).pathname} unreachable: ${(error as Error).message}`, { cause: error });
    }
  }

  private async json(what: string, response: Response): Promise<Record<string, unknown>> {
    const text = await response.text();
    try {
      const parsed: unknown = text ? JSON.parse(text) : {};
      return parsed && typeof parsed === 'object' ? parsed as Record<string, unknown> : {};
    } catch {
      if (response.ok) throw new Error(`QQ ${what} answered something other than JSON`);
      return {};
    }
  }
}
