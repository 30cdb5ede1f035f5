import { pino, type DestinationStream, type Logger } from 'pino';

const PHONE = /\+?\d{11,15}/g;

/** +8613900010001 → +86139****0001: enough to tell numbers apart, not enough to call them. */
export function maskPhone(phone: string): string {
  const keep = Math.max(0, phone.length - 8);
  return `${phone.slice(0, keep)}****${phone.slice(-4)}`;
}

export function maskPhones(text: string): string {
  return text.replace(PHONE, maskPhone);
}

const isPlainObject = (value: object) => {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/** Masks phone numbers in strings, arrays and plain objects; anything else (requests, sockets) passes as it is. */
function maskDeep(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return maskPhones(value);
  if (!value || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, seen));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, maskDeep(inner, seen)]));
}

/** The process logger: phone numbers never reach a log line in clear, not even inside an error. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    // The serialized error is no plain object: copy it into one so its message and stack are masked too.
    serializers: { err: (error: Error) => maskDeep({ ...pino.stdSerializers.err(error) }) },
    formatters: { log: (object) => maskDeep(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // log.error(error) logs the error's message as msg: mask it as an { err } object would be.
        const normalized = first instanceof Error ? [{ err: first }, ...(rest.length > 0 ? rest : [first.message])] : args;
        method.apply(this, normalized.map((arg) => maskDeep(arg)) as Parameters<typeof method>);
      },
    },
  }, destination);
}

export type { Logger };
