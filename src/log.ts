import { pino, type DestinationStream, type Logger } from 'pino';

const PHONE = /\+?\d{11,15}/g;

/** +8613900010001 → +86139****0001: enough to tell numbers apart, not enough to call them. */
export function maskPhone(phone: string): string {
  const keep = Math.max(0, phone.length - 8);
  return `${phone.slice(0, keep)}****${phone.slice(-4)}`;
}

/**
 * A name as public pages show it (PIPL): the first and last characters, the rest starred — 王兰英 → 王*英,
 * 王英 → 王*, 欧阳兰英 → 欧**英. Characters, not UTF-16 units, so a rare character is never split.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

export function maskPhones(text: string): string {
  return text.replace(PHONE, maskPhone);
}

/** Query parameters that carry a secret or a request's signature: their values never reach a log. */
const SECRET_QUERY = /([?&](?:token|access_token|signature|msg_signature|key|secret|password|echostr)=)[^&#\s"']*/gi;
const REDACTED = '[redacted]';
/** A configured secret shorter than this would match ordinary words; none of jifen's are so short. */
const MIN_SECRET_LENGTH = 6;

/** Headers that carry a secret or a signature, censored wherever a request's headers are logged. */
const SECRET_HEADERS = ['authorization', 'cookie', 'x-jifen-push-token', 'x-jifen-signature', 'x-signature', 'x-twilio-signature'];

/** Replaces every configured secret and every secret query value in a text. */
function scrubber(secrets: readonly string[]): (text: string) => string {
  const known = [...new Set(secrets.filter((secret) => secret.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  return (text) => {
    let scrubbed = text.replace(SECRET_QUERY, `$1${REDACTED}`);
    for (const secret of known) scrubbed = scrubbed.replaceAll(secret, REDACTED);
    return maskPhones(scrubbed);
  };
}

/** A request as logged: its path without the query string (Aliyun's push token rides in it). */
function requestSerializer(request: { method?: string; url?: string; ip?: string; host?: string }) {
  return { method: request.method, url: request.url?.split('?')[0], host: request.host, remoteAddress: request.ip };
}

const isPlainObject = (value: object) => {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
};

/** Applies `scrub` to strings in strings, arrays and plain objects; anything else (requests, sockets) passes as it is. */
function scrubDeep(scrub: (text: string) => string, value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrub(value);
  if (!value || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubDeep(scrub, item, seen));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrubDeep(scrub, inner, seen)]));
}

/**
 * The process logger: phone numbers never reach a log line in clear, nor does any of `secrets` (the
 * configured tokens and keys), a secret query value or header, not even inside an error.
 */
export function createLogger(level: string, destination?: DestinationStream, secrets: readonly string[] = []): Logger {
  const scrub = scrubber(secrets);
  const clean = (value: unknown) => scrubDeep(scrub, value);
  return pino({
    level,
    redact: { paths: SECRET_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]), censor: REDACTED },
    serializers: {
      // The serialized error is no plain object: copy it into one so its message and stack are scrubbed too.
      err: (error: Error) => clean({ ...pino.stdSerializers.err(error) }),
      req: requestSerializer,
    },
    formatters: { log: (object) => clean(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // log.error(error) logs the error's message as msg: scrub it as an { err } object would be.
        const normalized = first instanceof Error ? [{ err: first }, ...(rest.length > 0 ? rest : [first.message])] : args;
        method.apply(this, normalized.map(clean) as Parameters<typeof method>);
      },
    },
  }, destination);
}

export type { Logger };
