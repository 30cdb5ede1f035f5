import { Type } from 'typebox';

/**
 * JSON-schema properties the API's bodies share (typebox: one definition gives the schema, the type
 * and the API docs). Codes and phones are plain characters: no NUL, no control characters.
 */
export const householdCode = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\p{L}\\p{N}._-]+$', description: 'the household\'s code (FNP-001)' });

/** A code in the village's catalogue (S01). */
export const goodsCode = Type.String({ minLength: 1, maxLength: 40, pattern: '^[\\p{L}\\p{N}._-]+$', description: 'the goods\' code in the village\'s catalogue (S01)' });

/** The phone number of the cadre on whose behalf the call is made. */
export const cadrePhone = Type.String({ minLength: 5, maxLength: 20, pattern: '^\\+?[0-9 -]+$', description: 'the phone number of the cadre on whose behalf the call is made' });

/** Free text a caller names something by (an idempotency key): any printable characters. */
export const printable = (maxLength: number, description: string) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description });

/** An error's explanation, as every 4xx of the API answers it. */
export const ErrorReply = Type.Object({ error: Type.String() });
