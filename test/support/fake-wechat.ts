import { FakeHttpApi, type ArrivedRequest } from './fake-http-api.ts';

export interface RecordedWechatRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

/** A scripted answer: HTTP status and raw JSON text, a file, or a connection dropped without an answer. */
export type FakeReply = { status?: number; json: string } | { status?: number; file: Buffer; contentType: string } | 'hang-up';

type Answer = Exclude<FakeReply, 'hang-up'>;

/**
 * A local stand-in for api.weixin.qq.com that records every request. The stable token API
 * (POST /cgi-bin/stable_token) hands every caller the current token, TOKEN-1, TOKEN-2 …; a new one
 * only when there is none or `force_refresh` is true, which revokes the previous one, as WeChat
 * does. `expireTokens` makes the issued ones expire (errcode 42001); `replyNext` scripts the next
 * answers on a path.
 */
export class FakeWechat extends FakeHttpApi<RecordedWechatRequest, FakeReply> {
  private valid = new Set<string>();
  private current?: string;
  private issued = 0;
  /** Temporary media (临时素材) served by /cgi-bin/media/get, by MediaId. */
  readonly media = new Map<string, { file: Buffer; contentType: string }>();

  expireTokens(): void {
    this.valid.clear();
    this.current = undefined;
  }

  /** Forgets requests, scripts and tokens: the next token is TOKEN-1 again. */
  override reset(): void {
    super.reset();
    this.media.clear();
    this.expireTokens();
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

  protected bodyOf(reply: Answer): string | Buffer {
    return 'file' in reply ? reply.file : reply.json;
  }

  protected override contentTypeOf(reply: Answer): string {
    return 'file' in reply ? reply.contentType : this.contentType;
  }

  protected answer({ method, path, query, body }: RecordedWechatRequest): FakeReply {
    if (path === '/cgi-bin/stable_token' && method === 'POST') return this.stableToken(body as { force_refresh?: boolean } | undefined);
    if (!this.valid.has(query.access_token ?? '')) {
      return { json: JSON.stringify({ errcode: 42001, errmsg: 'access_token expired' }) };
    }
    if (path === '/cgi-bin/media/get') {
      return this.media.get(query.media_id ?? '') ?? { json: JSON.stringify({ errcode: 40007, errmsg: 'invalid media_id' }) };
    }
    if (path === '/cgi-bin/message/template/send') return { json: JSON.stringify({ errcode: 0, errmsg: 'ok', msgid: 200228332 + this.requests.length }) };
    return { json: JSON.stringify({ errcode: 0, errmsg: 'ok' }) };
  }

  private stableToken(body: { force_refresh?: boolean } | undefined): FakeReply {
    if (body?.force_refresh || !this.current) {
      this.expireTokens();
      this.current = `TOKEN-${++this.issued}`;
      this.valid.add(this.current);
    }
    return { json: JSON.stringify({ access_token: this.current, expires_in: 7200 }) };
  }
}
