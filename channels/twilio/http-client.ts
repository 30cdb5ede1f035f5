import http from 'node:http';
import https from 'node:https';

/** What the SDK hands its HTTP client (twilio's `RequestClient.RequestOptions`, the fields read here). */
interface SdkRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: Record<string, unknown>;
  timeout?: number;
}
export interface SdkResponse { statusCode: number; body: string; headers: http.IncomingHttpHeaders }

/** The SDK's own default: a request Twilio has not answered by then is given up (the send job retries it). */
const TIMEOUT_MS = 30_000;

/** The SDK's form encoding (qs, `arrayFormat: 'repeat'`): a list gives its key once per value. */
function formOf(data: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    for (const item of Array.isArray(value) ? value : [value]) if (item !== undefined && item !== null) form.append(key, String(item));
  }
  return form.toString();
}

/**
 * The Twilio SDK's HTTP client on Node's own http(s) with keep-alive, passed as the SDK's documented
 * `httpClient` option: its default client (axios and qs) costs ~0.4 ms of CPU a message, most of a
 * weekly run's sending. `apiBaseUrl` sends every https://*.twilio.com request to a local endpoint
 * instead (tests, benchmarks).
 */
export class KeepAliveHttpClient {
  readonly #agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  readonly #base?: string;

  constructor(apiBaseUrl?: string) {
    this.#base = apiBaseUrl?.replace(/\/+$/, '');
  }

  request(opts: SdkRequest): Promise<SdkResponse> {
    const url = new URL(this.#base ? opts.uri.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, this.#base) : opts.uri);
    for (const [key, value] of Object.entries(opts.params ?? {})) if (value !== undefined) url.searchParams.append(key, String(value));
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    const body = opts.data ? (headers['Content-Type'] === 'application/json' ? JSON.stringify(opts.data) : formOf(opts.data)) : undefined;
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const transport = url.protocol === 'http:' ? http : https;
    const timeout = opts.timeout ?? TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method: opts.method.toUpperCase(), headers, agent: this.#agents[url.protocol === 'http:' ? 'http:' : 'https:'], timeout }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }));
      });
      request.on('timeout', () => request.destroy(new Error(`Twilio did not answer within ${timeout} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}
