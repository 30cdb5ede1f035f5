import type http from 'node:http';
import { FakeHttpServer } from './fake-http-api.ts';

export interface RecordedRequest {
  method: string;
  path: string;
  form: Record<string, string>;
  /** The HTTP Basic credentials sent: `accountSid:authToken`. */
  credentials: string;
}

/**
 * A local stand-in for api.twilio.com that records what the real SDK sends. `failNext`
 * makes the next requests fail with the given HTTP status (a provider outage, a refusal).
 */
export class FakeTwilio extends FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private failures: number[] = [];
  private counter = 0;

  failNext(status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  /** Messages the SDK asked Twilio to send: { To, From, Body, StatusCallback }. */
  get messages(): Record<string, string>[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/Messages.json')).map((r) => r.form);
  }

  protected receive(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const failure = this.failures.shift();
    if (failure) {
      response.writeHead(failure, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ code: failure === 400 ? 21211 : 20500, message: `fake failure ${failure}`, status: failure }));
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(body));
    const credentials = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    this.requests.push({ method: request.method ?? 'GET', path: request.url ?? '', form, credentials });
    const sid = `SM${String(++this.counter).padStart(32, '0')}`;
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sid, status: 'queued', to: form.To, from: form.From, body: form.Body }));
  }
}
