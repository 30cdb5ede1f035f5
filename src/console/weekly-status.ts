import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { Village } from '../db/schema/index.ts';

/** Weeks the page shows per village, newest first. */
const WEEKS_SHOWN = 8;

export interface WeekStatus {
  week: string;
  /** The village's households now. */
  households: number;
  /** Households the run recorded a notice for (one row each: dedupe key weekly-<household>-<week>). */
  recorded: number;
  sent: number;
  delivered: number;
  failed: number;
  optedOut: number;
  /** Recorded in the quiet hours and not sent yet: held to their end. */
  held: number;
  pending: number;
  dryRun: number;
  /** Households with no notice recorded: nobody to reach (no phone, no usable WeChat). */
  unreachable: number;
}

/** The village's weekly runs as the outbound rows they wrote (kind weekly_balance), by ISO week and delivery status. */
export async function weeklyStatus(db: Executor, village: Village): Promise<WeekStatus[]> {
  const quiet = village.settings.quietHours;
  const localTime = sql`(o.created_at at time zone ${village.timezone})::time`;
  const inQuietHours = quiet
    ? sql`case when ${quiet.from}::time > ${quiet.to}::time then ${localTime} >= ${quiet.from}::time or ${localTime} < ${quiet.to}::time
        else ${localTime} >= ${quiet.from}::time and ${localTime} < ${quiet.to}::time end`
    : sql`false`;
  const { rows } = await db.execute<Omit<WeekStatus, 'unreachable' | 'households'> & { households: number }>(sql`
    select o.params->>'week' as week,
      (select count(*) from jifen.households where village_id = ${village.id})::int as households,
      count(*)::int as recorded,
      count(*) filter (where o.status in ('sent', 'delivered'))::int as sent,
      count(*) filter (where o.status = 'delivered')::int as delivered,
      count(*) filter (where o.status = 'failed')::int as failed,
      count(*) filter (where o.status = 'opted_out')::int as "optedOut",
      count(*) filter (where o.status = 'pending' and ${inQuietHours})::int as held,
      count(*) filter (where o.status = 'pending' and not (${inQuietHours}))::int as pending,
      count(*) filter (where o.status = 'dry_run')::int as "dryRun"
    from jifen.outbound_messages o
    join jifen.households h on h.id = substring(o.dedupe_key from '^weekly-(\\d+)-')::int
    where o.kind = 'weekly_balance' and o.dedupe_key like 'weekly-%' and h.village_id = ${village.id}
    group by 1 order by 1 desc limit ${WEEKS_SHOWN}`);
  return rows.map((row) => ({ ...row, unreachable: Math.max(0, row.households - row.recorded) }));
}
