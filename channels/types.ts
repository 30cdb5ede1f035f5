import type { FastifyPluginAsync } from 'fastify';
import type { Attachment } from '../src/db/schema/messages.ts';

/** What every channel adapter turns a provider's payload into. Adapters know nothing about points. */
export interface NormalizedInbound {
  channel: string;
  externalId: string;
  sender: string;
  /** The address it was sent to (the village's number): answers go out from it. */
  recipient?: string;
  text: string;
  attachments: Attachment[];
  receivedAt: Date;
  raw: Record<string, unknown>;
}

export interface OutboundRequest {
  to: string;
  text: string;
  /** Sender address when the deployment does not configure one (e.g. the village's SMS number). */
  from?: string;
  /** What kind of message it is ('claim_ack', 'posted' …) and its values: providers that send only approved templates pick one by it. */
  kind?: string;
  params?: Record<string, string>;
  /** The villager's message this answers (its provider id and time) and the answer's number among those to it: for passive replies (QQ). */
  replyTo?: { id: string; at: string; seq: number };
}

/** A file a provider keeps for one of its messages (a voice note's audio). */
export interface Media {
  data: Buffer;
  contentType: string;
}

export type SendResult = { status: 'sent'; providerId: string } | { status: 'dry_run' };

export type DeliveryStatus = 'sent' | 'delivered' | 'failed';

/** What jifen would make of a message before it is sent in: for reading back on a phone call. */
export interface Preview {
  /**
   * claim: confirm before sending it in; answer: say it, nothing to confirm; unclear: ask again;
   * unknown_caller: not registered; unchecked: PostgreSQL is unreachable, so the words themselves are
   * read back: confirmed, they are kept in the spool and answered by SMS when it is back.
   */
  kind: 'claim' | 'answer' | 'unclear' | 'unknown_caller' | 'unchecked';
  /** What to say (zh-CN), e.g. "您申报的是：庭院卫生整洁，2分". */
  speech: string;
}

/**
 * A message taken in: stored (its row id; a duplicate of one stored before), or spooled to disk while
 * PostgreSQL is unreachable (no row yet), with what to tell the sender now if the channel answers
 * at once (a call): in their village's words, that it is kept and will be answered.
 */
export type AcceptedInbound =
  | { id: number; duplicate: boolean; spooled?: undefined }
  | { id?: undefined; duplicate: false; spooled: true; acknowledgement: string };

/**
 * What the core offers adapters: store what arrives, record what the provider reports, preview a
 * spoken claim, and remember the nonces of signed requests (shared by every process) to refuse replays.
 */
export interface ChannelHost {
  acceptInbound(message: NormalizedInbound): Promise<AcceptedInbound>;
  recordDelivery(providerId: string, status: DeliveryStatus, error?: string): Promise<void>;
  /** `recipient`: the number called, for the village's texts when the caller cannot be looked up (PostgreSQL down). */
  preview(channel: string, sender: string, text: string, recipient?: string): Promise<Preview>;
  /** Required by adapters whose signatures do not cover the body (WeChat plaintext mode). */
  nonces?: NonceStore;
}

/** Nonces of signed requests within the replay window, shared by every server process (while PostgreSQL is down, by those of this machine). */
export interface NonceStore {
  /** True the first time `nonce` is seen for `provider` before `expiresAt`, false for a replay. */
  claim(provider: string, nonce: string, expiresAt: Date): Promise<boolean>;
  /** Gives a nonce back when its request failed on our side, so the provider's retry is accepted. */
  release(provider: string, nonce: string): Promise<void>;
}

export interface ChannelAdapter {
  /** Who carries the messages: 'twilio', 'aliyun', 'wechaty', 'wechat-official' … */
  provider: string;
  /** Stored on every message, whichever provider carried it: 'sms', 'wechat', 'voice'. */
  channel: string;
  /** Mount point of the provider's webhooks: /channels/<prefix>/… */
  prefix: string;
  capabilities: { maxLength: number; media: boolean };
  /** True when sending only records the message (no provider credentials). */
  dryRun: boolean;
  /** Absent for an inbound-only adapter (a transcript feed). */
  send?(message: OutboundRequest): Promise<SendResult>;
  routes?: FastifyPluginAsync<{ host: ChannelHost }>;
  /** The file behind one of this provider's attachment URLs; undefined when the URL is another provider's. */
  fetchMedia?(url: string): Promise<Media | undefined>;
  /** For a provider that keeps a connection of its own (a Wechaty bot): started with the server. */
  start?(host: ChannelHost): Promise<void>;
  stop?(): Promise<void>;
}

/** The provider refused the message for good (bad number, opted out): retrying cannot help. */
export class PermanentSendError extends Error {}
