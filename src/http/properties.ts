/** JSON-schema properties the API's bodies share. Codes and phones are plain characters: no NUL, no control characters. */
export const householdCode = { type: 'string', minLength: 1, maxLength: 40, pattern: '^[\\p{L}\\p{N}._-]+$' } as const;

/** A code in the village's catalogue (S01). */
export const goodsCode = householdCode;

/** The phone number of the cadre on whose behalf the call is made. */
export const cadrePhone = { type: 'string', minLength: 5, maxLength: 20, pattern: '^\\+?[0-9 -]+$' } as const;

/** Free text a caller names something by (an idempotency key): any printable characters. */
export const printable = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }) as const;
