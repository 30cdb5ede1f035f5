import { PermanentSendError } from '../types.ts';

export type SessionState = 'idle' | 'starting' | 'online' | 'offline' | 'failed' | 'stopped';

/**
 * Whether the WeChat account can send, and since when: sends wait (a retried error) while the account
 * is starting or logged out, and fail for good (so the core falls back to SMS) once it has been away
 * longer than the grace period or the bot could not start at all.
 */
export class LoginSession {
  state: SessionState = 'idle';
  /** Epoch ms of the last change of state. */
  since: number;
  private detail?: string;
  private waiters: Array<{ state: SessionState; resolve: () => void }> = [];

  constructor(private readonly now: () => number, private readonly graceMs: number) {
    this.since = now();
  }

  set(state: SessionState, details: { detail?: string } = {}): void {
    this.since = this.now();
    this.state = state;
    this.detail = details.detail;
    const ready = this.waiters.filter((waiter) => waiter.state === state);
    this.waiters = this.waiters.filter((waiter) => waiter.state !== state);
    for (const waiter of ready) waiter.resolve();
  }

  /** Resolves when the session is (or next becomes) in this state. */
  waitFor(state: SessionState): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ state, resolve }));
  }

  /** Why a message cannot be sent now; undefined while online. */
  sendBlocker(): Error | undefined {
    const minutes = Math.round((this.now() - this.since) / 60_000);
    switch (this.state) {
      case 'online':
        return undefined;
      case 'idle':
      case 'stopped':
        return new Error('WeChat (Wechaty) is not running in this process');
      case 'failed':
        return new PermanentSendError(`WeChat (Wechaty) could not start: ${this.detail ?? 'unknown error'}`);
      case 'starting':
      case 'offline':
        if (this.now() - this.since >= this.graceMs) {
          return new PermanentSendError(`WeChat account not logged in for ${minutes} min${this.detail ? ` (${this.detail})` : ''}`);
        }
        return new Error(`WeChat account not logged in yet (${this.state} for ${minutes} min): will retry`);
    }
  }
}
