-- Ledger invariants the database enforces, whatever code writes to it.
-- 1. Every transaction's entries sum to zero (checked at commit, so entries can be inserted one by one).
-- 2. Transactions and entries are append-only: a mistake is reversed by a new transaction.
CREATE FUNCTION "jifen"."ledger_transaction_balances"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_sum bigint;
  v_count integer;
BEGIN
  SELECT coalesce(sum(amount), 0), count(*) INTO v_sum, v_count
    FROM "jifen"."ledger_entries" WHERE transaction_id = NEW.transaction_id;
  IF v_sum <> 0 OR v_count < 2 THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced: % entries summing to %', NEW.transaction_id, v_count, v_sum
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "ledger_entries_balance"
  AFTER INSERT ON "jifen"."ledger_entries"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "jifen"."ledger_transaction_balances"();
--> statement-breakpoint
CREATE FUNCTION "jifen"."ledger_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "ledger_entries_append_only"
  BEFORE UPDATE OR DELETE ON "jifen"."ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "jifen"."ledger_append_only"();
--> statement-breakpoint
CREATE TRIGGER "ledger_transactions_append_only"
  BEFORE UPDATE OR DELETE ON "jifen"."ledger_transactions"
  FOR EACH ROW EXECUTE FUNCTION "jifen"."ledger_append_only"();
--> statement-breakpoint
CREATE TRIGGER "claim_events_append_only"
  BEFORE UPDATE OR DELETE ON "jifen"."claim_events"
  FOR EACH ROW EXECUTE FUNCTION "jifen"."ledger_append_only"();
