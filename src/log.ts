import { pino, type Logger } from 'pino';

const PHONE = /\+?\d{11,15}/g;

/** +8613900010001 → +86139****0001: enough to tell numbers apart, not enough to call them. */
export function maskPhone(phone: string): string {
  const keep = Math.max(0, phone.length - 8);
  return `${phone.slice(0, keep)}****${phone.slice(-4)}`;
}

export function maskPhones(text: string): string {
  return text.replace(PHONE, maskPhone);
}

function maskDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPhones(value);
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value && typeof value === 'object' && !(value instanceof Error)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskDeep(inner)]));
  }
  return value;
}

/** The process logger: phone numbers never reach a log line in clear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map(maskDeep) as Parameters<typeof method>);
      },
    },
  });
}

export type { Logger };
