import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedAliyunRequest {
  method: string;
  /** The API action, from the x-acs-action header the SDK sends (SendSms, QuerySendDetails). */
  action: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A scripted answer: HTTP status and raw JSON text; a connection dropped without an answer
 * ('hang-up'); or no answer at all until the client gives up ('silent').
 */
export type FakeAliyunReply = { status?: number; json: string } | 'hang-up' | 'silent';

/**
 * A local stand-in for dysmsapi.aliyuncs.com that records every request the real SDK makes.
 * SendSms answers OK with BizId 900619746936498440^<n>; `replyNext` scripts the next answers of an action.
 */
export class FakeAliyun {
  readonly requests: RecordedAliyunRequest[] = [];
  private scripted = new Map<string, FakeAliyunReply[]>();
  private sent = 0;
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

  replyNext(action: string, ...replies: FakeAliyunReply[]): void {
    this.scripted.set(action, [...(this.scripted.get(action) ?? []), ...replies]);
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.clear();
    this.sent = 0;
  }

  on(action: string): RecordedAliyunRequest[] {
    return this.requests.filter((request) => request.action === action);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', this.url);
      const action = String(request.headers['x-acs-action'] ?? url.searchParams.get('Action') ?? '');
      this.requests.push({ method: request.method ?? 'GET', action, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: request.headers, body });
      const reply = this.scripted.get(action)?.shift() ?? this.answer(action);
      if (reply === 'silent') return;
      if (reply === 'hang-up') return void response.socket?.destroy();
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json;charset=utf-8' });
      response.end(reply.json);
    });
  }

  private answer(action: string): { status?: number; json: string } {
    const requestId = `F655A8D5-B967-440B-8683-${String(this.requests.length).padStart(12, '0')}`;
    if (action === 'SendSms') {
      return { json: JSON.stringify({ Message: 'OK', RequestId: requestId, Code: 'OK', BizId: `900619746936498440^${++this.sent}` }) };
    }
    return { status: 400, json: JSON.stringify({ Code: 'InvalidAction.NotFound', Message: `the fake has no ${action}`, RequestId: requestId }) };
  }
}
