import type { Executor } from '../db/database.ts';
import { consoleAudit } from '../db/schema/index.ts';

export interface AuditEntry {
  actor: string;
  ip: string;
  action: string;
  detail?: Record<string, unknown>;
}

/** Appends what someone did in the console; never a code or a token in `detail`. */
export async function audit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insert(consoleAudit).values({ ...entry, detail: entry.detail ?? null });
}
