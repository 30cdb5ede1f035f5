import type http from 'node:http';
import { FakeHttpApi, type ArrivedRequest } from './fake-http-api.ts';

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
export class FakeAndroidGateway extends FakeHttpApi<RecordedGatewayRequest, FakeGatewayReply> {
  private accepted = 0;

  override reset(): void {
    super.reset();
    this.accepted = 0;
  }

  protected record({ method, url, headers, text }: ArrivedRequest): RecordedGatewayRequest {
    return { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: FakeHttpApi.json(text) };
  }

  protected routeOf(recorded: RecordedGatewayRequest): string {
    return recorded.path;
  }

  protected bodyOf(reply: { body: string }): string {
    return reply.body;
  }

  protected answer({ method, path }: RecordedGatewayRequest, { text }: ArrivedRequest): { status?: number; body: string } {
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
