import { Type } from 'typebox';

/** JSON-schema properties the API's bodies share (typebox: one definition gives the schema, the type and the API docs). */
export const householdCode = Type.String({ minLength: 1, maxLength: 40, description: 'the household\'s code (FNP-001)' });

/** The phone number of the cadre on whose behalf the call is made. */
export const cadrePhone = Type.String({ minLength: 5, maxLength: 20, description: 'the phone number of the cadre on whose behalf the call is made' });

/** An error's explanation, as every 4xx of the API answers it. */
export const ErrorReply = Type.Object({ error: Type.String() });
