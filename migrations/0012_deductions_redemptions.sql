CREATE TABLE "jifen"."deduction_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deduction_id" bigint NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor" text NOT NULL,
	"channel" text,
	"message_id" bigint,
	"reason" text,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jifen"."deductions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"village_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"rule_id" integer NOT NULL,
	"reference" integer GENERATED ALWAYS AS (1000 + id % 9000) STORED NOT NULL,
	"points_listed" integer NOT NULL,
	"points_taken" integer NOT NULL,
	"cadre_id" integer NOT NULL,
	"message_id" bigint,
	"state" text DEFAULT 'recorded' NOT NULL,
	"transaction_id" bigint,
	"replaces_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deductions_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "jifen"."redemptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"village_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"cadre_id" integer,
	"lines" jsonb NOT NULL,
	"points" integer NOT NULL,
	"state" text DEFAULT 'done' NOT NULL,
	"transaction_id" bigint,
	"reversal_transaction_id" bigint,
	"reversed_by" integer,
	"reversed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "redemptions_key_unique" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "jifen"."deduction_events" ADD CONSTRAINT "deduction_events_deduction_id_deductions_id_fk" FOREIGN KEY ("deduction_id") REFERENCES "jifen"."deductions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deduction_events" ADD CONSTRAINT "deduction_events_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deductions" ADD CONSTRAINT "deductions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deductions" ADD CONSTRAINT "deductions_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deductions" ADD CONSTRAINT "deductions_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "jifen"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deductions" ADD CONSTRAINT "deductions_cadre_id_cadres_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deductions" ADD CONSTRAINT "deductions_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."deductions" ADD CONSTRAINT "deductions_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "jifen"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."redemptions" ADD CONSTRAINT "redemptions_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."redemptions" ADD CONSTRAINT "redemptions_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."redemptions" ADD CONSTRAINT "redemptions_cadre_id_cadres_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."redemptions" ADD CONSTRAINT "redemptions_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "jifen"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."redemptions" ADD CONSTRAINT "redemptions_reversal_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("reversal_transaction_id") REFERENCES "jifen"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."redemptions" ADD CONSTRAINT "redemptions_reversed_by_cadres_id_fk" FOREIGN KEY ("reversed_by") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deduction_events_deduction" ON "jifen"."deduction_events" USING btree ("deduction_id");--> statement-breakpoint
CREATE INDEX "deduction_events_message" ON "jifen"."deduction_events" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "deductions_reference" ON "jifen"."deductions" USING btree ("village_id","reference");--> statement-breakpoint
CREATE INDEX "deductions_household" ON "jifen"."deductions" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "redemptions_household" ON "jifen"."redemptions" USING btree ("household_id");