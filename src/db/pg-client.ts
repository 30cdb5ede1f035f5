import pg from 'pg';

/**
 * A node-postgres client for pools (jifen's and BullMQ's). A client in use whose connection drops
 * (PostgreSQL stopped) fails its query and also emits 'error'; unheard, that event would crash the
 * process — and with it the webhooks that spool while PostgreSQL is down. The pool replaces the client.
 * (Not named …Pool…: drizzle takes a client whose class name contains "Pool" for a pool.)
 */
export class DropTolerantClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => {});
  }
}
