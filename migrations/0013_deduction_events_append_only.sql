-- A deduction's history (appeal, decision) is an audit trail like claim_events: append-only.
CREATE TRIGGER "deduction_events_append_only"
  BEFORE UPDATE OR DELETE ON "jifen"."deduction_events"
  FOR EACH ROW EXECUTE FUNCTION "jifen"."ledger_append_only"();
--> statement-breakpoint
CREATE TRIGGER "deduction_events_no_truncate"
  BEFORE TRUNCATE ON "jifen"."deduction_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "jifen"."ledger_append_only"();
