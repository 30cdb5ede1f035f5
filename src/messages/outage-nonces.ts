import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.ts';
import { syncDirectory } from './spool.ts';

/** A nonce taken while PostgreSQL was unreachable. */
export interface LocalNonce {
  provider: string;
  nonce: string;
  expiresAt: Date;
  /** The file that holds it. */
  file: string;
  /** PostgreSQL holds it too (the import handed it over): kept here all the same until it expires. */
  inPostgres: boolean;
}

/** Files being written start so. */
const TEMPORARY = '.writing-';
/** Beside a nonce's file once the import handed it to PostgreSQL. */
const IN_POSTGRES = '.in-postgres';

const isCode = (error: unknown, code: string) => (error as NodeJS.ErrnoException).code === code;

/**
 * Nonces of signed requests taken while PostgreSQL was unreachable (WeChat plaintext mode), kept
 * next to the spool (`DATA_DIR/spool/nonces-<database>/`) until they expire; the import hands them
 * to PostgreSQL meanwhile, for the other processes, and they stay here too: just after PostgreSQL is
 * back, webhooks may still answer from this memory (context.reachability) for a moment. One file
 * per nonce, created exclusively and fsync'd before the request is answered: of two processes on
 * this machine only one takes a nonce, and a restart forgets none. A file is never taken over: a
 * nonce's key holds its request's timestamp, refused as stale long before the file expires.
 */
export class OutageNonces {
  constructor(readonly dir: string) {}

  private fileOf(provider: string, nonce: string): string {
    return path.join(this.dir, createHash('sha256').update(`${provider}\n${nonce}`).digest('hex'));
  }

  /** True the first time the nonce is taken on this machine, false when it was taken here before. */
  async claim(provider: string, nonce: string, expiresAt: Date): Promise<boolean> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Written whole under a name of its own, then linked in: a link fails if the nonce's file exists, and is never seen half-written.
    const written = path.join(this.dir, `${TEMPORARY}${randomBytes(6).toString('hex')}`);
    try {
      await fs.writeFile(written, JSON.stringify({ provider, nonce, expiresAt: expiresAt.toISOString() }), { mode: 0o600, flush: true });
      await fs.link(written, this.fileOf(provider, nonce));
    } catch (error) {
      if (isCode(error, 'EEXIST')) return false;
      throw error;
    } finally {
      await fs.rm(written, { force: true });
    }
    await syncDirectory(this.dir);
    return true;
  }

  /** True when the nonce was taken here (and has not expired, or not long ago). */
  async has(provider: string, nonce: string): Promise<boolean> {
    return fs.access(this.fileOf(provider, nonce)).then(() => true, (error) => {
      if (isCode(error, 'ENOENT')) return false;
      throw error;
    });
  }

  /** Gives a nonce back (its request failed on our side: the provider's retry carries it again). */
  async release(provider: string, nonce: string): Promise<void> {
    await fs.rm(this.fileOf(provider, nonce), { force: true });
  }

  /** Every nonce kept here; a file that is not one (never expected) is listed as expired, to be dropped. */
  async list(): Promise<LocalNonce[]> {
    const names = await fs.readdir(this.dir).catch((error) => {
      if (isCode(error, 'ENOENT')) return [] as string[];
      throw error;
    });
    const nonceFiles = names.filter((name) => !name.startsWith(TEMPORARY) && !name.endsWith(IN_POSTGRES));
    return Promise.all(nonceFiles.map(async (name): Promise<LocalNonce> => {
      const file = path.join(this.dir, name);
      const inPostgres = names.includes(`${name}${IN_POSTGRES}`);
      try {
        const { provider, nonce, expiresAt } = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, string>;
        return { provider: provider!, nonce: nonce!, expiresAt: new Date(expiresAt!), file, inPostgres };
      } catch {
        return { provider: '', nonce: '', expiresAt: new Date(0), file, inPostgres };
      }
    }));
  }

  /** Notes that PostgreSQL holds the nonce now (no need to fsync: handing it over again is harmless). */
  async markInPostgres(nonce: LocalNonce): Promise<void> {
    await fs.writeFile(`${nonce.file}${IN_POSTGRES}`, '', { mode: 0o600 });
  }

  async remove(nonce: LocalNonce): Promise<void> {
    await fs.rm(`${nonce.file}${IN_POSTGRES}`, { force: true });
    await fs.rm(nonce.file, { force: true });
  }
}

/** The local nonce memory of a context's spool (DATA_DIR/spool/nonces-<database>/), as the webhooks and the import see it. */
export const outageNoncesOf = (context: Pick<Context, 'spool'>) => new OutageNonces(path.join(context.spool.dir, `nonces-${context.spool.database}`));
