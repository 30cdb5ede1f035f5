import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/**
 * Serves one PGlite to many PostgreSQL clients over the wire protocol.
 *
 * PGlite is a single session, so this multiplexes connections onto it. Unlike
 * @electric-sql/pglite-socket (whose queue interleaves single protocol messages, so one
 * client's Bind can land on another's Parse), it runs each client's messages up to and
 * including Sync (or a simple Query) as one unit, and while a client holds a transaction
 * open only that client's units run.
 */
const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
/** Message types that end a unit: Sync, simple Query, Terminate. */
const UNIT_END = new Set(['S'.charCodeAt(0), 'Q'.charCodeAt(0), 'X'.charCodeAt(0)]);
const TERMINATE = 'X'.charCodeAt(0);
const NOTIFICATION_RESPONSE = 'A'.charCodeAt(0);

interface Unit {
  connection: Connection;
  bytes: Uint8Array;
  /** A connection's startup handshake touches no transaction: it may run while another holds one. */
  startup?: boolean;
}

class Connection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private pending: Buffer[] = [];
  closed = false;

  constructor(readonly socket: net.Socket, private readonly submit: (unit: Unit) => void) {}

  receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.take(length);
        if (code === SSL_REQUEST) this.socket.write('N');
        else if (code === CANCEL_REQUEST) this.socket.end();
        else {
          this.started = true;
          this.submit({ connection: this, bytes: message, startup: true });
        }
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1) + 1;
      if (this.buffer.length < length) return;
      const type = this.buffer[0]!;
      this.pending.push(this.take(length));
      if (type === TERMINATE) {
        this.socket.end();
        return;
      }
      if (UNIT_END.has(type)) {
        this.submit({ connection: this, bytes: Buffer.concat(this.pending) });
        this.pending = [];
      }
    }
  }

  private take(length: number): Buffer {
    const message = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return Buffer.from(message);
  }
}

export class PgliteWireServer {
  private readonly server: net.Server;
  private queue: Unit[] = [];
  private running = false;
  /** The connection whose transaction is open; only its units may run until it ends. */
  private owner: Connection | undefined;
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly db: PGlite) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  async listen(host: string, port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket, (unit) => this.enqueue(unit));
    this.sockets.add(socket);
    socket.on('data', (chunk) => connection.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.drop(connection);
    });
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.run();
  }

  private drop(connection: Connection): void {
    connection.closed = true;
    this.queue = this.queue.filter((unit) => unit.connection !== connection);
    void this.run();
  }

  private next(): Unit | undefined {
    const index = this.owner ? this.queue.findIndex((unit) => unit.connection === this.owner || unit.startup) : 0;
    return index < 0 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        if (this.owner?.closed) {
          // A client that vanished mid-transaction must not leave the session stuck in it.
          await this.db.exec('ROLLBACK').catch(() => {});
          this.owner = undefined;
        }
        const unit = this.next();
        if (!unit) break;
        const { connection, bytes } = unit;
        if (connection.closed) continue;
        const output: Uint8Array[] = [];
        await this.db.runExclusive(() => this.db.execProtocolRawStream(bytes, { onRawData: (data) => output.push(data.slice()) }))
          .catch((error: unknown) => connection.socket.destroy(error as Error));
        if (!unit.startup) this.owner = this.db.isInTransaction() ? connection : undefined;
        const response = Buffer.concat(output);
        if (!connection.closed && connection.socket.writable) connection.socket.write(response);
        this.broadcastNotifications(response, connection);
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * PGlite returns a NOTIFY's NotificationResponse to the connection that sent it: pass it on to
   * every other connection, so a LISTEN elsewhere (BullMQ's waiting workers) wakes as on PostgreSQL.
   */
  private broadcastNotifications(response: Buffer, sender: Connection): void {
    for (let offset = 0; offset + 5 <= response.length;) {
      const length = response.readInt32BE(offset + 1) + 1;
      if (response[offset] === NOTIFICATION_RESPONSE) {
        const message = response.subarray(offset, offset + length);
        for (const socket of this.sockets) if (socket !== sender.socket && socket.writable) socket.write(message);
      }
      offset += length;
    }
  }
}
