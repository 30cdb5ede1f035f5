/** JSON-schema properties the API's bodies share. */
export const householdCode = { type: 'string', minLength: 1, maxLength: 40 } as const;

/** The phone number of the cadre on whose behalf the call is made. */
export const cadrePhone = { type: 'string', minLength: 5, maxLength: 20 } as const;
