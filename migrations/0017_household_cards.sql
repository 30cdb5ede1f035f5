CREATE TABLE "jifen"."household_cards" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_id" integer NOT NULL,
	"token_hash" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_cards_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "jifen"."household_cards" ADD CONSTRAINT "household_cards_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "household_cards_household" ON "jifen"."household_cards" USING btree ("household_id");