import twilio from 'twilio';
import type { FastifyRequest } from 'fastify';

/** What checking a Twilio signature needs: the auth token and the public base URL Twilio posts to. */
export interface SignatureSettings {
  authToken?: string;
  publicUrl: string;
}

/**
 * True when `X-Twilio-Signature` signs this request: PUBLIC_URL + the path as requested (with its query
 * string, which Twilio signs too) and the posted form. Without a token nothing is valid.
 */
export function signatureIsValid(settings: SignatureSettings, request: FastifyRequest): boolean {
  const signature = request.headers['x-twilio-signature'];
  if (!settings.authToken || typeof signature !== 'string') return false;
  const url = `${settings.publicUrl}${request.url}`;
  return twilio.validateRequest(settings.authToken, signature, url, (request.body ?? {}) as Record<string, string>);
}
