import type { MessageState } from 'android-sms-gateway';
import { loadOnce } from '../../src/load-once.ts';
import { PermanentSendError, type ChannelAdapter, type OutboundRequest, type SendResult } from '../types.ts';
import { fetchHttpClient, GatewayHttpError } from './http.ts';
import { androidSmsRoutes } from './routes.ts';
import type { AndroidSmsSettings } from './settings.ts';

/** The cloud server; a phone in local server mode is `http://<its address>:8080`. */
export const ANDROID_SMS_CLOUD_URL = 'https://api.sms-gate.app/3rdparty/v1';
const TIMEOUT_MS = 15_000;

/** The gateway refused the message itself (4xx); 408 and 429 are passing trouble. */
const isPermanent = (error: unknown) =>
  error instanceof GatewayHttpError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

/**
 * SMS through a village's spare Android phone running SMS Gateway for Android (its own SIM: two-way
 * SMS, no templates): the official client out, the app's signed webhooks in; a dry run without credentials.
 */
export function androidSms(settings: AndroidSmsSettings): ChannelAdapter {
  const { user, password } = settings;
  // The official client is loaded when the first message goes out: a deployment without the phone never loads it.
  const client = user && password
    ? loadOnce(async () => {
      const { default: Client } = await import('android-sms-gateway');
      return new Client(user, password, fetchHttpClient(settings.timeoutMs ?? TIMEOUT_MS), (settings.url ?? ANDROID_SMS_CLOUD_URL).replace(/\/+$/, ''));
    })
    : undefined;
  return {
    provider: 'android-sms',
    channel: 'sms',
    prefix: 'android-sms',
    // The phone splits and joins long texts itself; ten UCS-2 parts (67 characters each) stay affordable.
    capabilities: { maxLength: 670, media: false },
    dryRun: client === undefined,
    async send(message: OutboundRequest): Promise<SendResult> {
      if (!client) return { status: 'dry_run' };
      let state: MessageState;
      try {
        state = await (await client()).send({ message: message.text, phoneNumbers: [message.to], withDeliveryReport: true });
      } catch (error) {
        const why = `SMS gateway: ${(error as Error).message}`;
        if (isPermanent(error)) throw new PermanentSendError(why);
        // Timeouts, a phone off the network, 5xx: the queue tries again.
        throw new Error(why, { cause: error });
      }
      if (typeof state?.id !== 'string' || state.id === '') throw new Error('SMS gateway accepted the message without an id');
      return { status: 'sent', providerId: state.id };
    },
    routes: androidSmsRoutes({ signingKey: settings.signingKey }),
  };
}

export { androidSmsSettings, type AndroidSmsSettings } from './settings.ts';
export { fetchHttpClient, GatewayHttpError } from './http.ts';
