import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  form: Record<string, string>;
}

/**
 * A local stand-in for api.twilio.com that records what the real SDK sends. `failNext`
 * makes the next requests fail with the given HTTP status (a provider outage, a refusal).
 */
export class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  private failures: number[] = [];
  private server = http.createServer((request, response) => this.handle(request, response));
  private counter = 0;
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  failNext(status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  /** Messages the SDK asked Twilio to send: { To, From, Body, StatusCallback }. */
  get messages(): Record<string, string>[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).map((r) => r.form);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { body += chunk; });
    request.on('end', () => {
      const failure = this.failures.shift();
      if (failure) {
        response.writeHead(failure, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: failure === 400 ? 21211 : 20500, message: `fake failure ${failure}`, status: failure }));
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      this.requests.push({ method: request.method ?? 'GET', path: request.url ?? '', form });
      const sid = `SM${String(++this.counter).padStart(32, '0')}`;
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ sid, status: 'queued', to: form.To, from: form.From, body: form.Body }));
    });
  }
}
