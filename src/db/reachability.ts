import { isDatabaseUnreachable, pgError } from './errors.ts';

/** PostgreSQL gave no answer within the webhook's deadline, or could not be reached a moment ago and was not tried. */
export class NoTimelyAnswer extends Error {
  constructor(readonly reason: 'timeout' | 'recently unreachable') {
    super(reason === 'timeout' ? 'PostgreSQL did not answer in time' : 'PostgreSQL was unreachable a moment ago');
  }
}

/** True when a webhook should answer from the local side (the spool, the local nonce memory) instead of PostgreSQL. */
export const answerLocally = (error: unknown) => error instanceof NoTimelyAnswer || isDatabaseUnreachable(error);

/** Why answerLocally: the SQLSTATE or the reason only (a wrapped query error quotes the message's text). */
export const unreachableReason = (error: unknown) =>
  (error instanceof NoTimelyAnswer ? error.reason : (pgError(error)?.code ?? 'connection lost'));

/**
 * What a webhook asks of PostgreSQL, each step bounded by INBOUND_STORE_TIMEOUT_MS (below WeChat's
 * 5 s). After a step finds it unreachable, the steps of the next `timeoutMs` are not tried at all:
 * a request with two steps (a WeChat nonce, then its message) waits once, not twice, and while
 * PostgreSQL hangs the requests behind it answer from the spool at once.
 */
export class Reachability {
  private downUntil = 0;

  constructor(private readonly timeoutMs: number, private readonly now: () => number = Date.now) {}

  async attempt<T>(work: () => Promise<T>): Promise<T> {
    if (this.now() < this.downUntil) throw new NoTimelyAnswer('recently unreachable');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new NoTimelyAnswer('timeout')), this.timeoutMs);
    });
    try {
      // A step that finishes after its deadline still finishes: its caller's fallback must tolerate that (the import does).
      return await Promise.race([work(), deadline]);
    } catch (error) {
      if (answerLocally(error)) this.downUntil = this.now() + this.timeoutMs;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
