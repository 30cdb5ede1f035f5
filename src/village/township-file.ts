import fs from 'node:fs/promises';
import { eq, inArray } from 'drizzle-orm';
import { parse as parseYaml } from 'yaml';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import type { Db } from '../db/database.ts';
import { officers, townships, townshipVillages, villages } from '../db/schema/index.ts';
import { mobileNumber } from '../messages/one-time-codes.ts';

/** A township (镇) file: the township, the codes of its villages (each imported from its own file) and its officers. */
export const TownshipFileSchema = Type.Object({
  township: Type.Object({ code: Type.String({ minLength: 1 }), name: Type.String({ minLength: 1 }) }),
  villages: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  officers: Type.Array(Type.Object({ name: Type.String({ minLength: 1 }), phone: Type.String({ minLength: 1 }) })),
});

export type TownshipFile = Static<typeof TownshipFileSchema>;

export class TownshipFileError extends Error {}

/** True when a YAML file describes a township rather than a village. */
export const isTownshipFile = (text: string) => /^township\s*:/m.test(text);

export function parseTownshipFile(text: string, source = 'township file'): TownshipFile {
  const data: unknown = parseYaml(text);
  const errors = Value.Errors(TownshipFileSchema, data);
  if (errors.length > 0) {
    throw new TownshipFileError(`${source} is not a valid township file:\n${errors.slice(0, 5).map((e) => `  ${e.instancePath || '/'}: ${e.message}`).join('\n')}`);
  }
  const file = data as TownshipFile;
  const bad = file.officers.find((officer) => !mobileNumber(officer.phone));
  if (bad) throw new TownshipFileError(`${source}: officer ${bad.name} has no mobile number (${bad.phone})`);
  return file;
}

export const readTownshipFile = async (file: string) => parseTownshipFile(await fs.readFile(file, 'utf8'), file);

/** Creates or updates a township, its villages and its officers (idempotent, like a village import); the villages must exist. */
export async function importTownship(db: Db, file: TownshipFile) {
  return db.transaction(async (tx) => {
    const known = await tx.select().from(villages).where(inArray(villages.code, file.villages));
    const missing = file.villages.filter((code) => !known.some((v) => v.code === code));
    if (missing.length > 0) throw new TownshipFileError(`import these villages first: ${missing.join(', ')}`);
    const [township] = await tx.insert(townships).values(file.township)
      .onConflictDoUpdate({ target: townships.code, set: { name: file.township.name } }).returning();
    await tx.delete(townshipVillages).where(eq(townshipVillages.townshipId, township!.id));
    await tx.insert(townshipVillages).values(known.map((village) => ({ townshipId: township!.id, villageId: village.id })));
    for (const officer of file.officers) {
      const phone = mobileNumber(officer.phone)!;
      await tx.insert(officers).values({ townshipId: township!.id, name: officer.name, phone })
        .onConflictDoUpdate({ target: officers.phone, set: { name: officer.name, townshipId: township!.id } });
    }
    return { township: township!.code, villages: known.length, officers: file.officers.length };
  });
}
