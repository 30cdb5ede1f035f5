import type { NormalizedInbound } from '../../channels/types.ts';

/**
 * One line of an inbound spool file (JSON Lines): a message a webhook could not store because
 * PostgreSQL was unreachable, exactly as it would have been stored. A line is written whole, with
 * its newline, in one write; a crash mid-write leaves at most a torn last line, which the reader
 * skips and reports.
 */
export interface SpooledInbound {
  spooledAt: Date;
  message: NormalizedInbound;
}

export interface CorruptLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
  reason: string;
}

const VERSION = 1;

export function encodeSpooled(message: NormalizedInbound, spooledAt: Date): string {
  return `${JSON.stringify({ v: VERSION, spooledAt: spooledAt.toISOString(), message })}\n`;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function validDate(value: unknown): Date | undefined {
  const date = isString(value) ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** One line back into a message; throws with the reason when it is not a whole spooled message. */
function decodeLine(text: string): SpooledInbound {
  const record: unknown = JSON.parse(text);
  if (!isObject(record) || record.v !== VERSION) throw new Error(`not a version ${VERSION} spool record`);
  const spooledAt = validDate(record.spooledAt);
  const message = record.message;
  if (!spooledAt || !isObject(message)) throw new Error('no spooledAt or message');
  const { channel, externalId, sender, recipient, text: body, attachments, raw } = message;
  const receivedAt = validDate(message.receivedAt);
  if (!isString(channel) || !isString(externalId) || externalId === '' || !isString(sender) || !isString(body)) throw new Error('a text field is missing');
  if (recipient !== undefined && !isString(recipient)) throw new Error('recipient is not text');
  if (!Array.isArray(attachments) || !isObject(raw) || !receivedAt) throw new Error('attachments, raw or receivedAt is missing');
  return {
    spooledAt,
    message: { channel, externalId, sender, recipient, text: body, attachments: attachments as NormalizedInbound['attachments'], receivedAt, raw },
  };
}

/** Every whole message in a spool file's text, in order, and every line that is not one (blank lines are neither). */
export function decodeSpool(text: string): { records: SpooledInbound[]; corrupt: CorruptLine[] } {
  const records: SpooledInbound[] = [];
  const corrupt: CorruptLine[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(decodeLine(line));
    } catch (error) {
      corrupt.push({ line: index + 1, text: line, reason: (error as Error).message });
    }
  });
  return { records, corrupt };
}
