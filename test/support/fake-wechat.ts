import { FakeHttpApi, type ArrivedRequest } from './fake-http-api.ts';

export interface RecordedWechatRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A scripted answer: HTTP status and raw JSON text, or a connection dropped without an answer. */
export type FakeReply = { status?: number; json: string } | 'hang-up';

/**
 * A local stand-in for api.weixin.qq.com that records every request. Tokens are issued as
 * TOKEN-1, TOKEN-2 …; `expireTokens` makes the issued ones expire (errcode 42001) as WeChat does;
 * `replyNext` scripts the next answers on a path.
 */
export class FakeWechat extends FakeHttpApi<RecordedWechatRequest, FakeReply> {
  private valid = new Set<string>();
  private issued = 0;

  expireTokens(): void {
    this.valid.clear();
  }

  /** Forgets requests, scripts and tokens: the next token is TOKEN-1 again. */
  override reset(): void {
    super.reset();
    this.valid.clear();
    this.issued = 0;
  }

  on(path: string): RecordedWechatRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  protected record({ method, url, text }: ArrivedRequest): RecordedWechatRequest {
    return { method, path: url.pathname, query: Object.fromEntries(url.searchParams), body: FakeHttpApi.json(text) };
  }

  protected routeOf(recorded: RecordedWechatRequest): string {
    return recorded.path;
  }

  protected bodyOf(reply: { json: string }): string {
    return reply.json;
  }

  protected answer({ path, query }: RecordedWechatRequest): FakeReply {
    if (path === '/cgi-bin/token') {
      const token = `TOKEN-${++this.issued}`;
      this.valid.add(token);
      return { json: JSON.stringify({ access_token: token, expires_in: 7200 }) };
    }
    if (!this.valid.has(query.access_token ?? '')) {
      return { json: JSON.stringify({ errcode: 42001, errmsg: 'access_token expired' }) };
    }
    if (path === '/cgi-bin/message/template/send') return { json: JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: 200228332 + this.requests.length }) };
    return { json: JSON.stringify({ errcode: 0, errmsg: 'ok' }) };
  }
}
