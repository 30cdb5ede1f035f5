import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { NormalizedInbound } from '../../channels/types.ts';
import { encodeSpooled } from './spool-file.ts';

/** A claim older than this was left by an importer that died: another may take the file over. */
export const CLAIM_LEASE_MS = 10 * 60_000;

const CLAIMED = /^(?<file>.+\.jsonl)\.importing-(?<at>\d+)-(?<owner>[\w-]+)$/;

/** A spool file being imported: its current name, and the name it was written under. */
export interface ClaimedFile {
  path: string;
  original: string;
}

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Makes a directory entry (a file created or renamed in it) survive a power cut. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * The local, append-only spool of inbound messages PostgreSQL could not take (DATA_DIR/spool).
 * Each process writes files of its own, `inbound-<database>-<day>-<process>.jsonl`, one message a
 * line, fsync'd before `append` resolves. An importer claims a file by renaming it
 * (`….importing-<when>-<who>`): a rename succeeds for one process only, and a writer that finds its
 * file renamed under it writes the message again to a fresh one (the import is idempotent).
 */
export class InboundSpool {
  /** This process's name in file names: pid plus a random part, as a pid repeats across restarts. */
  readonly owner = `${process.pid}-${randomBytes(3).toString('hex')}`;
  private writing: Promise<unknown> = Promise.resolve();

  /** `database` keeps the spools of several databases sharing a DATA_DIR (test suites) apart. */
  constructor(readonly dir: string, readonly database: string) {}

  /** Appends a message; resolves once it is on disk. Appends of one process are written one at a time. */
  append(message: NormalizedInbound, now = new Date()): Promise<void> {
    const written = this.writing.then(() => this.write(encodeSpooled(message, now), now));
    this.writing = written.catch(() => {});
    return written;
  }

  private fileOf(now: Date): string {
    return path.join(this.dir, `inbound-${this.database}-${now.toISOString().slice(0, 10)}-${this.owner}.jsonl`);
  }

  private async write(line: string, now: Date): Promise<void> {
    const created = await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    if (created) await syncDirectory(path.dirname(created));
    for (let attempt = 0; attempt < 3; attempt++) {
      const file = this.fileOf(now);
      const handle = await fs.open(file, 'a', 0o600);
      try {
        await handle.write(line);
        await handle.datasync();
        const [written, current] = await Promise.all([handle.stat(), fs.stat(file).catch(() => undefined)]);
        if (current?.ino === written.ino && current.dev === written.dev) {
          if (written.size === Buffer.byteLength(line)) await syncDirectory(this.dir);
          return;
        }
        // An importer claimed the file between open and write: write it again to a fresh one.
      } finally {
        await handle.close();
      }
    }
    throw new Error(`spool file ${this.fileOf(now)} was claimed three times while writing`);
  }

  private async names(): Promise<string[]> {
    return (await fs.readdir(this.dir).catch((error) => {
      if (isMissing(error)) return [];
      throw error;
    })).sort();
  }

  /**
   * Claims every file of this database waiting to be imported: files nobody claimed, this
   * process's own earlier claims, and claims older than the lease (their importer died).
   */
  async claim(now = new Date()): Promise<ClaimedFile[]> {
    const claimed: ClaimedFile[] = [];
    const prefix = `inbound-${this.database}-`;
    for (const name of await this.names()) {
      if (!name.startsWith(prefix)) continue;
      const claim = CLAIMED.exec(name)?.groups;
      const original = claim?.file ?? name;
      if (claim?.owner === this.owner) {
        claimed.push({ path: path.join(this.dir, name), original });
        continue;
      }
      const free = claim ? now.getTime() - Number(claim.at) > CLAIM_LEASE_MS : name.endsWith('.jsonl');
      if (!free) continue;
      const target = path.join(this.dir, `${original}.importing-${now.getTime()}-${this.owner}`);
      try {
        await fs.rename(path.join(this.dir, name), target);
        claimed.push({ path: target, original });
      } catch (error) {
        if (!isMissing(error)) throw error; // another importer renamed it first
      }
    }
    return claimed;
  }

  /** Keeps lines that could not be imported next to the spool, for the operator (`<file>.rejected`). */
  async reject(file: ClaimedFile, lines: string[]): Promise<string> {
    const target = path.join(this.dir, `${file.original}.rejected`);
    await fs.writeFile(target, lines.map((line) => `${line}\n`).join(''), { mode: 0o600 });
    return target;
  }

  /** Removes an imported file; gone already (a takeover finished it) is fine. */
  async remove(file: ClaimedFile): Promise<void> {
    await fs.rm(file.path, { force: true });
  }

  /** Names of this database's files waiting or being imported. */
  async files(): Promise<string[]> {
    return (await this.names()).filter((name) => name.startsWith(`inbound-${this.database}-`) && !name.endsWith('.rejected'));
  }

  /** Messages written and not imported yet, in every file of this database (lines counted on disk). */
  async waiting(): Promise<number> {
    // A file claimed (renamed) between listing and reading is listed again under its new name.
    for (let attempt = 0; ; attempt++) {
      try {
        let lines = 0;
        for (const name of await this.files()) {
          const text = await fs.readFile(path.join(this.dir, name), 'utf8');
          lines += text.split('\n').filter((line) => line.trim() !== '').length;
        }
        return lines;
      } catch (error) {
        if (!isMissing(error) || attempt === 3) throw error;
      }
    }
  }
}

/** The spool's name for a database: its name in the connection URL (postgres://…/jifen → jifen), without dashes (they separate the file name's parts). */
export function spoolDatabaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  return name.replace(/\W/g, '_');
}
