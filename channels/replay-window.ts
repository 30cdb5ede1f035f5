/**
 * Replay protection shared by every provider that signs a time: a request whose time is more than
 * five minutes from jifen's clock, either way (clocks drift), is refused as a replay or a forgery.
 */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/** Why an instant is outside the window, or undefined when it is fresh; `what` names the field in the answer. */
export function staleProblem(atMs: number, nowMs: number, what: string): string | undefined {
  if (!Number.isFinite(atMs)) return `${what} is not a time`;
  return Math.abs(nowMs - atMs) > REPLAY_WINDOW_MS ? `${what} is more than 5 minutes away` : undefined;
}

const single = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** Why a Unix-seconds field (a header or query value) is refused, or undefined when it is fresh. */
export function unixSecondsProblem(value: unknown, nowMs: number, what: string): string | undefined {
  const text = single(value);
  if (text === undefined || !/^\d{1,15}$/.test(text)) return `${what} is missing or not Unix seconds`;
  // whole seconds on both sides: a request signed exactly five minutes ago is still fresh
  return staleProblem(Number(text) * 1000, Math.floor(nowMs / 1000) * 1000, what);
}
