import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
export class FakeWechat {
  readonly requests: RecordedWechatRequest[] = [];
  private scripted = new Map<string, FakeReply[]>();
  private valid = new Set<string>();
  private issued = 0;
  private server = http.createServer((request, response) => this.handle(request, response));
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  replyNext(path: string, ...replies: FakeReply[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...replies]);
  }

  expireTokens(): void {
    this.valid.clear();
  }

  /** Forgets requests, scripts and tokens: the next token is TOKEN-1 again. */
  reset(): void {
    this.requests.length = 0;
    this.scripted.clear();
    this.valid.clear();
    this.issued = 0;
  }

  on(path: string): RecordedWechatRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', this.url);
      const recorded = { method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body: text ? JSON.parse(text) : undefined };
      this.requests.push(recorded);
      const reply = this.scripted.get(url.pathname)?.shift() ?? this.answer(recorded);
      if (reply === 'hang-up') return void response.socket?.destroy();
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      response.end(reply.json);
    });
  }

  private answer({ path, query }: RecordedWechatRequest): FakeReply {
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
