import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.ts';
import { accounts, cadres, catalogueItems, households, members, rules, villages } from '../db/schema/index.ts';
import { ensureSystemAccounts } from '../ledger/accounts.ts';
import type { VillageFile } from './village-file.ts';

export interface ImportSummary {
  village: string;
  households: number;
  members: number;
  cadres: number;
  rules: number;
  deductions: number;
  catalogue: number;
}

/** `excluded.col` for ON CONFLICT … DO UPDATE: take the incoming value. */
const incoming = (column: string) => sql.raw(`excluded.${column}`);

type RuleRow = VillageFile['rules'][number];

async function upsertRules(tx: Executor, villageId: number, kind: 'earn' | 'deduct', list: RuleRow[]) {
  if (list.length === 0) return;
  await tx.insert(rules).values(list.map((rule) => ({
    villageId, kind, code: rule.code, category: rule.category, name: rule.name, shortName: rule.short ?? null, points: rule.points,
    cap: rule.cap ?? null, per: rule.per ?? null, evidence: rule.evidence ?? null, keywords: rule.keywords ?? [], twoPerson: rule.two_person ?? false, active: true,
  }))).onConflictDoUpdate({
    target: [rules.villageId, rules.code],
    set: {
      kind: incoming('kind'), category: incoming('category'), name: incoming('name'), shortName: incoming('short_name'), points: incoming('points'),
      cap: incoming('cap'), per: incoming('per'), evidence: incoming('evidence'), keywords: incoming('keywords'),
      twoPerson: incoming('two_person'), active: sql`true`,
    },
  });
}

/** A cadre who is also listed as a member of a household belongs to that household. */
async function householdOfPhone(tx: Executor, phone: string): Promise<number | null> {
  const [member] = await tx.select({ householdId: members.householdId }).from(members).where(eq(members.phone, phone));
  return member?.householdId ?? null;
}

/**
 * Creates or updates households with their members and accounts (by household code, and member
 * name within a household); the village file and the console's roster import share it.
 */
export async function upsertHouseholds(tx: Executor, villageId: number, list: VillageFile['households']) {
  const householdIds = new Map<string, number>();
  let memberCount = 0;
  for (const household of list) {
    const [row] = await tx.insert(households).values({
      villageId, code: household.code, head: household.head, groupName: household.group,
    }).onConflictDoUpdate({
      target: households.code,
      set: { villageId: incoming('village_id'), head: incoming('head'), groupName: incoming('group_name') },
    }).returning({ id: households.id });
    householdIds.set(household.code, row!.id);
    if (household.members.length === 0) continue;
    memberCount += household.members.length;
    await tx.insert(members).values(household.members.map((member) => ({
      householdId: row!.id, name: member.name, phone: member.phone ?? null, wechat: member.wechat ?? null, prefers: member.prefers ?? 'sms',
    }))).onConflictDoUpdate({
      target: [members.householdId, members.name],
      set: { phone: incoming('phone'), wechat: incoming('wechat'), prefers: incoming('prefers') },
    });
  }
  if (householdIds.size > 0) {
    await tx.insert(accounts).values([...householdIds.values()].map((householdId) => ({ villageId, kind: 'household' as const, householdId })))
      .onConflictDoNothing();
  }
  return { householdIds, members: memberCount };
}

/** Creates or updates everything the file describes; running it twice changes nothing the second time. */
export async function importVillage(db: Db, file: VillageFile): Promise<ImportSummary> {
  const v = file.village;
  return db.transaction(async (tx) => {
    const [village] = await tx.insert(villages).values({
      code: v.code, name: v.name, town: v.town, district: v.district, timezone: v.timezone ?? 'Asia/Shanghai',
      settings: {
        weeklyNotification: v.weekly_notification, quietHours: v.quiet_hours, publicityDays: v.publicity_days ?? 0,
        pointsExpire: v.points_expire, smsSenderNumber: v.sms_sender_number, synonyms: file.lexicon?.synonyms,
        publicFullNames: v.public_full_names && { chosenBy: v.public_full_names.chosen_by, chosenOn: v.public_full_names.chosen_on },
        stars: v.stars && { per: v.stars.per, thresholds: [...v.stars.thresholds].sort((a, b) => a - b) },
        review: v.review && {
          remindAfterHours: v.review.remind_after_hours, escalateAfterHours: v.review.escalate_after_hours, twoPersonMinPoints: v.review.two_person_min_points,
        },
      },
    }).onConflictDoUpdate({
      target: villages.code,
      set: {
        name: incoming('name'), town: incoming('town'), district: incoming('district'), timezone: incoming('timezone'), settings: incoming('settings'),
        vocabularyVersion: sql`${villages.vocabularyVersion} + 1`,
      },
    }).returning({ id: villages.id });
    const villageId = village!.id;

    await upsertRules(tx, villageId, 'earn', file.rules);
    await upsertRules(tx, villageId, 'deduct', file.deductions ?? []);
    const listed = [...file.rules, ...(file.deductions ?? [])].map((rule) => rule.code);
    // Items dropped from the village's lists stay for history (old claims point at them) but stop matching.
    await tx.update(rules).set({ active: false }).where(and(eq(rules.villageId, villageId), notInArray(rules.code, listed)));

    if (file.catalogue?.length) {
      await tx.insert(catalogueItems).values(file.catalogue.map((item) => ({
        villageId, code: item.code, name: item.name, points: item.points, stock: item.stock ?? null,
      }))).onConflictDoUpdate({
        target: [catalogueItems.villageId, catalogueItems.code],
        // Stock is counted down by redemptions: a re-import names goods and prices, it does not restock.
        set: { name: incoming('name'), points: incoming('points') },
      });
    }

    const { householdIds, members: memberCount } = await upsertHouseholds(tx, villageId, file.households);
    await ensureSystemAccounts(tx, villageId);

    for (const cadre of file.cadres) {
      const householdId = cadre.household ? householdIds.get(cadre.household) ?? null : await householdOfPhone(tx, cadre.phone);
      await tx.insert(cadres).values({
        villageId, name: cadre.name, role: cadre.role, phone: cadre.phone, wechat: cadre.wechat ?? null, prefers: cadre.prefers ?? 'sms',
        canApprove: cadre.can_approve ?? false, canRedeem: cadre.can_redeem ?? false, canAnnounce: cadre.can_announce ?? false, reviewsFirst: cadre.reviews_first ?? false, householdId,
      }).onConflictDoUpdate({
        target: cadres.phone,
        set: {
          villageId: incoming('village_id'), name: incoming('name'), role: incoming('role'), wechat: incoming('wechat'), prefers: incoming('prefers'),
          canApprove: incoming('can_approve'), canRedeem: incoming('can_redeem'), canAnnounce: incoming('can_announce'), reviewsFirst: incoming('reviews_first'), householdId: incoming('household_id'),
        },
      });
    }

    return {
      village: v.code,
      households: file.households.length,
      members: memberCount,
      cadres: file.cadres.length,
      rules: file.rules.length,
      deductions: file.deductions?.length ?? 0,
      catalogue: file.catalogue?.length ?? 0,
    };
  });
}
