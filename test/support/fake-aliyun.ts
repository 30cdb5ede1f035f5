import type http from 'node:http';
import { FakeHttpApi, type ArrivedRequest } from './fake-http-api.ts';

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
export class FakeAliyun extends FakeHttpApi<RecordedAliyunRequest, FakeAliyunReply> {
  private sent = 0;
  protected override contentType = 'application/json;charset=utf-8';

  override reset(): void {
    super.reset();
    this.sent = 0;
  }

  on(action: string): RecordedAliyunRequest[] {
    return this.requests.filter((request) => request.action === action);
  }

  protected record({ method, url, headers, text }: ArrivedRequest): RecordedAliyunRequest {
    const action = String(headers['x-acs-action'] ?? url.searchParams.get('Action') ?? '');
    return { method, action, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: text };
  }

  protected routeOf(recorded: RecordedAliyunRequest): string {
    return recorded.action;
  }

  protected bodyOf(reply: { json: string }): string {
    return reply.json;
  }

  protected answer({ action }: RecordedAliyunRequest): { status?: number; json: string } {
    const requestId = `F655A8D5-B967-440B-8683-${String(this.requests.length).padStart(12, '0')}`;
    if (action === 'SendSms') {
      return { json: JSON.stringify({ Message: 'OK', RequestId: requestId, Code: 'OK', BizId: `900619746936498440^${++this.sent}` }) };
    }
    return { status: 400, json: JSON.stringify({ Code: 'InvalidAction.NotFound', Message: `the fake has no ${action}`, RequestId: requestId }) };
  }
}
