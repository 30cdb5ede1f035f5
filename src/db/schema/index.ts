export * from './namespace.ts';
export * from './villages.ts';
export * from './rules.ts';
export * from './messages.ts';
export * from './claims.ts';
export * from './ledger.ts';
export * from './deductions.ts';
export * from './redemptions.ts';
