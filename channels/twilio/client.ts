import type twilio from 'twilio';
import { KeepAliveHttpClient } from './http-client.ts';
import { twilioSdk } from './sdk.ts';

export type TwilioClient = ReturnType<typeof twilio>;

/** The real SDK on a keep-alive HTTP client of Node's own; `apiBaseUrl` points it at a local endpoint (tests, benchmarks). */
export async function createTwilioClient(accountSid: string, authToken: string, apiBaseUrl?: string): Promise<TwilioClient> {
  const twilio = await twilioSdk();
  return twilio(accountSid, authToken, { httpClient: new KeepAliveHttpClient(apiBaseUrl) as unknown as twilio.RequestClient });
}
