/** The PostgreSQL error under whatever the driver or ORM wrapped it in. */
export function pgError(error: unknown): { code?: string; constraint?: string } | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    if ('code' in current && typeof current.code === 'string') return current as { code?: string; constraint?: string };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isConstraintViolation = (error: unknown, constraint: string) => pgError(error)?.constraint === constraint;

/** Socket errors that mean the server cannot be reached, whatever query was running. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs of a server that is not there to answer: class 08 (connection exception), shutting
 * down or starting up (57P01–57P03), out of connections (53300).
 */
const UNREACHABLE_STATE = /^(08...|57P0[123]|53300)$/;
/** What node-postgres says, without a code, when a connection dies or the pool cannot get one in time (anchored: a wrapper's message quotes the query's text). */
const UNREACHABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable)/;

/**
 * True when PostgreSQL could not be reached (refused, dropped, timed out, shutting down), as
 * opposed to a query it refused (a constraint, a bug): the first is worth a retry or a spool, the
 * second is not. Looks through the causes the ORM wraps and the attempts of a multi-address connect.
 */
export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 6) return false;
  const { code, message, cause, errors } = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || UNREACHABLE_STATE.test(code))) return true;
  if (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnreachable(inner, depth + 1))) return true;
  return isDatabaseUnreachable(cause, depth + 1);
}
