import http from 'node:http';
import type twilio from 'twilio';
import { twilioSdk } from './sdk.ts';

export type TwilioClient = ReturnType<typeof twilio>;

/**
 * The real SDK. The SDK has no base-URL option, so when apiBaseUrl is given (tests, benchmarks)
 * an axios interceptor sends every https://*.twilio.com request to that local endpoint instead.
 */
export async function createTwilioClient(accountSid: string, authToken: string, apiBaseUrl?: string): Promise<TwilioClient> {
  const twilio = await twilioSdk();
  if (!apiBaseUrl) return twilio(accountSid, authToken);
  const httpClient = new twilio.RequestClient({ keepAlive: true });
  // The SDK's keep-alive agent is for https; a plain-http local endpoint gets one of its own.
  httpClient.axios.defaults.httpAgent = new http.Agent({ keepAlive: true });
  const base = apiBaseUrl.replace(/\/+$/, '');
  httpClient.axios.interceptors.request.use((request) => {
    request.url = request.url?.replace(/^https:\/\/[a-z0-9.-]*twilio\.com/i, base);
    return request;
  });
  return twilio(accountSid, authToken, { httpClient });
}
