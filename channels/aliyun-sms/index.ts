import type { ChannelAdapter, DeliveryStatus, SendResult } from '../types.ts';
import { AliyunSmsClient } from './client.ts';
import { aliyunSmsRoutes } from './routes.ts';
import type { AliyunSmsSettings } from './settings.ts';
import { fillTemplate, type AliyunOutboundRequest } from './templates.ts';

export interface AliyunSmsAdapter extends ChannelAdapter {
  send(message: AliyunOutboundRequest): Promise<SendResult>;
  /** QuerySendDetails for a message sent earlier (absent in a dry run): for polling when the report push is not configured. */
  delivery?(to: string, providerId: string, sentAt: Date): Promise<{ status: DeliveryStatus; error?: string } | undefined>;
}

/**
 * SMS through Aliyun (阿里云短信服务): approved templates out through the official SDK, replies and
 * delivery reports in by Aliyun's HTTP push, guarded by a shared token; a labelled dry run without an AccessKey.
 */
export function aliyunSms(settings: AliyunSmsSettings): AliyunSmsAdapter {
  const { accessKeyId, accessKeySecret, signName } = settings;
  if (accessKeyId && accessKeySecret && !signName) {
    throw new Error('ALIYUN_SMS_SIGN_NAME must be set with the AccessKey: Aliyun sends nothing without an approved signature');
  }
  const client = accessKeyId && accessKeySecret
    ? new AliyunSmsClient({ accessKeyId, accessKeySecret, endpoint: settings.endpoint, timeoutMs: settings.timeoutMs })
    : undefined;
  const registry = { templates: settings.templates, defaultTemplate: settings.defaultTemplate };
  return {
    provider: 'aliyun',
    channel: 'sms',
    prefix: 'aliyun',
    // A message (signature, fixed text and variables) may have 500 characters; a variable 35 unless
    // Aliyun lifted the limit for the template (解除变量长度限制), which the default template needs.
    capabilities: { maxLength: 450, media: false },
    dryRun: client === undefined,
    async send(message: AliyunOutboundRequest): Promise<SendResult> {
      // A dry run records whatever jifen would send, templates configured or not.
      if (!client) return { status: 'dry_run' };
      const template = fillTemplate(registry, message);
      const { bizId } = await client.send(message.to, signName!, template);
      return { status: 'sent', providerId: bizId };
    },
    delivery: client ? (to, providerId, sentAt) => client.delivery(to, providerId, sentAt) : undefined,
    routes: aliyunSmsRoutes({ pushToken: settings.pushToken }),
  };
}

export { AliyunSmsClient, ALIYUN_SMS_ENDPOINT, PERMANENT_CODES } from './client.ts';
export { aliyunSmsSettings, parseTemplates, type AliyunSmsSettings, type AliyunTemplate } from './settings.ts';
export { fillTemplate, type AliyunOutboundRequest } from './templates.ts';
