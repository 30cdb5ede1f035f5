import { and, asc, eq, gte, lt, ne, notInArray } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/database.ts';
import { claimEvidence, claims, inboundMessages, type Attachment, type InboundMessage } from '../db/schema/index.ts';

/** How long before a claim's words a photo sent on its own still counts as their evidence. */
export const EARLIER_PHOTO_MINUTES = 30;

const isImage = (attachment: Attachment) => attachment.contentType?.startsWith('image') ?? false;
const photoLinks = (messages: Array<{ attachments: Attachment[] }>) => messages.flatMap(({ attachments }) => attachments.filter(isImage).map((a) => a.url));

/**
 * Links the photos the same sender sent on their own (no words) on the same channel within
 * EARLIER_PHOTO_MINUTES before `message` to the claims `message` made, unless a claim of another
 * message has them already. Idempotent: a re-run links nothing twice. Returns their photos' links.
 */
export async function linkEarlierPhotos(tx: Transaction, message: InboundMessage, claimIds: number[]): Promise<string[]> {
  if (claimIds.length === 0) return [];
  const usedElsewhere = tx.select({ messageId: claimEvidence.messageId }).from(claimEvidence)
    .innerJoin(claims, eq(claims.id, claimEvidence.claimId))
    .where(ne(claims.sourceMessageId, message.id));
  const earlier = await tx.select({ id: inboundMessages.id, text: inboundMessages.text, attachments: inboundMessages.attachments })
    .from(inboundMessages).where(and(
      eq(inboundMessages.channel, message.channel), eq(inboundMessages.sender, message.sender),
      lt(inboundMessages.id, message.id),
      gte(inboundMessages.receivedAt, new Date(message.receivedAt.getTime() - EARLIER_PHOTO_MINUTES * 60_000)),
      notInArray(inboundMessages.id, usedElsewhere),
    )).orderBy(asc(inboundMessages.id));
  const photos = earlier.filter((candidate) => candidate.text.trim() === '' && candidate.attachments.some(isImage));
  if (photos.length === 0) return [];
  await tx.insert(claimEvidence).values(claimIds.flatMap((claimId) => photos.map(({ id }) => ({ claimId, messageId: id }))))
    .onConflictDoNothing();
  return photoLinks(photos);
}

/** A claim's evidence when its own message and the photos linked to it are at hand: the message's photos first. */
export const photosWith = (message: Pick<InboundMessage, 'attachments'>, linked: string[]) => [...photoLinks([message]), ...linked];

/** The photos that are evidence for a claim: those sent with its words first, then those sent before them. */
export async function photosOfClaim(db: Executor, claim: { id: number; sourceMessageId: number }): Promise<string[]> {
  const [source] = await db.select({ attachments: inboundMessages.attachments }).from(inboundMessages)
    .where(eq(inboundMessages.id, claim.sourceMessageId));
  const linked = await db.select({ attachments: inboundMessages.attachments }).from(claimEvidence)
    .innerJoin(inboundMessages, eq(inboundMessages.id, claimEvidence.messageId))
    .where(eq(claimEvidence.claimId, claim.id)).orderBy(asc(claimEvidence.messageId));
  return photoLinks([...(source ? [source] : []), ...linked]);
}
