/** The environment as jifen reads it: process.env, or a plain record in tests. */
export type Env = Record<string, string | undefined>;

/** A variable's value, trimmed; blank counts as unset. */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
