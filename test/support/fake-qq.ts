import { FakeHttpApi, type ArrivedRequest } from './fake-http-api.ts';

export interface RecordedQqRequest {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

export type FakeQqReply = { status?: number; json: string } | 'hang-up';

export const FAKE_QQ_APP_ID = '102076611';
export const FAKE_QQ_SECRET = 'DG5g3B4j9X2KOErG';

/**
 * A local stand-in for the QQ bot platform's OpenAPI and its token endpoint, recording every
 * request. POST /app/getAppAccessToken hands out TOKEN-1, TOKEN-2 … for the right appId and
 * clientSecret; the message APIs answer 401 to any other Authorization than `QQBot <current
 * token>`, 400 to a body without content, msg_type 0 and msg_id (no active messages), and refuse
 * a msg_id + msg_seq already used, as the platform does.
 */
export class FakeQq extends FakeHttpApi<RecordedQqRequest, FakeQqReply> {
  private current?: string;
  private issued = 0;
  private readonly replied = new Set<string>();

  get tokenUrl(): string {
    return `${this.url}/app/getAppAccessToken`;
  }

  expireToken(): void {
    this.current = undefined;
  }

  override reset(): void {
    super.reset();
    this.replied.clear();
    this.current = undefined;
    this.issued = 0;
  }

  messages(): RecordedQqRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/messages'));
  }

  protected record({ method, url, headers, text }: ArrivedRequest): RecordedQqRequest {
    const authorization = typeof headers.authorization === 'string' ? headers.authorization : undefined;
    return { method, path: url.pathname, authorization, body: FakeHttpApi.json(text) };
  }

  protected routeOf(recorded: RecordedQqRequest): string {
    return recorded.path;
  }

  protected bodyOf(reply: Exclude<FakeQqReply, 'hang-up'>): string {
    return reply.json;
  }

  protected answer({ path, authorization, body }: RecordedQqRequest): FakeQqReply {
    if (path === '/app/getAppAccessToken') return this.token(body as { appId?: string; clientSecret?: string });
    if (!this.current || authorization !== `QQBot ${this.current}`) return { status: 401, json: JSON.stringify({ code: 11244, message: 'token not exist or expire' }) };
    if (!/^\/v2\/(users|groups)\/[\w-]+\/messages$/.test(path)) return { status: 404, json: JSON.stringify({ code: 404, message: 'not found' }) };
    const message = body as { content?: string; msg_type?: number; msg_id?: string; msg_seq?: number };
    if (!message.content || message.msg_type !== 0) return { status: 400, json: JSON.stringify({ code: 40034006, message: 'content or msg_type invalid' }) };
    if (!message.msg_id) return { status: 400, json: JSON.stringify({ code: 40034102, message: '主动消息失败, 无权限' }) };
    const key = `${message.msg_id} ${message.msg_seq ?? 1}`;
    if (this.replied.has(key)) return { status: 400, json: JSON.stringify({ code: 40054005, message: '消息被去重，请检查请求msgseq' }) };
    this.replied.add(key);
    return { json: JSON.stringify({ id: `QQ-SENT-${this.replied.size}`, timestamp: '2026-12-03T10:00:00+08:00' }) };
  }

  private token(body: { appId?: string; clientSecret?: string } | undefined): FakeQqReply {
    if (body?.appId !== FAKE_QQ_APP_ID || body.clientSecret !== FAKE_QQ_SECRET) {
      return { status: 200, json: JSON.stringify({ code: 100016, message: 'invalid appid or secret' }) };
    }
    this.current ??= `TOKEN-${++this.issued}`;
    return { json: JSON.stringify({ access_token: this.current, expires_in: '7200' }) };
  }
}
