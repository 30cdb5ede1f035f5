CREATE TABLE "jifen"."member_consents" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" integer NOT NULL,
	"source" text NOT NULL,
	"purpose" text NOT NULL,
	"consented_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_consents_once" UNIQUE("member_id","source","purpose")
);
--> statement-breakpoint
CREATE TABLE "jifen"."privacy_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"household_id" integer,
	"member_id" integer,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jifen"."inbound_messages" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "jifen"."member_consents" ADD CONSTRAINT "member_consents_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "jifen"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."privacy_events" ADD CONSTRAINT "privacy_events_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."privacy_events" ADD CONSTRAINT "privacy_events_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "jifen"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_events_household" ON "jifen"."privacy_events" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "inbound_not_erased" ON "jifen"."inbound_messages" USING btree ("received_at") WHERE erased_at is null;