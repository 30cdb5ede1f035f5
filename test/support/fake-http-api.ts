import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server on 127.0.0.1 (a free port) standing in for a provider's API: `start`
 * listens and sets `url`, `stop` drops open connections and closes. Each request's body is read
 * whole as UTF-8 text and handed to `receive`.
 */
export abstract class FakeHttpServer {
  private server = http.createServer((request, response) => this.read(request, response));
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

  /** Answers a request whose body has been read in full (`text`, '' when there is none). */
  protected abstract receive(request: http.IncomingMessage, text: string, response: http.ServerResponse): void;

  private read(request: http.IncomingMessage, response: http.ServerResponse): void {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => { text += chunk; });
    request.on('end', () => this.receive(request, text, response));
  }
}

/** A request as it arrived: method, URL resolved against the fake's own, headers and raw body text. */
export interface ArrivedRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Scripted non-answers: drop the connection ('hang-up'), or never answer until the client gives up ('silent'). */
export type NoAnswer = 'hang-up' | 'silent';

/**
 * A fake HTTP API that records every request (`requests`) and answers each with the next reply
 * scripted for its route (`replyNext`), or else with its own default (`answer`). `reset` forgets
 * requests and scripts. A subclass says how a request is recorded, which route it is on, what the
 * default answer is, and how an answer is written (status, `contentType`, `bodyOf`).
 */
export abstract class FakeHttpApi<Recorded, Reply extends { status?: number } | NoAnswer> extends FakeHttpServer {
  readonly requests: Recorded[] = [];
  private scripted = new Map<string, Reply[]>();
  protected contentType = 'application/json';

  replyNext(route: string, ...replies: Reply[]): void {
    this.scripted.set(route, [...(this.scripted.get(route) ?? []), ...replies]);
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.clear();
  }

  /** What is kept of a request in `requests`. */
  protected abstract record(arrived: ArrivedRequest): Recorded;
  /** The route a request's scripted replies are kept under. */
  protected abstract routeOf(recorded: Recorded, arrived: ArrivedRequest): string;
  /** The answer when nothing is scripted (called after the request is recorded). */
  protected abstract answer(recorded: Recorded, arrived: ArrivedRequest): Reply;
  /** The response body of an answer. */
  protected abstract bodyOf(reply: Exclude<Reply, NoAnswer>): string | Buffer;
  /** The Content-Type of an answer: `contentType` unless a subclass says otherwise. */
  protected contentTypeOf(_reply: Exclude<Reply, NoAnswer>): string {
    return this.contentType;
  }

  /** Parses a JSON request body; undefined when there is none. */
  protected static json(text: string): unknown {
    return text ? JSON.parse(text) : undefined;
  }

  protected override receive(request: http.IncomingMessage, text: string, response: http.ServerResponse): void {
    const arrived: ArrivedRequest = { method: request.method ?? 'GET', url: new URL(request.url ?? '/', this.url), headers: request.headers, text };
    const recorded = this.record(arrived);
    this.requests.push(recorded);
    const reply = this.scripted.get(this.routeOf(recorded, arrived))?.shift() ?? this.answer(recorded, arrived);
    if (reply === 'silent') return;
    if (reply === 'hang-up') return void response.socket?.destroy();
    const answer = reply as Exclude<Reply, NoAnswer>;
    response.writeHead(answer.status ?? 200, { 'content-type': this.contentTypeOf(answer) });
    response.end(this.bodyOf(answer));
  }
}
