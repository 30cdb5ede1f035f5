import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedGatewayRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/**
 * A scripted answer: HTTP status and raw text; a connection dropped without an answer ('hang-up');
 * or no answer at all until the client gives up ('silent').
 */
export type FakeGatewayReply = { status?: number; body: string } | 'hang-up' | 'silent';

/**
 * A local stand-in for SMS Gateway for Android (the phone in local server mode, or the cloud
 * server under a path) that records every request. POST …/message answers 202 with a pending
 * message state, ids msg-1, msg-2 …; `replyNext` scripts the next answers on a path.
 */
export class FakeAndroidGateway {
  readonly requests: RecordedGatewayRequest[] = [];
  private scripted = new Map<string, FakeGatewayReply[]>();
  private accepted = 0;
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

  replyNext(path: string, ...replies: FakeGatewayReply[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...replies]);
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.clear();
    this.accepted = 0;
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', this.url);
      this.requests.push({
        method: request.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams),
        headers: request.headers, body: text ? JSON.parse(text) : undefined,
      });
      const reply = this.scripted.get(url.pathname)?.shift() ?? this.answer(request.method ?? 'GET', url.pathname, text);
      if (reply === 'silent') return;
      if (reply === 'hang-up') return void response.socket?.destroy();
      response.writeHead(reply.status ?? 200, { 'content-type': 'application/json' });
      response.end(reply.body);
    });
  }

  private answer(method: string, path: string, text: string): { status?: number; body: string } {
    if (method === 'POST' && path.endsWith('/message')) {
      const { phoneNumbers = [] } = JSON.parse(text || '{}') as { phoneNumbers?: string[] };
      return {
        status: 202,
        body: JSON.stringify({
          id: `msg-${++this.accepted}`, state: 'Pending', isHashed: false, isEncrypted: false,
          recipients: phoneNumbers.map((phoneNumber) => ({ phoneNumber, state: 'Pending' })),
        }),
      };
    }
    return { status: 404, body: JSON.stringify({ message: `the fake has no ${method} ${path}` }) };
  }
}
