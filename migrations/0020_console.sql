CREATE TABLE "jifen"."console_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor" text NOT NULL,
	"ip" text NOT NULL,
	"action" text NOT NULL,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jifen"."console_sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"cadre_id" integer,
	"officer_id" integer,
	"ip" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "console_session_one_person" CHECK (("jifen"."console_sessions"."cadre_id" is null) <> ("jifen"."console_sessions"."officer_id" is null))
);
--> statement-breakpoint
CREATE TABLE "jifen"."console_sign_in_codes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"code" text NOT NULL,
	"ip" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jifen"."household_cards" (
	"id" serial PRIMARY KEY NOT NULL,
	"household_id" integer NOT NULL,
	"token_hash" text NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_cards_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "jifen"."officers" (
	"id" serial PRIMARY KEY NOT NULL,
	"township_id" integer NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "officers_phone_unique" UNIQUE("phone")
);
--> statement-breakpoint
CREATE TABLE "jifen"."township_villages" (
	"township_id" integer NOT NULL,
	"village_id" integer NOT NULL,
	CONSTRAINT "township_villages_township_id_village_id_pk" PRIMARY KEY("township_id","village_id")
);
--> statement-breakpoint
CREATE TABLE "jifen"."townships" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "townships_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "jifen"."console_sessions" ADD CONSTRAINT "console_sessions_cadre_id_cadres_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."console_sessions" ADD CONSTRAINT "console_sessions_officer_id_officers_id_fk" FOREIGN KEY ("officer_id") REFERENCES "jifen"."officers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."household_cards" ADD CONSTRAINT "household_cards_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."officers" ADD CONSTRAINT "officers_township_id_townships_id_fk" FOREIGN KEY ("township_id") REFERENCES "jifen"."townships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."township_villages" ADD CONSTRAINT "township_villages_township_id_townships_id_fk" FOREIGN KEY ("township_id") REFERENCES "jifen"."townships"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."township_villages" ADD CONSTRAINT "township_villages_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "console_audit_actor" ON "jifen"."console_audit" USING btree ("actor","created_at");--> statement-breakpoint
CREATE INDEX "console_codes_phone" ON "jifen"."console_sign_in_codes" USING btree ("phone","created_at");--> statement-breakpoint
CREATE INDEX "console_codes_ip" ON "jifen"."console_sign_in_codes" USING btree ("ip","created_at");--> statement-breakpoint
CREATE INDEX "household_cards_household" ON "jifen"."household_cards" USING btree ("household_id");