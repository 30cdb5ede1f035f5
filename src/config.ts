import path from 'node:path';
import { aliyunSmsSettings, type AliyunSmsSettings } from '../channels/aliyun-sms/settings.ts';
import { androidSmsSettings, type AndroidSmsSettings } from '../channels/android-sms/settings.ts';
import { transcriptSettings, type TranscriptSettings } from '../channels/transcripts/settings.ts';
import { wechatOfficialSettings, type WechatOfficialSettings } from '../channels/wechat-official/settings.ts';
import { wechatySettings, type WechatySettings } from '../channels/wechaty/settings.ts';
import { qqSettings, type QqSettings } from '../channels/qq/settings.ts';
import { optional, type Env } from './env.ts';
import { packageRoot } from './package-root.ts';
import { backupSettings, type BackupSettings } from './backups/settings.ts';
import { operationsSettings, type OperationsSettings } from './ops-settings.ts';
import { speechToTextSettings, type SpeechToTextSettings } from './speech/speech-to-text.ts';

/** Everything jifen reads from the environment, checked once at boot. */
export interface Config {
  port: number;
  host: string;
  /** The embedded PostgreSQL's folder (cluster, password, server.json); used only when databaseUrl is absent. */
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Namespace for queue keys (Redis prefix); lets several deployments or test suites share one Redis. */
  queuePrefix: string;
  /** Public base URL Twilio calls, used to verify webhook signatures. */
  publicUrl: string;
  twilio: {
    accountSid?: string;
    authToken?: string;
    /** Sender number; falls back to the village's sms_sender_number. */
    fromNumber?: string;
    /** Tests and benchmarks point the real SDK at a local endpoint instead of api.twilio.com. */
    apiBaseUrl?: string;
  };
  /** Bearer token of the HTTP API (/api/…); unset: the API refuses every request. */
  apiToken?: string;
  /** SMS in mainland China: Aliyun (approved templates) and a village's Android phone as a gateway. */
  aliyunSms: AliyunSmsSettings;
  androidSms: AndroidSmsSettings;
  /** The signed transcript feed of other speech services and call centres. */
  transcripts: TranscriptSettings;
  /** The village's WeChat official account (公众号). */
  wechatOfficial: WechatOfficialSettings;
  /** A WeChat account driven by a Wechaty puppet. */
  wechaty: WechatySettings;
  /** The official QQ bot platform. */
  qq: QqSettings;
  /** The speech service that hears voice notes WeChat did not recognise. */
  speechToText: SpeechToTextSettings;
  /** Village file imported on first start when the database has no village. */
  seedVillageFile?: string;
  workerConcurrency: number;
  /** BullMQ lock duration: how long a killed worker's job stays locked before another takes it over. */
  jobLockMs: number;
  /** How often each village's claims waiting for review are checked for reminders and escalations. */
  reviewFollowUpEveryMs: number;
  /** Messages per second each channel's provider takes (BullMQ limiter of its outbound queue). */
  sendPerSecond: { sms: number; wechat: number; qq: number };
  /** Messages per send job in the weekly fan-out. */
  weeklySendBatch: number;
  logLevel: string;
  /** `jifen backup` and the daily backup of the embedded default. */
  backups: BackupSettings;
  /** Shutdown, rate and flood limits, the workers' metrics port. */
  operations: OperationsSettings;
}

function integer(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function positive(env: Env, name: string, fallback: number): number {
  const value = integer(env, name, fallback);
  if (value === 0) throw new Error(`${name} must be at least 1`);
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000);
  const host = optional(env, 'HOST') ?? '127.0.0.1';
  const redisUrl = optional(env, 'REDIS_URL');
  const databaseUrl = optional(env, 'DATABASE_URL');
  if (redisUrl && !databaseUrl) {
    throw new Error('REDIS_URL needs DATABASE_URL: the embedded database listens on this machine only, so queues on Redis imply a shared PostgreSQL');
  }
  return {
    port,
    host,
    dataDir: path.resolve(optional(env, 'DATA_DIR') ?? 'data'),
    databaseUrl,
    redisUrl,
    queuePrefix: optional(env, 'QUEUE_PREFIX') ?? 'jifen',
    publicUrl: (optional(env, 'PUBLIC_URL') ?? `http://${host}:${port}`).replace(/\/+$/, ''),
    twilio: {
      accountSid: optional(env, 'TWILIO_ACCOUNT_SID'),
      authToken: optional(env, 'TWILIO_AUTH_TOKEN'),
      fromNumber: optional(env, 'TWILIO_FROM_NUMBER'),
      apiBaseUrl: optional(env, 'TWILIO_API_BASE_URL'),
    },
    apiToken: optional(env, 'JIFEN_API_TOKEN'),
    aliyunSms: aliyunSmsSettings(env),
    androidSms: androidSmsSettings(env),
    transcripts: transcriptSettings(env),
    wechatOfficial: wechatOfficialSettings(env),
    wechaty: wechatySettings(env),
    qq: qqSettings(env),
    speechToText: speechToTextSettings(env),
    // Unset: the bundled example village; set but empty: import nothing.
    seedVillageFile: env.SEED_VILLAGE_FILE === undefined ? path.join(packageRoot, 'example/fangniuping.yaml') : optional(env, 'SEED_VILLAGE_FILE'),
    workerConcurrency: integer(env, 'WORKER_CONCURRENCY', 16),
    jobLockMs: integer(env, 'JOB_LOCK_MS', 30_000),
    reviewFollowUpEveryMs: positive(env, 'REVIEW_FOLLOW_UP_EVERY_MS', 300_000),
    sendPerSecond: { sms: positive(env, 'SMS_MAX_PER_SECOND', 50), wechat: positive(env, 'WECHAT_MAX_PER_SECOND', 100), qq: positive(env, 'QQ_MAX_PER_SECOND', 20) },
    weeklySendBatch: positive(env, 'WEEKLY_SEND_BATCH', 50),
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info',
    backups: backupSettings(env, path.resolve(optional(env, 'DATA_DIR') ?? 'data')),
    operations: operationsSettings(env),
  };
}

export function describeBackend(config: Config): string {
  const database = config.databaseUrl ? 'PostgreSQL' : `embedded PostgreSQL (${config.dataDir})`;
  const queues = config.redisUrl ? 'BullMQ on Redis' : 'BullMQ on PostgreSQL';
  return `${database}, ${queues}`;
}

/** A URL's password (postgres://jifen:secret@…), if it has one. */
function passwordOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

/** Every secret the configuration holds: the logger replaces each wherever it would appear. */
export function configuredSecrets(config: Config): string[] {
  const { twilio, aliyunSms, androidSms, transcripts, wechatOfficial, wechaty, speechToText } = config;
  return [
    twilio.authToken, config.apiToken, aliyunSms.accessKeySecret, aliyunSms.pushToken, androidSms.password, androidSms.signingKey,
    transcripts.secret, wechatOfficial.token, wechatOfficial.encodingAesKey, wechatOfficial.appSecret, wechaty.puppetToken,
    speechToText.token, passwordOf(config.databaseUrl), passwordOf(config.redisUrl),
  ].filter((secret): secret is string => secret !== undefined);
}
