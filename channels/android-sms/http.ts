import type { HttpClient } from 'android-sms-gateway';

/** The gateway answered with an HTTP error status; `body` is what it said. */
export class GatewayHttpError extends Error {
  constructor(readonly status: number, readonly body: string, method: string, url: string) {
    super(`${method} ${new URL(url).pathname} answered HTTP ${status}${body ? `: ${GatewayHttpError.reason(body)}` : ''}`);
  }

  /** `{"message": "…"}` (the gateway's error shape) → its message; anything else, cut short. */
  private static reason(body: string): string {
    try {
      const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
      const said = parsed.message ?? parsed.error;
      if (typeof said === 'string') return said;
    } catch {
      // not JSON: the text itself
    }
    return body.slice(0, 200);
  }
}

/**
 * The HTTP client the official package asks for, on Node's fetch: JSON in and out, a timeout on
 * every call, and HTTP errors thrown with their status (fetch itself resolves them).
 */
export function fetchHttpClient(timeoutMs: number): HttpClient {
  async function call<T>(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<T> {
    const response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new GatewayHttpError(response.status, text, method, url);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(`${method} ${new URL(url).pathname} answered HTTP ${response.status} with a body that is not JSON`);
    }
  }
  return {
    get: (url, headers) => call('GET', url, headers),
    post: (url, body, headers) => call('POST', url, headers, body),
    put: (url, body, headers) => call('PUT', url, headers, body),
    patch: (url, body, headers) => call('PATCH', url, headers, body),
    delete: (url, headers) => call('DELETE', url, headers),
  };
}
