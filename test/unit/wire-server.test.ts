import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PgliteWireServer } from '../../src/db/wire-server.ts';

describe('the embedded database wire server', () => {
  let db: PGlite;
  let server: PgliteWireServer;
  let url: string;
  beforeAll(async () => {
    db = await PGlite.create('memory://');
    server = new PgliteWireServer(db);
    url = `postgres://postgres@127.0.0.1:${await server.listen('127.0.0.1')}/postgres`;
    await db.exec('create table t (id int primary key, v text)');
  });
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('keeps each client\'s parse/bind/execute together under concurrency', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 12 });
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      i % 2 === 0
        ? pool.query('select $1::int * 2 as n', [i]).then((r) => r.rows[0].n)
        : pool.query('select $1::int + $2::int + $3::int as n', [i, 1, 1]).then((r) => r.rows[0].n)));
    expect(answers).toEqual(Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? i * 2 : i + 2)));
    await pool.end();
  });

  it('runs only the owner\'s statements while it holds a transaction, and rolls back a client that vanishes in one', async () => {
    const doomed = new pg.Client({ connectionString: url });
    await doomed.connect();
    doomed.on('error', () => {});
    await doomed.query('begin');
    await doomed.query("insert into t values (1, 'never committed')");
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    const blocked = other.query('insert into t values (2, \'after\') returning id');
    let finished = false;
    void blocked.then(() => { finished = true; });
    await doomed.query('select 1'); // the owner still runs while the other waits
    expect(finished).toBe(false);
    (doomed as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect((await blocked).rows).toEqual([{ id: 2 }]);
    expect((await other.query('select id from t order by id')).rows).toEqual([{ id: 2 }]);
    await other.end();
  });

  it('delivers a NOTIFY to a LISTEN on another connection', async () => {
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    await listener.query('listen wakeup');
    const heard = new Promise<string | undefined>((resolve) => listener.on('notification', (n) => resolve(n.payload)));
    const sender = new pg.Client({ connectionString: url });
    await sender.connect();
    await sender.query("select pg_notify('wakeup', 'queue-a')");
    expect(await heard).toBe('queue-a');
    await Promise.all([listener.end(), sender.end()]);
  });
});
