import fs from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { checkVillageTimes, WeeklySettingError } from '../weekly/calendar.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const Rule = Type.Object({
  code: Type.String({ minLength: 1 }),
  category: Type.String(),
  name: Type.String({ minLength: 1 }),
  /** A name short enough for routine SMS (review requests) to fit one segment; the full name everywhere else. */
  short: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
  points: Type.Integer(),
  cap: Type.Optional(Type.Integer({ minimum: 1 })),
  per: Type.Optional(Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('year'), Type.Literal('term')])),
  evidence: Type.Optional(Type.String()),
  /** Extra words villagers use for this item, matched by the understanding stage. */
  keywords: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /** Needs two different approvers (两人审核), whatever its points. */
  two_person: Type.Optional(Type.Boolean()),
});

const Member = Type.Object({
  name: Type.String(),
  phone: Type.Optional(Type.String()),
  wechat: Type.Optional(Type.String()),
  prefers: Type.Optional(Type.String()),
});

export const VillageFileSchema = Type.Object({
  village: Type.Object({
    code: Type.String({ minLength: 1 }),
    name: Type.String(),
    town: Type.Optional(Type.String()),
    district: Type.Optional(Type.String()),
    timezone: Type.Optional(Type.String()),
    weekly_notification: Type.Optional(Type.Object({ day: Type.String(), time: Type.String() })),
    quiet_hours: Type.Optional(Type.Object({ from: Type.String(), to: Type.String() })),
    publicity_days: Type.Optional(Type.Integer({ minimum: 0 })),
    /** end_of_year_plus_1: points earned in year Y can be spent until 31 December of Y+1; never (or absent): no expiry. */
    points_expire: Type.Optional(Type.Union([Type.Literal('end_of_year_plus_1'), Type.Literal('never')])),
    sms_sender_number: Type.Optional(Type.String()),
    /**
     * Public pages (the publicity list) mask names (王*英) unless the village chooses full names here,
     * saying who chose it and when (a villagers' meeting's decision): PIPL asks for a recorded choice.
     */
    public_full_names: Type.Optional(Type.Object({ chosen_by: Type.String({ minLength: 1 }), chosen_on: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) })),
    /**
     * 星级文明户: a household earns a star for each threshold its net points of the period reach
     * (awards minus deductions; per: year or month of the village's calendar, or all: the lifetime total).
     */
    stars: Type.Optional(Type.Object({
      per: Type.Union([Type.Literal('year'), Type.Literal('month'), Type.Literal('all')]),
      thresholds: Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 5 }),
    })),
    /** Hours until a waiting claim's reviewers are reminded and all approvers asked; items needing two approvers. */
    review: Type.Optional(Type.Object({
      remind_after_hours: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      escalate_after_hours: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
      two_person_min_points: Type.Optional(Type.Integer({ minimum: 1 })),
    })),
  }),
  cadres: Type.Array(Type.Object({
    name: Type.String(),
    role: Type.String(),
    phone: Type.String(),
    wechat: Type.Optional(Type.String()),
    prefers: Type.Optional(Type.String()),
    can_approve: Type.Optional(Type.Boolean()),
    can_redeem: Type.Optional(Type.Boolean()),
    /** May send announcements (村务通知, 「通知 …」) to every household. */
    can_announce: Type.Optional(Type.Boolean()),
    /** Gets a claim's first review request (with nobody marked, every approver does). */
    reviews_first: Type.Optional(Type.Boolean()),
    /** Code of the cadre's own household, if they live in the village. */
    household: Type.Optional(Type.String()),
  })),
  rules: Type.Array(Rule),
  deductions: Type.Optional(Type.Array(Rule)),
  catalogue: Type.Optional(Type.Array(Type.Object({
    code: Type.String(),
    name: Type.String(),
    points: Type.Integer({ minimum: 0 }),
    stock: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  }))),
  /** The village's own words for understanding messages, added to jifen's lexicon. */
  lexicon: Type.Optional(Type.Object({
    /** Dialect or local word → the standard word (坝子 → 院坝). */
    synonyms: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }))),
  })),
  households: Type.Array(Type.Object({
    code: Type.String({ minLength: 1 }),
    head: Type.String(),
    group: Type.Optional(Type.String()),
    members: Type.Array(Member),
  })),
});

export type VillageFile = Static<typeof VillageFileSchema>;

export class VillageFileError extends Error {}

export function parseVillageFile(text: string, source = 'village file'): VillageFile {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new VillageFileError(`${source}: not valid YAML: ${(error as Error).message}`);
  }
  const errors = Value.Errors(VillageFileSchema, data);
  if (errors.length > 0) {
    const lines = errors.slice(0, 5).map((e) => `  ${e.instancePath || '/'}: ${e.message}`);
    throw new VillageFileError(`${source} is not a valid village file:\n${lines.join('\n')}`);
  }
  const file = data as VillageFile;
  try {
    checkVillageTimes({ weeklyNotification: file.village.weekly_notification, quietHours: file.village.quiet_hours });
  } catch (error) {
    if (error instanceof WeeklySettingError) throw new VillageFileError(`${source}: ${error.message}`);
    throw error;
  }
  return file;
}

export async function readVillageFile(file: string): Promise<VillageFile> {
  return parseVillageFile(await fs.readFile(file, 'utf8'), file);
}
