import type { FastifyRequest } from 'fastify';
import { twilioSdk } from './sdk.ts';

/** What checking a Twilio signature needs: the auth token and the public base URL Twilio posts to. */
export interface SignatureSettings {
  authToken?: string;
  publicUrl: string;
}

/**
 * True when `X-Twilio-Signature` signs this request: PUBLIC_URL + the path as requested (with its query
 * string, which Twilio signs too) and the posted form. Without a token nothing is valid.
 */
export async function signatureIsValid(settings: SignatureSettings, request: FastifyRequest): Promise<boolean> {
  const signature = request.headers['x-twilio-signature'];
  if (!settings.authToken || typeof signature !== 'string') return false;
  const url = `${settings.publicUrl}${request.url}`;
  const { validateRequest } = await twilioSdk();
  return validateRequest(settings.authToken, signature, url, (request.body ?? {}) as Record<string, string>);
}
