import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalizedInbound } from '../../channels/types.ts';
import { isDatabaseUnreachable } from '../../src/db/errors.ts';
import { CLAIM_LEASE_MS, InboundSpool, spoolDatabaseName } from '../../src/messages/spool.ts';
import { decodeSpool } from '../../src/messages/spool-file.ts';

const message = (externalId: string): NormalizedInbound => ({
  channel: 'sms', externalId, sender: '+8613900020003', text: '查积分', attachments: [], receivedAt: new Date('2026-12-03T08:00:00Z'), raw: {},
});
const now = new Date('2026-12-03T08:00:01Z');

let dir: string;
beforeEach(async () => { dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-spool-')), 'spool'); });
afterEach(async () => { await fs.rm(path.dirname(dir), { recursive: true, force: true }); });

const ids = async (files: { path: string }[]) => (await Promise.all(files.map(async (f) => decodeSpool(await fs.readFile(f.path, 'utf8')).records)))
  .flat().map((r) => r.message.externalId).sort();

describe('InboundSpool on disk', () => {
  it('creates its folder and appends every message, concurrent ones whole, to one file of this process', async () => {
    const spool = new InboundSpool(dir, 'jifen');
    await Promise.all(Array.from({ length: 50 }, (_, i) => spool.append(message(`SM${i}`), now)));
    const names = await fs.readdir(dir);
    expect(names).toEqual([`inbound-jifen-2026-12-03-${spool.owner}.jsonl`]);
    const { records, corrupt } = decodeSpool(await fs.readFile(path.join(dir, names[0]!), 'utf8'));
    expect(corrupt).toEqual([]);
    expect(records.map((r) => r.message.externalId)).toEqual(Array.from({ length: 50 }, (_, i) => `SM${i}`));
    expect(await spool.waiting()).toBe(50);
  });

  it('fails when the folder cannot be written, so the webhook answers 5xx', async () => {
    await fs.writeFile(dir, 'a file where the folder should be');
    await expect(new InboundSpool(dir, 'jifen').append(message('SM1'), now)).rejects.toThrow();
  });

  it('lets one of two importers claim a file, and each import only its own database', async () => {
    const writer = new InboundSpool(dir, 'jifen');
    await writer.append(message('SM1'), now);
    await new InboundSpool(dir, 'jifen_test_x').append(message('SM2'), now);
    const [a, b] = [new InboundSpool(dir, 'jifen'), new InboundSpool(dir, 'jifen')];
    const [claimedA, claimedB] = await Promise.all([a.claim(now), b.claim(now)]);
    expect(claimedA.length + claimedB.length).toBe(1);
    expect(await ids([...claimedA, ...claimedB])).toEqual(['SM1']);
    // Held: the other importer does not take it within the lease; the holder finds its own claim again.
    expect(await b.claim(now)).toEqual([]);
    expect(await (claimedA.length ? a : b).claim(now)).toEqual([...claimedA, ...claimedB]);
  });

  it('takes over a claim whose importer died once its lease is over', async () => {
    await new InboundSpool(dir, 'jifen').append(message('SM1'), now);
    const dead = new InboundSpool(dir, 'jifen');
    await dead.claim(now);
    const live = new InboundSpool(dir, 'jifen');
    expect(await live.claim(new Date(now.getTime() + CLAIM_LEASE_MS - 1))).toEqual([]);
    const later = new Date(now.getTime() + CLAIM_LEASE_MS + 1);
    const taken = await live.claim(later);
    expect(await ids(taken)).toEqual(['SM1']);
    expect(await dead.claim(later)).toEqual([]); // the dead one's name is gone
  });

  it('writes to a fresh file after its file was claimed, so nothing lands in a file already imported', async () => {
    const spool = new InboundSpool(dir, 'jifen');
    await spool.append(message('SM1'), now);
    const importer = new InboundSpool(dir, 'jifen');
    const [claimed] = await importer.claim(now);
    await spool.append(message('SM2'), now);
    await importer.remove(claimed!);
    expect(await ids(await importer.claim(now))).toEqual(['SM2']);
  });

  it('keeps the lines it could not import in a .rejected file that is not counted as waiting', async () => {
    const spool = new InboundSpool(dir, 'jifen');
    await spool.append(message('SM1'), now);
    const [claimed] = await spool.claim(now);
    const kept = await spool.reject(claimed!, ['{"torn']);
    await spool.remove(claimed!);
    expect(await fs.readFile(kept, 'utf8')).toBe('{"torn\n');
    expect(await spool.waiting()).toBe(0);
    expect(await spool.claim(now)).toEqual([]);
  });

  it('names the spool after the database, without the dashes that separate a file name', () => {
    expect(spoolDatabaseName('postgres://jifen:secret@db.example.org:5432/jifen')).toBe('jifen');
    expect(spoolDatabaseName('postgres://root@127.0.0.1:5432/jifen-prod')).toBe('jifen_prod');
    expect(spoolDatabaseName('postgres://root@127.0.0.1:5432')).toBe('postgres');
  });
});

describe('isDatabaseUnreachable', () => {
  it('is true for a refused connection (a real one)', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'root', database: 'x' });
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    expect(isDatabaseUnreachable(error)).toBe(true);
    expect(isDatabaseUnreachable(new Error('Failed query: insert …', { cause: error }))).toBe(true);
  });

  it('is true for a connection dropped mid-query (a real one)', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new pg.Client({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, user: 'root', database: 'x' });
    client.on('error', () => {});
    const error = await client.connect().then(() => undefined, (e: unknown) => e);
    server.close();
    expect(isDatabaseUnreachable(error)).toBe(true);
  });

  it.each([
    ['shutting down', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['starting up', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
  ])('is true for a server %s', (_label, error) => expect(isDatabaseUnreachable(error)).toBe(true));

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a bug', new TypeError('value?.replaceAll is not a function')],
    ['a query quoting a villager who wrote the words', new Error('Failed query: insert … params: Connection terminated')],
    ['nothing', undefined],
  ])('is false for %s', (_label, error) => expect(isDatabaseUnreachable(error)).toBe(false));
});
