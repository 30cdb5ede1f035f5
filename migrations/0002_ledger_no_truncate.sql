-- Row triggers do not fire on TRUNCATE: refuse it too on the append-only tables.
CREATE TRIGGER "ledger_entries_no_truncate"
  BEFORE TRUNCATE ON "jifen"."ledger_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION "jifen"."ledger_append_only"();
--> statement-breakpoint
CREATE TRIGGER "ledger_transactions_no_truncate"
  BEFORE TRUNCATE ON "jifen"."ledger_transactions"
  FOR EACH STATEMENT EXECUTE FUNCTION "jifen"."ledger_append_only"();
--> statement-breakpoint
CREATE TRIGGER "claim_events_no_truncate"
  BEFORE TRUNCATE ON "jifen"."claim_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "jifen"."ledger_append_only"();
