CREATE SCHEMA "jifen";
--> statement-breakpoint
CREATE TABLE "jifen"."cadres" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"phone" text NOT NULL,
	"wechat" text,
	"can_approve" boolean DEFAULT false NOT NULL,
	"can_redeem" boolean DEFAULT false NOT NULL,
	"household_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cadres_phone_unique" UNIQUE("phone")
);
--> statement-breakpoint
CREATE TABLE "jifen"."households" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"code" text NOT NULL,
	"head" text NOT NULL,
	"group_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "jifen"."members" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_id" integer NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"wechat" text,
	"prefers" text DEFAULT 'sms' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_phone_unique" UNIQUE("phone"),
	CONSTRAINT "members_wechat_unique" UNIQUE("wechat"),
	CONSTRAINT "members_household_name" UNIQUE("household_id","name")
);
--> statement-breakpoint
CREATE TABLE "jifen"."villages" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"town" text,
	"district" text,
	"timezone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "villages_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "jifen"."catalogue_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"points" integer NOT NULL,
	"stock" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "catalogue_village_code" UNIQUE("village_id","code")
);
--> statement-breakpoint
CREATE TABLE "jifen"."rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"category" text NOT NULL,
	"name" text NOT NULL,
	"points" integer NOT NULL,
	"cap" integer,
	"per" text,
	"evidence" text,
	"keywords" text[] DEFAULT '{}' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_village_code" UNIQUE("village_id","code")
);
--> statement-breakpoint
CREATE TABLE "jifen"."inbound_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"sender" text NOT NULL,
	"text" text NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"raw" jsonb NOT NULL,
	"queued_at" timestamp with time zone,
	"processed_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "inbound_channel_external_id" UNIQUE("channel","external_id")
);
--> statement-breakpoint
CREATE TABLE "jifen"."outbound_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"sender" text,
	"text" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"provider_id" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "outbound_messages_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "jifen"."claim_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"claim_id" bigint NOT NULL,
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
CREATE TABLE "jifen"."claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"household_id" integer NOT NULL,
	"member_id" integer,
	"source_message_id" bigint NOT NULL,
	"rule_id" integer NOT NULL,
	"text" text NOT NULL,
	"state" text NOT NULL,
	"period_key" text NOT NULL,
	"points" integer,
	"reference" integer,
	"reviewed_by" integer,
	"reason" text,
	"claimed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_source_message_id_unique" UNIQUE("source_message_id")
);
--> statement-breakpoint
CREATE TABLE "jifen"."accounts" (
	"id" serial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"kind" text NOT NULL,
	"household_id" integer,
	"balance" bigint DEFAULT 0 NOT NULL,
	"lifetime_earned" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_household_id_unique" UNIQUE("household_id"),
	CONSTRAINT "household_balance_never_negative" CHECK ("jifen"."accounts"."kind" <> 'household' or "jifen"."accounts"."balance" >= 0),
	CONSTRAINT "household_account_has_household" CHECK (("jifen"."accounts"."kind" = 'household') = ("jifen"."accounts"."household_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "jifen"."ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transaction_id" bigint NOT NULL,
	"account_id" integer NOT NULL,
	"amount" bigint NOT NULL,
	CONSTRAINT "entry_amount_nonzero" CHECK ("jifen"."ledger_entries"."amount" <> 0)
);
--> statement-breakpoint
CREATE TABLE "jifen"."ledger_transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"input_hash" text NOT NULL,
	"kind" text NOT NULL,
	"memo" text NOT NULL,
	"affects_lifetime" boolean NOT NULL,
	"reverses_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transactions_idempotency_key_unique" UNIQUE("idempotency_key")
);
--> statement-breakpoint
ALTER TABLE "jifen"."cadres" ADD CONSTRAINT "cadres_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."cadres" ADD CONSTRAINT "cadres_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."households" ADD CONSTRAINT "households_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."members" ADD CONSTRAINT "members_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."catalogue_items" ADD CONSTRAINT "catalogue_items_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."rules" ADD CONSTRAINT "rules_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claim_events" ADD CONSTRAINT "claim_events_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "jifen"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claim_events" ADD CONSTRAINT "claim_events_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "jifen"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_source_message_id_inbound_messages_id_fk" FOREIGN KEY ("source_message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "jifen"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_reviewed_by_cadres_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."accounts" ADD CONSTRAINT "accounts_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."accounts" ADD CONSTRAINT "accounts_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."ledger_entries" ADD CONSTRAINT "ledger_entries_transaction_id_ledger_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "jifen"."ledger_transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "jifen"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_unqueued" ON "jifen"."inbound_messages" USING btree ("received_at") WHERE queued_at is null;--> statement-breakpoint
CREATE INDEX "outbound_address" ON "jifen"."outbound_messages" USING btree ("address","created_at");--> statement-breakpoint
CREATE INDEX "outbound_provider_id" ON "jifen"."outbound_messages" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "claim_events_claim" ON "jifen"."claim_events" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "claim_events_message" ON "jifen"."claim_events" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_open_reference" ON "jifen"."claims" USING btree ("village_id","reference") WHERE reference is not null and state in ('received','understood','validated','scored','awaiting_review','approved');--> statement-breakpoint
CREATE INDEX "claims_cap" ON "jifen"."claims" USING btree ("household_id","rule_id","period_key");--> statement-breakpoint
CREATE INDEX "claims_awaiting" ON "jifen"."claims" USING btree ("village_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_village_system" ON "jifen"."accounts" USING btree ("village_id","kind") WHERE household_id is null;--> statement-breakpoint
CREATE INDEX "ledger_entries_account" ON "jifen"."ledger_entries" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "ledger_entries_transaction" ON "jifen"."ledger_entries" USING btree ("transaction_id");