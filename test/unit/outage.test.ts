import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoTimelyAnswer, Reachability } from '../../src/db/reachability.ts';
import { OutageNonces } from '../../src/messages/outage-nonces.ts';
import { OutageTexts, type VillageTexts } from '../../src/messages/outage-texts.ts';
import { templates } from '../../src/templates.ts';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('Reachability: one deadline per step, and no wait at all just after PostgreSQL was unreachable', () => {
  it('passes answers and query errors through, and keeps trying after a query error', async () => {
    let clock = 0;
    const reach = new Reachability(1_000, () => clock);
    expect(await reach.attempt(async () => 7)).toBe(7);
    await expect(reach.attempt(async () => { throw Object.assign(new Error('duplicate key'), { code: '23505' }); })).rejects.toThrow('duplicate key');
    clock += 1;
    expect(await reach.attempt(async () => 8)).toBe(8);
  });

  it('a step with no answer in time fails with the timeout, and the next steps within the timeout are not tried', async () => {
    let clock = 0;
    const reach = new Reachability(20, () => clock);
    await expect(reach.attempt(() => new Promise(() => {}))).rejects.toEqual(new NoTimelyAnswer('timeout'));
    let tried = false;
    clock += 19;
    await expect(reach.attempt(async () => { tried = true; })).rejects.toEqual(new NoTimelyAnswer('recently unreachable'));
    expect(tried).toBe(false);
    clock += 2;
    expect(await reach.attempt(async () => 'back')).toBe('back');
  });

  it('a refused connection marks PostgreSQL unreachable as well', async () => {
    let clock = 0;
    const reach = new Reachability(1_000, () => clock);
    await expect(reach.attempt(async () => { throw refused(); })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(reach.attempt(async () => 1)).rejects.toBeInstanceOf(NoTimelyAnswer);
  });
});

describe('OutageTexts: the village a message was sent to, as last read', () => {
  const village = (smsSenderNumber: string, kept: string): VillageTexts => ({ settings: { smsSenderNumber, texts: { spoken_kept: kept } } });

  it('picks the village whose number was called, else the only village, else the defaults', async () => {
    const two = new OutageTexts(async () => [village('+8613900009999', '放牛坪记下了'), village('+8613900008888', '双桥记下了')]);
    await two.read();
    expect(two.textsFor('+8613900008888').spoken.kept()).toBe('双桥记下了');
    expect(two.textsFor('+8613900001111').spoken.kept()).toBe(templates.spoken.kept());
    expect(two.textsFor(undefined).spoken.kept()).toBe(templates.spoken.kept());
    const one = new OutageTexts(async () => [village('+8613900009999', '放牛坪记下了')]);
    await one.read();
    expect(one.textsFor('+8613900001111').spoken.kept()).toBe('放牛坪记下了');
  });

  it('reads again only when the last reading is a minute old, and keeps it when a reading fails', async () => {
    let clock = 0;
    const readings: VillageTexts[][] = [[village('+86139', 'first')], [village('+86139', 'second')]];
    let reads = 0;
    const texts = new OutageTexts(async () => {
      reads++;
      const next = readings.shift();
      if (!next) throw refused();
      return next;
    }, () => clock);
    await texts.read();
    texts.refreshIfStale();
    expect(reads).toBe(1);
    clock += 60_000;
    texts.refreshIfStale();
    await texts.read(); // the refresh under way, then a failing one
    expect(texts.textsFor('+86139').spoken.kept()).toBe('second');
    expect(reads).toBe(2);
    await texts.read().catch(() => {});
    expect(texts.textsFor('+86139').spoken.kept()).toBe('second');
  });
});

describe('OutageNonces: nonces taken while PostgreSQL is down, on this machine', () => {
  let dir: string;
  beforeEach(async () => { dir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-nonces-')), 'nonces-jifen'); });
  afterEach(async () => { await fs.rm(path.dirname(dir), { recursive: true, force: true }); });
  const until = new Date('2026-12-03T08:10:00Z');

  it('takes a nonce once across instances (processes), remembers it, gives it back, and lists it whole', async () => {
    const [a, b] = [new OutageNonces(dir), new OutageNonces(dir)];
    const taken = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).claim('wechat-official', '1764748800:42', until)));
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await a.has('wechat-official', '1764748800:42')).toBe(true);
    expect(await a.has('qq', '1764748800:42')).toBe(false);
    const [listed] = await b.list();
    expect(listed).toEqual({ provider: 'wechat-official', nonce: '1764748800:42', expiresAt: until, file: expect.any(String), inPostgres: false });
    // Handed to PostgreSQL: still taken here.
    await b.markInPostgres(listed!);
    expect(await a.list()).toEqual([{ ...listed, inPostgres: true }]);
    expect(await a.claim('wechat-official', '1764748800:42', until)).toBe(false);
    await b.release('wechat-official', '1764748800:42');
    expect(await a.has('wechat-official', '1764748800:42')).toBe(false);
    expect(await a.claim('wechat-official', '1764748800:42', until)).toBe(true);
    const [kept] = await a.list();
    await a.remove(kept!);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('lists nothing before the first nonce (no folder yet)', async () => {
    expect(await new OutageNonces(dir).list()).toEqual([]);
  });
});
