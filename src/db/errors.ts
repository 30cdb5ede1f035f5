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
